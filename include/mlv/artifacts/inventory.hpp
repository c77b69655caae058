// The artifact inventory behind `git mlv show`: every artifact of a commit,
// the index or the working tree, with summaries that may draw on other
// artifacts (a shard index sums its shards' parameters).
#pragma once

#include "mlv/artifacts/snapshot.hpp"

#include <string>
#include <vector>

namespace mlv::artifacts {

enum class InventorySource { commit, index, worktree };

struct InventoryRequest {
    InventorySource source = InventorySource::commit;
    std::string revision = "HEAD";  // for InventorySource::commit
    std::vector<std::string> paths; // limit to these files or directories
    std::vector<RolePattern> role_patterns;
};

struct Inventory {
    InventorySource source = InventorySource::commit;
    std::string revision;  // as requested
    std::string commit_id; // resolved, for InventorySource::commit
    Snapshot snapshot;
    // One per snapshot artifact, same order. An LFS pointer that is not
    // under filter=lfs has "lfs_pointer_unfiltered": true.
    std::vector<Json> summaries;
    // One line per malformed artifact: "cannot read 'x': <what is wrong>".
    std::vector<std::string> problems;
    // Loader::warnings(), for stderr.
    std::vector<std::string> warnings;
    // Totals over the weights: see weights_totals.
    Json totals;
};

// Loads the requested state and summarises every artifact. Fails only on
// Git or I/O errors; malformed files land in Inventory::problems.
Result<Inventory> build_inventory(const git::Repository& repo, store::Cache& cache,
                                  const InventoryRequest& request);

// The summary of `artifact` within `snapshot`: summarize(artifact), and for
// a shard index its parameter count. The count is summed over the shards'
// headers when all are present. Otherwise it comes from another weights file
// of the directory with the same tensor names ("parameters_from": its path),
// or else it is estimated from total_size and the config's torch_dtype
// ("parameters_estimated": true, "parameters_assumed_dtype": "float16").
Json summarize_in(const Snapshot& snapshot, const Artifact& artifact);

// The parameter count of an index summary as `git mlv show` prints it:
// "6.74B params", "6.74B params (same tensors as 'model.safetensors.index.json')"
// or "~13.48B params if float16"; empty when the summary has no count.
std::string parameter_phrase(const Json& summary);

// Totals over the weights files of `snapshot`, given their summaries in
// snapshot order: "weights_files", "weights_bytes" and "parameters" over
// all formats, and "formats", one entry per weights format in order of
// first appearance with "format", "files", "bytes", "parameters" and, when
// every file of the format has the same known PyTorch layout, "layout". A
// shard index counts no file and adds its parameter count in place of its
// shards' (the first index with a count wins); "parameters_estimated" is
// true when that count comes from total_size, with the dtype assumed in
// "parameters_assumed_dtype" of the format's entry. A repository that ships one
// model in two formats thus has twice its bytes in "weights_bytes", but
// counts its parameters from the first index, or from the sum of all files
// when there is no index.
Json weights_totals(const Snapshot& snapshot, const std::vector<Json>& summaries);

// The dtype size in bytes that torch_dtype names ("float16" -> 2), or 0.
uint64_t torch_dtype_size(std::string_view torch_dtype);

} // namespace mlv::artifacts
