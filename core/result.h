// Result<T>: the error channel of everything in core/ and gpu/. No exception escapes core: code
// that calls into libtorch or other throwing libraries catches at the boundary and returns an
// Error.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kinema {

enum class ErrorKind {
    BadModelFile,    // a model/tokenizer/config file is malformed, truncated or unsafe
    ShapeMismatch,   // tensors or configs disagree on shapes (the message lists every mismatch)
    OutOfMemory,     // host or device allocation failed
    Cancelled,       // the request's cancel flag was raised
    Cuda,            // a CUDA runtime/driver error other than out-of-memory
    Io,              // the file system refused (missing file, permission, disk full)
    InvalidRequest,  // the caller asked for something out of range
    Unsupported,     // a valid input this build cannot handle (dtype, feature)
    Internal,        // a broken invariant; always a bug
};

std::string_view to_string(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::Internal;
    std::string message;

    // "BadModelFile: <message>"
    std::string describe() const;
};

inline Error make_error(ErrorKind kind, std::string message) {
    return Error{kind, std::move(message)};
}

// A value or an Error. Accessing value() on an error (or error() on a value) is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        assert(!ok_);
        return error_;
    }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace kinema

// Propagate an error from an expression returning Result<...>: KINEMA_TRY(r, expr); then use *r.
#define KINEMA_TRY_STATUS(expr)                                  \
    do {                                                         \
        auto kinema_status_ = (expr);                            \
        if (!kinema_status_.ok()) return kinema_status_.error(); \
    } while (0)
