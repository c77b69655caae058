// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/torch_zip.hpp"

namespace mlv::formats {
Result<TorchCheckpoint> read_torch_checkpoint(const ByteSource&) {
    return make_error("not implemented");
}
} // namespace mlv::formats
