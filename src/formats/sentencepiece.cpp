// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/sentencepiece.hpp"

namespace mlv::formats {
Result<SentencePieceModel> read_sentencepiece(const ByteSource&) {
    return make_error("not implemented");
}
} // namespace mlv::formats
