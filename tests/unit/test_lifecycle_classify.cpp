// Unit tests of src/lifecycle/classify.cpp: one or more known-answer cases
// for each stage and maintenance rule of docs/lifecycle.md.
#include "mlv/lifecycle/history.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Artifact;
using artifacts::Format;
using artifacts::Role;
using mlv::test::make_artifact;

namespace {

git::CommitInfo commit_with(const std::string& message, int64_t time = 0,
                            const std::string& email = "a@example.com") {
    git::CommitInfo commit;
    commit.id = test::fake_oid(message + std::to_string(time)).substr(0, 40);
    commit.summary = message;
    commit.message = message + "\n";
    commit.author.email = email;
    commit.author.time = time;
    return commit;
}

// Per-test text store for README and other text files.
struct Texts {
    std::map<std::string, std::string> by_oid;

    Artifact readme(const std::string& text) {
        auto artifact = make_artifact("README.md", Role::docs, Format::markdown, text);
        by_oid[artifact.oid] = text;
        return artifact;
    }
    TextReader reader() const {
        return [this](const Artifact& artifact) -> std::shared_ptr<const std::string> {
            auto it = by_oid.find(artifact.oid);
            if (it == by_oid.end()) {
                return nullptr;
            }
            return std::make_shared<const std::string>(it->second);
        };
    }
};

Classification classify(const std::vector<FileChange>& changes, const HistoryContext& context,
                        const std::string& message = "Update", int session = 1,
                        const Texts* texts = nullptr) {
    DiffOptions options;
    if (texts) {
        options.read_text = texts->reader();
    }
    TreeContext tree;
    for (const auto& [path, artifact] : context.tree) {
        if (artifact.format == Format::shard_index) {
            tree.before[path] = artifact;
        }
    }
    tree.after = tree.before;
    for (const auto& change : changes) {
        if (change.before) {
            tree.after.erase(change.old_path);
        }
        if (change.after && change.after->format == Format::shard_index) {
            tree.after[change.path] = *change.after;
        }
    }
    auto diff = diff_change_set(changes, options, &tree);
    return classify_commit(commit_with(message), session, changes, diff, context);
}

bool has_secondary(const Classification& result, Stage stage) {
    return std::find(result.secondary_stages.begin(), result.secondary_stages.end(), stage) !=
           result.secondary_stages.end();
}

bool has_evidence(const Classification& result, const std::string& needle) {
    return std::any_of(result.evidence.begin(), result.evidence.end(),
                       [&](const auto& line) { return line.find(needle) != std::string::npos; });
}

Artifact config_artifact(const Json& raw, const std::string& seed) {
    return make_artifact("config.json", Role::config, Format::model_config, seed,
                         test::make_config(raw));
}

Artifact generation_artifact(const Json& raw, const std::string& seed) {
    formats::GenerationConfig config;
    config.raw = raw;
    if (raw.contains("temperature")) {
        config.temperature = raw["temperature"].get<double>();
    }
    return make_artifact("generation_config.json", Role::config, Format::generation_config, seed,
                         config);
}

std::vector<std::pair<std::string, std::string>> llama_map(int shards) {
    std::vector<std::pair<std::string, std::string>> map;
    for (int i = 1; i <= 4; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", (i - 1) % shards + 1,
                      shards);
        map.emplace_back("layer." + std::to_string(i), name);
    }
    return map;
}

// A repository with config, a two-shard safetensors checkpoint and a tokenizer.
HistoryContext llama_context() {
    HistoryContext context;
    context.repository_name = "model";
    context.tree["config.json"] = config_artifact({{"vocab_size", 32000}}, "cfg");
    context.tree["model.safetensors.index.json"] =
        make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index, "idx",
                      test::make_index(llama_map(2), 1000));
    context.tree["model-00001-of-00002.safetensors"] =
        test::make_lfs_weights("model-00001-of-00002.safetensors", "shard1");
    context.tree["model-00002-of-00002.safetensors"] =
        test::make_lfs_weights("model-00002-of-00002.safetensors", "shard2");
    context.tree["tokenizer.json"] = make_artifact(
        "tokenizer.json", Role::tokenizer, Format::tokenizer_json, "tok", formats::TokenizerJson{});
    return context;
}

} // namespace

