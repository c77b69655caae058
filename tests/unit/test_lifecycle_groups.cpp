#include "mlv/lifecycle/groups.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace mlv::lifecycle;
using mlv::git::ChangeKind;

namespace {

FileChange change(ChangeKind kind, std::string path, std::string old_path = {}) {
    FileChange file;
    file.kind = kind;
    file.path = std::move(path);
    file.old_path = old_path.empty() ? file.path : std::move(old_path);
    return file;
}

FileChange modified(std::string path) {
    return change(ChangeKind::modified, std::move(path));
}

// A commit with one parent (so it is not an initial import) in `session`,
// numbered from 1 as the classifier does.
CommitRecord commit(std::string id, int session, std::vector<FileChange> changes) {
    CommitRecord record;
    record.commit.id = std::move(id);
    record.commit.parents = {"parent"};
    record.session = session;
    record.stage = Stage::configuration;
    record.changes = std::move(changes);
    return record;
}

CommitRecord root_commit(std::vector<FileChange> changes) {
    CommitRecord record = commit("root", 1, std::move(changes));
    record.commit.parents.clear();
    record.stage = Stage::initial_import;
    return record;
}

const CoChangeNode* find_node(const CoChangeGraph& graph, const std::string& name) {
    const auto found = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                    [&](const CoChangeNode& node) { return node.name == name; });
    return found == graph.nodes.end() ? nullptr : &*found;
}

size_t index_of(const CoChangeGraph& graph, const std::string& name) {
    const auto* node = find_node(graph, name);
    REQUIRE(node != nullptr);
    return static_cast<size_t>(node - graph.nodes.data());
}

