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

// Resolves the role of `path`: the Git attribute `mlv-role` wins when set to
// a valid role, then the last matching configured pattern, then the built-in
// patterns.
Role resolve_role(std::string_view path, const std::optional<std::string>& attribute,
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

} // namespace mlv::artifacts
