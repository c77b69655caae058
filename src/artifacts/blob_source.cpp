#include "mlv/artifacts/blob_source.hpp"

#include "mlv/git/blob_stream.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace mlv::artifacts {
namespace {

constexpr size_t chunk_size = 1 << 20;

Error length_mismatch(const std::string& blob_id, uint64_t expected, uint64_t actual) {
    return make_error("blob " + blob_id + " has " + std::to_string(actual) +
                          " bytes where its header names " + std::to_string(expected),
                      128);
}

} // namespace

StreamedBlobSource::StreamedBlobSource(std::string git_dir, std::string blob_id, uint64_t size,
                                       uint64_t head_size, uint64_t tail_size)
    : git_dir_(std::move(git_dir)), blob_id_(std::move(blob_id)), size_(size),
      head_size_(std::min(head_size, size)), tail_size_(std::min(tail_size, size)) {
}

Result<ContentDigest> StreamedBlobSource::load(const HashProgress& on_progress) {
    auto stream = git::BlobStream::open(git_dir_, blob_id_);
    if (!stream) {
        return stream.error();
    }
    head_.clear();
    tail_.assign(tail_size_, '\0');
    uint64_t tail_begin = size_ - tail_size_;

    StreamHasher hasher;
    std::vector<char> chunk(chunk_size);
    uint64_t position = 0;
    while (true) {
        auto count = (*stream)->read(std::as_writable_bytes(std::span(chunk.data(), chunk.size())));
        if (!count) {
            return count.error();
        }
        if (*count == 0) {
            break;
        }
        std::string_view bytes(chunk.data(), *count);
        if (position + bytes.size() > size_) {
            return length_mismatch(blob_id_, size_, position + bytes.size());
        }
        hasher.update(bytes);

        if (position < head_size_) {
            head_.append(bytes.substr(0, head_size_ - position));
        }
        uint64_t end = position + bytes.size();
        if (end > tail_begin) {
            uint64_t from = std::max(position, tail_begin);
            std::memcpy(tail_.data() + (from - tail_begin), bytes.data() + (from - position),
                        end - from);
        }
        position = end;
        if (on_progress) {
            on_progress(position);
        }
    }
    if (position != size_) {
        return length_mismatch(blob_id_, size_, position);
    }
    loaded_ = true;
    return hasher.finish();
}

Result<void> StreamedBlobSource::read(uint64_t offset, std::span<std::byte> out) const {
    if (offset > size_ || out.size() > size_ - offset) {
        return make_error("read of " + std::to_string(out.size()) + " bytes at offset " +
                          std::to_string(offset) + " is past the end (size " +
                          std::to_string(size_) + ")");
    }
    if (loaded_ && offset + out.size() <= head_.size()) {
        std::memcpy(out.data(), head_.data() + offset, out.size());
        return {};
    }
    if (loaded_ && offset >= tail_start()) {
        std::memcpy(out.data(), tail_.data() + (offset - tail_start()), out.size());
        return {};
    }

    // NOTE: each read outside the kept bytes costs a pass over the blob up
    // to the range. Readers look at headers, which the kept bytes cover
    // unless a header is larger than them, so this path is rare, not fast.
    trace::log("artifacts", "streaming blob " + blob_id_ + " again to read " +
                                std::to_string(out.size()) + " bytes at offset " +
                                std::to_string(offset));
    auto stream = git::BlobStream::open(git_dir_, blob_id_);
    if (!stream) {
        return stream.error();
    }
    std::vector<char> chunk(chunk_size);
    uint64_t position = 0;
    size_t copied = 0;
    while (copied < out.size()) {
        auto count = (*stream)->read(std::as_writable_bytes(std::span(chunk.data(), chunk.size())));
        if (!count) {
            return count.error();
        }
        if (*count == 0) {
            return length_mismatch(blob_id_, size_, position);
        }
        uint64_t end = position + *count;
        if (end > offset) {
            uint64_t from = std::max(position, offset + copied);
            uint64_t until = std::min<uint64_t>(end, offset + out.size());
            std::memcpy(out.data() + (from - offset), chunk.data() + (from - position),
                        until - from);
            copied += until - from;
        }
        position = end;
    }
    return {};
}

} // namespace mlv::artifacts
