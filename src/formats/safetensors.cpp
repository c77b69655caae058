// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/safetensors.hpp"

namespace mlv::formats {
Result<SafetensorsHeader> read_safetensors(const ByteSource&) {
    return make_error("safetensors reader not implemented");
}
} // namespace mlv::formats