TEST_CASE("initial import of an empty repository") {
    HistoryContext context;
    std::vector<FileChange> changes = {
        test::added(config_artifact({{"vocab_size", 32000}}, "c")),
        test::added(test::make_lfs_weights("model.safetensors", "w")),
        test::added(make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "t")),
        test::added(make_artifact(".gitattributes", Role::other, Format::text, "ga")),
    };
    auto result = classify(changes, context, "Squashing commit");
    CHECK(result.stage == Stage::initial_import);
    CHECK(result.secondary_stages.empty());
    CHECK(has_evidence(result, "first commit that adds model files"));
}

TEST_CASE("duplicate message is an import") {
    auto result =
        classify({test::added(make_artifact("notes.txt", Role::other, Format::text, "n"))},
                 llama_context(), "Duplicate from someone/model");
    CHECK(result.stage == Stage::initial_import);
}

TEST_CASE("first weights complete the import") {
    HistoryContext context;
    context.tree["config.json"] = config_artifact({{"vocab_size", 3}}, "c");
    auto result = classify({test::added(test::make_lfs_weights("pytorch_model.bin", "w"))}, context,
                           "add pytorch_model binary file");
    CHECK(result.stage == Stage::initial_import);
    CHECK(has_evidence(result, "first commit that adds weights"));
}

TEST_CASE("shard uploads in the import session") {
    auto context = llama_context();
    context.import_session = 3;
    std::vector<FileChange> changes = {
        test::added(test::make_lfs_weights("model-00003-of-00003.safetensors", "x"))};
    CHECK(classify(changes, context, "Upload model-00003-of-00003.safetensors", 3).stage ==
          Stage::initial_import);
    // The same upload in a later session is not an import.
    CHECK(classify(changes, context, "Upload", 4).stage != Stage::initial_import);
}

TEST_CASE("vocabulary resize is architecture") {
    auto context = llama_context();
    auto before =
        config_artifact({{"vocab_size", 128256}, {"eos_token_id", {128001, 128009}}}, "a");
    auto after = config_artifact({{"vocab_size", 128262}, {"eos_token_id", 128009}}, "b");
    context.tree["config.json"] = before;
    auto result = classify({test::modified(before, after)}, context,
                           "Upload config.json with huggingface_hub");
    CHECK(result.stage == Stage::architecture);
    CHECK(has_secondary(result, Stage::configuration));
    CHECK(has_evidence(result, "vocab_size 128256 -> 128262"));
    CHECK(result.maintenance == Maintenance::perfective);
}

TEST_CASE("rotary context length is configuration") {
    auto context = llama_context();
    auto before = config_artifact({{"max_position_embeddings", 2048}}, "p1");
    auto after = config_artifact({{"max_position_embeddings", 4096}}, "p2");
    CHECK(classify({test::modified(before, after)}, context).stage == Stage::configuration);

    // With a learned position embedding the same key reshapes a tensor.
    context.tree["model.safetensors.index.json"] = make_artifact(
        "model.safetensors.index.json", Role::weights, Format::shard_index, "pos",
        test::make_index({{"embeddings.position_embeddings.weight", "model.safetensors"}}, 10));
    CHECK(classify({test::modified(before, after)}, context).stage == Stage::architecture);
}

TEST_CASE("tokenizer change") {
    formats::TokenizerConfig old_config;
    formats::TokenizerConfig new_config;
    new_config.added_tokens_decoder = {{"<thinking>", 128256, true}};
    auto before = make_artifact("tokenizer_config.json", Role::tokenizer, Format::tokenizer_config,
                                "t1", old_config);
    auto after = make_artifact("tokenizer_config.json", Role::tokenizer, Format::tokenizer_config,
                               "t2", new_config);
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::tokenizer);
    CHECK(has_evidence(result, "tokens: 1 added"));
}

TEST_CASE("weights values without base model are training") {
    auto context = llama_context();
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "new"));
    auto result = classify({change}, context, "Upload model-00001-of-00002.safetensors");
    CHECK(result.stage == Stage::training);
    CHECK(has_evidence(result, "content changed (oid"));
    CHECK(has_evidence(result, "no adapter, declared base model or restarted trainer state"));
}

