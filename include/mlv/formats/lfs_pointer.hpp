// Git LFS pointer files (spec v1).
//
// A pointer is a small text file that stands in the repository for a large
// object kept by Git LFS:
//
//   version https://git-lfs.github.com/spec/v1
//   oid sha256:4d7a2146...  (64 hex digits)
//   size 12345
//
// The oid is the SHA-256 of the object's content, which is also git-mlv's
// content id, so a pointer names its content without the object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlv::formats {

// Pointer files are at most this long; anything larger is content.
inline constexpr uint64_t lfs_pointer_max_size = 1024;

struct LfsPointer {
    std::string oid; // 64 lowercase hex digits
    uint64_t size = 0;
};

// Parses `text` as an LFS pointer. Returns nullopt when it is not one: too
// long, no version line first, no valid sha256 oid or size. Extra keys are
// allowed, as the spec allows extensions.
std::optional<LfsPointer> parse_lfs_pointer(std::string_view text);

// Formats a pointer the way git-lfs writes it.
std::string format_lfs_pointer(const LfsPointer& pointer);

} // namespace mlv::formats
