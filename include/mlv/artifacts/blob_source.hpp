// A Git blob too large to read into memory, as a ByteSource.
#pragma once

#include "mlv/git/repository.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/hash.hpp"

#include <string>

namespace mlv::artifacts {

// Serves reads of a blob from its first `head_size` and last `tail_size`
// bytes, which one pass over the blob (load) keeps. Those cover the headers
// that readers look at: a safetensors or GGUF header at the start, a zip
// central directory at the end. A read elsewhere streams the blob again up
// to the range, so memory stays bounded by the kept bytes plus the range.
class StreamedBlobSource final : public ByteSource {
  public:
    StreamedBlobSource(std::string git_dir, std::string blob_id, uint64_t size, uint64_t head_size,
                       uint64_t tail_size);

    // Streams the whole blob once, keeps its head and tail, and returns its
    // SHA-256 and XXH3-128. Fails when git fails or the blob's length is
    // not `size`. `on_progress`, when set, is called after each chunk.
    Result<ContentDigest> load(const HashProgress& on_progress = {});

    uint64_t size() const override { return size_; }

    // Reads within the kept bytes after load(); other ranges (and any range
    // before load) stream the blob from its start.
    Result<void> read(uint64_t offset, std::span<std::byte> out) const override;

  private:
    uint64_t tail_start() const { return size_ - tail_.size(); }

    std::string git_dir_;
    std::string blob_id_;
    uint64_t size_;
    uint64_t head_size_;
    uint64_t tail_size_;
    std::string head_;
    std::string tail_;
    bool loaded_ = false;
};

} // namespace mlv::artifacts
