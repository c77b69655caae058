// `git mlv check` as a library call: load the states to check, collect what
// the rules need, run them and apply the configuration.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/config.hpp"
#include "mlv/checks/finding.hpp"
#include "mlv/checks/rules.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/store/cache.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlv::checks {

enum class CheckTarget {
    worktree, // the working tree against HEAD
    index,    // the index against HEAD (what the pre-commit hook checks)
    commits,  // the commits `revisions` name, each against its first parent
};

// The way the revisions select commits.
enum class RevisionSyntax {
    // Like `git rev-list` when a revision is "A..B" or "^rev"; otherwise
    // each revision names one commit, as in `git show`.
    git_show,
    // Always like `git rev-list`: a lone revision selects it and every
    // commit it reaches (`check --range`, used for a push to an empty
    // remote).
    rev_list,
};

struct CheckRequest {
    CheckTarget target = CheckTarget::worktree;
    // For CheckTarget::commits: `git rev-list` arguments, read as
    // `revision_syntax` sets.
    std::vector<std::string> revisions;
    RevisionSyntax revision_syntax = RevisionSyntax::git_show;
    LfsObjects lfs_objects = LfsObjects::optional;
    // nullopt: as set by .mlv.json of the range's newest commit.
    std::optional<RangeErrors> range_errors;
};

// One state that was checked.
struct CheckedState {
    artifacts::SnapshotKind kind = artifacts::SnapshotKind::worktree;
    std::string commit_id; // for commits
    std::string summary;   // the commit's subject line
    size_t artifact_count = 0;
    // Weights files under filter=lfs whose LFS object is not present
    // locally, so no rule read their headers. A pointer outside
    // filter=lfs is not listed, because lfs-pointer-unfiltered reports it.
    std::vector<std::string> unread_weights;
};

struct CheckReport {
    std::vector<CheckedState> states; // in the order checked (oldest commit first)
    // In a range, the parents of its first commits that lie outside it,
    // checked only to tell which findings the range inherited.
    std::vector<CheckedState> baselines;
    // Findings after configuration, without those turned off. In a range, a
    // finding identical (rule, severity, paths, message) to one reported for
    // an earlier commit of the range is not repeated, and one that the
    // commit's parent outside the range already had names that parent in
    // Finding::inherited_from. An lfs-object-missing finding is kept only
    // when the range introduces the pointer's oid, that is when no parent of
    // the range outside it has that oid. Under RangeErrors::fixed_later_warns,
    // an error that no newest commit of the range (one without a child in
    // it) still has is a warning with Finding::fixed_by set.
    std::vector<Finding> findings;
    // Setup problems for stderr: unknown rule ids in `git config` and
    // unknown roles in the mlv-role attribute.
    std::vector<std::string> warnings;

    size_t count(Severity severity) const;

    // The unread_weights of every state, sorted, each path once.
    std::vector<std::string> unread_weights() const;
};

// Lists the commits `revisions` select, oldest first (see CheckRequest).
// Fails with code 128 on an unknown revision.
Result<std::vector<git::CommitInfo>>
select_commits(const git::Repository& repo, const std::vector<std::string>& revisions,
               RevisionSyntax syntax = RevisionSyntax::git_show);

// Runs the check. Fails with code 128 on Git errors (a bad revision, a bare
// repository asked for its working tree).
Result<CheckReport> run_check(const git::Repository& repo, store::Cache& cache,
                              const CheckRequest& request);

} // namespace mlv::checks
