// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/onnx.hpp"

namespace mlv::formats {
Result<OnnxModel> read_onnx(const ByteSource&) {
    return make_error("not implemented");
}
} // namespace mlv::formats
