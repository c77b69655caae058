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
#include "mlv/util/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlv::lifecycle {

enum class Stage {
    initial_import,
    architecture,
    training,
    fine_tuning,
    tokenizer,
    configuration,
    conversion,
    evaluation,
    documentation,
    maintenance, // repository upkeep: attributes, licences, removing stale files
};

std::string_view to_string(Stage stage);
std::optional<Stage> parse_stage(std::string_view name);

// Swanson's maintenance categories.
enum class Maintenance { corrective, perfective, adaptive };

std::string_view to_string(Maintenance maintenance);

struct CommitRecord {
    git::CommitInfo commit;
    std::vector<FileChange> changes;
    Stage stage = Stage::maintenance;
    std::vector<Stage> secondary_stages;
    Maintenance maintenance = Maintenance::perfective;
    std::string summary;               // short human summary of the artifact changes
    std::vector<std::string> evidence; // why this stage, one line each
    int session = 0; // index of the change session (consecutive commits by one author)
    uint64_t weights_total_size = 0; // total size of weights artifacts after the commit
};

// Walks `range` (a revision or "A..B"), oldest first, diffing each commit
// against its first parent through tree diffs and loading only the changed
// blobs, then classifies every commit.
Result<std::vector<CommitRecord>>
classify_history(const git::Repository& repo, artifacts::Loader& loader, const std::string& range);

} // namespace mlv::lifecycle
