// Snapshots built in code for rule tests: artifacts with typed metadata,
// without files or Git.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/rules.hpp"

#include <string>
#include <vector>

namespace mlv::test {

class SnapshotBuilder {
  public:
    explicit SnapshotBuilder(artifacts::SnapshotKind kind = artifacts::SnapshotKind::commit);

    // Adds a file whose reader produced `metadata`. The oid is a digest of
    // the metadata, so equal metadata gives equal oids across snapshots.
    template <class T>
    SnapshotBuilder& add(const std::string& path, artifacts::Format format, T metadata) {
        return add_described(path, format, artifacts::Metadata(std::move(metadata)));
    }

    // Adds a file that its reader rejected with `error`.
    SnapshotBuilder& add_invalid(const std::string& path, artifacts::Format format,
                                 const std::string& error);

    // Adds a Git LFS pointer; `storage` says whether its object is present.
    SnapshotBuilder& add_pointer(const std::string& path, artifacts::Format format,
                                 artifacts::Storage storage = artifacts::Storage::lfs_missing,
                                 uint64_t size = 13'476'839'424);

    // Adds a file with no metadata (a format without a reader) of `size` bytes.
    SnapshotBuilder& add_plain(const std::string& path, artifacts::Format format,
                               uint64_t size = 1000, const std::string& oid = {});

    // Removes the file at `path`.
    SnapshotBuilder& remove(const std::string& path);

    const artifacts::Snapshot& snapshot() const { return snapshot_; }

  private:
    SnapshotBuilder& add_described(const std::string& path, artifacts::Format format,
                                   artifacts::Metadata metadata);
    SnapshotBuilder& put(artifacts::Artifact artifact);

    artifacts::Snapshot snapshot_;
};

formats::TensorInfo tensor(const std::string& name, const std::string& dtype,
                           std::vector<uint64_t> shape);

// A header with consecutive data offsets computed from dtype and shape.
formats::SafetensorsHeader safetensors(std::vector<formats::TensorInfo> tensors);

// A vocabulary of `count` tokens "t0", "t1", ... with ids from `first_id`.
formats::Vocabulary numbered_vocabulary(int64_t count, int64_t first_id = 0);

// The tensor names of a Llama-style model with `layers` layers.
std::vector<std::string> llama_tensor_names(int layers, bool with_head);

// The findings of rule `rule` among `findings`.
std::vector<checks::Finding> with_rule(const checks::Findings& findings, const std::string& rule);

// Runs every rule on `state` (and `parent` for the co-edit rule).
checks::Findings check(const artifacts::Snapshot& state,
                       const artifacts::Snapshot* parent = nullptr);

} // namespace mlv::test
