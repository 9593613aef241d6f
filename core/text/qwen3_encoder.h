// Qwen3Encoder: the Qwen3 decoder stack (Qwen3Model, no lm_head) from a Hugging Face folder
// (config.json + model.safetensors.index.json and shards, or one model.safetensors), returning
// hidden_states[-1] = the last layer's output after the final RMSNorm, as HY-Motion reads it.
//
// Memory: the folder is mmapped; BF16 weights from a bf16 checkpoint stay zero-copy views of the
// mapping (pages are read when a layer runs), Int8/Int4 weights are quantised at load (or read
// from a quantisation cache, see qwen3_quant_cache.h). Every layer is dequantised to float32 one
// linear at a time while it runs, so CPU-only Qwen3-8B needs ~16 GB (bf16) / ~8 GB (int8) of
// page cache plus < 1 GB of working memory. lm_head is never read.
// Thread: load() and forward() on any one thread at a time per object; forward() is const.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "core/text/quantized_weight.h"
#include "core/text/qwen3_layer.h"
#include "core/text/text_encoder_config.h"

namespace kinema::text {

class SafetensorsFolder;

// (layers done, layers total); called on the calling thread after each layer.
using LayerProgress = std::function<void(int64_t done, int64_t total)>;

struct Qwen3LoadOptions {
    WeightPrecision precision = WeightPrecision::BF16;
    // A file written by write_qwen3_quant_cache(); used for Int8/Int4 when it exists (an existing
    // file made from other weights or another precision is InvalidRequest). Empty: quantise now.
    std::filesystem::path quant_cache;
    LayerProgress on_progress;                  // per layer loaded
    const std::atomic<bool>* cancel = nullptr;  // polled between layers (-> Cancelled)
};

class Qwen3Encoder {
public:
    // Errors: Io (missing config/weights), BadModelFile (malformed config or weights; the message
    // lists every missing or mis-shaped tensor), Cancelled, OutOfMemory.
    static Result<Qwen3Encoder> load(const std::filesystem::path& dir,
                                     const Qwen3LoadOptions& options);

    // ids and attention_mask (B, L) integer (mask 1 = token, 0 = right padding). Positions are
    // 0..L-1 for every row, keys are masked by causality and padding (HF eager semantics), so
    // padding never changes the rows of real tokens. Returns (B, L, hidden) float32 on `device`:
    // with a CUDA device the activations live there and each layer's stored weights are copied
    // over and dequantised there while it runs (weights stay in host memory / the mapping).
    Result<at::Tensor> forward(const at::Tensor& ids, const at::Tensor& attention_mask,
                               const std::atomic<bool>* cancel = nullptr,
                               const LayerProgress& on_layer = {},
                               at::Device device = at::Device(at::kCPU)) const;

    const Qwen3Config& config() const { return config_; }
    WeightPrecision precision() const { return precision_; }
    uint64_t size_bytes() const;  // stored weights (mapped or owned)

private:
    Qwen3Config config_;
    WeightPrecision precision_ = WeightPrecision::BF16;
    at::Tensor embed_tokens_;  // (vocab, hidden), stored dtype (often a mapped view)
    at::Tensor final_norm_;    // (hidden,) float32
    std::vector<Qwen3LayerWeights> layers_;
};

// Fingerprint of a Qwen3 folder for cache keys: config.json text and weight file names/sizes
// (reads no tensor data; a missing folder gives a fingerprint too).
std::string qwen3_folder_fingerprint(const std::filesystem::path& dir);

}  // namespace kinema::text
