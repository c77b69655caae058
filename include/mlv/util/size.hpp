// Byte counts for human output, in binary units (1 KiB = 1024 bytes) as Git
// prints sizes.
#pragma once

#include <cstdint>
#include <string>

namespace mlv {

// Formats a byte count with a binary unit (1 KiB = 1024 bytes): "0 B",
// "1023 B", "1.5 KiB", "3.3 GiB", "25.1 GiB", "2.0 TiB". Values from KiB up
// have one decimal; TiB is the largest unit. Machine output (JSON) keeps
// the exact count instead.
std::string format_size(uint64_t bytes);

} // namespace mlv
