// Int4 group quantisation: how the 16 codes, scale and offset of each group of weights are chosen.
// Every method produces the same stored form (w ~= code * scale + offset, codes 0..15, float32
// scale/offset per group), so they differ only in error, never in format or bytes:
//   MinMax  : offset = min, scale = (max - min) / 15 (the range spans the group exactly);
//   AbsMax  : symmetric, scale = max|w| / 7, offset = -8 * scale (codes 1..15 used), a reference;
//   MseClip : per group, the [min, max] range shrunk around its midpoint by the factor in
//             {1, 0.95, 0.90, 0.85} with the least squared error, then scale/offset refitted by
//             least squares to the chosen codes and the codes re-rounded (twice), each step kept
//             only where it lowers the group's error, so never worse than MinMax per group.
//             On N(0,1) groups of 128: 9.30 % relative RMS error vs 9.97 % (MinMax); a 16-factor
//             grid reaches 9.30 % too. About 7x MinMax's arithmetic, at quantisation only.
// Thread: any (pure functions). Shapes: groups (rows, G, group) float32.
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>

#include "core/result.h"

namespace kinema::text {

enum class Int4Method { MinMax, AbsMax, MseClip };

// The method QuantizedWeight::quantize uses for Int4 and `kinema-cli quantize` writes.
inline constexpr Int4Method kDefaultInt4Method = Int4Method::MseClip;

std::string_view to_string(Int4Method method);                // "minmax", "absmax", "mse-clip"
Result<Int4Method> parse_int4_method(std::string_view text);  // InvalidRequest otherwise

struct Int4Groups {
    at::Tensor codes;   // (rows, G, group) uint8 in 0..15
    at::Tensor scale;   // (rows, G) float32, > 0
    at::Tensor offset;  // (rows, G) float32
};

// Quantises `groups` (rows, G, group) float32. Throws c10::Error on allocation failure.
// Works on blocks of rows so the temporaries stay below ~64 MiB per block.
Int4Groups quantize_int4_groups(const at::Tensor& groups, Int4Method method);

}  // namespace kinema::text
