// The report's co-edit groups: the co-change graph drawn on a circle with
// its labels in two columns beside it, and a table of the groups with their comparison to the
// built-in groups.
#include "report_parts.hpp"

#include "mlv/lifecycle/report.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace mlv::lifecycle::report {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr size_t max_label_chars = 48;
constexpr double char_width = 6.6; // an estimate for 12 px sans-serif
constexpr double slot_length = 18.0;

// A node on the circle: its graph index, angle and colour.
struct Placed {
    size_t node = 0;
    double angle = 0.0;
    std::string color;
    std::string group; // empty when ungrouped
};

std::string shorten(const std::string& text) {
    if (text.size() <= max_label_chars) {
        return text;
    }
    const size_t keep = (max_label_chars - 1) / 2;
    return text.substr(0, keep) + "\u2026" + text.substr(text.size() - keep);
}

std::string label_of(const CoChangeNode& node) {
    return shorten(node.name) + (node.present ? "" : " (deleted)");
}

std::string fixed(double value, int decimals) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

// Places the members of each group on consecutive slots of the circle, one
// empty slot between groups, then the ungrouped nodes that changed.
std::vector<Placed> place_nodes(const GroupsResult& groups, size_t& slot_count) {
    std::vector<Placed> placed;
    size_t slot = 0;
    for (size_t g = 0; g < groups.groups.size(); ++g) {
        for (const size_t node : groups.groups[g].nodes) {
            placed.push_back({node, static_cast<double>(slot++), std::string(group_color(g)),
                              groups.groups[g].name});
        }
        ++slot;
    }

    std::vector<size_t> loose;
    for (size_t node = 0; node < groups.graph.nodes.size(); ++node) {
        if (groups.graph.nodes[node].commits == 0) {
            continue;
        }
        const bool grouped = std::any_of(placed.begin(), placed.end(),
                                         [&](const Placed& p) { return p.node == node; });
        if (!grouped) {
            loose.push_back(node);
        }
    }
    std::sort(loose.begin(), loose.end(), [&](size_t left, size_t right) {
        return groups.graph.nodes[left].name < groups.graph.nodes[right].name;
    });
    for (const size_t node : loose) {
        placed.push_back({node, static_cast<double>(slot++), "#999999", ""});
    }

    slot_count = std::max<size_t>(slot, 1);
    for (auto& p : placed) {
        p.angle = -pi / 2.0 + 2.0 * pi * p.angle / static_cast<double>(slot_count);
    }
    return placed;
}

std::string node_tooltip(const CoChangeNode& node, const std::string& group) {
    std::string tooltip = node.name;
    if (!node.present) {
        tooltip += " (deleted)";
    }
    tooltip += "\n" + (group.empty() ? std::string("ungrouped") : "group: " + group);
    tooltip += "\nchanged in " + text::count_noun(node.commits, "commit") + ", " +
               text::count_noun(node.sessions, "session");
    if (!node.former_names.empty()) {
        tooltip += "\nformer names:";
        for (const auto& name : node.former_names) {
            tooltip += " " + name;
        }
    }
    return tooltip;
}

// A node label beside the circle: horizontal text in a column on the node's
// side, joined to the node by a leader line.
struct Label {
    const Placed* node = nullptr;
    double node_x = 0.0;
    double node_y = 0.0;
    double y = 0.0;
};

// Spreads the labels of one side vertically so that no two are closer than
// `spacing`, keeping each as near its node's height as possible and all of
// them between `top` and `bottom`.
void spread_labels(std::vector<Label>& labels, double spacing, double top, double bottom) {
    std::sort(labels.begin(), labels.end(),
              [](const Label& a, const Label& b) { return a.node_y < b.node_y; });
    for (size_t i = 0; i < labels.size(); ++i) {
        labels[i].y = std::max(labels[i].node_y, top);
        if (i > 0) {
            labels[i].y = std::max(labels[i].y, labels[i - 1].y + spacing);
        }
    }

    // Pushed past the bottom: shift back up from the last label.
    for (size_t i = labels.size(); i > 0; --i) {
        const double limit = i == labels.size() ? bottom : labels[i].y - spacing;
        labels[i - 1].y = std::min(labels[i - 1].y, limit);
    }
}

