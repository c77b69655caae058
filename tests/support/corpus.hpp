// Access to the real-file corpus for the corpus suite.
#pragma once

#include <optional>
#include <string>

namespace mlv::test {

// The corpus folder from MLV_CORPUS_DIR, or nullopt when unset or absent.
std::optional<std::string> corpus_dir();

// The full path of `relative` inside the corpus, or nullopt when the corpus
// or the file is absent. Tests return early on nullopt.
std::optional<std::string> corpus_file(const std::string& relative);

} // namespace mlv::test
