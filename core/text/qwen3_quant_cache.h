// The quantisation cache of a Qwen3 folder: one .safetensors file holding every decoder linear
// weight quantised (`<weight name>.q` int8 or packed uint8, `.scale` float32, `.offset` float32
// for int4) with metadata kinema.format = "qwen3-quant/2", kinema.precision ("int8" | "int4"),
// kinema.int4_method (int4 only: the Int4Method that chose the codes, kDefaultInt4Method) and
// kinema.source (qwen3_folder_fingerprint of the folder it was made from).
// Format history: /1 (before int4 mse-clip) had min/max int4 codes and no int4_method; its int8
// files are identical to /2 and still read, its int4 files are refused (InvalidRequest, "run
// kinema-cli quantize again") because embeddings cached under precision int4 assume the
// current method.
// Written by `kinema-cli quantize`; read by Qwen3Encoder::load. Thread: any.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/io/safetensors_file.h"
#include "core/result.h"
#include "core/text/quantized_weight.h"
#include "core/text/qwen3_encoder.h"

namespace kinema::text {

class Qwen3QuantCache {
public:
    static constexpr const char* kFormat = "qwen3-quant/2";
    static constexpr const char* kFormatV1 = "qwen3-quant/1";

    // BadModelFile: not a cache file. InvalidRequest: made from another folder or precision, or
    // an int4 file made with another Int4Method (any int4 file of format /1).
    static Result<Qwen3QuantCache> open(const std::filesystem::path& file,
                                        const std::filesystem::path& qwen_dir,
                                        WeightPrecision precision);

    // The weight `name` with shape {out, in} (BadModelFile when absent or malformed).
    Result<QuantizedWeight> weight(const std::string& name,
                                   const std::vector<int64_t>& shape) const;

private:
    explicit Qwen3QuantCache(SafetensorsFile file, WeightPrecision precision)
        : file_(std::move(file)), precision_(precision) {}
    SafetensorsFile file_;
    WeightPrecision precision_;
};

// Quantises every decoder linear of `qwen_dir` (Int8 or Int4, else InvalidRequest) and writes
// the cache atomically to `out`. Peak memory: the whole quantised model (about 1/2 (int8) or 1/4
// (int4) of the bf16 size). Errors as Qwen3Encoder::load, plus Io for the output.
Status write_qwen3_quant_cache(const std::filesystem::path& qwen_dir, WeightPrecision precision,
                               const std::filesystem::path& out, const LayerProgress& on_progress,
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace kinema::text
