#include "mlv/artifacts/inventory.hpp"

#include "mlv/formats/shard_index.hpp"
#include "mlv/util/path.hpp"

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

    // Without the shards' headers, the parameter count follows from the
    // total byte size when every tensor has the config's dtype, as in most
    // released checkpoints.
    auto dtype = sibling_torch_dtype(snapshot, artifact.path);
    uint64_t width = dtype ? torch_dtype_size(*dtype) : 0;
    if (index.total_size && width > 0) {
        summary["parameters"] = *index.total_size / width;
        summary["parameters_estimated"] = true;
    }
    return summary;
}

Json weights_totals(const Snapshot& snapshot, const std::vector<Json>& summaries) {
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t parameters = 0;
    bool from_index = false;
    for (size_t i = 0; i < snapshot.artifacts.size(); ++i) {
        const Artifact& artifact = snapshot.artifacts[i];
        if (artifact.role != Role::weights) {
            continue;
        }
        if (artifact.format == Format::shard_index) {
            // An index's parameters already count its shards.
            if (summaries[i].contains("parameters") && !from_index) {
                parameters = summaries[i]["parameters"].get<uint64_t>();
                from_index = true;
            }
            continue;
        }
        ++files;
        bytes += artifact.size;
        if (!from_index && summaries[i].contains("parameters")) {
            parameters += summaries[i]["parameters"].get<uint64_t>();
        }
    }
    return {{"weights_files", files}, {"weights_bytes", bytes}, {"parameters", parameters}};
}

} // namespace

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
