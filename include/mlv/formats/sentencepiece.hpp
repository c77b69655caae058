// SentencePiece models (`tokenizer.model`, `spiece.model`): the
// ModelProto protobuf, read with the wire-format reader.
//
// ModelProto field 1 is the repeated SentencePiece {piece = 1, score = 2,
// type = 3}; field 2 is TrainerSpec, whose unk_id (40), bos_id (41), eos_id
// (42) and pad_id (43) give the special ids.
#pragma once

#include "mlv/formats/tokenizer.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mlv::formats {

inline constexpr uint64_t sentencepiece_max_size = 256ull << 20;

struct SentencePieceModel {
    Vocabulary vocab; // pieces with their ids (the piece index)
    // Piece counts by type: "normal", "unknown", "control", "user_defined", "byte", "unused".
    // Types with no piece are absent.
    std::map<std::string, uint64_t> type_counts;
    std::optional<std::string> model_type; // trainer_spec.model_type: "unigram", "bpe", ...
    // trainer_spec ids keyed "unk", "bos", "eos", "pad"; -1 means disabled.
    std::map<std::string, int64_t> special_ids;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SentencePieceModel, vocab, type_counts, model_type,
                                                special_ids)

// Parses a ModelProto of at most sentencepiece_max_size bytes. Fails with
// "cannot read SentencePiece model: ..." when the source is larger or a read
// fails, and with "invalid SentencePiece model: ..." when the bytes are not a
// valid protobuf message, a known field has the wrong wire type, a piece type
// or model type is out of range, or there are no pieces.
Result<SentencePieceModel> read_sentencepiece(const ByteSource& source);

} // namespace mlv::formats
