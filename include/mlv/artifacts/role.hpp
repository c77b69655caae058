// Artifact roles and formats, from a file's path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::artifacts {

enum class Role { weights, tokenizer, config, training, docs, other };

std::string_view to_string(Role role);

// Parses "weights", "tokenizer", ...; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);

// Returns the role the built-in patterns give `path` (see docs/roles.md).
// Only the file name matters, except that files under a "runs/" directory
// (TensorBoard logs) are training artifacts.
Role builtin_role(std::string_view path);

// A role pattern from configuration (.mlv.json "roles"), matched like a
// .gitattributes pattern: without a '/', against the file name; with one,
// against the whole path. '*' and '?' do not cross '/', "**" does.
struct RolePattern {
    std::string pattern;
    Role role = Role::other;
};

// Returns whether `path` matches the gitattributes-style `pattern`.
bool path_matches(std::string_view pattern, std::string_view path);

// The source of a path's role, from lowest to highest precedence.
enum class RoleOrigin { builtin, configuration, attribute };

struct ResolvedRole {
    Role role = Role::other;
    RoleOrigin origin = RoleOrigin::builtin;
};

// The valid role names, comma-separated in declaration order, for messages.
std::string role_names_list();

// Resolves the role of `path`: the Git attribute `mlv-role` wins when set to
// a valid role, then the last matching configured pattern, then the built-in
// patterns. An attribute value that is not a role name is skipped here, and
// the caller reports it.
ResolvedRole resolve_role(std::string_view path, const std::optional<std::string>& attribute,
                          const std::vector<RolePattern>& patterns);

// What a file's bytes are, decided from its name and, where names are
// ambiguous, its first bytes.
enum class Format {
    safetensors,
    shard_index,
    gguf,
    pytorch, // zip or legacy pickle checkpoint
    onnx,
    keras_h5,     // HDF5 (.h5): detected only
    flax_msgpack, // detected only
    tflite,       // detected only
    model_config,
    generation_config,
    adapter_config,
    preprocessor_config,
    trainer_state,
    training_args, // training_args.bin (a pickle) or .json
    tokenizer_json,
    tokenizer_config,
    special_tokens_map,
    added_tokens,
    vocab_txt,
    vocab_json,
    merges_txt,
    sentencepiece,
    chat_template,
    markdown,
    json, // other JSON
    text,
    binary, // unrecognised
};

std::string_view to_string(Format format);
std::optional<Format> parse_format(std::string_view name);

// Returns the format that `path` names. Content is not looked at, so
// ambiguous names (`*.bin`, `*.model`) get their usual format.
Format format_from_path(std::string_view path);

// Returns whether `format` has a weights reader (safetensors, shard index,
// GGUF, PyTorch, ONNX) or is a weights format only detected (Keras HDF5,
// Flax msgpack, TFLite).
bool is_weights_format(Format format);

// Returns the format a file is read as once its role is known, so that the
// role decides which reader runs:
// - weights and training files keep `path_format` (checkpoints such as
//   optimizer.pt are training files read by the PyTorch reader);
// - tokenizer and config files are not read by a weights reader;
// - docs and other files get only the generic readers: JSON stays JSON
//   (config and tokenizer JSON formats become `json`), text-like formats
//   become `text`, and everything else becomes `binary`.
// Unchanged formats come back as given.
Format format_for_role(Format path_format, Role role);

// Whether the first bytes of a file may change the format its name gives
// (a GGUF magic, a zip or pickle without a weights extension).
enum class ContentSniffing { allowed, off };

// Returns whether content may decide `role`'s format: for weights and
// training files, and for files that no pattern or attribute gave a role
// and that the built-in patterns leave as other. A role the repository
// assigns is otherwise final, so a `notes.bin` declared docs is never read as
// a checkpoint.
ContentSniffing content_sniffing(const ResolvedRole& role);

} // namespace mlv::artifacts
