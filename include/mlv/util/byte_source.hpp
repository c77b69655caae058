// Random-access, bounded reads from a file or a buffer.
//
// Format readers take a ByteSource so that they read only the bytes they need
// (a safetensors header, a GGUF key/value section) whether the content is a
// multi-gigabyte file on disk or a Git blob in memory.
#pragma once

#include "mlv/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mlv {

class ByteSource {
  public:
    virtual ~ByteSource() = default;

    // Total size in bytes.
    virtual uint64_t size() const = 0;

    // Fills `out` with the bytes at [offset, offset + out.size()). Fails when
    // the range is not inside the source or the read fails.
    virtual Result<void> read(uint64_t offset, std::span<std::byte> out) const = 0;

    // Reads [offset, offset + length) into a string. Fails before allocating
    // when the range is not inside the source.
    Result<std::string> read_string(uint64_t offset, uint64_t length) const;

    // Reads the whole source into a string; fails before allocating when it is
    // larger than `max_size` bytes.
    Result<std::string> read_all(uint64_t max_size) const;
};

// A view of bytes owned elsewhere; the caller keeps them alive.
class MemorySource final : public ByteSource {
  public:
    explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
    uint64_t size() const override { return bytes_.size(); }
    Result<void> read(uint64_t offset, std::span<std::byte> out) const override;
    std::string_view bytes() const { return bytes_; }

  private:
    std::string_view bytes_;
};

// A file opened for reading; its size is taken once at open.
class FileSource final : public ByteSource {
  public:
    // Opens `path`. The error names the path and the system's reason.
    static Result<std::unique_ptr<FileSource>> open(const std::string& path);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    uint64_t size() const override { return size_; }
    Result<void> read(uint64_t offset, std::span<std::byte> out) const override;

  private:
    FileSource(int fd, uint64_t size, std::string path)
        : fd_(fd), size_(size), path_(std::move(path)) {}
    int fd_;
    uint64_t size_;
    std::string path_;
};

// Sequential little-endian decoding over a ByteSource with bounds checks.
// Every read fails (rather than reading past the end) when fewer bytes remain.
class ByteCursor {
  public:
    explicit ByteCursor(const ByteSource& source, uint64_t offset = 0);

    uint64_t offset() const { return offset_; }
    uint64_t remaining() const;

    Result<uint8_t> u8();
    Result<uint16_t> u16();
    Result<uint32_t> u32();
    Result<uint64_t> u64();
    Result<int8_t> i8();
    Result<int16_t> i16();
    Result<int32_t> i32();
    Result<int64_t> i64();
    Result<float> f32();
    Result<double> f64();

    // Reads `length` bytes; fails before allocating if they are not there.
    Result<std::string> bytes(uint64_t length);
    Result<void> skip(uint64_t length);

  private:
    Result<void> fill(void* out, uint64_t length);
    Result<void> refill(uint64_t needed);

    const ByteSource& source_;
    uint64_t offset_;
    // A read-ahead buffer, so that GGUF's many small fields do not each cost
    // a system call.
    std::string buffer_;
    uint64_t buffer_start_ = 0;
};

} // namespace mlv
