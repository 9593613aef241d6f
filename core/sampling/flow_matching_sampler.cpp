#include "core/sampling/flow_matching_sampler.h"

#include <ATen/ATen.h>

namespace kinema {

const char* solver_name(Solver solver) {
    switch (solver) {
        case Solver::Euler:
            return "euler";
        case Solver::Midpoint:
            return "midpoint";
        case Solver::Heun:
            return "heun";
        case Solver::Rk4:
            return "rk4";
    }
    return "?";
}

Result<Solver> parse_solver(const std::string& name) {
    if (name == "euler") return Solver::Euler;
    if (name == "midpoint") return Solver::Midpoint;
    if (name == "heun") return Solver::Heun;
    if (name == "rk4") return Solver::Rk4;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown solver '" + name + "' (euler, midpoint, heun, rk4)");
}

namespace {

constexpr int64_t kTranslationChannels = 3;

struct Guided {
    const VelocityFn& fn;
    double scale;
    at::Tensor per_channel;  // (C,) scales when the translation channels differ; else undefined
    Result<at::Tensor> operator()(const at::Tensor& x, float t) const {
        if (scale <= 1.0) return fn(x, t);
        auto v = fn(at::cat({x, x}, 0), t);
        if (!v) return v.error();
        const auto halves = v->chunk(2, 0);
        const at::Tensor delta = halves[1] - halves[0];
        if (!per_channel.defined()) return at::Tensor(halves[0] + scale * delta);
        return at::Tensor(halves[0] + per_channel.to(delta.scalar_type()) * delta);
    }
};

// The (C,) guidance scales of a solve, built once: cfg everywhere, the translation scale on
// channels [0, 3); undefined when they are all cfg (the plain scalar path).
at::Tensor channel_scales(const SamplerOptions& o, const at::Tensor& x0) {
    const int64_t channels = x0.size(-1);
    if (o.cfg_scale <= 1.0 || o.translation_cfg_scale <= 0.0 ||
        o.translation_cfg_scale == o.cfg_scale || channels < kTranslationChannels)
        return {};
    at::Tensor s = at::full({channels}, o.cfg_scale, x0.options().dtype(at::kFloat));
    s.slice(0, 0, kTranslationChannels).fill_(o.translation_cfg_scale);
    return s;
}

}  // namespace

int64_t evaluations_per_step(Solver solver) {
    switch (solver) {
        case Solver::Euler:
            return 1;
        case Solver::Midpoint:
        case Solver::Heun:
            return 2;
        case Solver::Rk4:
            return 4;
    }
    return 1;
}

Result<at::Tensor> sample_flow(const VelocityFn& velocity, const at::Tensor& x0,
                               const SamplerOptions& options) {
    if (options.steps < 1) return make_error(ErrorKind::InvalidRequest, "steps must be >= 1");
    const Guided eval{velocity, options.cfg_scale, channel_scales(options, x0)};
    const auto cancelled = [&] { return options.cancel && options.cancel->load(); };
    const at::Tensor grid =
        at::linspace(0, 1, options.steps + 1, at::TensorOptions().dtype(at::kFloat));
    const float* ts = grid.data_ptr<float>();
    at::Tensor x = x0;
    for (int64_t n = 0; n < options.steps; ++n) {
        if (cancelled()) return make_error(ErrorKind::Cancelled, "generation cancelled");
        const float t0 = ts[n], t1 = ts[n + 1];
        // dt as torchdiffeq computes it: the float32 difference of grid points.
        const at::Tensor dt = grid[n + 1] - grid[n];
        auto k1 = eval(x, t0);
        if (!k1) return k1.error();
        at::Tensor v = *k1;
        if (options.solver != Solver::Euler) {
            const float half = t0 + 0.5f * (t1 - t0);
            if (options.solver == Solver::Midpoint) {
                auto k2 = eval(x + 0.5 * dt * v, half);
                if (!k2) return k2.error();
                v = *k2;
            } else if (options.solver == Solver::Heun) {
                auto k2 = eval(x + dt * v, t1);
                if (!k2) return k2.error();
                v = 0.5 * (v + *k2);
            } else {
                auto k2 = eval(x + 0.5 * dt * v, half);
                if (!k2) return k2.error();
                auto k3 = eval(x + 0.5 * dt * *k2, half);
                if (!k3) return k3.error();
                auto k4 = eval(x + dt * *k3, t1);
                if (!k4) return k4.error();
                v = (v + 2 * *k2 + 2 * *k3 + *k4) / 6.0;
            }
        }
        const at::Tensor x0_estimate = x + (1.0f - t0) * *k1;
        x = x + dt * v;
        if (options.on_step) {
            SamplerStep info;
            info.step = n + 1;
            info.total = options.steps;
            info.t = t0;
            info.x = &x;
            info.x0_estimate = &x0_estimate;
            options.on_step(info);
        }
    }
    return x;
}

}  // namespace kinema
