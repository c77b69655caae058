// Mining co-edit groups: Louvain communities of the co-change graph, their
// cohesion, names, and comparison with the built-in groups.
#include "mlv/lifecycle/groups.hpp"

#include "mlv/artifacts/role.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace mlv::lifecycle {

namespace {

WeightedGraph weighted_graph_of(const CoChangeGraph& graph) {
    WeightedGraph weighted;
    weighted.node_count = graph.nodes.size();
    for (const auto& edge : graph.edges) {
        weighted.edges.push_back({edge.a, edge.b, edge.weight});
    }
    return weighted;
}

void measure_cohesion(const CoChangeGraph& graph, MinedGroup& group) {
    const std::set<size_t> members(group.nodes.begin(), group.nodes.end());
    double internal = 0.0;
    double degree = 0.0;
    for (const auto& edge : graph.edges) {
        const bool has_a = members.count(edge.a) != 0;
        const bool has_b = members.count(edge.b) != 0;
        if (has_a && has_b) {
            internal += edge.weight;
        }
        degree += (has_a ? edge.weight : 0.0) + (has_b ? edge.weight : 0.0);
    }

    const double size = static_cast<double>(members.size());
    group.cohesion = degree > 0.0 ? 2.0 * internal / degree : 0.0;
    group.density = size > 1.0 ? internal / (size * (size - 1.0) / 2.0) : 0.0;
}

bool matches_group(const checks::CoEditGroup& group, const std::string& name) {
    return std::any_of(group.members.begin(), group.members.end(), [&](const std::string& pattern) {
        return artifacts::path_matches(pattern, name);
    });
}

std::vector<GroupComparison> compare(const CoChangeGraph& graph, const MinedGroup& group,
                                     const std::vector<checks::CoEditGroup>& builtin) {
    std::vector<GroupComparison> comparisons;
    for (const auto& candidate : builtin) {
        GroupComparison comparison;
        comparison.builtin = candidate.name;
        for (const auto& member : group.members) {
            auto& side =
                matches_group(candidate, member) ? comparison.shared : comparison.mined_only;
            side.push_back(member);
        }
        if (comparison.shared.empty()) {
            continue;
        }

        // Only nodes with counted changes: a file that never changed after
        // the import carries no evidence about where it belongs.
        for (size_t node = 0; node < graph.nodes.size(); ++node) {
            const auto& other = graph.nodes[node];
            const bool in_group =
                std::find(group.nodes.begin(), group.nodes.end(), node) != group.nodes.end();
            if (!in_group && other.commits > 0 && matches_group(candidate, other.name)) {
                comparison.builtin_only.push_back(other.name);
            }
        }
        std::sort(comparison.builtin_only.begin(), comparison.builtin_only.end());
        comparisons.push_back(std::move(comparison));
    }

    std::stable_sort(comparisons.begin(), comparisons.end(),
                     [](const GroupComparison& left, const GroupComparison& right) {
                         return left.shared.size() > right.shared.size();
                     });
    return comparisons;
}

// Names a group after the roles of its members, most frequent first
// ("mined-tokenizer-config"), with a number when `used_names` has the name already.
std::string name_group(const MinedGroup& group, std::set<std::string>& used_names) {
    constexpr std::array roles = {artifacts::Role::weights,   artifacts::Role::config,
                                  artifacts::Role::tokenizer, artifacts::Role::training,
                                  artifacts::Role::docs,      artifacts::Role::other};
    std::map<artifacts::Role, size_t> count;
    for (const auto& member : group.members) {
        ++count[artifacts::builtin_role(member)];
    }

    std::vector<artifacts::Role> present;
    for (const auto role : roles) {
        if (count[role] > 0) {
            present.push_back(role);
        }
    }
    std::stable_sort(
        present.begin(), present.end(),
        [&](artifacts::Role left, artifacts::Role right) { return count[left] > count[right]; });

    std::string base = "mined";
    for (size_t i = 0; i < present.size() && i < 3; ++i) {
        base += "-" + std::string(artifacts::to_string(present[i]));
    }

    std::string name = base;
    for (int suffix = 2; used_names.count(name) != 0; ++suffix) {
        name = base + "-" + std::to_string(suffix);
    }
    used_names.insert(name);
    return name;
}

} // namespace