TEST_CASE("declared base model makes fine tuning") {
    auto context = llama_context();
    context.readme_base_models = {"meta-llama/Meta-Llama-3.1-70B-Instruct"};
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "new"));
    auto result = classify({change}, context, "Upload model-00001-of-00002.safetensors");
    CHECK(result.stage == Stage::fine_tuning);
    CHECK(has_evidence(result, "declares base_model meta-llama/Meta-Llama-3.1-70B-Instruct"));
}

TEST_CASE("config name of another model makes fine tuning") {
    auto context = llama_context();
    context.tree["config.json"] =
        config_artifact({{"_name_or_path", "meta-llama/Meta-Llama-3-70B-Instruct"}}, "named");
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "new"));
    CHECK(classify({change}, context).stage == Stage::fine_tuning);

    // Its own name is no declaration.
    context.tree["config.json"] = config_artifact({{"_name_or_path", "org/model"}}, "own");
    CHECK(classify({change}, context).stage == Stage::training);
}

TEST_CASE("adapter weights are fine tuning") {
    auto context = llama_context();
    auto before = test::make_lfs_weights("adapter_model.safetensors", "a1", 3'000'000);
    auto after = test::make_lfs_weights("adapter_model.safetensors", "a2", 3'000'000);
    context.tree["adapter_model.safetensors"] = before;
    auto result = classify({test::modified(before, after)}, context);
    CHECK(result.stage == Stage::fine_tuning);
    CHECK(has_evidence(result, "adapter files change"));
}

TEST_CASE("restarted trainer state is fine tuning") {
    auto context = llama_context();
    formats::TrainerState old_state;
    old_state.global_step = 900;
    formats::TrainerState new_state;
    new_state.global_step = 100;
    auto state_before =
        make_artifact("trainer_state.json", Role::training, Format::trainer_state, "s1", old_state);
    auto state_after =
        make_artifact("trainer_state.json", Role::training, Format::trainer_state, "s2", new_state);
    auto weights = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                  test::make_lfs_weights("model-00001-of-00002.safetensors", "r"));
    auto result = classify({weights, test::modified(state_before, state_after)}, context);
    CHECK(result.stage == Stage::fine_tuning);
    CHECK(has_evidence(result, "trainer state restarted (global_step 900 -> 100)"));
    CHECK(has_secondary(result, Stage::training));
}

TEST_CASE("continued trainer state is training") {
    formats::TrainerState old_state;
    old_state.global_step = 100;
    formats::TrainerState new_state;
    new_state.global_step = 200;
    auto before = make_artifact("checkpoint/trainer_state.json", Role::training,
                                Format::trainer_state, "c1", old_state);
    auto after = make_artifact("checkpoint/trainer_state.json", Role::training,
                               Format::trainer_state, "c2", new_state);
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::training);
    CHECK(has_evidence(result, "step 100 -> 200"));
}

TEST_CASE("reshard with dtype change is conversion") {
    auto context = llama_context();
    auto old_index = context.tree["model.safetensors.index.json"];
    auto new_index =
        make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index, "idx3",
                      test::make_index(llama_map(3), 501));
    std::vector<FileChange> changes = {
        test::modified(old_index, new_index),
        test::added(test::make_lfs_weights("model-00001-of-00003.safetensors", "n1")),
        test::added(test::make_lfs_weights("model-00002-of-00003.safetensors", "n2")),
        test::added(test::make_lfs_weights("model-00003-of-00003.safetensors", "n3")),
    };
    auto result = classify(changes, context, "Upload LlamaForCausalLM");
    CHECK(result.stage == Stage::conversion);
    CHECK(result.maintenance == Maintenance::adaptive);
    CHECK(has_evidence(result, "(dtype change)"));
    CHECK_FALSE(has_secondary(result, Stage::training));
}

TEST_CASE("index size change with same names is architecture") {
    auto context = llama_context();
    auto old_index = context.tree["model.safetensors.index.json"];
    auto map = llama_map(2);
    std::swap(map[0].second, map[1].second);
    auto new_index = make_artifact("model.safetensors.index.json", Role::weights,
                                   Format::shard_index, "idx-grown", test::make_index(map, 1006));
    auto result = classify({test::modified(old_index, new_index)}, context);
    CHECK(result.stage == Stage::architecture);
    CHECK(has_evidence(result, "tensor shapes changed"));
}

