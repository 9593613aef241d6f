#include "core/sampling/teacache.h"

#include <ATen/ATen.h>

namespace kinema {
namespace {

double relative_l1(const at::Tensor& now, const at::Tensor& before) {
    const double denom = before.abs().mean().item<double>();
    if (denom <= 0.0) return 0.0;
    return (now - before).abs().mean().item<double>() / denom;
}

}  // namespace

std::vector<double> identity_teacache_coefficients() {
    return {0.0, 0.0, 0.0, 1.0, 0.0};
}

double eval_polynomial(const std::vector<double>& c, double x) {
    double y = 0.0;
    for (double a : c)
        y = y * x + a;
    return y;
}

TeaCache::TeaCache(double threshold, std::vector<double> coefficients, int64_t total_evaluations)
    : threshold_(threshold),
      coefficients_(coefficients.empty() ? identity_teacache_coefficients()
                                         : std::move(coefficients)),
      total_(total_evaluations) {}

at::Tensor TeaCache::forward(const HyMotionMmdit& dit, const at::Tensor& x, const at::Tensor& t,
                             const PreparedCondition& prepared) {
    const int64_t index = index_++;
    const DitEntry entry = dit.entry(x, t, prepared);
    const at::Tensor indicator = dit.teacache_indicator(entry).to(at::kFloat);
    TeaCacheTracePoint point;
    bool compute = true;
    if (previous_indicator_.defined()) {
        point.input_change = relative_l1(indicator, previous_indicator_);
        const bool edge = index == 0 || index >= total_ - 1;
        if (threshold_ > 0.0 && !edge && residual_.defined()) {
            accumulated_ += eval_polynomial(coefficients_, point.input_change);
            compute = accumulated_ >= threshold_;
        }
    }
    previous_indicator_ = indicator;
    at::Tensor motion_out;
    if (compute) {
        motion_out = dit.run_blocks(entry, prepared);
        residual_ = motion_out - entry.motion;
        accumulated_ = 0.0;
        ++computed_;
    } else {
        motion_out = entry.motion + residual_;
        ++skipped_;
    }
    at::Tensor velocity = dit.exit(motion_out, entry);
    const at::Tensor v32 = velocity.to(at::kFloat);
    if (previous_velocity_.defined()) point.output_change = relative_l1(v32, previous_velocity_);
    previous_velocity_ = v32;
    point.computed = compute;
    if (index > 0) trace_.push_back(point);
    return velocity;
}

Result<std::vector<double>> fit_teacache_coefficients(
    const std::vector<TeaCacheTracePoint>& points) {
    std::vector<double> xs, ys;
    for (const auto& p : points)
        if (p.computed) {
            xs.push_back(p.input_change);
            ys.push_back(p.output_change);
        }
    if (xs.size() < 5)
        return make_error(
            ErrorKind::InvalidRequest,
            "TeaCache calibration needs at least 5 points, got " + std::to_string(xs.size()));
    try {
        const auto n = static_cast<int64_t>(xs.size());
        const auto opts = at::TensorOptions().dtype(at::kDouble);
        const at::Tensor x = at::from_blob(xs.data(), {n}, opts).clone();
        const at::Tensor y = at::from_blob(ys.data(), {n, 1}, opts).clone();
        // Vandermonde, highest power first; scale columns for conditioning, solve normal equations
        // with a tiny ridge.
        std::vector<at::Tensor> cols;
        for (int p = 4; p >= 0; --p)
            cols.push_back(x.pow(p));
        const at::Tensor a = at::stack(cols, 1);
        const at::Tensor scale = a.abs().amax(0).clamp_min(1e-12);
        const at::Tensor as = a / scale;
        const at::Tensor ata = as.t().mm(as) + 1e-10 * at::eye(5, opts);
        const at::Tensor sol = at::linalg_solve(ata, as.t().mm(y)).squeeze(1) / scale;
        std::vector<double> out(5);
        for (int i = 0; i < 5; ++i)
            out[i] = sol[i].item<double>();
        return out;
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("TeaCache fit failed: ") + e.what_without_backtrace());
    }
}

}  // namespace kinema
