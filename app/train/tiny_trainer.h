// TinyTrainer: trains kinema-tiny (HyMotionMmdit with a small MmditConfig + TinyTextEncoder)
// jointly on the procedural motion library with flow matching in the official sampler's
// convention (x_t = (1 - t) eps + t x1, target x1 - eps, t ~ U(0, 1)), 10 % condition dropout to
// learned null features, AdamW (warm-up + cosine), gradient clipping and an EMA of the weights,
// then writes the model folder (see core/tiny/kinema_tiny_model.h).
// Deterministic for a given seed and thread count. Runs on the calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kinema::train {

inline constexpr const char* kDataVersion = "kinema-motionlib-6";

struct TrainOptions {
    std::filesystem::path out;
    int64_t steps = 1200;
    uint64_t seed = 1;
    int64_t batch = 20;
    int64_t frames = 120;  // clip length (4 s at 30 fps) = the pipeline's train_frames
    double lr = 1e-3;
    double weight_decay = 0.01;
    double cond_dropout = 0.1;
    double word_dropout = 0.1;
    double sequence_prob = 0.25;
    double ema_decay = 0.995;
    // Weight of the text encoder's auxiliary loss: a linear classifier on the pooled vtxt predicts
    // the clip's actions (cross-entropy; the head is not exported). Without it the jointly trained
    // encoder stays nearly uninformative and the DiT learns an unconditional prior.
    double action_loss_weight = 0.5;
    // Weight of a second auxiliary loss on the token features (ctxt): a linear classifier on each
    // token predicts the action of the sequence part its word belongs to ("none" for subject and
    // connective words). It makes every token say which action it is about, so the DiT's motion
    // frames can attend to the part that is theirs (two-part sequences). 0 = off.
    double token_action_loss_weight = 0.0;
    // Loss weight of the 9 root dims (translation 0:3, root rot6d 3:9) relative to the 126 body
    // rotation dims: the root trajectory (speed, direction, heading) is 9 of the 135 denoised dims
    // but decides most of what the clip is (walk vs jog, turns, side steps). 1 = plain MSE.
    double root_loss_weight = 1.0;
    // Probability that a caption's subject / connective is replaced by unknown words (<unk>), so
    // the encoder learns that two action phrases make a sequence whatever joins them.
    double unknown_glue_prob = 0.0;
    // Share of training phrases recombined from two of their action's phrases (make_caption's
    // phrase_mix_prob), so paraphrases that mix known words are understood. 0 = off (draws
    // nothing, so older commands reproduce).
    double phrase_mix_prob = 0.0;
    // Share of training phrases that are their action's plainest phrase (make_caption's
    // plain_phrase_prob). 0 = off (draws nothing, so older commands reproduce).
    double plain_phrase_prob = 0.0;
    // Written to config.json (test_cfg.translation_guidance_cap): the sampler guides the root
    // translation with min(cfg, cap), so strong guidance does not speed walks up. 0 = no cap.
    double translation_guidance_cap = 0.0;
    // Written to kinema-model.json as the model's default guidance (the app and the CLI use it
    // unless the user sets one). Chosen with `kinema-eval-tiny --set 0` (validation captions).
    double recommended_cfg_scale = 5.0;
    int threads = 1;            // 2 OpenMP threads on a shared 2-core machine ran 10x slower
    double time_limit_min = 0;  // > 0: stop (and save) once exceeded; the cosine lr then ends there
    int64_t log_every = 25;
    int64_t feat_dim = 192, num_heads = 3,
            num_layers = 6;  // width must exceed the 135 denoised dims
    int64_t text_width = 128, text_heads = 4, text_layers = 2;
};

struct TrainReport {
    int64_t steps_done = 0;
    double wall_s = 0;
    double final_loss = 0;
    std::vector<std::pair<int64_t, double>> loss_curve;  // (step, mean loss over the log window)
};

Result<TrainReport> train_kinema_tiny(const TrainOptions& options);

// Rewrites a model.safetensors with F16 weights (the pipeline tensors stay F32), as the trainer
// writes them; for folders written by older builds.
Status repack_weights_f16(const std::filesystem::path& model_safetensors);

}  // namespace kinema::train
