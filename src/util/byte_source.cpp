#include "mlv/util/byte_source.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>

namespace mlv {
namespace {

constexpr uint64_t read_ahead_size = 64 * 1024;

bool range_inside(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

Error out_of_range(uint64_t offset, uint64_t length, uint64_t size) {
    return make_error("read of " + std::to_string(length) + " bytes at offset " +
                      std::to_string(offset) + " is past the end (size " + std::to_string(size) +
                      ")");
}

} // namespace

Result<std::string> ByteSource::read_string(uint64_t offset, uint64_t length) const {
    if (!range_inside(offset, length, size())) {
        return out_of_range(offset, length, size());
    }
    std::string out(length, '\0');
    auto status = read(offset, std::as_writable_bytes(std::span(out.data(), out.size())));
    if (!status) {
        return status.error();
    }
    return out;
}

Result<std::string> ByteSource::read_all(uint64_t max_size) const {
    if (size() > max_size) {
        return make_error("size " + std::to_string(size()) + " exceeds the limit of " +
                          std::to_string(max_size) + " bytes");
    }
    return read_string(0, size());
}

Result<void> MemorySource::read(uint64_t offset, std::span<std::byte> out) const {
    if (!range_inside(offset, out.size(), bytes_.size())) {
        return out_of_range(offset, out.size(), bytes_.size());
    }
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return {};
}

Result<std::unique_ptr<FileSource>> FileSource::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_error("cannot open '" + path + "': " + std::strerror(errno), 128);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int saved = errno;
        ::close(fd);
        return make_error("cannot stat '" + path + "': " + std::strerror(saved), 128);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error("'" + path + "' is not a regular file", 128);
    }
    return std::unique_ptr<FileSource>(new FileSource(fd, static_cast<uint64_t>(st.st_size), path));
}

FileSource::~FileSource() {
    ::close(fd_);
}

Result<void> FileSource::read(uint64_t offset, std::span<std::byte> out) const {
    if (!range_inside(offset, out.size(), size_)) {
        return out_of_range(offset, out.size(), size_);
    }
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return make_error("cannot read '" + path_ + "': " + std::strerror(errno), 128);
        }
        if (n == 0) {
            return make_error("cannot read '" + path_ + "': file shrank while reading", 128);
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

ByteCursor::ByteCursor(const ByteSource& source, uint64_t offset)
    : source_(source), offset_(offset), buffer_start_(offset) {
}

uint64_t ByteCursor::remaining() const {
    return offset_ <= source_.size() ? source_.size() - offset_ : 0;
}

Result<void> ByteCursor::refill(uint64_t needed) {
    uint64_t length = std::max(needed, read_ahead_size);
    length = std::min(length, remaining());
    if (length < needed) {
        return out_of_range(offset_, needed, source_.size());
    }
    buffer_.resize(length);
    auto status = source_.read(offset_, std::as_writable_bytes(std::span(buffer_.data(), length)));
    if (!status) {
        buffer_.clear();
        return status;
    }
    buffer_start_ = offset_;
    return {};
}

Result<void> ByteCursor::fill(void* out, uint64_t length) {
    bool buffered = offset_ >= buffer_start_ && offset_ - buffer_start_ <= buffer_.size() &&
                    length <= buffer_.size() - (offset_ - buffer_start_);
    if (!buffered) {
        auto status = refill(length);
        if (!status) {
            return status;
        }
    }
    std::memcpy(out, buffer_.data() + (offset_ - buffer_start_), length);
    offset_ += length;
    return {};
}

#define MLV_CURSOR_SCALAR(name, type)                                                              \
    Result<type> ByteCursor::name() {                                                              \
        type value{};                                                                              \
        auto status = fill(&value, sizeof value);                                                  \
        if (!status) {                                                                             \
            return status.error();                                                                 \
        }                                                                                          \
        return value;                                                                              \
    }

// The formats read here (safetensors, GGUF, protobuf) are little-endian, and so
// is every platform git-mlv is built for.
static_assert(std::endian::native == std::endian::little, "git-mlv assumes a little-endian host");

MLV_CURSOR_SCALAR(u8, uint8_t)
MLV_CURSOR_SCALAR(u16, uint16_t)
MLV_CURSOR_SCALAR(u32, uint32_t)
MLV_CURSOR_SCALAR(u64, uint64_t)
MLV_CURSOR_SCALAR(i8, int8_t)
MLV_CURSOR_SCALAR(i16, int16_t)
MLV_CURSOR_SCALAR(i32, int32_t)
MLV_CURSOR_SCALAR(i64, int64_t)
MLV_CURSOR_SCALAR(f32, float)
MLV_CURSOR_SCALAR(f64, double)

#undef MLV_CURSOR_SCALAR

Result<std::string> ByteCursor::bytes(uint64_t length) {
    if (length > remaining()) {
        return out_of_range(offset_, length, source_.size());
    }
    std::string out(length, '\0');
    auto status = fill(out.data(), length);
    if (!status) {
        return status.error();
    }
    return out;
}

Result<void> ByteCursor::skip(uint64_t length) {
    if (length > remaining()) {
        return out_of_range(offset_, length, source_.size());
    }
    offset_ += length;
    return {};
}

} // namespace mlv
