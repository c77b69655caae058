// Artifacts: model files with a role, a content id and metadata read from
// their headers.
#pragma once

#include "mlv/artifacts/role.hpp"
#include "mlv/formats/gguf.hpp"
#include "mlv/formats/hf_config.hpp"
#include "mlv/formats/onnx.hpp"
#include "mlv/formats/safetensors.hpp"
#include "mlv/formats/sentencepiece.hpp"
#include "mlv/formats/shard_index.hpp"
#include "mlv/formats/tokenizer.hpp"
#include "mlv/formats/torch_zip.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/json.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace mlv::artifacts {

// The parsed content of one file. Which alternative is set follows the
// format: added_tokens, vocab_txt and vocab_json all give a Vocabulary;
// chat_template gives a ChatTemplate; formats without a reader give monostate.
using Metadata =
    std::variant<std::monostate, formats::SafetensorsHeader, formats::ShardIndex, formats::GgufFile,
                 formats::TorchCheckpoint, formats::OnnxModel, formats::ModelConfig,
                 formats::GenerationConfig, formats::AdapterConfig, formats::TrainerState,
                 formats::TokenizerJson, formats::TokenizerConfig, formats::SpecialTokensMap,
                 formats::Vocabulary, formats::Merges, formats::SentencePieceModel,
                 formats::ChatTemplate>;

// What a file's content says. Cached by content id, so it depends on the
// bytes and the format only, never on the path.
struct Description {
    Format format = Format::binary;
    Metadata metadata;
    // Set when the reader rejected the content: what is wrong and where,
    // without the path ("invalid JSON at line 3, column 5: ...").
    std::optional<std::string> error;
};

// Reads `source` as `format`. Readers see only headers of weight files, and
// JSON and text files up to a size limit. Never fails: problems land in
// Description::error.
Description describe(Format format, const ByteSource& source);

// Decides the format from the path and, for ambiguous names, the first bytes
// of the content: a file without a known extension that is a zip or pickle is
// a PyTorch checkpoint, and GGUF magic wins over a weights extension. Text,
// JSON, tokenizer and training_args formats keep the format of the name.
Format detect_format(std::string_view path, std::string_view first_bytes);

// The same decision from the format the path names.
Format detect_format_from(Format path_format, std::string_view first_bytes);

Json to_json(const Description& description);
Description description_from_json(const Json& json);

// Where an artifact's bytes are stored.
enum class Storage {
    git,         // a regular blob (or working-tree file)
    lfs,         // an LFS pointer whose object is present locally
    lfs_missing, // an LFS pointer whose object is not present locally
};

struct Artifact {
    std::string path;
    Role role = Role::other;
    Format format = Format::binary;
    Storage storage = Storage::git;
    uint64_t size = 0;   // content size; for LFS, the size the pointer names
    std::string oid;     // SHA-256 of the content (64 hex); the LFS oid for pointers
    std::string blob_id; // Git blob id; empty for files not in Git
    // Null when the content is not present (lfs_missing).
    std::shared_ptr<const Description> description;

    bool is_lfs() const { return storage != Storage::git; }
    bool content_present() const { return storage != Storage::lfs_missing; }

    // The metadata alternative T, or null when absent or of another type.
    template <class T> const T* get() const {
        if (!description) {
            return nullptr;
        }
        return std::get_if<T>(&description->metadata);
    }
};

// A JSON summary of the artifact's metadata for `show`: tensor count,
// parameters and dtypes for weights; vocab_size, added and special tokens
// for tokenizers; model_type and key sizes for configs; step and epoch for
// trainer state. Empty object when there is no description.
Json summarize(const Artifact& artifact);

// The summary on one line for human output ("291 tensors, 6.74B params, F16").
std::string summary_line(const Artifact& artifact);

// Returns a count with a decimal suffix as parameter counts are usually
// written: "9999", "12.3k", "7.0M", "6.74B".
std::string format_count(uint64_t value);

} // namespace mlv::artifacts
