// Captures what the code under test writes to stderr.
#pragma once

#include <string>

namespace mlv::test {

// Redirects file descriptor 2 to a temporary file until destroyed; text()
// returns what was written so far.
class StderrCapture {
  public:
    StderrCapture();
    ~StderrCapture();
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    std::string text() const;

  private:
    int saved_fd_ = -1;
    std::string path_;
};

// Sets an environment variable for the lifetime of the object and restores
// the old value (or its absence) afterwards.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const char* value);
    ~ScopedEnv();
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    bool had_value_ = false;
    std::string old_value_;
};

} // namespace mlv::test
