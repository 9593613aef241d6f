// kinema-cli dev: developer commands that run the engine on fixture-style files (also used by the
// golden tests and by held-out fixture checks).
//   dev dit-forward --weights W --config C --inputs I --out O
//   dev sample --weights W --config C --inputs I --steps N --cfg S --seeds a,b --duration D --out O
//              [--body-assets DIR] [--no-trim]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <iostream>

#include "app/cli/cli_context.h"
#include "app/cli/dev_decode.h"
#include "core/io/safetensors_writer.h"
#include "core/io/state_dict_loader.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema::cli {
namespace {

using TensorMap = std::map<std::string, at::Tensor>;

Result<at::Tensor> need(const TensorMap& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end())
        return make_error(ErrorKind::BadModelFile, "inputs file has no tensor '" + key + "'");
    return it->second;
}

// A validity mask from "<prefix>_mask_temporal" or, failing that, "<prefix>_length".
Result<at::Tensor> mask_from(const TensorMap& m, const std::string& prefix, int64_t len) {
    if (auto it = m.find(prefix + "_mask_temporal"); it != m.end()) return it->second.to(at::kBool);
    auto lengths = need(m, prefix + "_length");
    if (!lengths) return lengths.error();
    return at::Tensor(at::arange(len).unsqueeze(0) < lengths->to(at::kLong).unsqueeze(1));
}

struct DevArgs {
    std::string weights, config, inputs, out, body_assets, seeds;
    int64_t steps = 50;
    double cfg = 5.0;
    double duration_s = 5.0;
    bool no_trim = false;
};

Status write_out(const std::string& path, std::vector<std::pair<std::string, at::Tensor>> tensors,
                 CliContext& ctx) {
    for (auto& [name, t] : tensors)
        t = t.contiguous();
    KINEMA_TRY_STATUS(write_safetensors(path, tensors, {{"producer", "kinema-cli dev"}}));
    if (ctx.json) {
        nlohmann::json keys = nlohmann::json::object();
        for (const auto& [name, t] : tensors)
            keys[name] = t.sizes().vec();
        print_json({{"out", path}, {"tensors", keys}});
    } else {
        std::cout << "wrote " << tensors.size() << " tensors to " << path << "\n";
    }
    return {};
}

Status run_dit_forward(const DevArgs& a, CliContext& ctx) {
    CheckpointLoadOptions opts;
    opts.require_pipeline = false;
    auto model = load_hymotion_checkpoint(a.weights, a.config, opts);
    if (!model) return model.error();
    auto inputs = load_state_dict(a.inputs);
    if (!inputs) return inputs.error();
    auto x = need(*inputs, "in.x");
    auto ctxt = need(*inputs, "in.ctxt_input");
    auto vtxt = need(*inputs, "in.vtxt_input");
    auto t = need(*inputs, "in.timesteps");
    for (const auto* r : {&x, &ctxt, &vtxt, &t})
        if (!r->ok()) return r->error();
    if (x->dim() != 3 || ctxt->dim() != 3)
        return make_error(ErrorKind::ShapeMismatch, "in.x and in.ctxt_input must be 3-D");
    auto x_mask = mask_from(*inputs, "in.x", x->size(1));
    auto c_mask = mask_from(*inputs, "in.ctxt", ctxt->size(1));
    if (!x_mask) return x_mask.error();
    if (!c_mask) return c_mask.error();
    c10::InferenceMode guard;
    MmditCondition cond{ctxt->to(at::kFloat), vtxt->to(at::kFloat), *x_mask, *c_mask, -1};
    auto prepared = model->dit->prepare(cond);
    if (!prepared) return prepared.error();
    auto v = model->dit->forward(x->to(at::kFloat), t->to(at::kFloat), *prepared);
    if (!v) return v.error();
    return write_out(a.out, {{"out.velocity", v->to(at::kFloat)}}, ctx);
}

Result<std::vector<int64_t>> parse_seeds(const std::string& text, const TensorMap& inputs) {
    std::vector<int64_t> seeds;
    if (text.empty()) {
        auto it = inputs.find("in.seeds");
        if (it == inputs.end()) return std::vector<int64_t>{0};
        const at::Tensor s = it->second.to(at::kLong).contiguous();
        for (int64_t i = 0; i < s.numel(); ++i)
            seeds.push_back(s[i].item<int64_t>());
        return seeds;
    }
    return parse_seed_list(text);
}

