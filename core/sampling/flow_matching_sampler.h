// Flow-matching ODE solve with classifier-free guidance (spec §4): time runs 0 (noise) -> 1 (data)
// on linspace(0, 1, steps+1) in float32; CFG is ONE batched forward in [uncond ; cond] order;
// v = v_u + s (v_c - v_u), optionally with another s for the root-translation channels. Euler is
// the official solver; midpoint, Heun and RK4 use the same grid (each costs more evaluations per
// step). Runs on the calling thread; cancellation is polled between evaluations.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/result.h"

namespace kinema {

enum class Solver { Euler, Midpoint, Heun, Rk4 };

const char* solver_name(Solver solver);
// DiT evaluations per ODE step: Euler 1, midpoint 2, Heun 2, RK4 4.
int64_t evaluations_per_step(Solver solver);
Result<Solver> parse_solver(const std::string& name);

// Evaluates the velocity for the batch x at time t (one value for all rows). For CFG the callee
// receives the doubled batch and returns the doubled velocity.
using VelocityFn = std::function<Result<at::Tensor>(const at::Tensor& x, float t)>;

struct SamplerStep {
    int64_t step = 0;  // 1-based index of the completed step
    int64_t total = 0;
    float t = 0.f;                            // time at the start of the step
    const at::Tensor* x = nullptr;            // state after the step, (S, L, C)
    const at::Tensor* x0_estimate = nullptr;  // x_t + (1 - t) v: the data estimate at this step
};

struct SamplerOptions {
    int64_t steps = 50;
    double cfg_scale = 5.0;  // <= 1: no guidance, the batch is the cond half only
    // > 0 (and cfg_scale > 1): the guidance scale of channels [0, 3) - the root translation of
    // the HY-Motion frame - instead of cfg_scale. 0: every channel uses cfg_scale.
    double translation_cfg_scale = 0.0;
    Solver solver = Solver::Euler;
    const std::atomic<bool>* cancel = nullptr;  // owned by the request; polled between evaluations
    std::function<void(const SamplerStep&)> on_step;  // called on this thread after every step
};

// x0: (S, L, C) noise. Returns the state at t = 1.
Result<at::Tensor> sample_flow(const VelocityFn& velocity, const at::Tensor& x0,
                               const SamplerOptions& options);

}  // namespace kinema
