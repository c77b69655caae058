// Working-tree state of tracked files, computed from the index, lstat and
// the metadata cache instead of libgit2's status.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/git/repository.hpp"

#include <vector>

namespace mlv::worktree {

// Compares each index entry with its working-tree file and returns the ones
// that differ, in index order, with worktree_state 'D' (missing), 'T' (a
// symbolic link in place of a file or the reverse) or 'M' (another content
// id). Content ids come from Loader::file_record, so a file is hashed only
// when its size, mtime or inode changed since it was last hashed. A change
// of the executable bit alone is not reported.
Result<std::vector<git::StatusEntry>>
compare_tracked_files(const git::Repository& repo, artifacts::Loader& loader,
                      const std::vector<git::TreeEntry>& index);

} // namespace mlv::worktree
