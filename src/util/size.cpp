#include "mlv/util/size.hpp"

#include <array>
#include <cstdio>

namespace mlv {

std::string format_size(uint64_t bytes) {
    static constexpr std::array<const char*, 5> units = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        return std::to_string(bytes) + " B";
    }
    double value = static_cast<double>(bytes);
    size_t unit = 0;
    // Switching at 1023.95 rather than 1024 keeps "%.1f" from printing
    // "1024.0 KiB" for values that round up.
    while (value >= 1023.95 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
    return buffer;
}

} // namespace mlv
