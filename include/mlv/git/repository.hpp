// A small RAII wrapper over libgit2. No other file calls git_* functions.
//
// Object ids are passed around as 40-digit lowercase hex strings; paths are
// relative to the top of the working tree, with '/' separators, as Git shows
// them.
#pragma once

#include "mlv/util/result.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct git_repository;

namespace mlv::git {

// A blob reachable from a tree or the index.
struct TreeEntry {
    std::string path;
    std::string blob_id;
    uint32_t mode = 0; // 0100644, 0100755, 0120000 (symlink)
};

enum class ChangeKind { added, deleted, modified, renamed, copied, type_changed };

// One file changed between two trees (or a tree and the index).
struct TreeChange {
    ChangeKind kind = ChangeKind::modified;
    std::string path;        // new path; the old path for deletions
    std::string old_path;    // differs from path only for renames and copies
    std::string old_blob_id; // empty for additions
    std::string new_blob_id; // empty for deletions
};

// A file whose state differs somewhere among HEAD, the index and the working
// tree.
struct StatusEntry {
    std::string path;
    std::string head_path;     // the path in HEAD when the index renames it
    char index_state = ' ';    // ' ' unchanged, 'A', 'M', 'D', 'R', 'T'
    char worktree_state = ' '; // ' ' unchanged, 'M', 'D', 'T', '?' untracked
};

struct Signature {
    std::string name;
    std::string email;
    int64_t time = 0; // seconds since the epoch
    int offset_minutes = 0;
};

struct CommitInfo {
    std::string id;
    std::vector<std::string> parents;
    std::string tree_id;
    Signature author;
    Signature committer;
    std::string summary; // first line of the message
    std::string message;
};

enum class AttributeSource {
    worktree, // the working tree's .gitattributes, then the index's
    index,    // the index only (what a commit would record)
    commit,   // the .gitattributes of a given commit
};

class Repository {
  public:
    // Finds the repository containing `start_path` (like git rev-parse). The
    // error code is 128 with Git's message when there is none.
    static Result<Repository> discover(const std::string& start_path = ".");

    // Opens the repository at exactly `path`.
    static Result<Repository> open(const std::string& path);

    Repository(Repository&&) noexcept;
    Repository& operator=(Repository&&) noexcept;
    ~Repository();

    // The top of the working tree with a trailing '/', or "" for a bare repository.
    std::string workdir() const;
    // The Git directory of this worktree with a trailing '/'.
    std::string git_dir() const;
    // The directory shared by all worktrees (where lfs/ and mlv/ live), with a trailing '/'.
    std::string common_dir() const;
    bool is_bare() const;

    // Resolves a revision expression ("HEAD", "main~2", a short id) to a
    // commit id. Fails when it does not name a commit.
    Result<std::string> resolve_commit(std::string_view revision) const;

    // Returns whether HEAD points to a commit (false in a repository with no commits).
    bool has_head() const;

    Result<CommitInfo> commit(std::string_view commit_id) const;

    // Lists every blob of the commit's tree, recursively, in Git's path order.
    Result<std::vector<TreeEntry>> list_tree(std::string_view commit_id) const;

    // Lists the index's stage-0 entries.
    Result<std::vector<TreeEntry>> list_index() const;

    // Returns the blob id at `path` in the commit, or nullopt when absent.
    Result<std::optional<std::string>> blob_at(std::string_view commit_id,
                                               std::string_view path) const;

    Result<uint64_t> blob_size(std::string_view blob_id) const;

    // Reads a blob; fails before copying when it is larger than `max_size`.
    Result<std::string> read_blob(std::string_view blob_id, uint64_t max_size) const;

    // Reads the first `length` bytes of a blob (or fewer when it is shorter).
    Result<std::string> read_blob_prefix(std::string_view blob_id, uint64_t length) const;

    // Changes from `old_commit` to `new_commit`; an empty `old_commit` means the
    // empty tree. Renames are detected unless `renames` is off.
    enum class Renames { off, detect };
    Result<std::vector<TreeChange>> diff_commits(std::string_view old_commit,
                                                 std::string_view new_commit,
                                                 Renames renames = Renames::detect) const;

    // Changes from a commit's tree to the index.
    Result<std::vector<TreeChange>> diff_commit_to_index(std::string_view commit_id) const;

    // HEAD/index/working tree status, with untracked files listed one by one
    // and renames detected.
    // NOTE: libgit2 1.5.1 hashes every tracked file whose stat differs from
    // the index, and fails on files of 4 GiB or more because the index
    // stores a 32-bit size. Prefer staged_status() and untracked_files().
    Result<std::vector<StatusEntry>> status() const;

    // HEAD -> index changes with renames detected; worktree_state is always
    // ' '. Reads no working-tree file.
    Result<std::vector<StatusEntry>> staged_status() const;

    // Lists the untracked, not ignored, files of the working tree one by one,
    // in path order. A nested repository is listed as its directory with a
    // trailing '/'. Tracked files are neither read nor hashed.
    Result<std::vector<std::string>> untracked_files() const;

    // Walks commits reachable from the range's tips, oldest first. `range` is
    // a revision ("HEAD"), or "A..B" (reachable from B but not A). Commits
    // come in topological order, ties broken by commit time.
    enum class Order { oldest_first, newest_first };
    Result<std::vector<CommitInfo>> log(std::string_view range,
                                        Order order = Order::oldest_first) const;

    // Walks commits reachable from any of `tips` but from none of `hidden`
    // (like `git rev-list tips ^hidden`), in the order `log` uses. Each
    // entry is a revision expression; fails with code 128 when one does
    // not name a commit.
    Result<std::vector<CommitInfo>> walk(const std::vector<std::string>& tips,
                                         const std::vector<std::string>& hidden,
                                         Order order = Order::oldest_first) const;

    // Reads a Git attribute for `path` ("lfs" for filter=lfs). Returns nullopt
    // when unspecified, "true"/"false" for set/unset, else the value.
    // `commit_id` is used only with AttributeSource::commit.
    Result<std::optional<std::string>> attribute(std::string_view path, std::string_view name,
                                                 AttributeSource source,
                                                 std::string_view commit_id = {}) const;

    // Reads a configuration value (repository, global and system files).
    std::optional<std::string> config_string(std::string_view key) const;
    // Lists every configuration entry whose name starts with `prefix`.
    std::vector<std::pair<std::string, std::string>> config_entries(std::string_view prefix) const;

    // The path where Git LFS keeps the object with this SHA-256 oid.
    std::string lfs_object_path(std::string_view oid) const;

  private:
    struct Deleter {
        void operator()(git_repository* repo) const;
    };
    explicit Repository(git_repository* repo);
    std::unique_ptr<git_repository, Deleter> repo_;
};

// Returns the text of the last libgit2 error, for messages.
std::string last_error_message();

} // namespace mlv::git
