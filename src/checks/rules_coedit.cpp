// The co-edit rule: a change to one member of a group that alters what the
// others depend on leaves each unchanged dependent member stale.
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"
#include "mlv/util/path.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace mlv::checks {

using artifacts::Artifact;
using detail::make_finding;
using detail::quote;

namespace {

// What a member offers to or needs from its group, by aspect: "vocab",
// "added_tokens", "special_tokens", "architecture", "step", "results". A
// value is a digest of that part of the content; nullopt means the member
// depends on the aspect without defining it (README.md on eval results).
using Contract = std::map<std::string, std::optional<std::string>>;

std::string digest(const std::string& text) {
    return std::to_string(std::hash<std::string>{}(text));
}

std::string vocabulary_digest(std::vector<std::pair<std::string, int64_t>> entries) {
    std::sort(entries.begin(), entries.end());
    return digest(Json(entries).dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string added_tokens_digest(const std::vector<formats::AddedToken>& tokens) {
    std::vector<std::pair<std::string, int64_t>> entries;
    for (const auto& token : tokens) {
        entries.emplace_back(token.content, token.id);
    }
    return vocabulary_digest(std::move(entries));
}

std::string special_tokens_digest(const formats::SpecialTokens& tokens,
                                  const std::vector<std::string>& additional) {
    return digest(Json({{"named", tokens}, {"additional", additional}}).dump());
}

// Shapes without names, so that renaming tensors changes nothing.
std::string shapes_digest(const std::vector<formats::TensorInfo>& tensors) {
    std::vector<std::vector<uint64_t>> shapes;
    for (const auto& tensor : tensors) {
        shapes.push_back(tensor.shape);
    }
    std::sort(shapes.begin(), shapes.end());
    return digest(Json(shapes).dump());
}

std::string architecture_digest(const formats::ModelConfig& config) {
    Json keys = Json::object();
    for (const auto& key : formats::structural_config_keys()) {
        if (config.raw.is_object() && config.raw.contains(key)) {
            keys[key] = config.raw[key];
        }
    }
    keys["vocab_size"] = detail::config_vocab_size(config).value_or(-1);
    keys["hidden_size"] = detail::config_hidden_size(config).value_or(-1);
    keys["num_hidden_layers"] = detail::config_layer_count(config).value_or(-1);
    return digest(keys.dump());
}

bool is_results_file(std::string_view path) {
    auto name = path_file_name(path);
    constexpr std::string_view suffix = "_results.json";
    return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

Contract contract_of(const Artifact& artifact) {
    Contract contract;
    if (const auto* tokenizer = artifact.get<formats::TokenizerJson>()) {
        contract["vocab"] = vocabulary_digest(tokenizer->vocab.entries);
        contract["added_tokens"] = added_tokens_digest(tokenizer->added_tokens);
    } else if (const auto* config = artifact.get<formats::TokenizerConfig>()) {
        if (!config->added_tokens_decoder.empty()) {
            contract["added_tokens"] = added_tokens_digest(config->added_tokens_decoder);
        }
        contract["special_tokens"] =
            special_tokens_digest(config->special_tokens, config->additional_special_tokens);
    } else if (const auto* map = artifact.get<formats::SpecialTokensMap>()) {
        contract["special_tokens"] =
            special_tokens_digest(map->special_tokens, map->additional_special_tokens);
    } else if (const auto* vocabulary = artifact.get<formats::Vocabulary>()) {
        std::string aspect =
            artifact.format == artifacts::Format::added_tokens ? "added_tokens" : "vocab";
        contract[aspect] = vocabulary_digest(vocabulary->entries);
    } else if (const auto* model = artifact.get<formats::SentencePieceModel>()) {
        contract["vocab"] = vocabulary_digest(model->vocab.entries);
    } else if (artifact.get<formats::Merges>() != nullptr) {
        contract["vocab"] = artifact.oid;
    } else if (const auto* config = artifact.get<formats::ModelConfig>()) {
        contract["architecture"] = architecture_digest(*config);
    } else if (artifact.get<formats::SafetensorsHeader>() != nullptr) {
        // Tensors move between files when a model is saved with another
        // shard size, so the shapes of all safetensors files of a directory
        // together define the model (see weight_shapes_change).
        contract["architecture"] = std::nullopt;
    } else if (artifact.get<formats::ShardIndex>() != nullptr) {
        // An index follows the model's shapes, but a new index (another
        // shard size, another weight format) asks nothing of other files.
        contract["architecture"] = std::nullopt;
    } else if (artifact.get<formats::TorchCheckpoint>() != nullptr) {
        // A zip checkpoint shows storage sizes, not shapes, so it can only
        // follow an architecture change.
        contract["architecture"] = std::nullopt;
        contract["step"] = artifact.oid;
    } else if (const auto* state = artifact.get<formats::TrainerState>()) {
        contract["step"] = std::to_string(state->global_step.value_or(-1));
    } else if (artifact.format == artifacts::Format::markdown) {
        contract["results"] = std::nullopt;
    } else if (is_results_file(artifact.path)) {
        contract["results"] = artifact.oid;
    }

    // Optimizer and scheduler states without a readable layout still move
    // with the training step.
    if (contract.empty() && artifact.role == artifacts::Role::training &&
        artifact.format == artifacts::Format::pytorch) {
        contract["step"] = artifact.oid;
    }
    return contract;
}

std::map<std::string, const Artifact*> by_path(const artifacts::Snapshot& snapshot) {
    std::map<std::string, const Artifact*> out;
    for (const auto& artifact : snapshot.artifacts) {
        out.emplace(artifact.path, &artifact);
    }
    return out;
}

// The files of `snapshot` by path, without the weights files that config.json
// does not describe: safetensors files that are not the model's weights
// (detail::model_weights_paths) and GGUF files, which carry their own
// metadata. An added or changed `adapter_model.safetensors`, `extra.safetensors`
// or `model-q4_0.gguf` changes nothing that config.json describes, and a
// changed config.json requires nothing of them.
std::map<std::string, const Artifact*> without_extra_weights(const artifacts::Snapshot& snapshot) {
    auto model_weights = detail::model_weights_paths(snapshot);
    std::map<std::string, const Artifact*> out;
    for (const auto& artifact : snapshot.artifacts) {
        bool extra_safetensors = artifact.format == artifacts::Format::safetensors &&
                                 model_weights.count(artifact.path) == 0;
        if (extra_safetensors || artifact.format == artifacts::Format::gguf) {
            continue;
        }
        out.emplace(artifact.path, &artifact);
    }
    return out;
}

bool is_member(const CoEditGroup& group, std::string_view path) {
    return std::any_of(group.members.begin(), group.members.end(), [path](const auto& pattern) {
        return artifacts::path_matches(pattern, path);
    });
}

std::string aspect_words(const std::string& aspect) {
    if (aspect == "vocab") {
        return "its vocabulary";
    }
    if (aspect == "added_tokens") {
        return "its added tokens";
    }
    if (aspect == "special_tokens") {
        return "its special tokens";
    }
    if (aspect == "architecture") {
        return "the model's shapes or architecture keys";
    }
    if (aspect == "step") {
        return "the training step";
    }
    if (aspect == "results") {
        return "the evaluation results";
    }
    return "its content";
}

struct Change {
    const Artifact* artifact = nullptr;
    std::string aspect;
};

// The aspects of `current` that differ from `previous` (null when the file
// is new). Content that is absent (an LFS pointer without its object) has
// no contract to compare.
std::vector<std::string> changed_aspects(const Artifact& current, const Artifact* previous) {
    std::vector<std::string> out;
    if (previous != nullptr && previous->oid == current.oid) {
        return out;
    }
    Contract now = contract_of(current);
    Contract before = previous != nullptr ? contract_of(*previous) : Contract{};
    for (const auto& [aspect, value] : now) {
        if (!value) {
            continue;
        }
        auto old = before.find(aspect);
        if (old == before.end() || old->second != value) {
            out.push_back(aspect);
        }
    }
    return out;
}

// The shapes of every safetensors file among `members`, or nullopt when
// there is none or one has no readable header. Callers pass the model's
// weights files only (see without_extra_weights).
std::optional<std::string> weight_shapes(const std::vector<const Artifact*>& members) {
    std::vector<formats::TensorInfo> tensors;
    bool any = false;
    for (const auto* member : members) {
        if (member->format != artifacts::Format::safetensors) {
            continue;
        }
        const auto* header = member->get<formats::SafetensorsHeader>();
        if (header == nullptr) {
            return std::nullopt;
        }
        any = true;
        tensors.insert(tensors.end(), header->tensors.begin(), header->tensors.end());
    }
    if (!any) {
        return std::nullopt;
    }
    return shapes_digest(tensors);
}

// A change of the model's shapes across the safetensors files of one
// directory, credited to the first safetensors file that changed.
std::optional<Change> weight_shapes_change(const std::vector<const Artifact*>& members,
                                           const std::map<std::string, const Artifact*>& parent,
                                           const std::string& directory) {
    std::vector<const Artifact*> before;
    for (const auto& [path, artifact] : parent) {
        if (path_directory(path) == directory) {
            before.push_back(artifact);
        }
    }
    auto now = weight_shapes(members);
    auto then = weight_shapes(before);
    if (!now || !then || *now == *then) {
        return std::nullopt;
    }
    for (const auto* member : members) {
        auto previous = parent.find(member->path);
        bool changed = previous == parent.end() || previous->second->oid != member->oid;
        if (member->format == artifacts::Format::safetensors && changed) {
            return Change{member, "architecture"};
        }
    }
    return std::nullopt;
}

void report_stale(const Artifact& stale, const Change& change, const std::string& group,
                  const std::string& what, Findings& out) {
    out.push_back(make_finding(
        "co-edit-stale", {stale.path, change.artifact->path},
        quote(stale.path) + " is unchanged although " + quote(change.artifact->path) + " changed " +
            what + " (co-edit group " + quote(group) + ")",
        "update " + quote(stale.path) + " to match, or stage it if it is already updated",
        {{"group", group}, {"changed", change.artifact->path}, {"aspect", change.aspect}}));
}

void check_builtin_group(const CoEditGroup& group,
                         const std::map<std::string, const Artifact*>& current,
                         const std::map<std::string, const Artifact*>& parent, Findings& out) {
    // Members by directory: one model per directory.
    std::map<std::string, std::vector<const Artifact*>> members;
    for (const auto& [path, artifact] : current) {
        if (is_member(group, path)) {
            members[path_directory(path)].push_back(artifact);
        }
    }

    for (const auto& [directory, artifacts] : members) {
        std::vector<Change> changes;
        for (const auto* artifact : artifacts) {
            auto previous = parent.find(artifact->path);
            const Artifact* before = previous == parent.end() ? nullptr : previous->second;
            for (auto& aspect : changed_aspects(*artifact, before)) {
                changes.push_back({artifact, aspect});
            }
        }
        if (auto change = weight_shapes_change(artifacts, parent, directory)) {
            changes.push_back(*change);
        }

        std::set<std::string> reported;
        for (const auto& change : changes) {
            for (const auto* member : artifacts) {
                auto previous = parent.find(member->path);
                bool unchanged = previous != parent.end() && previous->second->oid == member->oid;
                if (member == change.artifact || !unchanged || reported.count(member->path)) {
                    continue;
                }
                if (contract_of(*member).count(change.aspect) == 0) {
                    continue;
                }
                reported.insert(member->path);
                report_stale(*member, change, group.name, aspect_words(change.aspect), out);
            }
        }
    }
}

void check_configured_group(const CoEditGroup& group,
                            const std::map<std::string, const Artifact*>& current,
                            const std::map<std::string, const Artifact*>& parent, Findings& out) {
    std::vector<const Artifact*> changed;
    std::vector<const Artifact*> unchanged;
    for (const auto& [path, artifact] : current) {
        if (!is_member(group, path)) {
            continue;
        }
        auto previous = parent.find(path);
        if (previous == parent.end() || previous->second->oid != artifact->oid) {
            changed.push_back(artifact);
        } else {
            unchanged.push_back(artifact);
        }
    }
    if (changed.empty()) {
        return;
    }
    for (const auto* member : unchanged) {
        report_stale(*member, {changed.front(), "content"}, group.name, "its content", out);
    }
}

} // namespace

void check_co_edit(const CheckInput& input, Findings& out) {
    if (input.parent == nullptr) {
        return;
    }
    auto model_current = without_extra_weights(*input.state);
    auto model_parent = without_extra_weights(*input.parent);
    for (const auto& group : input.groups) {
        check_builtin_group(group, model_current, model_parent, out);
    }

    auto current = by_path(*input.state);
    auto parent = by_path(*input.parent);
    for (const auto& group : input.configured_groups) {
        check_configured_group(group, current, parent, out);
    }
}

Findings run_rules(const CheckInput& input) {
    Findings out;
    check_integrity(input, out);
    check_lfs(input, out);
    check_vocabulary(input, out);
    check_special_tokens(input, out);
    check_shapes(input, out);
    check_shards(input, out);
    check_generation(input, out);
    check_chat_template(input, out);
    check_co_edit(input, out);
    return out;
}

} // namespace mlv::checks