TEST_CASE("pytorch to safetensors is conversion") {
    HistoryContext context;
    context.repository_name = "model";
    context.tree["config.json"] = config_artifact({{"vocab_size", 10}}, "c");
    context.tree["pytorch_model.bin"] = test::make_lfs_weights("pytorch_model.bin", "pt");
    auto st_header = test::make_header({{"a", {2}}});
    auto added = test::added(
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "st", st_header));
    auto result = classify({test::deleted(context.tree["pytorch_model.bin"]), added}, context,
                           "Adding `safetensors` variant of this model");
    CHECK(result.stage == Stage::conversion);
    CHECK(result.maintenance == Maintenance::adaptive);
    CHECK(has_evidence(result, "1 pytorch file replaced by 1 safetensors file"));
}

TEST_CASE("deleting an unreferenced shard") {
    auto context = llama_context();
    context.tree["pytorch_model-00001-of-00003.bin"] =
        test::make_lfs_weights("pytorch_model-00001-of-00003.bin", "old");
    context.tree["pytorch_model.bin.index.json"] =
        make_artifact("pytorch_model.bin.index.json", Role::weights, Format::shard_index, "pidx",
                      test::make_index({{"layer.1", "pytorch_model-00001-of-00002.bin"}}, 10));
    auto result = classify({test::deleted(context.tree["pytorch_model-00001-of-00003.bin"])},
                           context, "Delete pytorch_model-00001-of-00003.bin");
    CHECK(result.stage == Stage::maintenance);
    CHECK(result.maintenance == Maintenance::corrective);
    CHECK(has_evidence(result, "no index references"));
}

TEST_CASE("deleting out of range added tokens") {
    auto context = llama_context();
    formats::Vocabulary vocabulary;
    vocabulary.entries = {{"<pad>", 32000}};
    vocabulary.max_id = 32000;
    auto file = make_artifact("added_tokens.json", Role::tokenizer, Format::added_tokens, "pad",
                              vocabulary);
    context.tree["added_tokens.json"] = file;
    auto result = classify({test::deleted(file)}, context, "Delete added_tokens.json");
    CHECK(result.stage == Stage::tokenizer);
    CHECK(result.maintenance == Maintenance::corrective);
    CHECK(has_evidence(result, "token id 32000 is outside vocab_size 32000"));
}

TEST_CASE("out of range pad id repaired") {
    auto before = generation_artifact({{"pad_token_id", 32000}}, "g1");
    auto after = generation_artifact({{"pad_token_id", 0}}, "g2");
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::configuration);
    CHECK(result.maintenance == Maintenance::corrective);
}

TEST_CASE("do_sample turned on is corrective") {
    auto before = generation_artifact({{"temperature", 0.9}}, "d1");
    auto after = generation_artifact({{"temperature", 0.6}, {"do_sample", true}}, "d2");
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::configuration);
    CHECK(result.maintenance == Maintenance::corrective);
    CHECK(has_evidence(result, "sets do_sample"));
}

TEST_CASE("version bump is adaptive") {
    auto before = config_artifact({{"transformers_version", "4.31.0"}}, "v1");
    auto after = config_artifact({{"transformers_version", "4.40.0"}}, "v2");
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::configuration);
    CHECK(result.maintenance == Maintenance::adaptive);
}

TEST_CASE("generation keys moved to generation config") {
    auto context = llama_context();
    auto config_before = config_artifact({{"max_length", 4096}, {"vocab_size", 32000}}, "m1");
    auto config_after = config_artifact({{"vocab_size", 32000}}, "m2");
    DiffOptions options;
    std::vector<FileChange> first = {test::modified(config_before, config_after)};
    auto first_diff = diff_change_set(first, options);
    auto first_result =
        classify_commit(commit_with("Update config.json"), 5, first, first_diff, context);
    CHECK(first_result.stage == Stage::configuration);
    CHECK(first_result.maintenance == Maintenance::adaptive);
    advance(context, 5, first_result, first, first_diff, {});
    CHECK(context.moved_generation_keys.count("max_length") == 1);

    std::vector<FileChange> second = {
        test::modified(generation_artifact({{"top_p", 0.6}}, "n1"),
                       generation_artifact({{"top_p", 0.6}, {"max_length", 4096}}, "n2"))};
    auto second_diff = diff_change_set(second, options);
    CHECK(classify_commit(commit_with("Update generation_config.json"), 5, second, second_diff,
                          context)
              .maintenance == Maintenance::adaptive);
    CHECK(classify_commit(commit_with("Update generation_config.json"), 6, second, second_diff,
                          context)
              .maintenance == Maintenance::perfective);
}

