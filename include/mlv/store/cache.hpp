// The metadata cache under <git-common-dir>/mlv/.
//
// Three maps, all rebuilt on demand if deleted (format in docs/cache-format.md):
//   - content id (SHA-256) and the format its path names -> Description, one
//     file per key under meta/;
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
    std::string oid;   // content SHA-256; the LFS oid when the blob is a pointer
    uint64_t size = 0; // content size; the size the pointer names for LFS
    bool lfs = false;  // the blob is an LFS pointer
};

struct WorktreeRecord {
    FileStat stat;
    std::string oid;   // content SHA-256; the LFS oid when the file is a pointer
    std::string xxh3;  // XXH3-128 of the file's bytes
    uint64_t size = 0; // content size; the size the pointer names for LFS
    bool lfs = false;  // the file is an LFS pointer (smudging was skipped)
};

class Cache {
  public:
    // A cache rooted at `directory`; an empty directory disables persistence
    // (everything is kept in memory only).
    explicit Cache(std::string directory);
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    // Descriptions are keyed by content id and the format the path names
    // (the description itself may hold a format detected from the content).
    std::shared_ptr<const artifacts::Description> description(const std::string& oid,
                                                              artifacts::Format path_format);
    void put_description(const std::string& oid, artifacts::Format path_format,
                         std::shared_ptr<const artifacts::Description> description);

    std::optional<BlobRecord> blob(const std::string& blob_id);
    void put_blob(const std::string& blob_id, const BlobRecord& record);

    // Returns the record for `path` only when its stat still matches.
    std::optional<WorktreeRecord> worktree(const std::string& path, const FileStat& stat);
    void put_worktree(const std::string& path, const WorktreeRecord& record);

    // Writes the dirty maps to disk; the destructor calls it too. Failures
    // are traced, not returned: a cache that cannot be written only costs time.
    void flush();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace mlv::store
