// The stage and maintenance rules of docs/lifecycle.md, applied to one
// commit. Each rule that fires adds an evidence line; the primary stage is
// the first stage in stage_priority() with evidence.
#include "mlv/lifecycle/stages.hpp"

#include "mlv/formats/shard_index.hpp"
#include "mlv/util/path.hpp"
#include "mlv/util/size.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace mlv::lifecycle {

using artifacts::Artifact;
using artifacts::Format;
using artifacts::Role;

namespace {

std::string uppercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

bool is_adapter_path(const std::string& path) {
    std::string name = path_file_name(path);
    return name == "adapter_config.json" || name.starts_with("adapter_model.");
}

bool is_evaluation_path(const std::string& path) {
    std::string name = path_file_name(path);
    if (name.starts_with("eval_results") || name == "all_results.json" ||
        name == "test_results.json" || name.ends_with("_results.json")) {
        return true;
    }
    for (std::string_view folder : {"eval/", "evals/", "evaluation/", "eval_results/"}) {
        if (path.starts_with(folder) || path.find("/" + std::string(folder)) != std::string::npos) {
            return true;
        }
    }
    return false;
}

bool is_licence_path(const std::string& path) {
    std::string name = uppercase(path_file_name(path));
    return name.starts_with("LICENSE") || name.starts_with("LICENCE") ||
           name.starts_with("COPYING") || name.starts_with("USE_POLICY") ||
           name.starts_with("NOTICE");
}

bool is_upkeep_path(const std::string& path) {
    std::string name = path_file_name(path);
    return name == ".gitattributes" || name == ".gitignore" || name == ".gitmodules" ||
           name == ".mlv.json";
}

bool is_licence_key(const std::string& key) {
    return key.starts_with("license") || key.starts_with("licence") ||
           key.starts_with("extra_gated") || key.starts_with("gated");
}

bool is_version_key(const std::string& key) {
    return key == "transformers_version" || key.ends_with("_version") ||
           key.ends_with(".transformers_version");
}

bool is_model_role(Role role) {
    return role == Role::weights || role == Role::config || role == Role::tokenizer;
}

bool is_weights_file(const Artifact& artifact) {
    return artifact.role == Role::weights && artifact.format != Format::shard_index;
}

std::string list_paths(const std::vector<std::string>& paths, size_t max = 3) {
    std::string out;
    for (size_t i = 0; i < paths.size() && i < max; ++i) {
        out += (i ? ", " : "") + paths[i];
    }
    if (paths.size() > max) {
        out += " and " + std::to_string(paths.size() - max) + " more";
    }
    return out;
}

std::optional<int64_t> config_vocab_size(const std::map<std::string, Artifact>& tree) {
    auto it = tree.find("config.json");
    if (it == tree.end()) {
        return std::nullopt;
    }
    if (const auto* config = it->second.get<formats::ModelConfig>()) {
        return config->vocab_size;
    }
    return std::nullopt;
}

// Whether any known tensor name is a learned position embedding.
bool has_learned_positions(const std::map<std::string, Artifact>& tree) {
    auto is_position = [](const std::string& name) {
        return name.find("position_embeddings") != std::string::npos ||
               name.find("wpe.") != std::string::npos ||
               name.find("embed_positions") != std::string::npos;
    };
    for (const auto& [path, artifact] : tree) {
        if (const auto* index = artifact.get<formats::ShardIndex>()) {
            for (const auto& [tensor, shard] : index->weight_map) {
                if (is_position(tensor)) {
                    return true;
                }
            }
        }
        if (const auto* header = artifact.get<formats::SafetensorsHeader>()) {
            for (const auto& tensor : header->tensors) {
                if (is_position(tensor.name)) {
                    return true;
                }
            }
        }
    }
    return false;
}

// A ratio of total sizes that a dtype change explains: 32 to 16 bits and
// back, or 32 to 8 bits and back, within 1% for tensors kept in their dtype.
bool is_dtype_ratio(uint64_t before, uint64_t after) {
    if (before == 0 || after == 0) {
        return false;
    }
    double ratio = static_cast<double>(after) / static_cast<double>(before);
    for (double expected : {2.0, 4.0, 0.5, 0.25}) {
        if (std::fabs(ratio / expected - 1.0) < 0.01) {
            return true;
        }
    }
    return false;
}

std::vector<int64_t> ids_of(const Json& value) {
    std::vector<int64_t> ids;
    if (value.is_number_integer()) {
        ids.push_back(value.get<int64_t>());
    } else if (value.is_array()) {
        for (const auto& item : value) {
            if (item.is_number_integer()) {
                ids.push_back(item.get<int64_t>());
            }
        }
    }
    return ids;
}

bool is_token_id_key(const std::string& key) {
    return key == "bos_token_id" || key == "eos_token_id" || key == "pad_token_id" ||
           key == "unk_token_id" || key == "sep_token_id" || key == "decoder_start_token_id";
}

// Collects evidence for stages and maintenance types while the rules run.
class Evidence {
  public:
    void stage(Stage stage, std::string line) {
        if (std::find(stage_lines_[stage].begin(), stage_lines_[stage].end(), line) ==
            stage_lines_[stage].end()) {
            stage_lines_[stage].push_back(std::move(line));
        }
    }
    void maintenance(Maintenance type, std::string line) {
        maintenance_lines_[type].push_back(std::move(line));
    }
    void drop(Maintenance type) { maintenance_lines_.erase(type); }
    bool has(Stage stage) const { return stage_lines_.count(stage) > 0; }
    bool has(Maintenance type) const { return maintenance_lines_.count(type) > 0; }