TEST_CASE("readme body and front matter") {
    Texts texts;
    auto context = llama_context();
    auto base = texts.readme("---\nlicense: mit\n---\n# Model\n");
    auto body = texts.readme("---\nlicense: mit\n---\n# Model\nUsage\n");
    auto gated = texts.readme("---\nlicense: mit\nextra_gated_prompt: agree\n---\n# Model\n");
    auto scored = texts.readme("---\nlicense: mit\nmodel-index:\n- name: m\n---\n# Model\n");

    auto docs = classify({test::modified(base, body)}, context, "Update README.md", 1, &texts);
    CHECK(docs.stage == Stage::documentation);
    CHECK(docs.maintenance == Maintenance::perfective);

    auto gating = classify({test::modified(base, gated)}, context, "Update README.md", 1, &texts);
    CHECK(gating.stage == Stage::maintenance);
    CHECK(gating.maintenance == Maintenance::adaptive);

    auto evaluation =
        classify({test::modified(base, scored)}, context, "Update README.md", 1, &texts);
    CHECK(evaluation.stage == Stage::evaluation);

    auto fixed = classify({test::modified(base, body)}, context, "Fix model links", 1, &texts);
    CHECK(fixed.stage == Stage::documentation);
    CHECK(fixed.maintenance == Maintenance::corrective);
}

TEST_CASE("readme base model enters the context") {
    Texts texts;
    HistoryContext context;
    auto readme = texts.readme("---\nbase_model: org/base\n---\ntext\n");
    std::vector<FileChange> changes = {test::added(readme)};
    auto diff = diff_change_set(changes);
    auto result = classify_commit(commit_with("Create README.md"), 1, changes, diff, context);
    CHECK(result.stage == Stage::documentation);
    advance(context, 1, result, changes, diff, texts.reader());
    CHECK(context.readme_base_models == std::vector<std::string>{"org/base"});
    CHECK(context.tree.count("README.md") == 1);
}

TEST_CASE("evaluation results file") {
    auto result =
        classify({test::added(make_artifact("eval_results.json", Role::other, Format::json, "e"))},
                 llama_context(), "Add evaluation results");
    CHECK(result.stage == Stage::evaluation);
}

TEST_CASE("gitattributes is adaptive maintenance") {
    auto before = make_artifact(".gitattributes", Role::other, Format::text, "g1");
    auto after = make_artifact(".gitattributes", Role::other, Format::text, "g2");
    auto result = classify({test::modified(before, after)}, llama_context());
    CHECK(result.stage == Stage::maintenance);
    CHECK(result.maintenance == Maintenance::adaptive);
}

TEST_CASE("empty commit evidence") {
    auto result = classify({}, llama_context(), "Upload model-00046-of-00162.safetensors");
    CHECK(result.stage == Stage::maintenance);
    CHECK(result.summary == "no file changes");
}

