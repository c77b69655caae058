#include "mlv/artifacts/inventory.hpp"

#include "mlv/formats/shard_index.hpp"
#include "mlv/util/path.hpp"

#include <map>
#include <set>

namespace mlv::artifacts {
namespace {

// The torch_dtype of the config.json next to `path`, if any.
std::optional<std::string> sibling_torch_dtype(const Snapshot& snapshot, const std::string& path) {
    const Artifact* config = snapshot.find(path_directory(path) + "config.json");
    if (config == nullptr) {
        return std::nullopt;
    }
    const auto* model = config->get<formats::ModelConfig>();
    if (model == nullptr) {
        return std::nullopt;
    }
    if (model->torch_dtype) {
        return model->torch_dtype;
    }
    if (!model->text_config.empty()) {
        return model->text_config.front().torch_dtype;
    }
    return std::nullopt;
}

// The tensor names an index maps, for matching it with other weights files.
std::set<std::string> mapped_names(const formats::ShardIndex& index) {
    std::set<std::string> out;
    for (const auto& entry : index.weight_map) {
        out.insert(entry.first);
    }
    return out;
}

// Sums the parameter counts of an index's shards from their headers.
// Returns nullopt when a shard is absent or has no readable header, as an
// LFS pointer without its object or a PyTorch checkpoint has.
std::optional<uint64_t> counted_parameters(const Snapshot& snapshot, const std::string& directory,
                                           const formats::ShardIndex& index) {
    if (index.shards.empty()) {
        return std::nullopt;
    }
    uint64_t parameters = 0;
    for (const auto& shard : index.shards) {
        const Artifact* file = snapshot.find(directory + shard);
        const auto* header = file != nullptr ? file->get<formats::SafetensorsHeader>() : nullptr;
        if (header == nullptr) {
            return std::nullopt;
        }
        parameters += header->parameter_count;
    }
    return parameters;
}

// The exact parameter count that another weights file of the directory gives
// for the same tensor names: a safetensors file with its header, or another
// index whose shards all have theirs. Llama-2 ships the same tensors as
// float16 safetensors and float32 .bin shards, so the count carries over
// where the byte size does not.
std::optional<std::pair<uint64_t, std::string>>
sibling_parameters(const Snapshot& snapshot, const Artifact& artifact,
                   const formats::ShardIndex& index) {
    std::string directory = path_directory(artifact.path);
    auto names = mapped_names(index);
    for (const auto& other : snapshot.artifacts) {
        if (&other == &artifact || path_directory(other.path) != directory) {
            continue;
        }
        if (const auto* header = other.get<formats::SafetensorsHeader>()) {
            std::set<std::string> held;
            for (const auto& tensor : header->tensors) {
                held.insert(tensor.name);
            }
            if (held == names) {
                return std::make_pair(header->parameter_count, other.path);
            }
        } else if (const auto* other_index = other.get<formats::ShardIndex>()) {
            auto counted = counted_parameters(snapshot, directory, *other_index);
            if (counted && mapped_names(*other_index) == names) {
                return std::make_pair(*counted, other.path);
            }
        }
    }
    return std::nullopt;
}

Json summarize_index(const Snapshot& snapshot, const Artifact& artifact,
                     const formats::ShardIndex& index) {
    Json summary = summarize(artifact);
    std::string directory = path_directory(artifact.path);

    uint64_t parameters = 0;
    uint64_t tensors = 0;
    size_t shards_present = 0;
    size_t shards_missing = 0;
    for (const auto& shard : index.shards) {
        const Artifact* file = snapshot.find(directory + shard);
        if (file == nullptr) {
            ++shards_missing;
            continue;
        }
        if (const auto* header = file->get<formats::SafetensorsHeader>()) {
            parameters += header->parameter_count;
            tensors += header->tensors.size();
            ++shards_present;
        }
    }
    summary["shards_missing"] = shards_missing;
    if (shards_present == index.shards.size() && !index.shards.empty()) {
        summary["parameters"] = parameters;
        summary["tensors"] = tensors;
        return summary;
    }

    if (auto sibling = sibling_parameters(snapshot, artifact, index)) {
        summary["parameters"] = sibling->first;
        summary["parameters_from"] = sibling->second;
        return summary;
    }

    // Without any header, the parameter count follows from the total byte
    // size if every tensor has the config's dtype. That assumption fails
    // for checkpoints saved in another dtype (Llama-2's float32 .bin shards
    // beside its float16 config), so the summary names it.
    auto dtype = sibling_torch_dtype(snapshot, artifact.path);
    uint64_t width = dtype ? torch_dtype_size(*dtype) : 0;
    if (index.total_size && width > 0) {
        summary["parameters"] = *index.total_size / width;
        summary["parameters_estimated"] = true;
        summary["parameters_assumed_dtype"] = *dtype;
    }
    return summary;
}

// The format a weights file is counted under: its own, or for a shard
// index the format of its shards.
Format counted_format(const Snapshot& snapshot, const Artifact& artifact) {
    const auto* index = artifact.get<formats::ShardIndex>();
    if (artifact.format != Format::shard_index) {
        return artifact.format;
    }
    if (index == nullptr || index->shards.empty()) {
        return Format::shard_index;
    }
    const std::string& shard = index->shards.front();
    if (const Artifact* file = snapshot.find(path_directory(artifact.path) + shard)) {
        return file->format;
    }
    return format_from_path(shard);
}

// The PyTorch checkpoint layout ("zip", "legacy-pickle") of `artifact`, or
// empty when it is not a checkpoint or its content is not present.
std::string torch_layout(const Artifact& artifact) {
    const auto* checkpoint = artifact.get<formats::TorchCheckpoint>();
    if (checkpoint == nullptr) {
        return "";
    }
    return checkpoint->layout == formats::TorchCheckpoint::Layout::zip ? "zip" : "legacy-pickle";
}

struct FormatTotals {
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t parameters = 0;
    bool parameters_from_index = false;
    bool parameters_estimated = false;
    std::string assumed_dtype;     // the dtype behind an estimated count
    std::set<std::string> layouts; // "" for a file whose layout is unknown
};

} // namespace

Json weights_totals(const Snapshot& snapshot, const std::vector<Json>& summaries) {
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t parameters = 0;
    bool from_index = false;
    bool estimated = false;
    // Formats in the order of their first file, so that the listing is stable.
    std::vector<Format> order;
    std::map<Format, FormatTotals> by_format;
    for (size_t i = 0; i < snapshot.artifacts.size(); ++i) {
        const Artifact& artifact = snapshot.artifacts[i];
        if (artifact.role != Role::weights) {
            continue;
        }
        Format format = counted_format(snapshot, artifact);
        if (by_format.find(format) == by_format.end()) {
            order.push_back(format);
        }
        FormatTotals& totals = by_format[format];
        const Json& summary = summaries[i];
        bool has_parameters = summary.contains("parameters");
        if (artifact.format == Format::shard_index) {
            // An index's parameters already count its shards.
            if (has_parameters && !from_index) {
                parameters = summary["parameters"].get<uint64_t>();
                estimated = summary.value("parameters_estimated", false);
                from_index = true;
            }
            if (has_parameters && !totals.parameters_from_index) {
                totals.parameters = summary["parameters"].get<uint64_t>();
                totals.parameters_estimated = summary.value("parameters_estimated", false);
                totals.assumed_dtype = summary.value("parameters_assumed_dtype", "");
                totals.parameters_from_index = true;
            }
            continue;
        }
        ++files;
        bytes += artifact.size;
        ++totals.files;
        totals.bytes += artifact.size;
        totals.layouts.insert(torch_layout(artifact));
        if (!has_parameters) {
            continue;
        }
        if (!from_index) {
            parameters += summary["parameters"].get<uint64_t>();
        }
        if (!totals.parameters_from_index) {
            totals.parameters += summary["parameters"].get<uint64_t>();
        }
    }

    Json formats = Json::array();
    for (Format format : order) {
        const FormatTotals& totals = by_format[format];
        Json entry = {{"format", to_string(format)},
                      {"files", totals.files},
                      {"bytes", totals.bytes},
                      {"parameters", totals.parameters}};
        if (totals.parameters_estimated) {
            entry["parameters_estimated"] = true;
            entry["parameters_assumed_dtype"] = totals.assumed_dtype;
        }
        // A layout is named only when every file of the format has it.
        if (totals.layouts.size() == 1 && !totals.layouts.begin()->empty()) {
            entry["layout"] = *totals.layouts.begin();
        }
        formats.push_back(std::move(entry));
    }
    Json out = {{"weights_files", files},
                {"weights_bytes", bytes},
                {"parameters", parameters},
                {"formats", formats}};
    if (estimated) {
        out["parameters_estimated"] = true;
    }
    return out;
}

std::string parameter_phrase(const Json& summary) {
    if (!summary.contains("parameters")) {
        return {};
    }
    std::string count = format_count(summary["parameters"].get<uint64_t>());
    if (summary.value("parameters_estimated", false)) {
        return "~" + count + " params if " + summary.value("parameters_assumed_dtype", "");
    }
    if (summary.contains("parameters_from")) {
        return count + " params (same tensors as '" +
               summary["parameters_from"].get<std::string>() + "')";
    }
    return count + " params";
}

uint64_t torch_dtype_size(std::string_view torch_dtype) {
    if (torch_dtype == "float16" || torch_dtype == "bfloat16" || torch_dtype == "half") {
        return 2;
    }
    if (torch_dtype == "float32" || torch_dtype == "float") {
        return 4;
    }
    if (torch_dtype == "float64" || torch_dtype == "double") {
        return 8;
    }
    if (torch_dtype == "int8" || torch_dtype == "uint8" || torch_dtype == "float8_e4m3fn" ||
        torch_dtype == "float8_e5m2") {
        return 1;
    }
    return 0;
}

Json summarize_in(const Snapshot& snapshot, const Artifact& artifact) {
    if (const auto* index = artifact.get<formats::ShardIndex>()) {
        return summarize_index(snapshot, artifact, *index);
    }
    return summarize(artifact);
}

Result<Inventory> build_inventory(const git::Repository& repo, store::Cache& cache,
                                  const InventoryRequest& request) {
    Inventory inventory;
    inventory.source = request.source;
    inventory.revision = request.revision;
    Loader loader(repo, cache, request.role_patterns);

    Result<Snapshot> snapshot = make_error("");
    switch (request.source) {
    case InventorySource::commit: {
        auto commit = repo.resolve_commit(request.revision);
        if (!commit) {
            return commit.error();
        }
        inventory.commit_id = *commit;
        snapshot = loader.load_commit(*commit, request.paths);
        break;
    }
    case InventorySource::index:
        snapshot = loader.load_index(request.paths);
        break;
    case InventorySource::worktree:
        snapshot = loader.load_worktree(request.paths);
        break;
    }
    if (!snapshot) {
        return snapshot.error();
    }
    inventory.snapshot = std::move(*snapshot);
    inventory.warnings = loader.warnings();

    auto source = request.source == InventorySource::commit  ? git::AttributeSource::commit
                  : request.source == InventorySource::index ? git::AttributeSource::index
                                                             : git::AttributeSource::worktree;
    for (const auto& artifact : inventory.snapshot.artifacts) {
        Json summary = summarize_in(inventory.snapshot, artifact);
        // Without filter=lfs, the pointer is the file's content: no object
        // fetch turns it into the weights.
        if (artifact.is_lfs()) {
            auto filter = repo.attribute(artifact.path, "filter", source, inventory.commit_id);
            if (!filter) {
                return filter.error();
            }
            if (!*filter || **filter != "lfs") {
                summary["lfs_pointer_unfiltered"] = true;
            }
        }
        inventory.summaries.push_back(std::move(summary));
        if (artifact.description && artifact.description->error) {
            inventory.problems.push_back("cannot read '" + artifact.path +
                                         "': " + *artifact.description->error);
        }
    }
    inventory.totals = weights_totals(inventory.snapshot, inventory.summaries);
    return inventory;
}

} // namespace mlv::artifacts
