// Exit codes and the one fatal exception type.
#pragma once

#include "mlv/util/result.hpp"

#include <stdexcept>
#include <string>

namespace mlv {

// Process exit statuses, as Git uses them.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1; // findings, or a failed operation
inline constexpr int git_error = 128;
inline constexpr int usage = 129;
} // namespace exit_code

// FatalError ends the program: main() prints "fatal: <message>" and exits
// with `code`. Throw it only where no caller could recover; expected failures
// are returned as Result.
class FatalError : public std::runtime_error {
  public:
    explicit FatalError(const std::string& message, int code = exit_code::git_error)
        : std::runtime_error(message), code_(code) {}
    explicit FatalError(const Error& error)
        : std::runtime_error(error.message), code_(error.code) {}
    int code() const { return code_; }

  private:
    int code_;
};

// Returns the value of `result` or throws it as a FatalError.
template <class T> T value_or_die(Result<T> result) {
    if (!result) {
        throw FatalError(result.error());
    }
    return std::move(result).value();
}

inline void check_or_die(const Result<void>& result) {
    if (!result) {
        throw FatalError(result.error());
    }
}

} // namespace mlv
