// Building the co-change graph: nodes that follow renames and collapse
// shards, transactions per commit and per change session, and edge weights.
#include "mlv/lifecycle/groups.hpp"

#include "mlv/util/trace.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <utility>

namespace mlv::lifecycle {

std::string node_name(std::string_view path) {
    const size_t slash = path.rfind('/');
    const std::string directory(path.substr(0, slash == std::string_view::npos ? 0 : slash + 1));
    const std::string file(path.substr(directory.size()));

    // "<stem>-00001-of-00162<extension>"; the stem may be empty.
    static const std::regex shard(R"(^(.*-)?[0-9]+-of-([0-9]+)(\..*)?$)");
    std::smatch match;
    if (!std::regex_match(file, match, shard)) {
        return std::string(path);
    }
    return directory + match.str(1) + "*-of-" + match.str(2) + match.str(3);
}

std::string_view to_string(Exclusion exclusion) {
    switch (exclusion) {
    case Exclusion::initial_import:
        return "initial-import";
    case Exclusion::merge:
        return "merge";
    case Exclusion::bulk:
        return "bulk";
    }
    return "bulk";
}

int session_key(const std::vector<CommitRecord>& history, size_t index) {
    const int session = history[index].session;
    return session != 0 ? session : -static_cast<int>(index) - 1;
}

double edge_weight(size_t co_commits, size_t commits_a, size_t commits_b, size_t co_sessions,
                   size_t sessions_a, size_t sessions_b) {
    const auto jaccard = [](size_t both, size_t a, size_t b) {
        const size_t either = a + b - both;
        return either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
    };
    return (jaccard(co_commits, commits_a, commits_b) +
            jaccard(co_sessions, sessions_a, sessions_b)) /
           2.0;
}

namespace {

// The nodes seen so far, with the paths of each node that exist after the
// commits applied so far.
class NodeTable {
  public:
    // Applies one file change and returns the node it touches.
    size_t apply(const FileChange& change) {
        switch (change.kind) {
        case git::ChangeKind::deleted: {
            const size_t node = lookup_or_add(node_name(change.path));
            live_[node].erase(change.path);
            return node;
        }
        case git::ChangeKind::renamed:
            return apply_rename(change.old_path, change.path);
        case git::ChangeKind::added:
        case git::ChangeKind::modified:
        case git::ChangeKind::copied:
        case git::ChangeKind::type_changed:
            break;
        }
        const size_t node = lookup_or_add(node_name(change.path));
        live_[node].insert(change.path);
        return node;
    }

    std::vector<CoChangeNode> finish() {
        for (size_t node = 0; node < nodes_.size(); ++node) {
            nodes_[node].present = !live_[node].empty();
        }
        return std::move(nodes_);
    }

  private:
    size_t lookup_or_add(const std::string& name) {
        const auto found = by_name_.find(name);
        if (found != by_name_.end()) {
            return found->second;
        }
        nodes_.push_back(CoChangeNode{name, {}, 0, 0, false});
        live_.emplace_back();
        by_name_.emplace(name, nodes_.size() - 1);
        return nodes_.size() - 1;
    }

    // The renamed file keeps its node, which takes the new name, unless the
    // new name already belongs to a node with files (a shard moved into an
    // existing checkpoint): then the file joins that node.
    size_t apply_rename(const std::string& old_path, const std::string& new_path) {
        const std::string old_name = node_name(old_path);
        const std::string new_name = node_name(new_path);
        const size_t node = lookup_or_add(old_name);
        live_[node].erase(old_path);

        if (new_name == old_name) {
            live_[node].insert(new_path);
            return node;
        }

        const auto target = by_name_.find(new_name);
        if (target != by_name_.end() && target->second != node && !live_[target->second].empty()) {
            live_[target->second].insert(new_path);
            return target->second;
        }

        // A file added later under the old name is a new file, so the old
        // name stops pointing here once no file of the node keeps it.
        if (live_[node].empty()) {
            by_name_.erase(old_name);
            nodes_[node].former_names.push_back(old_name);
            nodes_[node].name = new_name;
        }
        by_name_[new_name] = node;
        live_[node].insert(new_path);
        return node;
    }

    std::vector<CoChangeNode> nodes_;
    std::vector<std::set<std::string>> live_;
    std::map<std::string, size_t> by_name_;
};

// Occurrence and co-occurrence counts over a list of transactions (sets of
// nodes).
struct Counts {
    std::map<size_t, size_t> single;
    std::map<std::pair<size_t, size_t>, size_t> pair;

    void add(const std::set<size_t>& transaction) {
        for (auto a = transaction.begin(); a != transaction.end(); ++a) {
            ++single[*a];
            for (auto b = std::next(a); b != transaction.end(); ++b) {
                ++pair[{*a, *b}];
            }
        }
    }

