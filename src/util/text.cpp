#include "mlv/util/text.hpp"

namespace mlv::text {

std::string noun_for(uint64_t count, std::string_view singular, std::string_view plural) {
    if (count == 1) {
        return std::string(singular);
    }
    if (plural.empty()) {
        return std::string(singular) + "s";
    }
    return std::string(plural);
}

std::string count_noun(uint64_t count, std::string_view singular, std::string_view plural) {
    return std::to_string(count) + " " + noun_for(count, singular, plural);
}

} // namespace mlv::text
