// Lifecycle stages and maintenance types of one commit, from what changed
// inside its files. docs/lifecycle.md gives the rules with their evidence.
#pragma once

#include "mlv/artifacts/artifact.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/lifecycle/diff.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::lifecycle {

// When a commit shows evidence for several stages, the primary stage is the
// first in stage_priority(); the others become secondary stages.
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

// Every stage, in declaration order.
const std::vector<Stage>& all_stages();

// Every stage, most specific evidence first: initial_import, architecture,
// fine_tuning, training, conversion, tokenizer, evaluation, configuration,
// documentation, maintenance.
const std::vector<Stage>& stage_priority();

// Swanson's maintenance categories.
enum class Maintenance { corrective, perfective, adaptive };

std::string_view to_string(Maintenance maintenance);

// Facts established by the commits before the one being classified.
struct HistoryContext {
    // The artifacts of the tree before the commit, by path.
    std::map<std::string, artifacts::Artifact> tree;
    // The last component of the repository's top directory, compared with
    // config.json's _name_or_path to tell a declared base model from the
    // repository's own name.
    std::string repository_name;
    // The change session of the first initial import; 0 before it.
    int import_session = 0;
    // base_model of the README front matter, as of the tree before the commit.
    std::vector<std::string> readme_base_models;
    // Generation keys that config.json lost in session `moved_keys_session`,
    // so that their arrival in generation_config.json reads as a move.
    std::set<std::string> moved_generation_keys;
    int moved_keys_session = 0;
    // When and in which session each weights file of the tree got its
    // current content, so that a quick re-upload reads as a repair.
    struct Upload {
        int64_t time = 0; // author time, seconds since the epoch
        int session = 0;
    };
    std::map<std::string, Upload> weights_uploads;
    // The last session in which a commit redid an earlier weights upload;
    // 0 before any.
    int redo_session = 0;
};

// A weights file whose content is replaced at most this long after its
// previous upload, in a later session, counts as a redone upload
// (corrective) rather than a new training result.
inline constexpr int64_t redo_upload_window_seconds = 7 * 24 * 60 * 60;

struct Classification {
    Stage stage = Stage::maintenance;
    std::vector<Stage> secondary_stages; // in priority order, without `stage`
    Maintenance maintenance = Maintenance::perfective;
    std::vector<std::string> evidence; // one line each, for the stage first, then maintenance
    std::string summary;
    // Whether the commit redoes an earlier weights upload (see
    // redo_upload_window_seconds); advance() records its session.
    bool redoes_upload = false;
};

// Classifies one commit from its changes, their semantic diff and the
// history before it. `session` is the commit's change session (1-based).
Classification classify_commit(const git::CommitInfo& commit, int session,
                               const std::vector<FileChange>& changes, const ChangeSetDiff& diff,
                               const HistoryContext& context);

// Applies a classified commit to `context`: updates the tree, the import
// session, the declared base models, the moved generation keys and the
// upload time and session of the weights files it writes. `read_text` reads
// README text for its front matter; `commit_time` is the author time.
void advance(HistoryContext& context, int session, const Classification& classification,
             const std::vector<FileChange>& changes, const ChangeSetDiff& diff,
             const TextReader& read_text, int64_t commit_time = 0);

// A one-line summary of a commit's changes: per file for up to three files,
// else counts by role and kind.
std::string summarize_changes(const std::vector<FileChange>& changes, const ChangeSetDiff& diff);

// The default gap that ends a change session.
inline constexpr int64_t default_session_gap_seconds = 60 * 60;

// Assigns change sessions (1-based) to commits in walk order: a commit
// continues the session of the commit before it when both have the same
// author email (case-insensitive) and its author time is at most
// `gap_seconds` after the previous one.
std::vector<int> assign_sessions(const std::vector<git::CommitInfo>& commits,
                                 int64_t gap_seconds = default_session_gap_seconds);

// Returns whether the commit message names a fix (fix, correct, typo, bug,
// revert, ... as whole words, in any case).
bool message_names_fix(std::string_view message);

// The keys of config.json that set sampling and generation, which
// transformers moved to generation_config.json.
const std::set<std::string>& generation_keys();

// The config.json keys whose change alters the model's structure: those
// formats::structural_config_keys() lists and the ones below; see
// docs/lifecycle.md.
bool is_structural_key(const std::string& key, bool learned_positions);

} // namespace mlv::lifecycle
