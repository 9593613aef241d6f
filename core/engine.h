// Engine: the one public entry point of core/ (DESIGN.md "The engine contract"). It owns loaded
// models, their text conditioners and the memory plan, and turns a GenerationRequest into decoded
// motion. One engine per process, used from ONE long-lived worker thread (libtorch InferenceMode
// and the current CUDA stream are per thread); no method may be called concurrently.
// Events reach the request's own callbacks, on that worker thread; a GUI marshals them itself.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/memory/memory_sample.h"
#include "core/motion/motion_clip.h"
#include "core/result.h"
#include "core/sampling/flow_matching_sampler.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema {

enum class Phase { Loading, EncodingText, Sampling, Decoding, Exporting };
const char* phase_name(Phase phase);

// DiT numerics. Auto: bf16 on sm_80+, fp16 on sm_75, fp32 on the CPU. Masks/softmax stay fp32.
enum class PrecisionProfile { Auto, Fp32, Bf16, Fp16 };
const char* precision_name(PrecisionProfile precision);
Result<PrecisionProfile> parse_precision(const std::string& name);

struct TeaCacheSettings {
    bool enabled = false;
    double threshold = 0.1;  // accumulated rescaled relative L1 change that forces a computed step
    bool record_trace = false;  // fill MotionResult::teacache_trace (calibration runs)
};

struct PostProcessSettings {
    bool smooth = true;  // official quaternion (sigma 1) + Savitzky-Golay (11, 5) smoothing
    bool ground = true;  // ground alignment: wooden-boy mesh when present, else skeleton-only
};

enum class LogLevel { Debug, Info, Warning, Error };

using ClipSet = std::shared_ptr<const std::vector<MotionClip>>;

// Callbacks are owned by the request and called on the engine's worker thread, in order. Any may
// be empty. They must return quickly (copy and hand off); they must not call back into the engine.
struct GenerationCallbacks {
    std::function<void(Phase)> phase;
    std::function<void(int64_t step, int64_t total)> progress;  // step 1..total, sampling only
    // Step's x0 estimate (x + (1 - t) v) decoded without smoothing/grounding, one clip per seed.
    std::function<void(int64_t step, ClipSet clips)> preview;
    std::function<void(const MemorySample&)> memory;
    std::function<void(LogLevel, const std::string&)> log;
};

// Fault injection into the DiT's block streaming (tests and debugging; -1 = off).
struct StreamingDebug {
    int64_t fail_copy_at = -1;        // this host-to-device block copy fails (ErrorKind::Cuda)
    int64_t oom_at_block_visit = -1;  // this block visit runs out of memory once (the OOM path:
                                      // release caches, re-plan streaming everything, retry)
};

struct GenerationRequest {
    std::string prompt;
    double duration_s = 5.0;  // 0.5 .. 12 in the UI; the engine clamps frames to [20, 360]
    int64_t steps = 50;
    double cfg_scale = 5.0;
    std::vector<int64_t> seeds{0};  // one sample per seed, batched
    std::string model_id = "kinema-tiny";
    bool quality_mode = false;  // reference numerics: fp32 DiT, no TeaCache, full post-processing
    TeaCacheSettings teacache;
    double gpu_memory_preservation_gb = 6.0;  // VRAM kept free (FramePack semantics)
    PrecisionProfile precision = PrecisionProfile::Auto;
    Solver solver = Solver::Euler;
    PostProcessSettings post;
    bool want_preview = true;
    // Precomputed text features (e.g. from `kinema-cli encode-text`); when set, no text encoder
    // is loaded and `prompt` is only recorded.
    std::shared_ptr<const TextFeatures> text_features;
    GenerationCallbacks callbacks;
    std::shared_ptr<std::atomic<bool>> cancel;  // raise to cancel; polled between steps
    StreamingDebug debug_streaming;
};

struct GenerationTimings {
    double load_s = 0, encode_s = 0, sample_s = 0, decode_s = 0, total_s = 0;
    int64_t dit_evaluations = 0;   // forwards whose block stack ran
    int64_t teacache_skipped = 0;  // evaluations answered from the TeaCache residual
};

// What the DiT's per-block weight streaming did for one run (all zero when it was not used).
struct DitStreamingSummary {
    bool active = false;
    int streamed_blocks = 0, resident_blocks = 0;
    uint64_t streamed_bytes_per_forward = 0;
    uint64_t bytes_copied = 0;         // host -> device block copies during this run
    uint64_t device_budget_bytes = 0;  // weights' share of the (emulated) VRAM
    uint64_t device_peak_bytes = 0;    // CPU emulation: accounted peak; CUDA: see telemetry
    int fallbacks = 0;                 // out-of-memory re-plans
    std::vector<std::string> reports;  // one line per fallback
};

struct MotionResult {
    std::vector<MotionClip> clips;  // one per seed, request order
    GenerationRequest request;      // the settings that made it (callbacks and cancel cleared)
    std::string model_display_name;
    GenerationTimings timings;
    std::vector<TeaCacheTracePoint> teacache_trace;  // when request.teacache.record_trace
    DitStreamingSummary streaming;
};

struct ModelInfo {
    std::string id;  // "hy-motion-1.0", "hy-motion-1.0-lite", "kinema-tiny", ...
    std::string display_name;
    std::string kind;              // "hymotion", "kinema-tiny", "debug-random"
    std::filesystem::path folder;  // empty for built-in models
    bool available = false;
    std::string unavailable_reason;
    uint64_t weight_bytes = 0;               // DiT + pipeline tensors as stored
    std::vector<std::string> known_actions;  // kinema-tiny: what it was trained on
    // HY-Motion: where its text encoders were found (empty: prompts need precomputed features).
    std::filesystem::path qwen_dir, clip_dir;
};

// Per-block weight streaming of the DiT (core/memory/dit_block_streaming.h). Auto: stream when the
// residency plan for the device's free VRAM and the request's preservation P streams blocks (on
// the CPU only when emulated_vram_gb > 0). Force: always run the streamed path (the CPU emulates
// a device of emulated_vram_gb, 8 GiB when 0). Off: never.
enum class DitStreamingMode { Auto, Off, Force };

struct EngineOptions {
    std::vector<std::filesystem::path> extra_model_dirs;  // folders the user added
    std::filesystem::path cache_dir;        // embedding cache; empty: $XDG_CACHE_HOME/kinema
    std::filesystem::path body_assets_dir;  // wooden-boy dump_wooden folder; empty: search
    int threads = 0;                        // intra-op threads; 0: libtorch default
    std::string device = "auto";            // "auto", "cpu", "cuda"
    DitStreamingMode dit_streaming = DitStreamingMode::Auto;
    double emulated_vram_gb = 0;  // CPU: the VRAM the streamed path emulates (see above)
};

class Engine {
public:
    static Result<std::unique_ptr<Engine>> create(const EngineOptions& options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // The models this engine knows (built-in and discovered), available or not.
    std::vector<ModelInfo> models() const;

    // Runs the whole pipeline. Cancelled -> ErrorKind::Cancelled, nothing published after it.
    Result<MotionResult> generate(const GenerationRequest& request);

    // Frees every loaded model and cache; the next generate() loads again.
    void unload_all();

private:
    struct Impl;
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kinema
