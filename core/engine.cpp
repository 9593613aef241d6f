#include "core/engine.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <optional>

#include "core/engine/clip_decoding.h"
#include "core/engine/model_registry.h"
#include "core/engine/request_checks.h"
#include "core/logging.h"
#include "core/memory/dit_block_streaming.h"
#include "core/memory/memory_sampler.h"
#include "core/motion/motion_normalization.h"
#include "core/motion/wooden_body.h"

namespace kinema {
namespace fs = std::filesystem;

const char* phase_name(Phase phase) {
    switch (phase) {
        case Phase::Loading:
            return "loading";
        case Phase::EncodingText:
            return "encoding";
        case Phase::Sampling:
            return "sampling";
        case Phase::Decoding:
            return "decoding";
        case Phase::Exporting:
            return "exporting";
    }
    return "?";
}

const char* precision_name(PrecisionProfile precision) {
    switch (precision) {
        case PrecisionProfile::Auto:
            return "auto";
        case PrecisionProfile::Fp32:
            return "fp32";
        case PrecisionProfile::Bf16:
            return "bf16";
        case PrecisionProfile::Fp16:
            return "fp16";
    }
    return "?";
}

Result<PrecisionProfile> parse_precision(const std::string& name) {
    for (auto p : {PrecisionProfile::Auto, PrecisionProfile::Fp32, PrecisionProfile::Bf16,
                   PrecisionProfile::Fp16})
        if (name == precision_name(p)) return p;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown precision '" + name + "' (auto, fp32, bf16, fp16)");
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

LogOptions engine_log_options() {
    LogOptions o;
    o.name = "engine";
    o.console = false;
    return o;
}

// $XDG_CACHE_HOME/kinema/text-features, else ~/.cache/kinema/text-features; empty without HOME.
fs::path default_cache_dir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
        return fs::path(x) / "kinema" / "text-features";
    if (const char* h = std::getenv("HOME"); h && *h)
        return fs::path(h) / ".cache" / "kinema" / "text-features";
    return {};
}

// The wooden-boy folder: the option, else next to a HY-Motion model (official layout), else none.
std::optional<WoodenBody> find_body(const EngineOptions& options, const ModelInfo& model,
                                    spdlog::logger& log) {
    std::vector<fs::path> candidates;
    if (!options.body_assets_dir.empty()) candidates.push_back(options.body_assets_dir);
    if (!model.folder.empty()) {
        candidates.push_back(model.folder / "dump_wooden");
        candidates.push_back(model.folder.parent_path() / "dump_wooden");
    }
    for (const auto& dir : candidates) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        auto body = WoodenBody::load(dir);
        if (body) return std::move(*body);
        log.warn("ignoring body assets in {}: {}", dir.string(), body.error().describe());
    }
    return std::nullopt;
}

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// The DiT streaming options for a request, or nullopt when it should run unstreamed.
// Auto on the CPU streams only with an emulated VRAM size, and only when that plan streams.
std::optional<DitStreamingOptions> streaming_options(const EngineOptions& eo,
                                                     const GenerationRequest& req,
                                                     const LoadedModel& m) {
    if (eo.dit_streaming == DitStreamingMode::Off) return std::nullopt;
    if (eo.dit_streaming == DitStreamingMode::Auto && !(eo.emulated_vram_gb > 0))
        return std::nullopt;  // CPU build: no device whose VRAM could be short
    DitStreamingOptions o;
    const double vram_gb = eo.emulated_vram_gb > 0 ? eo.emulated_vram_gb : 8.0;
    o.free_vram_bytes = static_cast<uint64_t>(vram_gb * kGiB);
    o.preserve_bytes = static_cast<uint64_t>(req.gpu_memory_preservation_gb * kGiB);
    o.workload.batch = 2 * static_cast<int64_t>(req.seeds.size());
    o.workload.motion_frames = frames_for_duration(req.duration_s, m.checkpoint.config.pipeline);
    o.workload.text_tokens = m.checkpoint.config.pipeline.max_length_llm;
    o.inject_copy_failure_at = req.debug_streaming.fail_copy_at;
    o.inject_oom_at_block_visit = req.debug_streaming.oom_at_block_visit;
    return o;
}

std::string streaming_key(const std::string& model_id, const DitStreamingOptions& o) {
    return model_id + "|" + std::to_string(o.free_vram_bytes) + "|" +
           std::to_string(o.preserve_bytes) + "|" + std::to_string(o.workload.batch) + "|" +
           std::to_string(o.workload.motion_frames) + "|" +
           std::to_string(o.inject_copy_failure_at) + "|" +
           std::to_string(o.inject_oom_at_block_visit);
}

}  // namespace

struct Engine::Impl {
    EngineOptions options;
    std::shared_ptr<spdlog::logger> log;
    ModelRegistry registry;
    std::unique_ptr<LoadedModel> model;  // the one loaded model (staged: one at a time)
    // The DiT's block streaming; its hook is installed in model's DiT. Destroyed before model.
    std::unique_ptr<DitBlockStreaming> streaming;
    std::string streaming_for;  // streaming_key() it was made for
    std::optional<WoodenBody> body;
    std::string body_for_model;                   // model id `body` was searched for
    const GenerationCallbacks* active = nullptr;  // the running request's callbacks, else null

