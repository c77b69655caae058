// Lifecycle classification of a repository's history.
//
// `git mlv log`, `git mlv groups` and `git mlv report` all work from the
// records declared here: one per commit, with the artifact changes it makes,
// its lifecycle stage and maintenance type, and the change session it belongs
// to.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/lifecycle/diff.hpp"
#include "mlv/lifecycle/stages.hpp"
#include "mlv/util/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlv::lifecycle {

// One changed file of a commit in the form `git mlv log` prints it.
struct FileSummary {
    std::string path;
    artifacts::Role role = artifacts::Role::other;
    std::string headline; // FileDiff::headline()
};

struct CommitRecord {
    git::CommitInfo commit;
    // Empty in records read from the log cache (see HistoryOptions).
    std::vector<FileChange> changes;
    ChangeSetDiff diff;             // the semantic diff of `changes`, files in the same order
    std::vector<FileSummary> files; // one per file of `diff`, also filled from the log cache
    Stage stage = Stage::maintenance;
    std::vector<Stage> secondary_stages;
    Maintenance maintenance = Maintenance::perfective;
    std::string summary;               // short human summary of the artifact changes
    std::vector<std::string> evidence; // why this stage, one line each
    // The change session (consecutive commits by one author), numbered from 1
    // in walk order; 0 when not assigned.
    int session = 0;
    uint64_t weights_total_size = 0; // total size of weights artifacts after the commit
};

// Walks `range` (a revision or "A..B"), oldest first, diffing each commit
// against its first parent through tree diffs and loading only the changed
// blobs, then classifies every commit.
Result<std::vector<CommitRecord>>
classify_history(const git::Repository& repo, artifacts::Loader& loader, const std::string& range);

struct HistoryOptions {
    int64_t session_gap_seconds = default_session_gap_seconds;
    // Directory of the log cache (docs/cache-format.md); empty disables it.
    // A walk whose inputs match a stored entry returns the stored records,
    // which have every field except `changes` and `diff`, so only callers
    // that need neither (`git mlv log`) should set it.
    std::string log_cache_directory;
};

Result<std::vector<CommitRecord>> classify_history(const git::Repository& repo,
                                                   artifacts::Loader& loader,
                                                   const std::string& range,
                                                   const HistoryOptions& options);

// Gives every commit without file changes (an upload that repeated identical
// content) the stage and maintenance type of the commit before it in its
// session; the first commit of a session keeps its own.
void inherit_empty_commits(std::vector<CommitRecord>& records);

// The stages that change weights or architecture; the development phase
// lasts until the last commit with one of them as primary or secondary stage.
bool is_development_stage(Stage stage);

// The split of a history into a development phase (architecture and weights
// still change) and a maintenance phase (everything after the last such
// commit). Indexes point into the records, oldest first.
struct Phases {
    std::optional<size_t> development_end; // last development commit; nullopt when none
    size_t maintenance_begin = 0;          // first maintenance commit; == size when none
};

Phases split_phases(const std::vector<CommitRecord>& records);

} // namespace mlv::lifecycle