std::string draw_graph(const GroupsResult& groups) {
    size_t slot_count = 0;
    const auto placed = place_nodes(groups, slot_count);

    size_t longest = 0;
    for (const auto& p : placed) {
        longest = std::max(longest, label_of(groups.graph.nodes[p.node]).size());
    }
    constexpr double label_spacing = 16.0;
    constexpr double label_gap = 28.0; // between the circle and the label column

    // Labels are horizontal, so the circle must be tall enough for the
    // labels of the fuller side stacked at label_spacing.
    const size_t per_side = (placed.size() + 1) / 2 + 1;
    const double radius =
        std::max({120.0, static_cast<double>(slot_count) * slot_length / (2.0 * pi),
                  static_cast<double>(per_side) * label_spacing / 2.0});
    const double margin = label_gap + 8.0 + static_cast<double>(longest) * char_width;
    const double width = 2.0 * (radius + margin);
    const double height = 2.0 * radius + 2.0 * label_spacing + 16.0;
    const double center_x = radius + margin;
    const double center_y = height / 2.0;

    std::map<size_t, const Placed*> by_node;
    for (const auto& p : placed) {
        by_node[p.node] = &p;
    }
    const auto point = [&](const Placed& p, double r) {
        return std::pair{center_x + r * std::cos(p.angle), center_y + r * std::sin(p.angle)};
    };

    std::string out = "<div class=\"scroll\"><svg width=\"" + number(width) + "\" height=\"" +
                      number(height) + "\" viewBox=\"0 0 " + number(width) + " " + number(height) +
                      "\" role=\"img\" aria-label=\"co-change graph\">";

    // Edges between groups first, in grey, then edges inside groups on top.
    for (const bool inside_pass : {false, true}) {
        for (const auto& edge : groups.graph.edges) {
            const auto a = by_node.find(edge.a);
            const auto b = by_node.find(edge.b);
            if (a == by_node.end() || b == by_node.end()) {
                continue;
            }
            const bool inside = !a->second->group.empty() && a->second->group == b->second->group;
            if (inside != inside_pass) {
                continue;
            }

            const auto [x1, y1] = point(*a->second, radius);
            const auto [x2, y2] = point(*b->second, radius);
            // The control point pulls the curve towards the centre, so
            // chords between distant nodes do not all cross at one point.
            const double cx = center_x + ((x1 + x2) / 2.0 - center_x) * 0.3;
            const double cy = center_y + ((y1 + y2) / 2.0 - center_y) * 0.3;
            const std::string stroke = inside ? a->second->color : std::string("#999999");
            out +=
                "<path d=\"M" + number(x1) + " " + number(y1) + " Q" + number(cx) + " " +
                number(cy) + " " + number(x2) + " " + number(y2) + "\" fill=\"none\" stroke=\"" +
                stroke + "\" stroke-opacity=\"" + (inside ? "0.75" : "0.45") +
                "\" stroke-width=\"" + fixed(0.8 + 5.0 * edge.weight, 1) + "\"><title>" +
                escape_html(groups.graph.nodes[edge.a].name + " \u2013 " +
                            groups.graph.nodes[edge.b].name + "\nweight " + fixed(edge.weight, 2) +
                            ": together in " + text::count_noun(edge.commits, "commit") + ", " +
                            text::count_noun(edge.sessions, "session")) +
                "</title></path>";
        }
    }

    std::vector<Label> left_labels;
    std::vector<Label> right_labels;
    for (const auto& p : placed) {
        const auto& node = groups.graph.nodes[p.node];
        const auto [x, y] = point(p, radius);
        const double r = std::min(10.0, 4.0 + 1.5 * std::sqrt(static_cast<double>(node.sessions)));
        out += "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"" + number(r) +
               "\" fill=\"" + (node.present ? p.color : std::string("#ffffff")) + "\" stroke=\"" +
               p.color + "\" stroke-width=\"2\"><title>" +
               escape_html(node_tooltip(node, p.group)) + "</title></circle>";
        const auto [outer_x, outer_y] = point(p, radius + 11.0);
        (std::cos(p.angle) < -1e-9 ? left_labels : right_labels)
            .push_back({&p, outer_x, outer_y, outer_y});
    }

    // Horizontal labels in two columns read more easily than labels turned
    // along the radius. Spreading them vertically keeps neighbours apart.
    const double top = label_spacing;
    const double bottom = height - label_spacing / 2.0;
    spread_labels(left_labels, label_spacing, top, bottom);
    spread_labels(right_labels, label_spacing, top, bottom);
    for (const bool left : {true, false}) {
        const double column = left ? center_x - radius - label_gap : center_x + radius + label_gap;
        for (const auto& label : left ? left_labels : right_labels) {
            svg_line(out, label.node_x, label.node_y, column + (left ? 4.0 : -4.0), label.y,
                     "#bbbbbb");
            svg_text(out, column, label.y, label_of(groups.graph.nodes[label.node->node]),
                     left ? "end" : "start", "class=\"node\" dy=\"0.35em\"");
        }
    }

    out += "</svg></div>";
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += ", ";
        }
        out += "<code>" + escape_html(item) + "</code>";
    }
    return out;
}

