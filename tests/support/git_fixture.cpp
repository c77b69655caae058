#include "support/git_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mlv::test {

namespace fs = std::filesystem;

TempRepository::TempRepository() {
    std::string pattern = (fs::temp_directory_path() / "mlv-test-repo-XXXXXX").string();
    workdir_ = std::string(::mkdtemp(pattern.data())) + "/";
    git("init -q");
    git("config user.name Test");
    git("config user.email test@example.com");
    git("config commit.gpgsign false");
}

TempRepository::~TempRepository() {
    std::error_code ignored;
    fs::remove_all(workdir_, ignored);
}

void TempRepository::write(const std::string& path, const std::string& content) const {
    fs::path full = fs::path(workdir_) / path;
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out << content;
}

void TempRepository::git(const std::string& arguments) const {
    // The repository's own settings only: no global or system configuration.
    std::string command = "cd '" + workdir_ +
                          "' && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git " +
                          arguments + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("git " + arguments + " failed in " + workdir_);
    }
}

void TempRepository::commit_all(const std::string& message) const {
    git("add -A");
    git("commit -q -m '" + message + "'");
}

git::Repository TempRepository::open() const {
    auto repo = git::Repository::open(workdir_);
    if (!repo) {
        throw std::runtime_error(repo.error().message);
    }
    return std::move(repo).value();
}

} // namespace mlv::test