    void finish(Classification& out) const {
        std::optional<Stage> primary;
        for (Stage stage : stage_priority()) {
            if (!has(stage)) {
                continue;
            }
            if (!primary) {
                primary = stage;
            } else if (*primary != Stage::initial_import) {
                out.secondary_stages.push_back(stage);
            }
        }
        out.stage = primary.value_or(Stage::maintenance);
        for (const auto& line : stage_lines_.count(out.stage) ? stage_lines_.at(out.stage)
                                                              : std::vector<std::string>{}) {
            out.evidence.push_back(std::string(to_string(out.stage)) + ": " + line);
        }
        for (Stage stage : out.secondary_stages) {
            for (const auto& line : stage_lines_.at(stage)) {
                out.evidence.push_back(std::string(to_string(stage)) + ": " + line);
            }
        }

        for (Maintenance type :
             {Maintenance::corrective, Maintenance::adaptive, Maintenance::perfective}) {
            if (has(type)) {
                out.maintenance = type;
                for (const auto& line : maintenance_lines_.at(type)) {
                    out.evidence.push_back(std::string(to_string(type)) + ": " + line);
                }
                return;
            }
        }
        out.maintenance = Maintenance::perfective;
        out.evidence.push_back("perfective: no fix or adaptation found");
    }

  private:
    std::map<Stage, std::vector<std::string>> stage_lines_;
    std::map<Maintenance, std::vector<std::string>> maintenance_lines_;
};

// What one commit looks like as a whole, before the per-file rules.
struct CommitFacts {
    bool had_model_files = false;
    bool had_weights = false;
    std::set<Format> weights_formats;                  // formats of weights files before
    std::map<Format, std::set<uint32_t>> shard_counts; // "-of-N" counts of shards before
    std::set<std::string> converted;                   // paths explained by a conversion
    std::map<std::string, Artifact> tree_after;        // shard indexes and configs after
};

CommitFacts gather_facts(const std::vector<FileChange>& changes, const ChangeSetDiff& diff,
                         const HistoryContext& context) {
    CommitFacts facts;
    for (const auto& [path, artifact] : context.tree) {
        facts.had_model_files = facts.had_model_files || is_model_role(artifact.role);
        if (is_weights_file(artifact)) {
            facts.had_weights = true;
            facts.weights_formats.insert(artifact.format);
            if (auto number = formats::parse_shard_number(path_file_name(path))) {
                facts.shard_counts[artifact.format].insert(number->count);
            }
        }
        if (artifact.format == Format::shard_index || artifact.format == Format::model_config) {
            facts.tree_after.emplace(path, artifact);
        }
    }
    for (const auto& change : changes) {
        if (change.before) {
            facts.tree_after.erase(change.before->path);
        }
        if (change.after && (change.after->format == Format::shard_index ||
                             change.after->format == Format::model_config)) {
            facts.tree_after[change.path] = *change.after;
        }
    }
    for (const auto& conversion : diff.conversions) {
        facts.converted.insert(conversion.from_paths.begin(), conversion.from_paths.end());
        facts.converted.insert(conversion.to_paths.begin(), conversion.to_paths.end());
    }
    return facts;
}

// Names of shard files that some index in `tree` references.
std::set<std::string> referenced_shards(const std::map<std::string, Artifact>& tree) {
    std::set<std::string> out;
    for (const auto& [path, artifact] : tree) {
        if (const auto* index = artifact.get<formats::ShardIndex>()) {
            for (const auto& shard : index->shards) {
                out.insert(path_directory(path) + shard);
            }
        }
    }
    return out;
}

// The reason weight values changed by fine-tuning rather than training, or
// nullopt for training.
std::optional<std::string> fine_tuning_reason(const std::vector<FileChange>& changes,
                                              const ChangeSetDiff& diff,
                                              const HistoryContext& context) {
    for (const auto& change : changes) {
        if (is_adapter_path(change.path)) {
            return "adapter files change (" + change.path + ")";
        }
    }
    for (const auto& [path, artifact] : context.tree) {
        if (is_adapter_path(path)) {
            return "the repository has adapter files (" + path + ")";
        }
    }
    for (const auto& file : diff.files) {
        if (file.trainer && file.trainer->old_step && file.trainer->new_step &&
            *file.trainer->new_step < *file.trainer->old_step) {
            return "trainer state restarted (global_step " +
                   std::to_string(*file.trainer->old_step) + " -> " +
                   std::to_string(*file.trainer->new_step) + ")";
        }
    }
    if (!context.readme_base_models.empty()) {
        return "README.md declares base_model " + context.readme_base_models.front();
    }
    for (const auto& file : diff.files) {
        for (const auto& key : file.keys) {
            if (key.key == "front matter base_model" && key.after) {
                return "README.md declares base_model " + key.after->get<std::string>();
            }
        }
    }
    auto declared_in = [&](const Artifact& artifact) -> std::optional<std::string> {
        if (const auto* adapter = artifact.get<formats::AdapterConfig>()) {
            if (adapter->base_model_name_or_path) {
                return artifact.path + " names base model " + *adapter->base_model_name_or_path;
            }
        }
        const auto* config = artifact.get<formats::ModelConfig>();
        if (!config || !config->name_or_path || config->name_or_path->empty()) {
            return std::nullopt;
        }
        const std::string& name = *config->name_or_path;
        if (name.starts_with('.') || name.starts_with('/') || context.repository_name.empty()) {
            return std::nullopt;
        }
        std::string last = path_file_name(name);
        std::string own = context.repository_name;
        auto lower = [](std::string text) {
            std::transform(text.begin(), text.end(), text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            return text;
        };
        if (lower(last) == lower(own)) {
            return std::nullopt;
        }
        return "config.json _name_or_path names another model (" + name + ")";
    };
    for (const auto& change : changes) {
        if (change.after) {
            if (auto reason = declared_in(*change.after)) {
                return reason;
            }
        }
    }
    for (const auto& [path, artifact] : context.tree) {
        if (artifact.format == Format::model_config || artifact.format == Format::adapter_config) {
            if (auto reason = declared_in(artifact)) {
                return reason;
            }
        }
    }
    return std::nullopt;
}

class Rules {
  public:
    Rules(const git::CommitInfo& commit, int session, const std::vector<FileChange>& changes,
          const ChangeSetDiff& diff, const HistoryContext& context)
        : commit_(commit), session_(session), changes_(changes), diff_(diff), context_(context),
          facts_(gather_facts(changes, diff, context)) {}

    Classification run() {
        if (changes_.empty()) {
            evidence_.stage(Stage::maintenance, "no file changes");
        }
        initial_import();
        for (size_t i = 0; i < changes_.size() && i < diff_.files.size(); ++i) {
            file(changes_[i], diff_.files[i]);
        }
        conversions();
        weight_values();
        maintenance_type();

        Classification out;
        evidence_.finish(out);
        out.summary = summarize_changes(changes_, diff_);
        out.redoes_upload = redoes_upload_ && out.maintenance == Maintenance::corrective;
        return out;
    }

  private:
    void initial_import() {
        if (commit_.summary.starts_with("Duplicate from")) {
            evidence_.stage(Stage::initial_import, "message '" + commit_.summary + "'");
        }
        std::vector<std::string> added_model;
        std::vector<std::string> added_weights;
        bool only_model_additions = !changes_.empty();
        for (const auto& change : changes_) {
            bool model = change.after && is_model_role(change.after->role);
            if (change.kind == git::ChangeKind::added && model) {
                added_model.push_back(change.path);
                if (is_weights_file(*change.after)) {
                    added_weights.push_back(change.path);
                }
            }
            only_model_additions =
                only_model_additions && change.kind == git::ChangeKind::added && model;
        }
        if (!facts_.had_model_files && !added_model.empty()) {
            evidence_.stage(Stage::initial_import,
                            "first commit that adds model files (" + list_paths(added_model) + ")");
        } else if (!facts_.had_weights && !added_weights.empty()) {
            evidence_.stage(Stage::initial_import,
                            "first commit that adds weights (" + list_paths(added_weights) + ")");
        }
        if (only_model_additions && context_.import_session != 0 &&
            session_ == context_.import_session) {
            evidence_.stage(Stage::initial_import,
                            "adds model files in the session of the initial import (" +
                                list_paths(added_model) + ")");
        }
    }

    void file(const FileChange& change, const FileDiff& diff) {
        const std::string& path = change.path;
        std::string name = path_file_name(path);
        // Settings and licences that a new repository starts with are part
        // of its creation, not an adaptation.
        bool new_repository = context_.tree.empty();
        if (is_upkeep_path(path)) {
            evidence_.stage(Stage::maintenance, path + " " + diff.headline());
            if (!new_repository) {
                evidence_.maintenance(Maintenance::adaptive, path + " changes repository settings");
            }
            return;
        }
        if (is_licence_path(path)) {
            evidence_.stage(Stage::maintenance,
                            "licence file " + path + " " + std::string(change_verb(change.kind)));
            if (!new_repository) {
                evidence_.maintenance(Maintenance::adaptive,
                                      "licence or usage terms change (" + path + ")");
            }
            return;
        }
        if (is_evaluation_path(path) && diff.role != Role::weights) {
            evidence_.stage(Stage::evaluation, path + " " + std::string(change_verb(change.kind)));
            return;
        }
        if (name.starts_with("modeling_") && name.ends_with(".py")) {
            evidence_.stage(Stage::architecture,
                            "model code " + path + " " + std::string(change_verb(change.kind)));
            return;
        }
        if (name.starts_with("tokenization_") && name.ends_with(".py")) {
            evidence_.stage(Stage::tokenizer,
                            "tokenizer code " + path + " " + std::string(change_verb(change.kind)));
            return;
        }
        if (change.kind == git::ChangeKind::renamed && !diff.content_changed) {
            evidence_.stage(Stage::maintenance, path + " renamed from " + diff.old_path);
            return;
        }

        switch (diff.role) {
        case Role::weights:
            if ((change.after ? change.after->format : change.before->format) ==
                Format::shard_index) {
                shard_index(change, diff);
            } else {
                weights(change, diff);
            }
            break;
        case Role::config:
            config(change, diff);
            break;
        case Role::tokenizer:
            evidence_.stage(Stage::tokenizer, path + ": " + diff.headline());
            break;
        case Role::training:
            training(change, diff);
            break;
        case Role::docs:
            docs(change, diff);
            break;
        case Role::other:
            evidence_.stage(Stage::maintenance, path + " " + std::string(change_verb(change.kind)));
            break;
        }
    }

    void weights(const FileChange& change, const FileDiff& diff) {
        const std::string& path = change.path;
        if (facts_.converted.count(path)) {
            return; // conversions() reports it
        }
        if (diff.tokens && !diff.tokens->empty()) {
            evidence_.stage(Stage::tokenizer, path + ": vocabulary in the weights file changes");
        }
        switch (change.kind) {
        case git::ChangeKind::added:
            added_weights(change);
            return;
        case git::ChangeKind::deleted:
            deleted_weights(change);
            return;
        default:
            break;
        }

        size_t structural = 0;
        size_t retyped = 0;
        size_t values = 0;
        const TensorChange* example = nullptr;
        for (const auto& tensor : diff.tensors) {
            if (tensor.kind == TensorChange::Kind::retyped) {
                ++retyped;
            } else if (tensor.kind == TensorChange::Kind::values_changed) {
                ++values;
            } else {
                ++structural;
                example = example ? example : &tensor;
            }
        }
        if (structural > 0) {
            std::string line = path + ": " + std::to_string(structural) +
                               " tensors added, removed or reshaped (" + example->name + " " +
                               std::string(to_string(example->kind)) + ")";
            evidence_.stage(Stage::architecture, line);
            return;
        }
        if (retyped > 0) {
            const auto& first =
                *std::find_if(diff.tensors.begin(), diff.tensors.end(),
                              [](const auto& t) { return t.kind == TensorChange::Kind::retyped; });
            evidence_.stage(Stage::conversion, path + ": " + std::to_string(retyped) +
                                                   " tensors retyped (" + first.old_dtype + " -> " +
                                                   first.new_dtype + ")");
        }
        if (values > 0 || (diff.values == ValueCheck::content_changed && retyped == 0)) {
            redone_upload(path);
        }
        if (values > 0) {
            weight_value_lines_.push_back(path + ": values changed in " + std::to_string(values) +
                                          " of " + std::to_string(diff.tensors_compared) +
                                          " tensors");
        } else if (diff.values == ValueCheck::content_changed && retyped == 0) {
            std::string line = path + ": content changed (oid " + diff.old_oid.substr(0, 7) +
                               " -> " + diff.new_oid.substr(0, 7);
            if (diff.old_size != diff.new_size) {
                line +=
                    ", size " + format_size(diff.old_size) + " -> " + format_size(diff.new_size);
            }
            weight_value_lines_.push_back(line + ")");
        }
    }

    void added_weights(const FileChange& change) {
        const Artifact& artifact = *change.after;
        if (!facts_.had_weights) {
            return; // the initial import rule covers the first weights
        }
        if (is_adapter_path(change.path)) {
            weight_value_lines_.push_back("adds adapter weights " + change.path);
            return;
        }
        if (!facts_.weights_formats.count(artifact.format)) {
            std::string existing;
            for (Format format : facts_.weights_formats) {
                existing +=
                    (existing.empty() ? "" : ", ") + std::string(artifacts::to_string(format));
            }
            evidence_.stage(Stage::conversion,
                            "adds " + change.path + " in format " +
                                std::string(artifacts::to_string(artifact.format)) + " beside " +
                                existing + " weights");
            return;
        }
        auto number = formats::parse_shard_number(path_file_name(change.path));
        const auto& counts = facts_.shard_counts[artifact.format];
        if (number && !counts.empty() && !counts.count(number->count)) {
            evidence_.stage(Stage::conversion, "adds " + change.path + " in a new shard layout (" +
                                                   text::count_noun(number->count, "shard") +
                                                   ", was " + std::to_string(*counts.begin()) +
                                                   ")");
            return;
        }
        added_weight_lines_.push_back("adds weights file " + change.path);
    }

    // New content for a weights file uploaded shortly before, in an earlier
    // session. Uploads within one session are parts of one upload, and a
    // new release months later is new work, so neither counts.
    void redone_upload(const std::string& path) {
        const auto upload = context_.weights_uploads.find(path);
        if (upload == context_.weights_uploads.end() || upload->second.session == 0 ||
            upload->second.session >= session_) {
            return;
        }
        const int64_t age = commit_.author.time - upload->second.time;
        if (age < 0 || age > redo_upload_window_seconds) {
            return;
        }
        redone_uploads_.push_back(path + " gets new content " + format_age(age) +
                                  " after its upload in session " +
                                  std::to_string(upload->second.session));
    }

    static std::string format_age(int64_t seconds) {
        if (seconds < 2 * 60 * 60) {
            return std::to_string(seconds / 60) + " min";
        }
        return std::to_string(seconds / (60 * 60)) + " h";
    }

    void deleted_weights(const FileChange& change) {
        auto referenced = referenced_shards(facts_.tree_after);
        if (!referenced.count(change.path) && !referenced.empty()) {
            evidence_.stage(Stage::maintenance,
                            "deletes " + change.path + ", which no shard index references");
            evidence_.maintenance(Maintenance::corrective,
                                  "removes " + change.path + ", a shard no index references");
            return;
        }
        evidence_.stage(Stage::maintenance, "deletes weights file " + change.path);
    }

    void shard_index(const FileChange& change, const FileDiff& diff) {
        if (change.kind == git::ChangeKind::deleted) {
            evidence_.stage(Stage::maintenance, "deletes shard index " + change.path);
            return;
        }
        if (!diff.shards) {
            return; // an added index goes with its shards
        }
        const auto& shards = *diff.shards;
        const std::string& path = change.path;
        if (!shards.tensors_added.empty() || !shards.tensors_removed.empty()) {
            evidence_.stage(Stage::architecture,
                            path + ": " + text::count_noun(shards.tensors_added.size(), "tensor") +
                                " added, " + std::to_string(shards.tensors_removed.size()) +
                                " removed");
            return;
        }
        bool size_changed = shards.old_total_size && shards.new_total_size &&
                            *shards.old_total_size != *shards.new_total_size;
        if (size_changed) {
            uint64_t before = *shards.old_total_size;
            uint64_t after = *shards.new_total_size;
            std::string sizes = std::to_string(before) + " -> " + std::to_string(after);
            if (is_dtype_ratio(before, after)) {
                evidence_.stage(Stage::conversion, path + ": total_size " + sizes +
                                                       " with the same tensors (dtype change)");
            } else {
                evidence_.stage(Stage::architecture,
                                path + ": total_size " + sizes +
                                    " with the same tensor names (tensor shapes changed)");
                return;
            }
        }
        if (shards.old_shard_count != shards.new_shard_count) {
            evidence_.stage(Stage::conversion, path + ": shards " +
                                                   std::to_string(shards.old_shard_count) + " -> " +
                                                   std::to_string(shards.new_shard_count));
        } else if (!shards.moved.empty()) {
            evidence_.stage(Stage::conversion, path + ": " +
                                                   text::count_noun(shards.moved.size(), "tensor") +
                                                   " moved between shards");
        }
    }

    void config(const FileChange& change, const FileDiff& diff) {
        const std::string& path = change.path;
        Format format = change.after ? change.after->format : change.before->format;
        if (format == Format::adapter_config) {
            weight_value_lines_.push_back(path + " " + std::string(change_verb(change.kind)));
            return;
        }
        if (change.kind != git::ChangeKind::modified || diff.keys.empty()) {
            evidence_.stage(Stage::configuration, path + ": " + diff.headline());
            return;
        }
        if (format == Format::model_config) {
            std::optional<bool> learned;
            std::vector<std::string> structural;
            std::vector<std::string> other;
            for (const auto& key : diff.keys) {
                if (!learned && (key.key.ends_with("max_position_embeddings") ||
                                 key.key.ends_with("n_positions"))) {
                    learned = has_learned_positions(context_.tree);
                }
                std::string line =
                    key.key + " " + short_value(key.before) + " -> " + short_value(key.after);
                if (is_structural_key(key.key, learned.value_or(false))) {
                    structural.push_back(line);
                } else {
                    other.push_back(line);
                }
            }
            if (!structural.empty()) {
                evidence_.stage(Stage::architecture, path + " " + list_paths(structural));
            }
            if (!other.empty()) {
                evidence_.stage(Stage::configuration, path + " " + list_paths(other));
            }
            return;
        }
        std::vector<std::string> lines;
        for (const auto& key : diff.keys) {
            lines.push_back(key.key + " " + short_value(key.before) + " -> " +
                            short_value(key.after));
        }
        evidence_.stage(Stage::configuration, path + " " + list_paths(lines));
    }

    void training(const FileChange& change, const FileDiff& diff) {
        if (diff.trainer) {
            evidence_.stage(Stage::training, change.path + ": " + diff.headline());
            return;
        }
        evidence_.stage(Stage::training, change.path + " " + std::string(change_verb(change.kind)));
    }

    void docs(const FileChange& change, const FileDiff& diff) {
        const std::string& path = change.path;
        if (change.kind == git::ChangeKind::deleted) {
            evidence_.stage(Stage::maintenance, "removes " + path);
            return;
        }
        if (change.kind != git::ChangeKind::modified || diff.keys.empty()) {
            evidence_.stage(Stage::documentation,
                            path + " " + std::string(change_verb(change.kind)));
            return;
        }
        for (const auto& key : diff.keys) {
            std::string name = key.key;
            if (name.starts_with("front matter ")) {
                name = name.substr(13);
            }
            if (name == "model-index" || name == "model_index") {
                evidence_.stage(Stage::evaluation,
                                path + ": model-index in the front matter changes");
            } else if (is_licence_key(name)) {
                evidence_.stage(Stage::maintenance, path + ": front matter " + name + " changes");
                evidence_.maintenance(Maintenance::adaptive,
                                      "licence or access terms change (" + name + ")");
            } else if (name == "library_name") {
                evidence_.stage(Stage::documentation, path + ": front matter library_name changes");
                evidence_.maintenance(Maintenance::adaptive,
                                      "library metadata changes (library_name)");
            } else {
                evidence_.stage(Stage::documentation, path + ": front matter " + name + " changes");
            }
        }
        if (diff.body_changed) {
            evidence_.stage(Stage::documentation, path + ": " + diff.headline());
        }
    }

    void conversions() {
        for (const auto& conversion : diff_.conversions) {
            evidence_.stage(Stage::conversion, conversion.summary);
        }
    }

    // Weight values changed: fine-tuning or training, by the rule of
    // fine_tuning_reason().
    void weight_values() {
        // Shards added next to a shard index that changes layout are the new
        // layout's files, not new weights.
        if (!evidence_.has(Stage::conversion)) {
            weight_value_lines_.insert(weight_value_lines_.end(), added_weight_lines_.begin(),
                                       added_weight_lines_.end());
        }
        if (weight_value_lines_.empty() || evidence_.has(Stage::initial_import)) {
            return;
        }
        auto reason = fine_tuning_reason(changes_, diff_, context_);
        Stage stage = reason ? Stage::fine_tuning : Stage::training;
        for (const auto& line : weight_value_lines_) {
            evidence_.stage(stage, line);
        }
        evidence_.stage(stage, reason ? *reason
                                      : "no adapter, declared base model or restarted trainer "
                                        "state");
    }

    void maintenance_type() {
        if (message_names_fix(commit_.message)) {
            evidence_.maintenance(Maintenance::corrective,
                                  "the message names a fix ('" + commit_.summary + "')");
        }
        redone_upload_repairs();
        repairs();
        if (evidence_.has(Stage::conversion)) {
            evidence_.maintenance(Maintenance::adaptive, "format or layout conversion");
        }
        version_bump();
        generation_move();
        // An import brings a whole model at once; only its message can make
        // it a fix.
        if (evidence_.has(Stage::initial_import)) {
            evidence_.drop(Maintenance::adaptive);
        }
    }

    // Weights replaced within days of their upload, with the same tensors and
    // without training progress, redo a faulty upload. The model files that
    // the same session changes after that belong to the same repair.
    void redone_upload_repairs() {
        const bool training_progress =
            std::any_of(diff_.files.begin(), diff_.files.end(),
                        [](const FileDiff& file) { return file.trainer.has_value(); });
        const bool same_structure = !evidence_.has(Stage::architecture) &&
                                    !evidence_.has(Stage::conversion) &&
                                    !evidence_.has(Stage::initial_import);
        if (!redone_uploads_.empty() && !training_progress && same_structure) {
            redoes_upload_ = true;
            for (const auto& line : redone_uploads_) {
                evidence_.maintenance(Maintenance::corrective,
                                      line + ", with the same tensors and no training progress: "
                                             "the upload is redone");
            }
            return;
        }

        if (context_.redo_session == 0 || context_.redo_session != session_) {
            return;
        }
        for (const auto& change : changes_) {
            const auto* artifact = change.after    ? &*change.after
                                   : change.before ? &*change.before
                                                   : nullptr;
            if (artifact && is_model_role(artifact->role)) {
                evidence_.maintenance(Maintenance::corrective,
                                      change.path +
                                          " changes in the session that redoes the weights "
                                          "upload");
                return;
            }
        }
    }

    // Changes that repair what a check would report.
    void repairs() {
        auto vocab_after = config_vocab_size(facts_.tree_after);
        auto vocab_before = config_vocab_size(context_.tree);
        for (size_t i = 0; i < changes_.size() && i < diff_.files.size(); ++i) {
            const auto& change = changes_[i];
            const auto& diff = diff_.files[i];
            if (change.kind == git::ChangeKind::deleted && change.before && vocab_before) {
                int64_t max_id = -1;
                if (const auto* vocabulary = change.before->get<formats::Vocabulary>()) {
                    max_id = vocabulary->max_id;
                }
                if (change.before->format == Format::added_tokens && max_id >= *vocab_before) {
                    evidence_.maintenance(Maintenance::corrective,
                                          "removes " + change.path + ", whose token id " +
                                              std::to_string(max_id) + " is outside vocab_size " +
                                              std::to_string(*vocab_before));
                }
            }
            out_of_range_ids(diff, vocab_after ? vocab_after : vocab_before);
            sampling_switch(change, diff);
        }
    }

    void out_of_range_ids(const FileDiff& diff, std::optional<int64_t> vocab_size) {
        if (!vocab_size) {
            return;
        }
        for (const auto& key : diff.keys) {
            if (!is_token_id_key(key.key) || !key.before || !key.after) {
                continue;
            }
            auto old_ids = ids_of(*key.before);
            auto new_ids = ids_of(*key.after);
            bool was_outside = std::any_of(old_ids.begin(), old_ids.end(),
                                           [&](int64_t id) { return id >= *vocab_size; });
            bool now_inside = !new_ids.empty() &&
                              std::all_of(new_ids.begin(), new_ids.end(),
                                          [&](int64_t id) { return id >= 0 && id < *vocab_size; });
            if (was_outside && now_inside) {
                evidence_.maintenance(Maintenance::corrective,
                                      diff.path + " " + key.key + " " + short_value(key.before) +
                                          " was outside vocab_size " + std::to_string(*vocab_size));
            }
        }
    }

    // transformers ignores temperature, top_p and top_k unless do_sample is
    // true, so turning it on next to them repairs the sampling settings.
    void sampling_switch(const FileChange& change, const FileDiff& diff) {
        if (!change.after || change.after->format != Format::generation_config) {
            return;
        }
        for (const auto& key : diff.keys) {
            if (key.key != "do_sample" || !key.after || *key.after != Json(true)) {
                continue;
            }
            const auto* config = change.after->get<formats::GenerationConfig>();
            bool sampling = config && (config->temperature || config->top_p || config->top_k);
            if (sampling) {
                evidence_.maintenance(Maintenance::corrective,
                                      change.path +
                                          " sets do_sample, so its sampling settings take effect");
            }
        }
    }

    void version_bump() {
        size_t version_keys = 0;
        for (const auto& file : diff_.files) {
            for (const auto& key : file.keys) {
                if (!is_version_key(key.key)) {
                    return;
                }
                ++version_keys;
            }
            bool only_keys = file.tensors.empty() && (!file.tokens || file.tokens->empty()) &&
                             !file.shards && !file.body_changed &&
                             file.kind == git::ChangeKind::modified;
            if (!only_keys) {
                return;
            }
        }
        if (version_keys > 0) {
            evidence_.maintenance(Maintenance::adaptive, "only library versions change");
        }
    }

    void generation_move() {
        for (size_t i = 0; i < changes_.size() && i < diff_.files.size(); ++i) {
            const auto& change = changes_[i];
            const auto& diff = diff_.files[i];
            if (!change.after) {
                continue;
            }
            for (const auto& key : diff.keys) {
                bool generation = generation_keys().count(key.key) > 0;
                if (change.after->format == Format::model_config && generation && !key.after) {
                    evidence_.maintenance(Maintenance::adaptive,
                                          "moves " + key.key +
                                              " out of config.json, as transformers expects "
                                              "generation settings in generation_config.json");
                }
                bool moved_here = context_.moved_keys_session == session_ &&
                                  context_.moved_generation_keys.count(key.key) > 0;
                if (change.after->format == Format::generation_config && moved_here &&
                    !key.before) {
                    evidence_.maintenance(Maintenance::adaptive,
                                          "receives " + key.key +
                                              " moved out of config.json in this session");
                }
            }
        }
    }

    const git::CommitInfo& commit_;
    int session_;
    const std::vector<FileChange>& changes_;
    const ChangeSetDiff& diff_;
    const HistoryContext& context_;
    CommitFacts facts_;
    Evidence evidence_;
    std::vector<std::string> weight_value_lines_;
    std::vector<std::string> added_weight_lines_;
    std::vector<std::string> redone_uploads_;
    bool redoes_upload_ = false;
};

} // namespace

Classification classify_commit(const git::CommitInfo& commit, int session,
                               const std::vector<FileChange>& changes, const ChangeSetDiff& diff,
                               const HistoryContext& context) {
    return Rules(commit, session, changes, diff, context).run();
}

void advance(HistoryContext& context, int session, const Classification& classification,
             const std::vector<FileChange>& changes, const ChangeSetDiff& diff,
             const TextReader& read_text, int64_t commit_time) {
    if (classification.stage == Stage::initial_import && context.import_session == 0) {
        context.import_session = session;
    }
    if (classification.redoes_upload) {
        context.redo_session = session;
    }
    for (size_t i = 0; i < changes.size(); ++i) {
        const auto& change = changes[i];
        if (change.before) {
            const std::string& old_path = change.old_path.empty() ? change.path : change.old_path;
            context.tree.erase(old_path);
            context.weights_uploads.erase(old_path);
        }
        if (change.after) {
            context.tree[change.path] = *change.after;
            if (is_weights_file(*change.after)) {
                context.weights_uploads[change.path] = {commit_time, session};
            }
        }

        if (change.path == "README.md") {
            context.readme_base_models.clear();
            if (change.after && read_text) {
                if (auto text = read_text(*change.after)) {
                    context.readme_base_models =
                        front_matter_list(parse_front_matter(*text), "base_model");
                }
            }
        }

        if (i < diff.files.size() && change.after && change.after->format == Format::model_config) {
            for (const auto& key : diff.files[i].keys) {
                if (!key.after && generation_keys().count(key.key)) {
                    if (context.moved_keys_session != session) {
                        context.moved_generation_keys.clear();
                        context.moved_keys_session = session;
                    }
                    context.moved_generation_keys.insert(key.key);
                }
            }
        }
    }
}

} // namespace mlv::lifecycle