std::string comparison_cell(const MinedGroup& group) {
    if (group.comparison.empty()) {
        return "no built-in group shares a member";
    }
    std::string out;
    for (const auto& entry : group.comparison) {
        out += "<div><b>" + escape_html(entry.builtin) + "</b>: shares " + join(entry.shared);
        if (!entry.mined_only.empty()) {
            out += "; only mined: " + join(entry.mined_only);
        }
        if (!entry.builtin_only.empty()) {
            out += "; only built-in: " + join(entry.builtin_only);
        }
        out += "</div>";
    }
    return out;
}

std::string groups_table(const GroupsResult& groups) {
    std::string out =
        "<div class=\"scroll\"><table><thead><tr><th>Group</th><th>Members</th><th class=\"num\">"
        "Cohesion</th><th class=\"num\">Density</th><th>Compared with the "
        "built-in groups</th></tr></thead><tbody>";
    for (size_t g = 0; g < groups.groups.size(); ++g) {
        const auto& group = groups.groups[g];
        out += "<tr><td><i class=\"swatch\" style=\"background:" + std::string(group_color(g)) +
               "\"></i>" + escape_html(group.name) + "</td><td>" + join(group.members) +
               "</td><td class=\"num\">" + fixed(group.cohesion, 2) + "</td><td class=\"num\">" +
               fixed(group.density, 2) + "</td><td>" + comparison_cell(group) + "</td></tr>";
    }
    out += "</tbody></table></div>";
    return out;
}

} // namespace

std::string groups_section(const GroupsResult& groups) {
    const auto& graph = groups.graph;
    std::string out = "<section id=\"groups\"><h2>Co-edit groups</h2>";
    out += "<p class=\"note\">Files that change together in the same commits or change sessions, "
           "found with the Louvain method (modularity " +
           fixed(groups.partition.modularity, 3) +
           "). Commits: " + std::to_string(graph.commits_counted) + " counted, " +
           std::to_string(graph.commits_without_changes) + " without file changes, " +
           std::to_string(excluded_count(graph, Exclusion::initial_import)) +
           " in the initial import, " +
           text::count_noun(excluded_count(graph, Exclusion::merge), "merge") + ", " +
           std::to_string(excluded_count(graph, Exclusion::bulk)) +
           " bulk. Sessions of counted commits: " + std::to_string(graph.sessions_counted) +
           " counted, " + std::to_string(graph.sessions_excluded) +
           " bulk. Edge width follows the edge weight, and hollow nodes are deleted "
           "files.</p>";

    if (graph.edges.empty()) {
        return out + "<p>No two files changed together in the counted commits.</p></section>";
    }
    out += draw_graph(groups);
    if (groups.groups.empty()) {
        out += "<p>No group of two or more files.</p>";
    } else {
        if (groups.groups.size() == 1 && groups.partition.modularity < 0.01) {
            out += "<p class=\"note\">All connected files form one group: they changed together "
                   "so often that no split into communities beats chance (modularity near "
                   "0).</p>";
        }
        out += groups_table(groups);
    }
    if (!groups.ungrouped.empty()) {
        out += "<p class=\"note\">Ungrouped: " + join(groups.ungrouped) + "</p>";
    }
    out += "</section>";
    return out;
}

} // namespace mlv::lifecycle::report
