// TimestepEmbeddingEncoder: sinusoidal embedding of t * time_factor ([cos | sin], 10000 base),
// then Linear-SiLU-Linear. Output (B, 1, D). The DiT uses time_factor 1000, the refiner 1.
#pragma once

#include <ATen/core/Tensor.h>

#include "core/model/nn_layers.h"

namespace kinema {

// The official float32 op order, so that embeddings agree bit for bit. t: (B,) float32.
at::Tensor sinusoidal_embedding(const at::Tensor& t, int64_t dim, double time_factor);

struct TimestepEncoder {
    Linear fc0, fc2;  // blocks.0 and blocks.2
    int64_t dim = 0;
    double time_factor = 1.0;
    Activation act = Activation::Silu;

    void declare(ParameterRegistry& reg, const std::string& key, int64_t feat_dim, double factor);
    at::Tensor operator()(const at::Tensor& t) const;
};

}  // namespace kinema
