#include "support/capture.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace mlv::test {

StderrCapture::StderrCapture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mlv-test-stderr-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    path_ = pattern;
    std::fflush(stderr);
    saved_fd_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
}

StderrCapture::~StderrCapture() {
    std::fflush(stderr);
    ::dup2(saved_fd_, STDERR_FILENO);
    ::close(saved_fd_);
    std::filesystem::remove(path_);
}

std::string StderrCapture::text() const {
    std::fflush(stderr);
    std::ifstream in(path_, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
}

ScopedEnv::ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    const char* old = std::getenv(name_.c_str());
    if (old != nullptr) {
        had_value_ = true;
        old_value_ = old;
    }
    if (value == nullptr) {
        ::unsetenv(name_.c_str());
    } else {
        ::setenv(name_.c_str(), value, 1);
    }
}

ScopedEnv::~ScopedEnv() {
    if (had_value_) {
        ::setenv(name_.c_str(), old_value_.c_str(), 1);
    } else {
        ::unsetenv(name_.c_str());
    }
}

} // namespace mlv::test
