// Internal helpers of core/motion: shape validation into ShapeMismatch errors, and the exception
// boundary that turns c10::Error / std::bad_alloc into Result errors. Not part of the public API.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kinema::motion_detail {

// "(2, 60, 201) Float" or "undefined".
std::string describe_tensor(const at::Tensor& t);

// Appends "<name>: expected floating (*, *, 201), got (...)" to `problems` (joined by "; ")
// unless t is a defined floating tensor of that rank whose dims equal `expected` (-1 matches any
// size). Returns whether t matched.
bool expect_shape(std::string& problems, const at::Tensor& t, std::string_view name,
                  std::initializer_list<int64_t> expected);

// Runs f() (returning Result<T>) and converts escaping exceptions: bad_alloc -> OutOfMemory,
// c10::Error and anything else -> Internal, prefixed with `what`.
template <typename F>
auto guard(std::string_view what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, std::string(what) + ": out of memory");
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string(what) + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return make_error(ErrorKind::Internal, std::string(what) + ": " + e.what());
    }
}

}  // namespace kinema::motion_detail