Status run_sample(const DevArgs& a, CliContext& ctx) {
    CheckpointLoadOptions opts;
    opts.require_pipeline = false;
    auto model = load_hymotion_checkpoint(a.weights, a.config, opts);
    if (!model) return model.error();
    auto inputs = load_state_dict(a.inputs);
    if (!inputs) return inputs.error();
    if (!model->has_pipeline) {
        auto pipeline = PipelineTensors::from_state_dict(*inputs, model->config.network);
        if (!pipeline) return pipeline.error();
        model->pipeline = *pipeline;
    }
    auto vtxt = need(*inputs, "in.text_vec_raw");
    auto ctxt = need(*inputs, "in.text_ctxt_raw");
    auto len = need(*inputs, "in.text_ctxt_raw_length");
    for (const auto* r : {&vtxt, &ctxt, &len})
        if (!r->ok()) return r->error();
    auto seeds = parse_seeds(a.seeds, *inputs);
    if (!seeds) return seeds.error();

    HyMotionSampler sampler(*model->dit, model->pipeline, model->config.pipeline);
    SampleRequest req;
    req.seeds = *seeds;
    req.duration_s = a.duration_s;
    req.steps = a.steps;
    req.cfg_scale = a.cfg;
    req.trim = !a.no_trim;
    req.keep_trajectory = true;
    auto r = sampler.sample(TextFeatures{*vtxt, *ctxt, *len}, req);
    if (!r) return r.error();
    std::vector<std::pair<std::string, at::Tensor>> out = {
        {"noise", r->noise},
        {"traj.x_after_step", r->trajectory},
        {"latent", r->latent},
        {"latent_denorm", r->latent_denorm},
    };
    KINEMA_TRY_STATUS(append_decoded_motion(r->latent_denorm, a.body_assets, out));
    return write_out(a.out, std::move(out), ctx);
}

void add_common(CLI::App* cmd, DevArgs& a) {
    cmd->add_option("--weights", a.weights, "DiT weights (.safetensors / .ckpt)")->required();
    cmd->add_option("--config", a.config, "config.yml or JSON with network_module_args")
        ->required();
    cmd->add_option("--inputs", a.inputs, "safetensors with the in.* tensors")->required();
    cmd->add_option("--out", a.out, "output safetensors")->required();
}

}  // namespace

void add_dev_command(CLI::App& app, CliContext& ctx) {
    auto* dev = app.add_subcommand("dev", "Developer commands on fixture-style files");
    dev->require_subcommand(1);
    auto args = std::make_shared<DevArgs>();

    auto* fwd = dev->add_subcommand("dit-forward", "One DiT forward: in.* -> out.velocity");
    add_common(fwd, *args);
    add_json_flag(*fwd, ctx);
    fwd->callback([&ctx, args] {
        if (auto s = run_dit_forward(*args, ctx); !s.ok()) report_error(ctx, s.error());
    });

    auto* sample =
        dev->add_subcommand("sample", "The sampling pipeline from precomputed text features");
    add_common(sample, *args);
    sample->add_option("--steps", args->steps, "Euler steps")->capture_default_str();
    sample->add_option("--cfg", args->cfg, "Guidance scale")->capture_default_str();
    sample->add_option("--seeds", args->seeds, "Comma-separated seeds (default: in.seeds)");
    sample->add_option("--duration", args->duration_s, "Seconds (30 fps)")->capture_default_str();
    sample->add_option("--body-assets", args->body_assets,
                       "Wooden-boy mesh folder: ground alignment + NPZ arrays");
    sample->add_flag("--no-trim", args->no_trim,
                     "Run all 360 frames / all text tokens (official shapes)");
    add_json_flag(*sample, ctx);
    sample->callback([&ctx, args] {
        if (auto s = run_sample(*args, ctx); !s.ok()) report_error(ctx, s.error());
    });
}

}  // namespace kinema::cli
