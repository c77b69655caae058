// Loading the artifacts of a commit, the index or the working tree.
#pragma once

#include "mlv/artifacts/artifact.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/store/cache.hpp"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mlv::artifacts {

enum class SnapshotKind { commit, index, worktree };

// Every artifact of one state of the repository, in path order.
struct Snapshot {
    SnapshotKind kind = SnapshotKind::commit;
    std::string commit_id; // for SnapshotKind::commit
    std::vector<Artifact> artifacts;

    // Returns the artifact at `path`, or null.
    const Artifact* find(std::string_view path) const;
};

// Builds artifacts from Git objects and files, with the cache in front of
// every hash and every header read.
class Loader {
  public:
    Loader(const git::Repository& repo, store::Cache& cache,
           std::vector<RolePattern> role_patterns = {});

    // All artifacts of a commit. `paths` limits the result to these paths and
    // the files below these directories when not empty.
    Result<Snapshot> load_commit(const std::string& commit_id,
                                 const std::vector<std::string>& paths = {});
    // All artifacts of the index (what the next commit would record).
    Result<Snapshot> load_index(const std::vector<std::string>& paths = {});
    // All tracked and untracked, not ignored, files of the working tree.
    Result<Snapshot> load_worktree(const std::vector<std::string>& paths = {});

    // One blob as an artifact at `path`; attributes come from `source`
    // (and `commit_id` for AttributeSource::commit).
    Result<Artifact> load_blob(const std::string& path, const std::string& blob_id,
                               git::AttributeSource source, const std::string& commit_id = {});
    // One working-tree file as an artifact (path relative to the top).
    Result<Artifact> load_file(const std::string& path);
    // The same, but a file that cannot be read (permissions, a race with a
    // writer) gives an artifact without an oid whose description holds the
    // error, so that the other files are still listed.
    Artifact load_file_or_error(const std::string& path);

    // The content id and size of a blob: the pointer's oid and size for an
    // LFS pointer, else the SHA-256 of its bytes. Cached by blob id.
    Result<store::BlobRecord> blob_record(const std::string& path, const std::string& blob_id);
    // The content id and size of a working-tree file whose stat is `stat`.
    // The file is hashed only when the cache has no record with that stat.
    Result<store::WorktreeRecord> file_record(const std::string& path, const FileStat& stat);

    // Warnings about the repository's setup met while loading, such as an
    // unknown role in the mlv-role attribute, each once per Loader, in the
    // order met. The caller prints them ("warning: <message>").
    const std::vector<std::string>& warnings() const { return warnings_; }

  private:
    ResolvedRole role_of(const std::string& path, git::AttributeSource source,
                         const std::string& commit_id);
    Result<store::BlobRecord> blob_record(const std::string& path, const std::string& blob_id,
                                          std::optional<std::string>& content);
    std::shared_ptr<const Description> describe_cached(const std::string& oid, Format format,
                                                       ContentSniffing sniffing,
                                                       const ByteSource& source);

    const git::Repository& repo_;
    store::Cache& cache_;
    std::vector<RolePattern> role_patterns_;
    std::set<std::string> unknown_role_values_;
    std::vector<std::string> warnings_;
};

// Returns whether `path` is one of `paths` or lies below one of them, as the
// Loader's `paths` argument selects files: a trailing '/' is ignored, and an
// empty `paths`, "" or "." select every path.
bool path_selected(const std::string& path, const std::vector<std::string>& paths);

} // namespace mlv::artifacts