namespace {

Artifact safetensors(const std::string& path,
                     const std::vector<std::pair<std::string, std::vector<uint64_t>>>& tensors,
                     const std::string& seed, const std::string& dtype = "F32") {
    return make_artifact(path, Role::weights, Format::safetensors, seed,
                         test::make_header(tensors, dtype));
}

Artifact text_file(const std::string& path, Role role, const std::string& seed) {
    return make_artifact(path, role, Format::text, seed);
}

git::CommitInfo upload_commit(int64_t time) {
    return commit_with("Upload model-00001-of-00002.safetensors with huggingface_hub", time);
}

// Classifies `changes` with the given commit time, after advance() has
// recorded the context's shard uploads at `upload_time` in session 1.
Classification classify_at(const std::vector<FileChange>& changes, HistoryContext& context,
                           int64_t time, int session) {
    auto diff = diff_change_set(changes);
    return classify_commit(upload_commit(time), session, changes, diff, context);
}

HistoryContext uploaded_context(int64_t upload_time) {
    auto context = llama_context();
    std::vector<FileChange> uploads;
    for (const auto& path :
         {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
        uploads.push_back(test::added(context.tree.at(path)));
    }
    Classification imported;
    imported.stage = Stage::initial_import;
    advance(context, 1, imported, uploads, diff_change_set(uploads), {}, upload_time);
    return context;
}

constexpr int64_t hour = 60 * 60;

} // namespace

TEST_CASE("reshaped tensor is architecture") {
    auto context = llama_context();
    auto before = safetensors("model.safetensors", {{"embed", {32000, 8}}}, "w1");
    auto after = safetensors("model.safetensors", {{"embed", {32006, 8}}}, "w2");
    context.tree["model.safetensors"] = before;
    auto result = classify({test::modified(before, after)}, context);
    CHECK(result.stage == Stage::architecture);
    CHECK(has_evidence(result, "tensors added, removed or reshaped"));
}

TEST_CASE("added tensor is architecture") {
    auto context = llama_context();
    auto before = safetensors("model.safetensors", {{"a", {2}}}, "w1");
    auto after = safetensors("model.safetensors", {{"a", {2}}, {"b", {2}}}, "w2");
    CHECK(classify({test::modified(before, after)}, context).stage == Stage::architecture);
}

TEST_CASE("index with new tensor names") {
    auto context = llama_context();
    auto before = context.tree["model.safetensors.index.json"];
    auto map = llama_map(2);
    map.emplace_back("lm_head.weight", "model-00002-of-00002.safetensors");
    auto after = make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index,
                               "idx2", test::make_index(map, 1100));
    CHECK(classify({test::modified(before, after)}, context).stage == Stage::architecture);
}

TEST_CASE("model code is architecture") {
    auto result =
        classify({test::added(text_file("modeling_custom.py", Role::other, "m"))}, llama_context());
    CHECK(result.stage == Stage::architecture);
    CHECK(has_evidence(result, "model code modeling_custom.py"));
}

TEST_CASE("tokenizer code is tokenizer") {
    auto result = classify({test::added(text_file("tokenization_custom.py", Role::other, "t"))},
                           llama_context());
    CHECK(result.stage == Stage::tokenizer);
}

TEST_CASE("retyped tensors are conversion") {
    auto context = llama_context();
    auto before = safetensors("model.safetensors", {{"a", {4}}, {"b", {4}}}, "w1", "F32");
    auto after = safetensors("model.safetensors", {{"a", {4}}, {"b", {4}}}, "w2", "F16");
    auto result = classify({test::modified(before, after)}, context);
    CHECK(result.stage == Stage::conversion);
    CHECK(result.maintenance == Maintenance::adaptive);
    CHECK(has_evidence(result, "tensors retyped (F32 -> F16)"));
}

TEST_CASE("new format beside weights") {
    auto context = llama_context();
    auto result =
        classify({test::added(test::make_lfs_weights("model.gguf", "gguf"))}, context, "Add GGUF");
    CHECK(result.stage == Stage::conversion);
    CHECK(result.maintenance == Maintenance::adaptive);
}

TEST_CASE("training arguments are training") {
    auto args = make_artifact("training_args.bin", Role::training, Format::training_args, "ta");
    CHECK(classify({test::added(args)}, llama_context()).stage == Stage::training);
}

TEST_CASE("model index is evaluation") {
    Texts texts;
    auto context = llama_context();
    auto before = texts.readme("---\nlicense: mit\n---\n# Model\n");
    auto after =
        texts.readme("---\nlicense: mit\nmodel-index:\n- name: m\n  results: []\n---\n# Model\n");
    auto result = classify({test::modified(before, after)}, context, "Update", 1, &texts);
    CHECK(result.stage == Stage::evaluation);
}

TEST_CASE("preprocessor config is configuration") {
    auto before =
        make_artifact("preprocessor_config.json", Role::config, Format::preprocessor_config, "p1");
    auto after =
        make_artifact("preprocessor_config.json", Role::config, Format::preprocessor_config, "p2");
    CHECK(classify({test::modified(before, after)}, llama_context()).stage == Stage::configuration);
}

TEST_CASE("licence file is adaptive maintenance") {
    auto result = classify({test::added(text_file("LICENSE", Role::docs, "l"))}, llama_context());
    CHECK(result.stage == Stage::maintenance);
    CHECK(result.maintenance == Maintenance::adaptive);

    // In a new repository the licence is part of its creation.
    auto first = classify({test::added(text_file("LICENSE", Role::docs, "l"))}, HistoryContext{});
    CHECK(first.maintenance == Maintenance::perfective);
}

