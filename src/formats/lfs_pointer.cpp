#include "mlv/formats/lfs_pointer.hpp"

#include "mlv/util/hash.hpp"

#include <charconv>

namespace mlv::formats {
namespace {

constexpr std::string_view version_prefix = "version https://";
constexpr std::string_view spec_v1 = "version https://git-lfs.github.com/spec/v1";
// git-lfs before 1.0 wrote this alpha version line; it accepts both.
constexpr std::string_view spec_alpha = "version https://hawser.github.com/spec/v1";

} // namespace

std::optional<LfsPointer> parse_lfs_pointer(std::string_view text) {
    if (text.size() > lfs_pointer_max_size ||
        text.substr(0, version_prefix.size()) != version_prefix) {
        return std::nullopt;
    }

    std::optional<std::string> oid;
    std::optional<uint64_t> size;
    bool first = true;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        if (first) {
            if (line != spec_v1 && line != spec_alpha) {
                return std::nullopt;
            }
            first = false;
            continue;
        }
        size_t space = line.find(' ');
        if (space == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view key = line.substr(0, space);
        std::string_view value = line.substr(space + 1);
        if (key == "oid") {
            if (value.substr(0, 7) != "sha256:" || !is_sha256_hex(value.substr(7))) {
                return std::nullopt;
            }
            oid = std::string(value.substr(7));
        } else if (key == "size") {
            uint64_t parsed = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
            if (ec != std::errc() || ptr != value.data() + value.size()) {
                return std::nullopt;
            }
            size = parsed;
        }
    }
    if (!oid || !size) {
        return std::nullopt;
    }
    return LfsPointer{*oid, *size};
}

std::string format_lfs_pointer(const LfsPointer& pointer) {
    return std::string(spec_v1) + "\noid sha256:" + pointer.oid + "\nsize " +
           std::to_string(pointer.size) + "\n";
}

} // namespace mlv::formats
