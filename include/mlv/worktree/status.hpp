// Per-artifact status of the working tree and the index against HEAD, the
// model-aware counterpart of `git status`.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/lifecycle/diff.hpp"

#include <string>
#include <vector>

namespace mlv::worktree {

enum class ChangeArea {
    staged,    // HEAD -> index
    unstaged,  // index -> working tree
    untracked, // in the working tree only
};

std::string_view to_string(ChangeArea area);

struct ArtifactChange {
    ChangeArea area = ChangeArea::unstaged;
    lifecycle::FileDiff diff; // path, kind, role, and what changed inside
};

struct StatusReport {
    bool has_head = false;
    std::vector<ArtifactChange> changes; // staged, then unstaged, then untracked; path order within
    // Index entries under filter=lfs that are LFS pointers whose object is
    // not in .git/lfs/objects, leaving out those deleted from the working tree.
    std::vector<artifacts::Artifact> lfs_missing;
    // Malformed files met on the way: "cannot read 'x': <what is wrong>".
    std::vector<std::string> problems;
};

// Computes the status. Only paths Git reports as changed are loaded and
// described; a working-tree file whose content id equals the index's (an
// LFS object checked out over its pointer, or a touched file) is unchanged.
Result<StatusReport> compute_status(const git::Repository& repo, artifacts::Loader& loader);

Json to_json(const StatusReport& report);

} // namespace mlv::worktree