GroupsResult mine_groups(const std::vector<CommitRecord>& history,
                         const std::vector<checks::CoEditGroup>& builtin,
                         const GroupsOptions& options) {
    GroupsResult result;
    result.graph = build_cochange_graph(history, options);
    result.partition = louvain(weighted_graph_of(result.graph));

    std::vector<std::vector<size_t>> communities(result.partition.community_count);
    for (size_t node = 0; node < result.graph.nodes.size(); ++node) {
        communities[result.partition.community[node]].push_back(node);
    }

    const auto& nodes = result.graph.nodes;
    for (auto& community : communities) {
        std::sort(community.begin(), community.end(),
                  [&](size_t left, size_t right) { return nodes[left].name < nodes[right].name; });
        if (community.size() == 1) {
            if (nodes[community.front()].commits > 0) {
                result.ungrouped.push_back(nodes[community.front()].name);
            }
            continue;
        }

        MinedGroup group;
        group.nodes = community;
        for (const size_t node : community) {
            group.members.push_back(nodes[node].name);
        }
        measure_cohesion(result.graph, group);
        group.comparison = compare(result.graph, group, builtin);
        result.groups.push_back(std::move(group));
    }

    std::sort(result.groups.begin(), result.groups.end(),
              [](const MinedGroup& left, const MinedGroup& right) {
                  if (left.members.size() != right.members.size()) {
                      return left.members.size() > right.members.size();
                  }
                  return left.members.front() < right.members.front();
              });
    std::sort(result.ungrouped.begin(), result.ungrouped.end());

    std::set<std::string> used_names;
    for (const auto& group : builtin) {
        used_names.insert(group.name);
    }
    for (auto& group : result.groups) {
        group.name = name_group(group, used_names);
    }
    return result;
}

std::vector<checks::CoEditGroup> groups_to_write(const GroupsResult& result) {
    std::vector<checks::CoEditGroup> written;
    for (const auto& group : result.groups) {
        checks::CoEditGroup entry{group.name, {}};
        for (const size_t node : group.nodes) {
            if (result.graph.nodes[node].present) {
                entry.members.push_back(result.graph.nodes[node].name);
            }
        }
        if (entry.members.size() >= 2) {
            written.push_back(std::move(entry));
        }
    }
    return written;
}

Json to_json(const GroupsResult& result) {
    const auto& graph = result.graph;

    std::map<size_t, std::string> group_of;
    for (const auto& group : result.groups) {
        for (const size_t node : group.nodes) {
            group_of[node] = group.name;
        }
    }

    Json nodes = Json::array();
    for (size_t index = 0; index < graph.nodes.size(); ++index) {
        const auto& node = graph.nodes[index];
        const auto group = group_of.find(index);
        nodes.push_back({{"name", node.name},
                         {"former_names", node.former_names},
                         {"commits", node.commits},
                         {"sessions", node.sessions},
                         {"present", node.present},
                         {"group", group == group_of.end() ? Json(nullptr) : Json(group->second)}});
    }

    Json edges = Json::array();
    for (const auto& edge : graph.edges) {
        edges.push_back({{"a", graph.nodes[edge.a].name},
                         {"b", graph.nodes[edge.b].name},
                         {"weight", edge.weight},
                         {"commits", edge.commits},
                         {"sessions", edge.sessions}});
    }

    Json groups = Json::array();
    for (const auto& group : result.groups) {
        Json comparison = Json::array();
        for (const auto& entry : group.comparison) {
            comparison.push_back({{"builtin", entry.builtin},
                                  {"shared", entry.shared},
                                  {"mined_only", entry.mined_only},
                                  {"builtin_only", entry.builtin_only}});
        }
        groups.push_back({{"name", group.name},
                          {"members", group.members},
                          {"cohesion", group.cohesion},
                          {"density", group.density},
                          {"comparison", comparison}});
    }

    Json excluded = Json::array();
    for (const auto& commit : graph.excluded_commits) {
        excluded.push_back({{"id", commit.id},
                            {"reason", std::string(to_string(commit.reason))},
                            {"nodes", commit.nodes}});
    }

    return {{"modularity", result.partition.modularity},
            {"levels", result.partition.levels},
            {"commits_counted", graph.commits_counted},
            {"commits_without_changes", graph.commits_without_changes},
            {"sessions_counted", graph.sessions_counted},
            {"sessions_excluded", graph.sessions_excluded},
            {"excluded_commits", excluded},
            {"groups", groups},
            {"ungrouped", result.ungrouped},
            {"nodes", nodes},
            {"edges", edges}};
}

} // namespace mlv::lifecycle
