#include "core/text/int4_quantizer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

namespace kinema::text {

std::string_view to_string(Int4Method method) {
    switch (method) {
        case Int4Method::MinMax:
            return "minmax";
        case Int4Method::AbsMax:
            return "absmax";
        case Int4Method::MseClip:
            return "mse-clip";
    }
    return "?";
}

Result<Int4Method> parse_int4_method(std::string_view text) {
    for (auto m : {Int4Method::MinMax, Int4Method::AbsMax, Int4Method::MseClip})
        if (text == to_string(m)) return m;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown int4 method '" + std::string(text) + "' (minmax, absmax, mse-clip)");
}

namespace {

constexpr double kMinScale = 1e-12;

// Codes for w (r, G, n) on the grid lo + k * scale, k = 0..15 (float32 codes).
at::Tensor codes_for(const at::Tensor& w, const at::Tensor& lo, const at::Tensor& scale) {
    return at::round((w - lo.unsqueeze(2)) / scale.unsqueeze(2)).clamp_(0, 15);
}

// Squared error per group (r, G).
at::Tensor group_sse(const at::Tensor& w, const at::Tensor& codes, const at::Tensor& lo,
                     const at::Tensor& scale) {
    return (codes * scale.unsqueeze(2) + lo.unsqueeze(2) - w).pow_(2).sum(2);
}

struct Fit {
    at::Tensor codes, scale, offset, sse;
};

// Keeps, per group, `candidate` where its error is lower than `best`'s.
void keep_better(Fit& best, const Fit& candidate) {
    const at::Tensor better = candidate.sse < best.sse;  // (r, G)
    best.codes = at::where(better.unsqueeze(2), candidate.codes, best.codes);
    best.scale = at::where(better, candidate.scale, best.scale);
    best.offset = at::where(better, candidate.offset, best.offset);
    best.sse = at::where(better, candidate.sse, best.sse);
}

Fit fit_range(const at::Tensor& w, const at::Tensor& lo, const at::Tensor& hi) {
    Fit f;
    f.scale = ((hi - lo) / 15.0).clamp_min_(kMinScale);
    f.offset = lo;
    f.codes = codes_for(w, lo, f.scale);
    f.sse = group_sse(w, f.codes, lo, f.scale);
    return f;
}

Fit mse_clip(const at::Tensor& w) {
    const at::Tensor lo = w.amin(2), hi = w.amax(2);
    const at::Tensor mid = (lo + hi) * 0.5, half = (hi - lo) * 0.5;
    Fit best = fit_range(w, lo, hi);
    for (int step = 1; step <= 3; ++step) {  // factors 0.95, 0.90, 0.85
        const double f = 1.0 - 0.05 * step;
        keep_better(best, fit_range(w, mid - half * f, mid + half * f));
    }
    // Least-squares scale/offset for the chosen codes, then re-round to the refitted grid.
    const double n = static_cast<double>(w.size(2));
    for (int iter = 0; iter < 2; ++iter) {
        const at::Tensor c = best.codes;
        const at::Tensor mc = c.mean(2), mw = w.mean(2);
        const at::Tensor cc = c - mc.unsqueeze(2);
        const at::Tensor var = cc.pow(2).sum(2);
        const at::Tensor cov = (cc * (w - mw.unsqueeze(2))).sum(2);
        const at::Tensor ok = var > 0.5 / n;
        Fit refit;
        refit.scale = at::where(ok, cov / var.clamp_min(1e-30), best.scale).clamp_min_(kMinScale);
        refit.offset = at::where(ok, mw - refit.scale * mc, best.offset);
        refit.codes = codes_for(w, refit.offset, refit.scale);
        refit.sse = group_sse(w, refit.codes, refit.offset, refit.scale);
        keep_better(best, refit);
    }
    return best;
}

Int4Groups quantize_block(const at::Tensor& w, Int4Method method) {
    Fit f;
    switch (method) {
        case Int4Method::MinMax:
            f = fit_range(w, w.amin(2), w.amax(2));
            break;
        case Int4Method::AbsMax: {
            f.scale = (w.abs().amax(2) / 7.0).clamp_min_(kMinScale);
            f.offset = f.scale * -8.0;
            f.codes = codes_for(w, f.offset, f.scale);
            break;
        }
        case Int4Method::MseClip:
            f = mse_clip(w);
            break;
    }
    return {f.codes.to(at::kByte), f.scale, f.offset};
}

}  // namespace

Int4Groups quantize_int4_groups(const at::Tensor& groups, Int4Method method) {
    const at::Tensor w = groups.to(at::kFloat);
    const int64_t rows = w.size(0);
    const int64_t per_row = std::max<int64_t>(1, w.size(1) * w.size(2));
    const int64_t block = std::max<int64_t>(1, (int64_t{4} << 20) / per_row);  // ~16 MiB floats
    if (rows <= block) return quantize_block(w, method);
    std::vector<at::Tensor> codes, scale, offset;
    for (int64_t r = 0; r < rows; r += block) {
        Int4Groups part = quantize_block(w.narrow(0, r, std::min(block, rows - r)), method);
        codes.push_back(part.codes);
        scale.push_back(part.scale);
        offset.push_back(part.offset);
    }
    return {at::cat(codes), at::cat(scale), at::cat(offset)};
}

}  // namespace kinema::text
