#include "core/model/hymotion_checkpoint.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/io/model_config_reader.h"
#include "core/io/state_dict_loader.h"

namespace kinema {

Result<HyMotionCheckpoint> load_hymotion_checkpoint(const std::filesystem::path& weights,
                                                    const std::filesystem::path& config_path,
                                                    const CheckpointLoadOptions& options) {
    auto config = read_model_config(config_path);
    if (!config) return config.error();
    HyMotionCheckpoint out;
    out.config = config->config;
    out.config_warnings = config->warnings;

    auto tensors = load_state_dict(weights);
    if (!tensors) return tensors.error();
    auto dit = HyMotionMmdit::create(out.config.network);
    if (!dit) return dit.error();
    KINEMA_TRY_STATUS((*dit)->load_weights(*tensors, options.dit_prefix, options.bind));
    out.dit = std::move(*dit);

    const bool any_pipeline = tensors->count("mean") || tensors->count("null_vtxt_feat");
    if (options.require_pipeline || any_pipeline) {
        auto pipeline = PipelineTensors::from_state_dict(*tensors, out.config.network);
        if (!pipeline) return pipeline.error();
        out.pipeline = std::move(*pipeline);
        out.has_pipeline = true;
    }
    return out;
}

Result<HyMotionCheckpoint> random_hymotion_checkpoint(const HyMotionConfig& config, uint64_t seed,
                                                      const BindOptions& bind) {
    HyMotionCheckpoint out;
    out.config = config;
    auto dit = HyMotionMmdit::create(config.network);
    if (!dit) return dit.error();
    try {
        (*dit)->init_random_weights(seed, bind);
        const auto& c = config.network;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(seed + 1);
        const auto f = at::TensorOptions().dtype(at::kFloat);
        out.pipeline.null_vtxt_feat = at::randn({1, 1, c.vtxt_input_dim}, gen, f);
        out.pipeline.null_ctxt_input = at::randn({1, 1, c.ctxt_input_dim}, gen, f);
        out.pipeline.special_game_vtxt_feat = at::zeros({1, 1, c.vtxt_input_dim}, f);
        out.pipeline.special_game_ctxt_feat = at::zeros({1, 1, c.ctxt_input_dim}, f);
        out.pipeline.mean = at::zeros({c.input_dim}, f);
        out.pipeline.std = at::ones({c.input_dim}, f);
        out.has_pipeline = true;
    } catch (const c10::Error& err) {
        return make_error(
            ErrorKind::OutOfMemory,
            std::string("allocating random weights failed: ") + err.what_without_backtrace());
    }
    out.dit = std::move(*dit);
    return out;
}

}  // namespace kinema
