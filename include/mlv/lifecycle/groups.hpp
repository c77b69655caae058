// Co-edit groups mined from history.
//
// `git mlv groups` builds a co-change graph of the repository's files from
// the classified history, finds its communities with the Louvain method and
// compares them with the built-in groups that `git mlv check` enforces.
// docs/groups.md describes the graph, the edge weight and the limits.
#pragma once

#include "mlv/checks/groups.hpp"
#include "mlv/lifecycle/history.hpp"
#include "mlv/lifecycle/louvain.hpp"
#include "mlv/util/json.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::lifecycle {

// Returns the graph node name of `path`. A shard name
// "<stem>-<digits>-of-<digits><extension>" becomes "<stem>-*-of-<digits><extension>"
// (model-00001-of-00162.safetensors -> model-*-of-00162.safetensors), so all
// shards of one checkpoint share a node. Other paths are returned unchanged.
std::string node_name(std::string_view path);

// Returns the session key of `history[index]`: its session number, or, when
// the classifier assigned none (0), a negative key of its own, so that such a
// commit forms a session alone.
int session_key(const std::vector<CommitRecord>& history, size_t index);

struct GroupsOptions {
    // A commit, or the union of a change session's commits, that touches more
    // than this many distinct nodes is left out of the counts.
    size_t bulk_node_limit = 20;
};

// A file, or all shards of one checkpoint, followed through renames.
struct CoChangeNode {
    std::string name;                      // the latest path or shard pattern
    std::vector<std::string> former_names; // names before renames, oldest first
    size_t commits = 0;                    // counted commits that change it
    size_t sessions = 0;                   // counted sessions that change it
    bool present = false;                  // some file of the node exists after the last commit
};

struct CoChangeEdge {
    size_t a = 0; // a < b
    size_t b = 0;
    size_t commits = 0;  // counted commits that change both
    size_t sessions = 0; // counted sessions that change both
    // (commit Jaccard + session Jaccard) / 2, in (0, 1]; see edge_weight().
    double weight = 0.0;
};

// The reason a commit was left out of the counts.
enum class Exclusion { initial_import, merge, bulk };

std::string_view to_string(Exclusion exclusion);

struct ExcludedCommit {
    std::string id;
    Exclusion reason = Exclusion::bulk;
    size_t nodes = 0; // distinct nodes it touches
};

struct CoChangeGraph {
    // In order of first appearance in the history, which fixes Louvain's order.
    std::vector<CoChangeNode> nodes;
    std::vector<CoChangeEdge> edges; // sorted by (a, b)
    size_t commits_counted = 0;
    size_t sessions_counted = 0;
    size_t sessions_excluded = 0; // sessions over the bulk limit
    std::vector<ExcludedCommit> excluded_commits;
    // Commits that change no file, such as an upload that repeats identical
    // content. Every commit of the history is counted, excluded or one of these.
    size_t commits_without_changes = 0;
};

// Returns how many of `graph.excluded_commits` were left out for `reason`.
size_t excluded_count(const CoChangeGraph& graph, Exclusion reason);

// Returns the weight of a pair that changed together in `co_commits` of the
// counted commits and `co_sessions` of the counted sessions, when the two
// nodes changed in `commits_a`/`commits_b` commits and
// `sessions_a`/`sessions_b` sessions:
//   ( co_c / (n_c(a) + n_c(b) - co_c) + co_s / (n_s(a) + n_s(b) - co_s) ) / 2.
// Two files that always change in the same commits score 1, and two that
// always change in the same sessions but in separate commits score 0.5.
double edge_weight(size_t co_commits, size_t commits_a, size_t commits_b, size_t co_sessions,
                   size_t sessions_a, size_t sessions_b);

// Builds the co-change graph of `history` (oldest first, as classify_history
// returns it). Leaves out root commits and initial imports, merge commits,
// and commits over the bulk limit, then sessions over the bulk limit.
CoChangeGraph build_cochange_graph(const std::vector<CommitRecord>& history,
                                   const GroupsOptions& options = {});

// The overlap of a mined group with one built-in group. Members are node names.
struct GroupComparison {
    std::string builtin;                   // the built-in group's name
    std::vector<std::string> shared;       // mined members the built-in patterns match
    std::vector<std::string> mined_only;   // mined members the built-in patterns do not match
    std::vector<std::string> builtin_only; // other nodes of the graph the patterns match
};

struct MinedGroup {
    std::string name;
    std::vector<size_t> nodes;        // indexes into CoChangeGraph::nodes, sorted by name
    std::vector<std::string> members; // node names, sorted
    // Share of the members' edge weight that stays inside the group:
    // 2 * (internal weight) / (sum of the members' weighted degrees).
    double cohesion = 0.0;
    // Mean edge weight over all member pairs, a missing edge counting 0.
    double density = 0.0;
    // Built-in groups that share at least one member, most shared first.
    std::vector<GroupComparison> comparison;
};

struct GroupsResult {
    CoChangeGraph graph;
    Partition partition;
    // Communities of two or more nodes, largest first, ties by first member.
    std::vector<MinedGroup> groups;
    std::vector<std::string> ungrouped; // nodes alone in their community, sorted
};

// Mines co-edit groups from `history` and compares them with `builtin`.
GroupsResult mine_groups(const std::vector<CommitRecord>& history,
                         const std::vector<checks::CoEditGroup>& builtin,
                         const GroupsOptions& options = {});

// The groups to store in .mlv.json: each mined group's members that still
// exist, for groups where at least two do.
std::vector<checks::CoEditGroup> groups_to_write(const GroupsResult& result);

// The prefix of every mined group's name. --write replaces the groups with
// this prefix in .mlv.json and keeps the others.
inline constexpr std::string_view mined_group_prefix = "mined-";

// Returns `existing_text` (the current .mlv.json, empty when there is none)
// with the "groups" entries named "mined-..." replaced by `groups`, and every
// other key and group kept, as indented JSON. Fails when `existing_text` is
// not valid JSON (comments are allowed and dropped), is not an object, or has
// a "groups" key that is not an array.
Result<std::string> merge_mined_groups(std::string_view existing_text,
                                       const std::vector<checks::CoEditGroup>& groups);

// Rewrites the .mlv.json at `path` (created when missing) with
// merge_mined_groups, through a temporary file and a rename.
Result<void> write_mined_groups(const std::string& path,
                                const std::vector<checks::CoEditGroup>& groups);

// The --json output: nodes, edges, groups with members, cohesion, density
// and comparison, modularity, and the excluded commits.
Json to_json(const GroupsResult& result);

} // namespace mlv::lifecycle
