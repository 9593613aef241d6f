// kinema-cli bench dit: per-forward DiT timing on the real shapes (random weights or a checkpoint).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/cli/cli_context.h"
#include "core/io/model_config_reader.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/model/model_presets.h"
#include "core/system_info.h"

namespace kinema::cli {
namespace {

struct BenchDitArgs {
    std::string config = "lite";
    std::string weights;
    bool random_weights = false;
    int64_t frames = 120;
    int64_t text_tokens = 20;
    int64_t steps = 5;   // timed forwards (after one warm-up)
    int64_t seeds = 1;   // batch = 2 * seeds (CFG)
    std::string device = "cpu";
    std::string precision = "fp32";
    bool no_trim = false;  // run the official padded shapes (360 frames, 128 tokens)
    int threads = 0;
};

Result<at::ScalarType> parse_precision(const std::string& p) {
    if (p == "fp32") return at::kFloat;
    if (p == "bf16") return at::kBFloat16;
    if (p == "fp16") return at::kHalf;
    return make_error(ErrorKind::InvalidRequest, "unknown precision '" + p + "' (fp32, bf16, fp16)");
}

Result<nlohmann::json> run_bench_dit(const BenchDitArgs& a) {
    if (a.threads > 0) at::set_num_threads(a.threads);
    HyMotionConfig config;
    if (auto preset = preset_config(a.config); preset.ok()) {
        config = *preset;
    } else if (std::filesystem::exists(a.config)) {
        auto file = read_model_config(a.config);
        if (!file) return file.error();
        config = file->config;
    } else {
        return preset.error();
    }
    auto dtype = parse_precision(a.precision);
    if (!dtype) return dtype.error();
    BindOptions bind;
    bind.dtype = *dtype;
    if (a.device == "cuda") {
        if (!at::hasCUDA()) return make_error(ErrorKind::Cuda, "this libtorch has no CUDA support");
        bind.device = at::Device(at::kCUDA, 0);
    } else if (a.device != "cpu") {
        return make_error(ErrorKind::InvalidRequest, "device must be cpu or cuda");
    }
    if (a.frames < 1 || a.frames > config.pipeline.train_frames)
        return make_error(ErrorKind::InvalidRequest, "--frames must be in [1, train_frames]");
    if (a.text_tokens < 1 || a.text_tokens > config.pipeline.max_length_llm)
        return make_error(ErrorKind::InvalidRequest, "--text-tokens must be in [1, max_length_llm]");

    const auto load_start = std::chrono::steady_clock::now();
    Result<HyMotionCheckpoint> model = make_error(ErrorKind::Internal, "unset");
    if (a.random_weights || a.weights.empty()) {
        model = random_hymotion_checkpoint(config, 1234, bind);
    } else {
        CheckpointLoadOptions opts;
        opts.bind = bind;
        model = load_hymotion_checkpoint(a.weights, a.config, opts);
    }
    if (!model) return model.error();
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    const auto& net = model->config.network;

    c10::InferenceMode guard;
    const int64_t batch = 2 * a.seeds;
    const int64_t lm = a.no_trim ? config.pipeline.train_frames : a.frames;
    const int64_t lt = a.no_trim ? config.pipeline.max_length_llm : a.text_tokens;
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
    MmditCondition cond;
    cond.ctxt_input = at::randn({batch, lt, net.ctxt_input_dim}, gen, f32);
    cond.vtxt_input = at::randn({batch, 1, net.vtxt_input_dim}, gen, f32);
    cond.motion_valid = (at::arange(lm) < a.frames).unsqueeze(0).expand({batch, lm});
    cond.text_valid = (at::arange(lt) < a.text_tokens).unsqueeze(0).expand({batch, lt});
    cond.text_position_offset = config.pipeline.train_frames;
    auto prepared = model->dit->prepare(cond);
    if (!prepared) return prepared.error();
    const at::Tensor x = at::randn({batch, lm, net.input_dim}, gen, f32);

    std::vector<double> times_s;
    for (int64_t i = 0; i <= a.steps; ++i) {
        const at::Tensor t = at::full({batch}, static_cast<float>(i) / static_cast<float>(a.steps + 1), f32);
        const auto start = std::chrono::steady_clock::now();
        auto v = model->dit->forward(x, t, *prepared);
        if (!v) return v.error();
        (void)v->sum().item<float>();  // synchronises a CUDA device
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i > 0) times_s.push_back(s);  // the first forward is a warm-up
    }
    std::vector<double> sorted = times_s;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    const double flops = mmdit_forward_flops(net, batch, lm, lt);
    const SystemInfo sys = query_system_info();
    return nlohmann::json{
        {"bench", "dit"},
        {"config", a.config},
        {"dit_parameters", model->dit->registry().num_parameters()},
        {"pipeline_parameters", pipeline_parameter_count(net)},
        {"weights", a.random_weights || a.weights.empty() ? "random" : a.weights},
        {"device", a.device},
        {"precision", a.precision},
        {"threads", at::get_num_threads()},
        {"torch", sys.torch_version},
        {"cfg_batch", batch},
        {"frames_valid", a.frames},
        {"text_tokens_valid", a.text_tokens},
        {"frames_run", lm},
        {"text_tokens_run", lt},
        {"trimmed", !a.no_trim},
        {"tokens_per_row", lm + lt},
        {"forwards_timed", static_cast<int64_t>(times_s.size())},
        {"forward_median_s", median},
        {"forward_min_s", sorted.front()},
        {"forward_max_s", sorted.back()},
        {"forward_times_s", times_s},
        {"gflop_per_forward", flops / 1e9},
        {"effective_gflops", flops / 1e9 / median},
        {"load_s", load_s},
    };
}

}  // namespace

