// The kinema-tiny model folder (resources/models/kinema-tiny/, written by kinema-train-tiny):
// - kinema-model.json: marker + text encoder config + known actions (core/model_paths.cpp keys
//   on it); names the other files;
// - config.json: network_module_args / train_pipeline_args (core/io/model_config_reader.h);
// - model.safetensors: "motion_transformer.*" DiT, the 6 pipeline tensors, "text_encoder.*";
// - vocab.txt: TinyVocab entries, one per line;
// - metadata.json: training record (data version, steps, seed, loss curve, timings).
// load_kinema_tiny() gives the same HyMotionCheckpoint parts the HY-Motion path uses plus the
// tiny text encoder; make_text_conditioner() wraps it as a TextConditioner.
// Thread: load on any thread; the returned objects are independent of the files.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/model/hymotion_checkpoint.h"
#include "core/result.h"
#include "core/text/text_conditioner.h"
#include "core/tiny/tiny_text_encoder.h"
#include "core/tiny/tiny_vocab.h"

namespace kinema {

struct KinemaTinyModel {
    HyMotionCheckpoint checkpoint;  // dit + pipeline tensors + config (pipeline.train_frames = 120)
    std::shared_ptr<const TinyTextEncoder> text_encoder;
    std::shared_ptr<const TinyVocab> vocab;
    std::vector<std::string> known_actions;  // e.g. "walk_forward", for the model picker
    std::string data_version;                // procedural motion library version trained on
    double recommended_cfg_scale = kOfficialCfgScale;  // kinema-model.json; HY-Motion's when absent
    std::filesystem::path folder;
};

inline constexpr const char* kKinemaTinyMarker = "kinema-model.json";

// "recommended_cfg_scale" of a kinema-tiny folder's kinema-model.json, the one reader of that key
// (load_kinema_tiny and the engine's recommended_cfg_scale use it): 5 (HY-Motion's) when absent;
// Io when the file cannot be read; BadModelFile when it is not JSON or the value is not a number
// in [1, 15]. Thread: any.
Result<double> read_recommended_cfg_scale(const std::filesystem::path& folder);

// Io when a file is missing; BadModelFile when one is malformed or the weights do not match.
Result<KinemaTinyModel> load_kinema_tiny(const std::filesystem::path& folder,
                                         const BindOptions& bind = {});

// A TextConditioner over the model's encoder (shares it). cache_key names the folder's data
// version and weights; release() is a no-op (the encoder is < 1 MB).
std::unique_ptr<TextConditioner> make_tiny_text_conditioner(const KinemaTinyModel& model);

}  // namespace kinema
