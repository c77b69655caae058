// The report's co-edit groups: the co-change graph drawn on a circle, and a
// table of the groups with their comparison to the built-in groups.
#include "report_parts.hpp"

#include "mlv/lifecycle/report.hpp"

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
    tooltip += "\nchanged in " + std::to_string(node.commits) + " commits, " +
               std::to_string(node.sessions) + " sessions";
    if (!node.former_names.empty()) {
        tooltip += "\nformer names:";
        for (const auto& name : node.former_names) {
            tooltip += " " + name;
        }
    }
    return tooltip;
}

std::string draw_graph(const GroupsResult& groups) {
    size_t slot_count = 0;
    const auto placed = place_nodes(groups, slot_count);

    size_t longest = 0;
    for (const auto& p : placed) {
        longest = std::max(longest, label_of(groups.graph.nodes[p.node]).size());
    }
    const double radius =
        std::max(120.0, static_cast<double>(slot_count) * slot_length / (2.0 * pi));
    const double margin = 24.0 + static_cast<double>(longest) * char_width;
    const double size = 2.0 * (radius + margin);
    const double center = radius + margin;

    std::map<size_t, const Placed*> by_node;
    for (const auto& p : placed) {
        by_node[p.node] = &p;
    }
    const auto point = [&](const Placed& p, double r) {
        return std::pair{center + r * std::cos(p.angle), center + r * std::sin(p.angle)};
    };

    std::string out = "<div class=\"scroll\"><svg width=\"" + number(size) + "\" height=\"" +
                      number(size) + "\" viewBox=\"0 0 " + number(size) + " " + number(size) +
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
            const double cx = center + ((x1 + x2) / 2.0 - center) * 0.3;
            const double cy = center + ((y1 + y2) / 2.0 - center) * 0.3;
            const std::string stroke = inside ? a->second->color : std::string("#999999");
            out +=
                "<path d=\"M" + number(x1) + " " + number(y1) + " Q" + number(cx) + " " +
                number(cy) + " " + number(x2) + " " + number(y2) + "\" fill=\"none\" stroke=\"" +
                stroke + "\" stroke-opacity=\"" + (inside ? "0.75" : "0.45") +
                "\" stroke-width=\"" + fixed(0.8 + 5.0 * edge.weight, 1) + "\"><title>" +
                escape_html(groups.graph.nodes[edge.a].name + " \u2013 " +
                            groups.graph.nodes[edge.b].name + "\nweight " + fixed(edge.weight, 2) +
                            ": together in " + std::to_string(edge.commits) + " commits, " +
                            std::to_string(edge.sessions) + " sessions") +
                "</title></path>";
        }
    }

    for (const auto& p : placed) {
        const auto& node = groups.graph.nodes[p.node];
        const auto [x, y] = point(p, radius);
        const double r = std::min(10.0, 4.0 + 1.5 * std::sqrt(static_cast<double>(node.sessions)));
        out += "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"" + number(r) +
               "\" fill=\"" + (node.present ? p.color : std::string("#ffffff")) + "\" stroke=\"" +
               p.color + "\" stroke-width=\"2\"><title>" +
               escape_html(node_tooltip(node, p.group)) + "</title></circle>";

        // Labels run outwards along the radius, so neighbours never overlap;
        // on the left half they are turned by 180 degrees to stay upright.
        const auto [lx, ly] = point(p, radius + 14.0);
        const bool left_half = std::cos(p.angle) < -1e-9;
        const double degrees = p.angle * 180.0 / pi + (left_half ? 180.0 : 0.0);
        svg_text(out, lx, ly, label_of(node), left_half ? "end" : "start",
                 "class=\"node\" dy=\"0.35em\" transform=\"rotate(" + fixed(degrees, 2) + " " +
                     number(lx) + " " + number(ly) + ")\"");
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
    std::string out = "<table><thead><tr><th>Group</th><th>Members</th><th class=\"num\">"
                      "Cohesion</th><th class=\"num\">Density</th><th>Compared with the "
                      "built-in groups</th></tr></thead><tbody>";
    for (size_t g = 0; g < groups.groups.size(); ++g) {
        const auto& group = groups.groups[g];
        out += "<tr><td><i class=\"swatch\" style=\"background:" + std::string(group_color(g)) +
               "\"></i>" + escape_html(group.name) + "</td><td>" + join(group.members) +
               "</td><td class=\"num\">" + fixed(group.cohesion, 2) + "</td><td class=\"num\">" +
               fixed(group.density, 2) + "</td><td>" + comparison_cell(group) + "</td></tr>";
    }
    out += "</tbody></table>";
    return out;
}

} // namespace

std::string groups_section(const GroupsResult& groups) {
    const auto& graph = groups.graph;
    std::string out = "<section id=\"groups\"><h2>Co-edit groups</h2>";
    out += "<p class=\"note\">Files that change together in the same commits or change sessions, "
           "found with the Louvain method (modularity " +
           fixed(groups.partition.modularity, 3) +
           "). Counted: " + std::to_string(graph.commits_counted) + " commits and " +
           std::to_string(graph.sessions_counted) +
           " sessions; left out: " + std::to_string(graph.excluded_commits.size()) +
           " commits (initial import, merges, bulk) and " +
           std::to_string(graph.sessions_excluded) +
           " bulk sessions. Edge width follows the edge weight; hollow nodes are deleted "
           "files.</p>";

    if (graph.edges.empty()) {
        return out + "<p>No two files changed together in the counted commits.</p></section>";
    }
    out += draw_graph(groups);
    if (groups.groups.empty()) {
        out += "<p>No group of two or more files.</p>";
    } else {
        out += groups_table(groups);
    }
    if (!groups.ungrouped.empty()) {
        out += "<p class=\"note\">Ungrouped: " + join(groups.ungrouped) + "</p>";
    }
    out += "</section>";
    return out;
}

} // namespace mlv::lifecycle::report
