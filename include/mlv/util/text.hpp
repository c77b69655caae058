// Wording helpers for human output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mlv::text {

// Returns `count` and the noun in the number it takes: `singular` for a
// count of 1, else `plural`, which defaults to `singular` + "s"
// ("1 file", "0 files", "3 entries" with plural "entries").
std::string count_noun(uint64_t count, std::string_view singular, std::string_view plural = {});

// Returns the noun alone, in the number `count` takes, for counts written
// another way ("6.74B params" from format_count).
std::string noun_for(uint64_t count, std::string_view singular, std::string_view plural = {});

} // namespace mlv::text
