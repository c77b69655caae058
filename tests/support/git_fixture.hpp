// A throwaway Git repository for tests that need real Git objects, an index
// and a working tree. Runs the `git` program found on PATH.
#pragma once

#include "mlv/git/repository.hpp"

#include <string>

namespace mlv::test {

class TempRepository {
  public:
    // Creates an empty repository with a fixed identity in a fresh temporary
    // directory; removes the directory when destroyed.
    TempRepository();
    ~TempRepository();
    TempRepository(const TempRepository&) = delete;
    TempRepository& operator=(const TempRepository&) = delete;

    // The top of the working tree, with a trailing '/'.
    const std::string& workdir() const { return workdir_; }

    // Writes `content` to `path` (relative to the top), creating directories.
    void write(const std::string& path, const std::string& content) const;

    // Runs `git <arguments>` in the working tree; throws std::runtime_error
    // when it fails. `arguments` is passed to the shell as written.
    void git(const std::string& arguments) const;

    // Stages everything and commits with `message`.
    void commit_all(const std::string& message) const;

    // Opens the repository through libgit2.
    git::Repository open() const;

  private:
    std::string workdir_;
};

} // namespace mlv::test
