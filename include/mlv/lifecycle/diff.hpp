// Semantic diff of model files: what changed inside them, not which lines.
//
// A FileDiff compares two versions of one artifact: tensors added, removed,
// reshaped, retyped or with changed values; configuration keys with their old
// and new values; tokens added and removed; trainer progress; shard layout.
// A ChangeSetDiff adds the facts that span files, such as pytorch shards
// replaced by safetensors shards holding the same tensors.
#pragma once

#include "mlv/artifacts/artifact.hpp"
#include "mlv/artifacts/snapshot.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/json.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mlv::lifecycle {

// One file changed between two states, with its artifacts before and after
// (either may be absent for additions and deletions).
struct FileChange {
    git::ChangeKind kind = git::ChangeKind::modified;
    std::string path;
    std::string old_path;
    std::optional<artifacts::Artifact> before;
    std::optional<artifacts::Artifact> after;
};

// Returns the past-tense verb for a change kind: "added", "deleted",
// "renamed", "copied", or "modified", which also covers a type change.
std::string_view change_verb(git::ChangeKind kind);

struct TensorChange {
    enum class Kind { added, removed, reshaped, retyped, values_changed };
    Kind kind = Kind::added;
    std::string name;
    std::string old_dtype; // empty for added tensors
    std::string new_dtype; // empty for removed tensors
    std::vector<uint64_t> old_shape;
    std::vector<uint64_t> new_shape;
};

std::string_view to_string(TensorChange::Kind kind);

// What the diff could say about the values of tensors that kept their name,
// shape and dtype.
enum class ValueCheck {
    not_applicable, // not a weights file, or no tensor kept
    same_content,   // equal content ids: no value changed
    compared, // bytes compared tensor by tensor; values_changed entries name the differing ones
    content_changed, // content ids differ and the values were not compared; see ValueGap
};

std::string_view to_string(ValueCheck check);

// Why the values of a changed weights file were not compared
// (ValueCheck::content_changed).
enum class ValueGap {
    none,
    headers_only,       // DiffOptions::open_content is empty: only headers were read
    old_object_missing, // the LFS object of the old version is not present locally
    new_object_missing,
    objects_missing,     // neither version's LFS object is present locally
    unreadable,          // a version could not be parsed or read, see FileDiff::errors
    format_not_compared, // the format has no tensor list or no located tensor data
};

std::string_view to_string(ValueGap gap);

// A JSON key whose value changed; `key` is the dotted path from the top
// ("rope_scaling.factor"). Arrays are compared as whole values.
struct KeyChange {
    std::string key;
    std::optional<Json> before; // nullopt when the key was added
    std::optional<Json> after;  // nullopt when the key was removed
};

struct TokenEntry {
    std::string token;
    int64_t id = -1;
};

struct TokenRenumber {
    std::string token;
    int64_t old_id = -1;
    int64_t new_id = -1;
};

// A matching flag of an added token ("lstrip", "rstrip", "single_word",
// "normalized") that changed; nullopt when the file leaves the flag out.
struct TokenFlagChange {
    std::string token;
    std::string flag;
    std::optional<bool> before;
    std::optional<bool> after;
};

// Changes to a vocabulary, its added and special tokens, merges, chat
// templates and the tokenizers pipeline.
struct TokenDiff {
    std::vector<TokenEntry> added;         // by string; `id` is the new id
    std::vector<TokenEntry> removed;       // `id` is the old id
    std::vector<TokenRenumber> renumbered; // same string, another id
    // Named special tokens and special-token ids ("eos_token", "bos_id"), and
    // the special flag of added tokens ("special:<pad>").
    std::vector<KeyChange> special_tokens;
    std::vector<TokenFlagChange> token_flags; // of tokens added on both sides
    // tokenizer.json's "model.type" and pipeline steps ("normalizer",
    // "pre_tokenizer", "post_processor", "decoder") whose content changed.
    // The values are the types, so a step that kept its type but changed
    // otherwise has equal `before` and `after`.
    std::vector<KeyChange> pipeline;
    std::optional<uint64_t> old_merges; // set for both when the merge count changed
    std::optional<uint64_t> new_merges;
    std::vector<std::string> chat_templates_changed; // template names
    uint64_t old_size = 0;                           // distinct tokens before and after
    uint64_t new_size = 0;