void add_bench_command(CLI::App& app, CliContext& ctx) {
    auto* bench = app.add_subcommand("bench", "Benchmarks (results belong in docs/benchmarks/)");
    bench->require_subcommand(1);
    auto* dit = bench->add_subcommand("dit", "Time one CFG forward of the DiT on real shapes");
    auto args = std::make_shared<BenchDitArgs>();
    dit->add_option("--config", args->config, "full | lite | a config.yml / JSON file")->capture_default_str();
    dit->add_option("--weights", args->weights, "checkpoint (.ckpt / .safetensors); default random weights");
    dit->add_flag("--random-weights", args->random_weights, "Use deterministic random weights");
    dit->add_option("--frames", args->frames, "Valid motion frames (30 fps)")->capture_default_str();
    dit->add_option("--text-tokens", args->text_tokens, "Valid text tokens")->capture_default_str();
    dit->add_option("--steps", args->steps, "Timed forwards after one warm-up")->capture_default_str();
    dit->add_option("--seeds", args->seeds, "Seeds per forward (batch = 2 x seeds)")->capture_default_str();
    dit->add_option("--device", args->device, "cpu | cuda")->capture_default_str();
    dit->add_option("--precision", args->precision, "fp32 | bf16 | fp16")->capture_default_str();
    dit->add_flag("--no-trim", args->no_trim, "Run the official padded shapes (360 frames, 128 tokens)");
    dit->add_option("--threads", args->threads, "Intra-op threads (default: libtorch's)");
    add_json_flag(*dit, ctx);
    dit->callback([&ctx, args] {
        auto report = run_bench_dit(*args);
        if (!report) {
            report_error(ctx, report.error());
            return;
        }
        if (ctx.json) {
            print_json(*report);
        } else {
            const auto& r = *report;
            std::cout << "DiT " << r["config"].get<std::string>() << " (" << r["dit_parameters"].get<int64_t>()
                      << " params), " << r["frames_run"].get<int64_t>() << " frames + "
                      << r["text_tokens_run"].get<int64_t>() << " tokens, batch " << r["cfg_batch"].get<int64_t>()
                      << ", " << r["precision"].get<std::string>() << " on " << r["device"].get<std::string>()
                      << ": median " << r["forward_median_s"].get<double>() << " s per forward, "
                      << r["effective_gflops"].get<double>() << " GFLOP/s\n";
        }
    });
}

}  // namespace kinema::cli
