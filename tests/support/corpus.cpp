#include "support/corpus.hpp"

#include <cstdlib>
#include <filesystem>

namespace mlv::test {

std::optional<std::string> corpus_dir() {
    const char* dir = std::getenv("MLV_CORPUS_DIR");
    if (dir == nullptr || !std::filesystem::is_directory(dir)) {
        return std::nullopt;
    }
    return std::string(dir);
}

std::optional<std::string> corpus_file(const std::string& relative) {
    auto dir = corpus_dir();
    if (!dir) {
        return std::nullopt;
    }
    std::string path = *dir + "/" + relative;
    if (!std::filesystem::exists(path)) {
        return std::nullopt;
    }
    return path;
}

} // namespace mlv::test
