// Savitzky-Golay smoothing as scipy.signal.savgol_filter(x, window, order) with the default
// mode='interp' (the translation smoother of _decode_o6dp uses window 11, order 5; spec §5.4.2):
//   interior samples: the symmetric FIR of the window's least-squares polynomial (for 11/5 it is
//     [18,-45,-10,60,120,143,120,60,-10,-45,18]/429), summed in float64 in scipy.ndimage's order;
//   the first/last window/2 samples: the degree-`order` least-squares polynomial through the first/
//     last `window` samples, evaluated there.
// Everything is float64 inside; the output is float32 like the reference's np.float32 buffer.
// Thread safety: pure functions.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kinema {

// The (window x window) least-squares projection ("hat") matrix of a degree-`order` polynomial fit
// on `window` equally spaced samples, row-major float64: fitted[i] = sum_k P[i][k] * x[k]. Its
// middle row is the interior FIR. Preconditions: window odd, 0 <= order < window <= 101.
std::vector<double> savgol_projection(int64_t window, int64_t order);

// x (..., L, C) any floating dtype -> (..., L, C) float32 CPU, each channel filtered along L.
// Precondition: L >= window (scipy raises otherwise; decode_motion reports InvalidRequest).
at::Tensor savgol_filter(const at::Tensor& x, int64_t window = 11, int64_t order = 5);

}  // namespace kinema
