// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/gguf.hpp"

namespace mlv::formats {
Result<GgufFile> read_gguf(const ByteSource&) {
    return make_error("not implemented");
}
std::optional<std::string> ggml_type_name(uint32_t) {
    return std::nullopt;
}
} // namespace mlv::formats