    bool empty() const;
};

// Progress of a transformers Trainer run, from trainer_state.json.
struct TrainerProgress {
    std::optional<int64_t> old_step;
    std::optional<int64_t> new_step;
    std::optional<double> old_epoch;
    std::optional<double> new_epoch;
    std::optional<double> old_best_metric;
    std::optional<double> new_best_metric;
    std::optional<double> old_loss;
    std::optional<double> new_loss;
};

struct TensorMove {
    std::string tensor;
    std::string from_shard;
    std::string to_shard;
};

// Changes to a shard index (`*.index.json`).
struct ShardLayoutDiff {
    size_t old_shard_count = 0;
    size_t new_shard_count = 0;
    std::optional<uint64_t> old_total_size;
    std::optional<uint64_t> new_total_size;
    std::vector<TensorMove> moved;
    std::vector<std::string> tensors_added;   // names new to weight_map
    std::vector<std::string> tensors_removed; // names gone from weight_map
};

// The semantic difference between two versions of one file.
struct FileDiff {
    git::ChangeKind kind = git::ChangeKind::modified;
    std::string path;
    std::string old_path;
    artifacts::Role role = artifacts::Role::other;
    std::optional<artifacts::Format> old_format;
    std::optional<artifacts::Format> new_format;
    std::string old_oid;
    std::string new_oid;
    uint64_t old_size = 0;
    uint64_t new_size = 0;
    bool content_changed = false;
    // Reader errors of either side, as whole messages
    // ("cannot read the new version: ...").
    std::vector<std::string> errors;

    // Weights (safetensors, GGUF, ONNX headers).
    std::vector<TensorChange> tensors;
    ValueCheck values = ValueCheck::not_applicable;
    ValueGap value_gap = ValueGap::none; // set when values is content_changed
    uint64_t tensors_kept = 0;     // tensors with the same name, shape and dtype on both sides
    uint64_t tensors_compared = 0; // kept tensors whose bytes were compared
    std::optional<uint64_t> old_parameters;
    std::optional<uint64_t> new_parameters;

    // Configuration keys (config.json, generation_config.json, other JSON
    // files, GGUF metadata, model card front matter).
    std::vector<KeyChange> keys;
    bool body_changed = false; // Markdown: the text below the front matter changed
    std::optional<TokenDiff> tokens;
    std::optional<TrainerProgress> trainer;
    std::optional<ShardLayoutDiff> shards;

    // One line per notable fact, most important first.
    std::vector<std::string> summary;

    // The first summary line, or a fallback naming the kind of change.
    std::string headline() const;

    // The headline for callers that print the kind of change next to it:
    // what was added or deleted ("safetensors, 1.2 MB, 3 tensors"), for
    // renames, copies and type changes the first line after the one naming
    // the change, else "content changed" or "content unchanged". Empty when
    // an added or deleted file has no description.
    std::string change_detail() const;
};

// A file renamed, or a set of weights files replaced by files of another
// format holding the same tensors, in one change set.
struct Conversion {
    std::vector<std::string> from_paths;
    std::vector<std::string> to_paths;
    artifacts::Format from_format = artifacts::Format::binary;
    artifacts::Format to_format = artifacts::Format::binary;
    size_t tensor_count = 0;    // tensors known on both sides; 0 when unknown
    bool tensors_match = false; // the same tensor names on both sides
    std::string summary;
};

struct ChangeSetDiff {
    std::vector<FileDiff> files;
    std::vector<Conversion> conversions;
};

