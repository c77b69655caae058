// Result<T>: the value of an operation that can fail in an expected way.
//
// C++20 has no std::expected, so this is a small stand-in with the same
// shape: a Result holds either a T or an Error. Expected failures (a malformed
// file, a missing object) travel as Results; only unrecoverable conditions
// throw FatalError (see error.hpp), which main() catches once.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace mlv {

// Error: a one-line, lowercase message without a final period, in Git's
// style. `code` is the process exit status the error maps to when it ends the
// program (1 for a failure, 128 for a Git or I/O error, 129 for usage).
struct Error {
    std::string message;
    int code = 1;
};

inline Error make_error(std::string message, int code = 1) {
    return Error{std::move(message), code};
}

template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    const Error& error() const {
        assert(!ok());
        return std::get<1>(state_);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

  private:
    std::variant<T, Error> state_;
};

// Result<void>: success carries no value.
template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        assert(failed_);
        return error_;
    }

  private:
    Error error_;
    bool failed_ = false;
};

} // namespace mlv