    explicit Impl(const EngineOptions& o)
        : options(o),
          log(make_logger(engine_log_options())),
          registry(o.extra_model_dirs, o.cache_dir.empty() ? default_cache_dir() : o.cache_dir) {}

    Result<LoadedModel*> ensure_model(const std::string& id, at::ScalarType dtype) {
        if (model && model->info.id == id && model->checkpoint.dit->dtype() == dtype)
            return model.get();
        drop_model();
        BindOptions bind;
        bind.dtype = dtype;
        auto loaded =
            registry.load(id, bind, [this](const std::string& what, int64_t done, int64_t total) {
                if (active && active->log)
                    active->log(LogLevel::Info,
                                what + " " + std::to_string(done) + "/" + std::to_string(total));
            });
        if (!loaded) return loaded.error();
        model = std::move(*loaded);
        log->info("loaded model {}", id);
        return model.get();
    }

    // Frees the model and its streaming (no weight restore: the model goes too).
    void drop_model() {
        if (streaming) streaming->abandon_model();
        streaming.reset();
        streaming_for.clear();
        model.reset();
    }

    // Installs, keeps or removes the DiT's block streaming for this request.
    Status configure_streaming(const GenerationRequest& req, LoadedModel& m) {
        const auto wanted = streaming_options(options, req, m);
        const std::string key = wanted ? streaming_key(m.info.id, *wanted) : std::string();
        if (streaming && key == streaming_for) return {};
        streaming.reset();  // restores the model's own weights
        streaming_for.clear();
        if (!wanted) return {};
        DitStreamingOptions o = *wanted;
        o.report = [this](const std::string& msg) {
            log->warn("{}", msg);
            if (active && active->log) active->log(LogLevel::Warning, msg);
        };
        o.release_caches = [this] { log->info("released caches before re-planning the DiT"); };
        auto made = DitBlockStreaming::create(*m.checkpoint.dit, o);
        if (!made) return made.error();
        if (options.dit_streaming == DitStreamingMode::Auto &&
            made.value()->plan().streamed_count == 0)
            return {};  // everything fits: the unstreamed path is the same plan, without copies
        streaming = std::move(*made);
        streaming_for = key;
        const auto& plan = streaming->plan();
        log->info("DiT streaming: {} blocks streamed, {} resident", plan.streamed_count,
                  plan.resident_count);
        return {};
    }

    Result<MotionResult> run(const GenerationRequest& req);
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::create(const EngineOptions& options) {
    if (options.device != "auto" && options.device != "cpu")
        return make_error(ErrorKind::Unsupported,
                          "device '" + options.device + "' is not available in this build (cpu)");
    try {
        if (options.threads > 0) at::set_num_threads(options.threads);
        return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(options)));
    } catch (const std::exception& e) {
        return make_error(ErrorKind::Internal, std::string("engine start failed: ") + e.what());
    }
}

std::vector<ModelInfo> Engine::models() const {
    return impl_->registry.list();
}

void Engine::unload_all() {
    impl_->drop_model();
    impl_->body.reset();
    impl_->body_for_model.clear();
#if defined(__GLIBC__)
    malloc_trim(0);  // freed weights below glibc's mmap threshold go back to the OS too
#endif
}

Result<MotionResult> Engine::generate(const GenerationRequest& request) {
    struct ActiveScope {
        Impl& impl;
        ~ActiveScope() { impl.active = nullptr; }
    } scope{*impl_};
    impl_->active = &request.callbacks;
    try {
        return impl_->run(request);
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal, e.what_without_backtrace());
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "out of host memory");
    }
}

