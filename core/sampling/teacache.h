// TeaCache for the HY-Motion MMDiT (the FramePack/TeaCache rule, spec'd in offload-anchors §1.4):
// per DiT evaluation, take the first double block's modulated motion input, accumulate the
// polynomially rescaled relative L1 change since the last computed evaluation, and while the sum
// stays under the threshold reuse the last block-stack residual (motion rows after the stack minus
// before it) instead of running the blocks. The first and last evaluations are always computed;
// CFG is one batched forward, so there is one decision per evaluation for the whole batch. The
// decision needs only the resident head (DitEntry), so a skipped evaluation streams no block.
// One TeaCache per generation (state is per run); used on the engine's worker thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/model/hymotion_mmdit.h"

namespace kinema {

// Rescale polynomial, highest power first (numpy.polyval order), degree 4. Identity when a model
// has no calibrated coefficients.
std::vector<double> identity_teacache_coefficients();
double eval_polynomial(const std::vector<double>& coefficients, double x);

struct TeaCacheTracePoint {
    double input_change = 0;   // relative L1 change of the indicator vs the previous evaluation
    double output_change = 0;  // relative L1 change of the velocity vs the previous evaluation
    bool computed = true;
};

class TeaCache {
public:
    // threshold <= 0 disables skipping (every evaluation computed, the trace still recorded).
    TeaCache(double threshold, std::vector<double> coefficients, int64_t total_evaluations);

    // One velocity evaluation, skipping the block stack when the rule allows. Throws c10::Error
    // from libtorch (callers catch).
    at::Tensor forward(const HyMotionMmdit& dit, const at::Tensor& x, const at::Tensor& t,
                       const PreparedCondition& prepared);

    int64_t computed() const { return computed_; }
    int64_t skipped() const { return skipped_; }
    const std::vector<TeaCacheTracePoint>& trace() const { return trace_; }

private:
    double threshold_;
    std::vector<double> coefficients_;
    int64_t total_, index_ = 0, computed_ = 0, skipped_ = 0;
    double accumulated_ = 0;
    at::Tensor previous_indicator_, residual_, previous_velocity_;
    std::vector<TeaCacheTracePoint> trace_;
};

// Least-squares degree-4 fit of output_change = p(input_change) over the computed points of full
// (threshold 0) runs. InvalidRequest with fewer than 5 points.
Result<std::vector<double>> fit_teacache_coefficients(
    const std::vector<TeaCacheTracePoint>& points);

}  // namespace kinema
