// Small file-system helpers.
#pragma once

#include "mlv/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlv {

// Identity of a file for change detection without reading it.
struct FileStat {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const FileStat&) const = default;
};

// Returns the stat of a regular file, or nullopt when `path` is missing or is
// not a regular file.
std::optional<FileStat> stat_file(const std::string& path);

// Reads a whole file, failing before allocating when it is larger than
// `max_size` bytes.
Result<std::string> read_file(const std::string& path, uint64_t max_size);

// Writes `content` to `path` through a temporary file in the same directory
// and a rename, so readers see the old content or the new, never a part.
// Creates missing parent directories.
Result<void> write_file_atomic(const std::string& path, std::string_view content);

} // namespace mlv
