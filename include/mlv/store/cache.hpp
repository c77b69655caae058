// The metadata cache under <git-common-dir>/mlv/.
//
// Three maps, all rebuilt on demand if deleted (format in docs/cache-format.md):
//   - content id (SHA-256) -> Description, one file per id under meta/;
//   - Git blob id -> content digest and storage, in blobs.json;
//   - working-tree path -> stat (size, mtime, inode) and content digest, in
//     worktree.json, so unchanged files are never rehashed.
// Writes go through a temporary file and a rename.
#pragma once

#include "mlv/artifacts/artifact.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/hash.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mlv::store {

struct BlobRecord {
    std::string oid;   // content SHA-256
    uint64_t size = 0; // content size
    bool lfs = false;  // the blob is an LFS pointer
};

struct WorktreeRecord {
    FileStat stat;
    std::string oid;
    std::string xxh3;
};

class Cache {
  public:
    // A cache rooted at `directory`; an empty directory disables persistence
    // (everything is kept in memory only).
    explicit Cache(std::string directory);
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    std::shared_ptr<const artifacts::Description> description(const std::string& oid,
                                                              artifacts::Format format);
    void put_description(const std::string& oid,
                         std::shared_ptr<const artifacts::Description> description);

    std::optional<BlobRecord> blob(const std::string& blob_id);
    void put_blob(const std::string& blob_id, const BlobRecord& record);

    // Returns the record for `path` only when its stat still matches.
    std::optional<WorktreeRecord> worktree(const std::string& path, const FileStat& stat);
    void put_worktree(const std::string& path, const WorktreeRecord& record);

    // Writes the dirty maps to disk. Failures are traced, not returned: a
    // cache that cannot be written only costs time.
    void flush();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace mlv::store