    size_t of(size_t node) const {
        const auto found = single.find(node);
        return found == single.end() ? 0 : found->second;
    }

    size_t of(const std::pair<size_t, size_t>& nodes) const {
        const auto found = pair.find(nodes);
        return found == pair.end() ? 0 : found->second;
    }
};

bool is_initial_import(const CommitRecord& record) {
    return record.commit.parents.empty() || record.stage == Stage::initial_import;
}

// Returns the sessions that contain an initial import. A first upload to a
// model hub often spreads over many commits (one per file), and files that
// arrive together in it were never edited together.
std::set<int> import_sessions(const std::vector<CommitRecord>& history) {
    std::set<int> sessions;
    for (size_t i = 0; i < history.size(); ++i) {
        if (is_initial_import(history[i])) {
            sessions.insert(session_key(history, i));
        }
    }
    return sessions;
}

std::optional<Exclusion> exclusion_of(const CommitRecord& record, int session, size_t touched,
                                      const std::set<int>& import_sessions,
                                      const GroupsOptions& options) {
    if (import_sessions.count(session) != 0) {
        return Exclusion::initial_import;
    }
    // A merge is diffed against its first parent, so it repeats the changes
    // of the merged branch, whose commits are counted on their own.
    if (record.commit.parents.size() > 1) {
        return Exclusion::merge;
    }
    if (touched > options.bulk_node_limit) {
        return Exclusion::bulk;
    }
    return std::nullopt;
}

} // namespace

size_t excluded_count(const CoChangeGraph& graph, Exclusion reason) {
    return static_cast<size_t>(
        std::count_if(graph.excluded_commits.begin(), graph.excluded_commits.end(),
                      [reason](const ExcludedCommit& commit) { return commit.reason == reason; }));
}

CoChangeGraph build_cochange_graph(const std::vector<CommitRecord>& history,
                                   const GroupsOptions& options) {
    CoChangeGraph graph;
    NodeTable table;
    Counts commit_counts;
    Counts session_counts;
    std::map<int, std::set<size_t>> session_nodes;
    const std::set<int> skipped_sessions = import_sessions(history);

    for (size_t index = 0; index < history.size(); ++index) {
        const CommitRecord& record = history[index];
        const int session = session_key(history, index);

        // Every change is applied, even in excluded commits, so that renames
        // and deletions keep the nodes right.
        std::set<size_t> touched;
        for (const auto& change : record.changes) {
            touched.insert(table.apply(change));
        }
        if (touched.empty()) {
            ++graph.commits_without_changes;
            continue;
        }

        if (const auto reason =
                exclusion_of(record, session, touched.size(), skipped_sessions, options)) {
            graph.excluded_commits.push_back({record.commit.id, *reason, touched.size()});
            trace::log("groups", "leaving out " + record.commit.id.substr(0, 12) + " (" +
                                     std::string(to_string(*reason)) + ", " +
                                     std::to_string(touched.size()) + " nodes)");
            continue;
        }

        commit_counts.add(touched);
        ++graph.commits_counted;
        session_nodes[session].insert(touched.begin(), touched.end());
    }

    for (const auto& [session, nodes] : session_nodes) {
        if (nodes.size() > options.bulk_node_limit) {
            ++graph.sessions_excluded;
            trace::log("groups", "leaving out session " + std::to_string(session) + " (" +
                                     std::to_string(nodes.size()) + " nodes)");
            continue;
        }
        session_counts.add(nodes);
        ++graph.sessions_counted;
    }

    graph.nodes = table.finish();
    for (size_t node = 0; node < graph.nodes.size(); ++node) {
        graph.nodes[node].commits = commit_counts.of(node);
        graph.nodes[node].sessions = session_counts.of(node);
    }

    // A pair normally shares a counted session whenever it shares a counted
    // commit, but not when that session went over the bulk limit.
    std::set<std::pair<size_t, size_t>> pairs;
    for (const auto& entry : commit_counts.pair) {
        pairs.insert(entry.first);
    }
    for (const auto& entry : session_counts.pair) {
        pairs.insert(entry.first);
    }

    for (const auto& pair : pairs) {
        const auto [a, b] = pair;
        const size_t co_commits = commit_counts.of(pair);
        const size_t co_sessions = session_counts.of(pair);
        const double weight = edge_weight(co_commits, commit_counts.of(a), commit_counts.of(b),
                                          co_sessions, session_counts.of(a), session_counts.of(b));
        graph.edges.push_back({a, b, co_commits, co_sessions, weight});
    }
    return graph;
}

} // namespace mlv::lifecycle