Result<MotionResult> Engine::Impl::run(const GenerationRequest& req) {
    KINEMA_TRY_STATUS(validate_request(req));
    const auto t_start = Clock::now();
    const auto& cb = req.callbacks;
    const std::atomic<bool>* cancel = req.cancel.get();
    auto cancelled = [&] { return cancel && cancel->load(); };
    // Memory telemetry: sampled on its own thread, delivered here (the worker thread) at every
    // phase change and step so the request's callbacks stay on one thread.
    std::optional<MemorySampler> telemetry;
    if (cb.memory) {
        MemorySamplerOptions mo;
        mo.device = options.device == "cuda" ? 0 : -1;
        telemetry.emplace(mo);
        telemetry->start();
    }
    auto report_memory = [&] {
        if (telemetry) cb.memory(telemetry->latest());
    };
    auto phase = [&](Phase p) {
        if (cb.phase) cb.phase(p);
        report_memory();
    };
    c10::InferenceMode guard;
    MotionResult result;
    result.request = req;
    result.request.callbacks = {};
    result.request.cancel.reset();

    phase(Phase::Loading);
    auto t0 = Clock::now();
    auto dtype = dit_dtype(req);
    if (!dtype) return dtype.error();
    auto loaded = ensure_model(req.model_id, *dtype);
    if (!loaded) return loaded.error();
    LoadedModel& m = **loaded;
    if (body_for_model != m.info.id) {
        body = find_body(options, m.info, *log);
        body_for_model = m.info.id;
    }
    result.model_display_name = m.info.display_name;
    KINEMA_TRY_STATUS(preflight_memory(req, m, *dtype, cb));
    result.timings.load_s = seconds_since(t0);
    if (cancelled()) return make_error(ErrorKind::Cancelled, "cancelled");

    phase(Phase::EncodingText);
    t0 = Clock::now();
    TextFeatures text;
    if (req.text_features) {
        text = *req.text_features;
    } else {
        if (!m.text)
            return make_error(ErrorKind::InvalidRequest,
                              m.info.display_name +
                                  " has no text encoder configured: pass "
                                  "precomputed text features");
        auto encoded = m.text->encode(req.prompt, cancel);
        if (!encoded) return encoded.error();
        text = std::move(*encoded);
    }
    result.timings.encode_s = seconds_since(t0);
    if (cancelled()) return make_error(ErrorKind::Cancelled, "cancelled");

    phase(Phase::Sampling);
    t0 = Clock::now();
    KINEMA_TRY_STATUS(configure_streaming(req, m));
    const uint64_t copied_before = streaming ? streaming->stats().bytes_copied : 0;
    const auto& ckpt = m.checkpoint;
    HyMotionSampler sampler(*ckpt.dit, ckpt.pipeline, ckpt.config.pipeline);
    SampleRequest sreq;
    sreq.seeds = req.seeds;
    sreq.duration_s = req.duration_s;
    sreq.steps = req.steps;
    sreq.cfg_scale = req.cfg_scale;
    sreq.solver = req.solver;
    sreq.cancel = cancel;
    sreq.record_teacache_trace = req.teacache.record_trace;
    if (req.teacache.enabled && !req.quality_mode) {
        sreq.teacache_threshold = req.teacache.threshold;
        sreq.teacache_coefficients = m.teacache_coefficients;
    }
    const double fps = ckpt.config.pipeline.fps;
    sreq.on_step = [&](const SamplerStep& step) {
        if (cb.progress) cb.progress(step.step, step.total);
        report_memory();
        if (!req.want_preview || !cb.preview || cancelled()) return;
        const at::Tensor denorm =
            denormalize(*step.x0_estimate, ckpt.pipeline.mean, ckpt.pipeline.std);
        auto clips = decode_preview_clips(denorm, req.seeds, fps);
        if (clips)
            cb.preview(step.step,
                       std::make_shared<const std::vector<MotionClip>>(std::move(*clips)));
        else
            log->warn("preview decode failed: {}", clips.error().describe());
    };
    auto sampled = sampler.sample(text, sreq);
    if (streaming) {
        const auto st = streaming->stats();
        auto& sum = result.streaming;
        sum.active = true;
        sum.streamed_blocks = st.streamed_blocks;
        sum.resident_blocks = st.resident_blocks;
        sum.streamed_bytes_per_forward = st.streamed_bytes_per_forward;
        sum.bytes_copied = st.bytes_copied - copied_before;
        sum.device_budget_bytes = st.device_budget_bytes;
        sum.device_peak_bytes = st.device_peak_bytes;
        sum.fallbacks = st.fallbacks;
        sum.reports = st.reports;
        if (!sampled) {
            // The sampler only saw a c10::Error: report the streamer's typed cause, and start
            // the next run from a fresh streamer (this one may be unusable).
            const auto cause = streaming->last_error();
            streaming.reset();
            streaming_for.clear();
            if (cause) return *cause;
        }
    }
    if (!sampled) return sampled.error();
    result.timings.sample_s = seconds_since(t0);
    result.timings.dit_evaluations = sampled->dit_evaluations;
    result.timings.teacache_skipped = sampled->teacache_skipped;
    result.teacache_trace = std::move(sampled->teacache_trace);
    if (cancelled()) return make_error(ErrorKind::Cancelled, "cancelled");

    phase(Phase::Decoding);
    t0 = Clock::now();
    ClipDecodeOptions decode;
    decode.fps = fps;
    decode.smooth = req.post.smooth || req.quality_mode;
    decode.ground = req.post.ground || req.quality_mode;
    decode.body = body ? &*body : nullptr;
    auto clips = decode_clips(sampled->latent_denorm, req.seeds, decode);
    if (!clips) return clips.error();
    result.clips = std::move(*clips);
    result.timings.decode_s = seconds_since(t0);
    result.timings.total_s = seconds_since(t_start);
    if (telemetry) {
        telemetry->stop();
        report_memory();
    }
    log->info("generated {} clip(s) of {} frames in {:.2f} s", result.clips.size(),
              result.clips.front().frames(), result.timings.total_s);
    return result;
}

}  // namespace kinema