// Opens the bytes of an artifact for a tensor-by-tensor comparison. Fails
// when the content is not present locally.
using ContentOpener =
    std::function<Result<std::unique_ptr<ByteSource>>(const artifacts::Artifact& artifact)>;

// Reads the text of a small artifact (JSON, Markdown) for key-level diffs of
// files whose reader keeps no raw JSON. Returns null when unavailable; the
// pointer lets callers cache texts without copying them.
using TextReader =
    std::function<std::shared_ptr<const std::string>(const artifacts::Artifact& artifact)>;

// Reads and parses a JSON artifact, for callers that cache parsed files.
// Returns null when unavailable or invalid.
using JsonReader = std::function<std::shared_ptr<const Json>(const artifacts::Artifact& artifact)>;

struct DiffOptions {
    ContentOpener open_content; // empty: compare content ids only
    TextReader read_text;       // empty: no key diffs for those files
    JsonReader read_json;       // empty: read_text and parse_json
};

// Diff options that read content from `repo`: LFS objects from its LFS
// store, working-tree files (artifacts without a blob id) from its working
// tree, other blobs from its object database. The repository must outlive
// the options.
DiffOptions repository_diff_options(const git::Repository& repo);

// The artifacts of the trees around a change that other files refer to:
// shard indexes, whose weight maps give the tensor names of weights files
// whose headers are not available.
struct TreeContext {
    std::map<std::string, artifacts::Artifact> before; // by path
    std::map<std::string, artifacts::Artifact> after;
};

// Compares the two sides of `change`. Never fails: unreadable content is
// reported in FileDiff::errors and the summary.
FileDiff diff_file(const FileChange& change, const DiffOptions& options = {},
                   const TreeContext* context = nullptr);

// Pairs the artifacts of two snapshots by path: a change for every path
// whose content id differs or that exists on one side only, in path order.
// A deleted and an added file with the same content id become one rename.
// When `tracked_only` is set, paths only `after` has are left out unless
// `tracked` contains them (git diff shows no untracked files).
std::vector<FileChange> changes_between(const artifacts::Snapshot& before,
                                        const artifacts::Snapshot& after);
std::vector<FileChange> changes_between(const artifacts::Snapshot& before,
                                        const artifacts::Snapshot& after,
                                        const std::set<std::string>& tracked);

// The shard indexes of two snapshots, for diff_change_set.
TreeContext tree_context(const artifacts::Snapshot& before, const artifacts::Snapshot& after);

// Compares every change and detects renames and format conversions across
// files.
ChangeSetDiff diff_change_set(const std::vector<FileChange>& changes,
                              const DiffOptions& options = {},
                              const TreeContext* context = nullptr);

// Compares two JSON values recursively into dotted key paths; objects are
// walked, everything else (arrays included) is compared as a whole.
std::vector<KeyChange> diff_json(const Json& before, const Json& after,
                                 const std::string& prefix = {});

// The tensor names a weights file holds: from its header when known, else
// from the shard indexes in `tree` that map tensors to its file name.
std::vector<std::string> tensor_names_of(const artifacts::Artifact& weights,
                                         const std::map<std::string, artifacts::Artifact>& tree);

// Model card front matter: the YAML block between "---" lines at the top of
// a README. Top-level keys only; each value is its text, nested lines
// included, so nested YAML compares as text.
struct FrontMatter {
    std::map<std::string, std::string> keys;
    bool present = false;
};

FrontMatter parse_front_matter(std::string_view markdown);

// The list of values of a front matter key written as a scalar, an inline
// list ("[a, b]") or a block list ("- a").
std::vector<std::string> front_matter_list(const FrontMatter& front_matter, const std::string& key);

Json to_json(const FileDiff& diff);
Json to_json(const Conversion& conversion);
Json to_json(const ChangeSetDiff& diff);

// Formats a JSON value for one-line summaries, cut to about `max_length` characters.
std::string short_value(const std::optional<Json>& value, size_t max_length = 40);

} // namespace mlv::lifecycle