TEST_CASE("library name is adaptive") {
    Texts texts;
    auto before = texts.readme("---\nlicense: mit\n---\n# Model\n");
    auto after = texts.readme("---\nlicense: mit\nlibrary_name: transformers\n---\n# Model\n");
    auto result = classify({test::modified(before, after)}, llama_context(), "Update", 1, &texts);
    CHECK(result.stage == Stage::documentation);
    CHECK(result.maintenance == Maintenance::adaptive);
}

TEST_CASE("pure rename is maintenance") {
    auto before = text_file("notes.txt", Role::docs, "same");
    auto after = text_file("docs/notes.txt", Role::docs, "same");
    FileChange change = test::modified(before, after);
    change.kind = git::ChangeKind::renamed;
    CHECK(classify({change}, llama_context()).stage == Stage::maintenance);
}

TEST_CASE("import with fix message is corrective") {
    auto result = classify({test::added(config_artifact({{"vocab_size", 3}}, "c"))},
                           HistoryContext{}, "Fix upload of the model");
    CHECK(result.stage == Stage::initial_import);
    CHECK(result.maintenance == Maintenance::corrective);
}

TEST_CASE("redone upload is corrective") {
    auto context = uploaded_context(0);
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "v2"));
    auto result = classify_at({change}, context, 15 * hour, 2);
    CHECK(result.stage == Stage::training);
    CHECK(result.maintenance == Maintenance::corrective);
    CHECK(result.redoes_upload);
    CHECK(has_evidence(result, "gets new content 15 h after its upload in session 1"));
}

TEST_CASE("redone upload needs a later session") {
    auto context = uploaded_context(0);
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "v2"));
    auto result = classify_at({change}, context, hour, 1);
    CHECK(result.maintenance == Maintenance::perfective);
    CHECK_FALSE(result.redoes_upload);
}

TEST_CASE("redone upload needs the window") {
    auto context = uploaded_context(0);
    auto change = test::modified(context.tree["model-00001-of-00002.safetensors"],
                                 test::make_lfs_weights("model-00001-of-00002.safetensors", "v2"));
    auto result = classify_at({change}, context, redo_upload_window_seconds + 1, 2);
    CHECK(result.maintenance == Maintenance::perfective);
}

TEST_CASE("redone upload without training progress") {
    auto context = uploaded_context(0);
    formats::TrainerState old_state;
    old_state.global_step = 100;
    formats::TrainerState new_state;
    new_state.global_step = 200;
    std::vector<FileChange> changes = {
        test::modified(context.tree["model-00001-of-00002.safetensors"],
                       test::make_lfs_weights("model-00001-of-00002.safetensors", "v2")),
        test::modified(make_artifact("trainer_state.json", Role::training, Format::trainer_state,
                                     "s1", old_state),
                       make_artifact("trainer_state.json", Role::training, Format::trainer_state,
                                     "s2", new_state)),
    };
    CHECK(classify_at(changes, context, hour * 2, 2).maintenance == Maintenance::perfective);
}

TEST_CASE("redo session model files") {
    auto context = uploaded_context(0);
    context.redo_session = 2;
    auto before = context.tree["config.json"];
    auto after = config_artifact({{"vocab_size", 32006}}, "cfg2");
    auto result = classify_at({test::modified(before, after)}, context, 16 * hour, 2);
    CHECK(result.maintenance == Maintenance::corrective);
    CHECK(has_evidence(result, "changes in the session that redoes the weights upload"));

    // Documentation in that session is not part of the repair.
    Texts texts;
    auto readme = classify({test::modified(texts.readme("# A\n"), texts.readme("# B\n"))}, context,
                           "Update README.md", 2, &texts);
    CHECK(readme.maintenance == Maintenance::perfective);
}

TEST_CASE("advance records weights uploads") {
    auto context = uploaded_context(42);
    REQUIRE(context.weights_uploads.count("model-00001-of-00002.safetensors") == 1);
    CHECK(context.weights_uploads["model-00001-of-00002.safetensors"].time == 42);
    CHECK(context.weights_uploads["model-00001-of-00002.safetensors"].session == 1);
    CHECK(context.weights_uploads.count("model.safetensors.index.json") == 0);
}