// The edge between two named nodes, or null.
const CoChangeEdge* find_edge(const CoChangeGraph& graph, const std::string& first,
                              const std::string& second) {
    const size_t a = std::min(index_of(graph, first), index_of(graph, second));
    const size_t b = std::max(index_of(graph, first), index_of(graph, second));
    for (const auto& edge : graph.edges) {
        if (edge.a == a && edge.b == b) {
            return &edge;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("node_name: shards collapse") {
    CHECK(node_name("model-00001-of-00162.safetensors") == "model-*-of-00162.safetensors");
    CHECK(node_name("model-00162-of-00162.safetensors") == "model-*-of-00162.safetensors");
    CHECK(node_name("pytorch_model-00002-of-00003.bin") == "pytorch_model-*-of-00003.bin");
    CHECK(node_name("ckpt/model-1-of-2.safetensors") == "ckpt/model-*-of-2.safetensors");
    CHECK(node_name("00001-of-00002.gguf") == "*-of-00002.gguf");
}

TEST_CASE("node_name: other paths unchanged") {
    CHECK(node_name("model.safetensors") == "model.safetensors");
    CHECK(node_name("model.safetensors.index.json") == "model.safetensors.index.json");
    CHECK(node_name("config.json") == "config.json");
    CHECK(node_name("model-of-00002.bin") == "model-of-00002.bin");
    CHECK(node_name("run-00001-of-00002/config.json") == "run-00001-of-00002/config.json");
}

TEST_CASE("edge_weight: known values") {
    CHECK(edge_weight(3, 3, 3, 2, 2, 2) == doctest::Approx(1.0));
    CHECK(edge_weight(0, 1, 1, 1, 1, 1) == doctest::Approx(0.5));
    // Commit Jaccard 1/(2+3-1) = 0.25, session Jaccard 2/(2+2-2) = 1.
    CHECK(edge_weight(1, 2, 3, 2, 2, 2) == doctest::Approx(0.625));
    CHECK(edge_weight(0, 0, 0, 0, 0, 0) == 0.0);
}

TEST_CASE("groups graph: shards share one node") {
    const std::vector<CommitRecord> history = {
        commit("a", 1, {modified("model-00001-of-00003.safetensors")}),
        commit("b", 1, {modified("model-00002-of-00003.safetensors")}),
        commit("c", 1, {modified("model-00003-of-00003.safetensors"), modified("config.json")}),
    };

    const auto graph = build_cochange_graph(history);

    REQUIRE(graph.nodes.size() == 2);
    const auto* shards = find_node(graph, "model-*-of-00003.safetensors");
    REQUIRE(shards != nullptr);
    CHECK(shards->commits == 3);
    CHECK(shards->sessions == 1);
    CHECK(shards->present);

    const auto* edge = find_edge(graph, "model-*-of-00003.safetensors", "config.json");
    REQUIRE(edge != nullptr);
    CHECK(edge->commits == 1);
    CHECK(edge->sessions == 1);
    // Commit Jaccard 1/3, session Jaccard 1.
    CHECK(edge->weight == doctest::Approx((1.0 / 3.0 + 1.0) / 2.0));
}

TEST_CASE("groups graph: renamed file keeps its node") {
    const std::vector<CommitRecord> history = {
        commit("a", 1, {modified("params.json"), modified("tokenizer.json")}),
        commit("b", 2, {change(ChangeKind::renamed, "config.json", "params.json")}),
        commit("c", 3, {modified("config.json"), modified("tokenizer.json")}),
        commit("d", 4, {change(ChangeKind::added, "params.json")}),
    };

    const auto graph = build_cochange_graph(history);

    const auto* config = find_node(graph, "config.json");
    REQUIRE(config != nullptr);
    CHECK(config->former_names == std::vector<std::string>{"params.json"});
    CHECK(config->commits == 3);
    CHECK(config->present);

    // The file added later under the old name is a new node.
    const auto* params = find_node(graph, "params.json");
    REQUIRE(params != nullptr);
    CHECK(params != config);
    CHECK(params->commits == 1);

    const auto* edge = find_edge(graph, "config.json", "tokenizer.json");
    REQUIRE(edge != nullptr);
    CHECK(edge->commits == 2);
}

TEST_CASE("groups graph: rename into existing shards") {
    const std::vector<CommitRecord> history = {
        commit("a", 1, {modified("model-00001-of-00002.safetensors")}),
        commit(
            "b", 1,
            {change(ChangeKind::renamed, "model-00002-of-00002.safetensors", "tail.safetensors")}),
    };

    const auto graph = build_cochange_graph(history);

    const auto* shards = find_node(graph, "model-*-of-00002.safetensors");
    REQUIRE(shards != nullptr);
    CHECK(shards->commits == 2);
    const auto* tail = find_node(graph, "tail.safetensors");
    REQUIRE(tail != nullptr);
    CHECK_FALSE(tail->present);
}

TEST_CASE("groups graph: deleted file not present") {
    const std::vector<CommitRecord> history = {
        commit("a", 1, {modified("added_tokens.json"), modified("config.json")}),
        commit("b", 2, {change(ChangeKind::deleted, "added_tokens.json")}),
    };

    const auto graph = build_cochange_graph(history);

    const auto* added = find_node(graph, "added_tokens.json");
    REQUIRE(added != nullptr);
    CHECK_FALSE(added->present);
    CHECK(added->commits == 2);
    CHECK(find_node(graph, "config.json")->present);
}

TEST_CASE("groups graph: session co-change") {
    const std::vector<CommitRecord> history = {
        // One session, separate commits.
        commit("a", 1, {modified("config.json")}),
        commit("b", 1, {modified("tokenizer.json")}),
        // Same commit.
        commit("c", 2, {modified("README.md"), modified("eval_results.json")}),
        // Separate sessions.
        commit("d", 3, {modified("generation_config.json")}),
        commit("e", 4, {modified("special_tokens_map.json")}),
    };

    const auto graph = build_cochange_graph(history);

    CHECK(graph.commits_counted == 5);
    CHECK(graph.sessions_counted == 4);

    const auto* session_edge = find_edge(graph, "config.json", "tokenizer.json");
    REQUIRE(session_edge != nullptr);
    CHECK(session_edge->commits == 0);
    CHECK(session_edge->sessions == 1);
    CHECK(session_edge->weight == doctest::Approx(0.5));

    const auto* commit_edge = find_edge(graph, "README.md", "eval_results.json");
    REQUIRE(commit_edge != nullptr);
    CHECK(commit_edge->weight == doctest::Approx(1.0));

    CHECK(find_edge(graph, "generation_config.json", "special_tokens_map.json") == nullptr);
    CHECK(graph.edges.size() == 2);
}

TEST_CASE("groups graph: bulk commit left out") {
    std::vector<FileChange> many;
    for (int i = 0; i < 25; ++i) {
        many.push_back(modified("file" + std::to_string(i) + ".txt"));
    }
    std::vector<CommitRecord> history = {
        commit("bulk", 1, many),
        commit("a", 2, {modified("file0.txt"), modified("file1.txt")}),
    };

    const auto graph = build_cochange_graph(history);

    REQUIRE(graph.excluded_commits.size() == 1);
    CHECK(graph.excluded_commits[0].id == "bulk");
    CHECK(graph.excluded_commits[0].reason == Exclusion::bulk);
    CHECK(graph.excluded_commits[0].nodes == 25);
    CHECK(graph.commits_counted == 1);
    CHECK(find_node(graph, "file0.txt")->commits == 1);
    CHECK(find_node(graph, "file5.txt")->commits == 0);
    CHECK(graph.edges.size() == 1);

    // At the limit the commit counts.
    const auto relaxed = build_cochange_graph(history, GroupsOptions{25});
    CHECK(relaxed.excluded_commits.empty());
    CHECK(relaxed.commits_counted == 2);
}

TEST_CASE("groups graph: initial import and merge left out") {
    CommitRecord merge = commit("merge", 3, {modified("config.json"), modified("README.md")});
    merge.commit.parents = {"p1", "p2"};
    const std::vector<CommitRecord> history = {
        root_commit({modified("config.json"), modified("README.md")}),
        commit("a", 2, {modified("config.json")}),
        merge,
    };

    const auto graph = build_cochange_graph(history);

    REQUIRE(graph.excluded_commits.size() == 2);
    CHECK(graph.excluded_commits[0].reason == Exclusion::initial_import);
    CHECK(graph.excluded_commits[1].reason == Exclusion::merge);
    CHECK(graph.commits_counted == 1);
    CHECK(graph.edges.empty());
    CHECK(find_node(graph, "README.md")->commits == 0);
}

TEST_CASE("groups graph: import session left out") {
    // The first upload continues after the root commit in the same session.
    const std::vector<CommitRecord> history = {
        root_commit({modified("config.json")}),
        commit("upload", 1, {modified("README.md"), modified("special_tokens_map.json")}),
        commit("later", 2, {modified("README.md")}),
    };

    const auto graph = build_cochange_graph(history);

    REQUIRE(graph.excluded_commits.size() == 2);
    CHECK(graph.excluded_commits[1].id == "upload");
    CHECK(graph.excluded_commits[1].reason == Exclusion::initial_import);
    CHECK(graph.commits_counted == 1);
    CHECK(graph.sessions_counted == 1);
    CHECK(graph.edges.empty());
}

TEST_CASE("groups graph: unassigned session stands alone") {
    const std::vector<CommitRecord> history = {
        commit("a", 0, {modified("config.json")}),
        commit("b", 0, {modified("tokenizer.json")}),
    };

    const auto graph = build_cochange_graph(history);

    CHECK(graph.sessions_counted == 2);
    CHECK(graph.edges.empty());
    CHECK(session_key(history, 0) != session_key(history, 1));
}

TEST_CASE("groups graph: bulk session left out") {
    // Three commits of one session touch four nodes in all, over a limit of 3,
    // while each commit stays under it.
    const std::vector<CommitRecord> history = {
        commit("a", 1, {modified("a.json"), modified("b.json")}),
        commit("b", 1, {modified("c.json")}),
        commit("c", 1, {modified("d.json")}),
    };

    const auto graph = build_cochange_graph(history, GroupsOptions{3});

    CHECK(graph.commits_counted == 3);
    CHECK(graph.sessions_counted == 0);
    CHECK(graph.sessions_excluded == 1);
    REQUIRE(graph.edges.size() == 1);
    // The pair shares a commit but no counted session: (1/1 + 0) / 2.
    CHECK(graph.edges[0].weight == doctest::Approx(0.5));
}

TEST_CASE("groups graph: every commit accounted") {
    CommitRecord merge = commit("merge", 4, {modified("config.json"), modified("README.md")});
    merge.commit.parents = {"p1", "p2"};
    std::vector<FileChange> bulk;
    for (const char* name : {"a.json", "b.json", "c.json", "d.json"}) {
        bulk.push_back(modified(name));
    }
    const std::vector<CommitRecord> history = {
        root_commit({modified("config.json"), modified("README.md")}),
        commit("a", 2, {modified("config.json")}),
        commit("empty", 2, {}),
        commit("b", 3, std::move(bulk)),
        merge,
        commit("c", 5, {modified("README.md")}),
    };

    const auto graph = build_cochange_graph(history, GroupsOptions{3});

    CHECK(graph.commits_counted == 2);
    CHECK(graph.commits_without_changes == 1);
    CHECK(excluded_count(graph, Exclusion::initial_import) == 1);
    CHECK(excluded_count(graph, Exclusion::merge) == 1);
    CHECK(excluded_count(graph, Exclusion::bulk) == 1);
    CHECK(graph.commits_counted + graph.commits_without_changes + graph.excluded_commits.size() ==
          history.size());
}

namespace {

// Two clusters edited in their own sessions: {config, index, shards} and
// {tokenizer.json, tokenizer_config.json}, plus README edited alone.
std::vector<CommitRecord> two_cluster_history() {
    std::vector<CommitRecord> history = {root_commit({modified("README.md")})};
    int session = 2;
    for (int round = 0; round < 3; ++round) {
        history.push_back(
            commit("m" + std::to_string(round), session,
                   {modified("config.json"), modified("model.safetensors.index.json")}));
        history.push_back(commit("s" + std::to_string(round), session++,
                                 {modified("model-00001-of-00002.safetensors"),
                                  modified("model-00002-of-00002.safetensors")}));
        history.push_back(commit("t" + std::to_string(round), session++,
                                 {modified("tokenizer.json"), modified("tokenizer_config.json")}));
        history.push_back(commit("r" + std::to_string(round), session++, {modified("README.md")}));
    }
    return history;
}

const MinedGroup* group_with(const GroupsResult& result, const std::string& member) {
    for (const auto& group : result.groups) {
        if (std::find(group.members.begin(), group.members.end(), member) != group.members.end()) {
            return &group;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("mine_groups: two clusters") {
    const auto result = mine_groups(two_cluster_history(), mlv::checks::builtin_groups());

    REQUIRE(result.groups.size() == 2);
    CHECK(result.groups[0].members == std::vector<std::string>{"config.json",
                                                               "model-*-of-00002.safetensors",
                                                               "model.safetensors.index.json"});
    CHECK(result.groups[1].members ==
          std::vector<std::string>{"tokenizer.json", "tokenizer_config.json"});
    CHECK(result.ungrouped == std::vector<std::string>{"README.md"});

    // No edge leaves either group.
    CHECK(result.groups[0].cohesion == doctest::Approx(1.0));
    CHECK(result.groups[1].cohesion == doctest::Approx(1.0));
    CHECK(result.groups[1].density == doctest::Approx(1.0));
    CHECK(result.partition.modularity > 0.3);
}

TEST_CASE("mine_groups: names from member roles") {
    const auto result = mine_groups(two_cluster_history(), mlv::checks::builtin_groups());

    REQUIRE(result.groups.size() == 2);
    CHECK(result.groups[1].name == "mined-tokenizer");
    CHECK(result.groups[0].name.rfind("mined-", 0) == 0);
    CHECK(result.groups[0].name != result.groups[1].name);
}

TEST_CASE("mine_groups: comparison with built-in groups") {
    const auto result = mine_groups(two_cluster_history(), mlv::checks::builtin_groups());

    const auto* model = group_with(result, "config.json");
    REQUIRE(model != nullptr);
    REQUIRE(model->comparison.size() == 1);
    CHECK(model->comparison[0].builtin == "model");
    CHECK(model->comparison[0].shared == model->members);
    CHECK(model->comparison[0].mined_only.empty());
    CHECK(model->comparison[0].builtin_only.empty());

    // A built-in group split over two mined groups.
    const std::vector<mlv::checks::CoEditGroup> builtin = {
        {"everything", {"config.json", "tokenizer*.json"}}};
    const auto split = mine_groups(two_cluster_history(), builtin);
    const auto* tokenizer = group_with(split, "tokenizer.json");
    REQUIRE(tokenizer != nullptr);
    REQUIRE(tokenizer->comparison.size() == 1);
    CHECK(tokenizer->comparison[0].shared == tokenizer->members);
    CHECK(tokenizer->comparison[0].builtin_only == std::vector<std::string>{"config.json"});
    const auto* config = group_with(split, "config.json");
    REQUIRE(config != nullptr);
    CHECK(config->comparison[0].shared == std::vector<std::string>{"config.json"});
    CHECK(config->comparison[0].mined_only ==
          std::vector<std::string>{"model-*-of-00002.safetensors", "model.safetensors.index.json"});
}

TEST_CASE("mine_groups: same input, same output") {
    const auto history = two_cluster_history();
    const auto first = to_json(mine_groups(history, mlv::checks::builtin_groups()));
    const auto second = to_json(mine_groups(history, mlv::checks::builtin_groups()));
    CHECK(first.dump() == second.dump());
}

TEST_CASE("mine_groups: empty history") {
    const auto result = mine_groups({}, mlv::checks::builtin_groups());

    CHECK(result.groups.empty());
    CHECK(result.ungrouped.empty());
    CHECK(result.partition.modularity == 0.0);
    CHECK(to_json(result)["groups"].empty());
}

TEST_CASE("groups_to_write: deleted members dropped") {
    auto history = two_cluster_history();
    history.push_back(
        commit("delete", 100, {change(ChangeKind::deleted, "tokenizer_config.json")}));

    const auto result = mine_groups(history, mlv::checks::builtin_groups());
    const auto written = groups_to_write(result);

    // The tokenizer group keeps one existing member, too few to enforce.
    REQUIRE(written.size() == 1);
    CHECK(written[0].members == std::vector<std::string>{"config.json",
                                                         "model-*-of-00002.safetensors",
                                                         "model.safetensors.index.json"});
}

TEST_CASE("to_json: groups output shape") {
    const auto json = to_json(mine_groups(two_cluster_history(), mlv::checks::builtin_groups()));

    CHECK(json["modularity"].is_number());
    REQUIRE(json["groups"].size() == 2);
    const auto& group = json["groups"][0];
    CHECK(group["name"].is_string());
    CHECK(group["members"].size() == 3);
    CHECK(group["cohesion"].is_number());
    CHECK(group["density"].is_number());
    CHECK(group["comparison"][0]["builtin"] == "model");
    CHECK(json["ungrouped"][0] == "README.md");
    CHECK(json["excluded_commits"][0]["reason"] == "initial-import");
    CHECK(json["nodes"].size() == 6);
    CHECK(json["edges"].is_array());
}

TEST_CASE("merge_mined_groups: keeps other keys and groups") {
    const std::string existing = R"({
      // hand-written
      "rules": {"generation-sampling": "off"},
      "groups": [{"name": "eval", "members": ["eval_results.json", "README.md"]},
                 {"name": "mined-old", "members": ["a", "b"]}]
    })";
    const std::vector<mlv::checks::CoEditGroup> groups = {
        {"mined-tokenizer", {"tokenizer.json", "vocab.txt"}}};

    const auto merged = merge_mined_groups(existing, groups);

    REQUIRE(merged.ok());
    const auto json = mlv::Json::parse(*merged);
    CHECK(json["rules"]["generation-sampling"] == "off");
    REQUIRE(json["groups"].size() == 2);
    CHECK(json["groups"][0]["name"] == "eval");
    CHECK(json["groups"][1]["name"] == "mined-tokenizer");
    CHECK(json["groups"][1]["members"][1] == "vocab.txt");
}

TEST_CASE("merge_mined_groups: new file") {
    const auto merged = merge_mined_groups("", {{"mined-x", {"a", "b"}}});

    REQUIRE(merged.ok());
    const auto json = mlv::Json::parse(*merged);
    CHECK(json.size() == 1);
    CHECK(json["groups"][0]["members"][0] == "a");
}

TEST_CASE("merge_mined_groups: invalid input rejected") {
    CHECK_FALSE(merge_mined_groups("{not json", {}).ok());
    CHECK_FALSE(merge_mined_groups("[1, 2]", {}).ok());
    CHECK_FALSE(merge_mined_groups(R"({"groups": {}})", {}).ok());
}
