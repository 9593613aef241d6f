#include "core/motion/tensor_checks.h"

#include <ATen/ATen.h>

#include <sstream>

namespace kinema::motion_detail {

std::string describe_tensor(const at::Tensor& t) {
    if (!t.defined()) return "undefined";
    std::ostringstream out;
    out << "(";
    for (int64_t i = 0; i < t.dim(); ++i)
        out << (i ? ", " : "") << t.size(i);
    out << ") " << c10::toString(t.scalar_type());
    return out.str();
}

bool expect_shape(std::string& problems, const at::Tensor& t, std::string_view name,
                  std::initializer_list<int64_t> expected) {
    bool ok = t.defined() && at::isFloatingType(t.scalar_type()) &&
              t.dim() == static_cast<int64_t>(expected.size());
    int64_t i = 0;
    for (int64_t e : expected) {
        ok = ok && (e < 0 || t.size(i) == e);
        ++i;
    }
    if (ok) return true;
    std::ostringstream msg;
    msg << (problems.empty() ? "" : "; ") << name << ": expected floating (";
    i = 0;
    for (int64_t e : expected) {
        msg << (i++ ? ", " : "");
        if (e < 0) {
            msg << "*";
        } else {
            msg << e;
        }
    }
    msg << "), got " << describe_tensor(t);
    problems += msg.str();
    return false;
}

}  // namespace kinema::motion_detail
