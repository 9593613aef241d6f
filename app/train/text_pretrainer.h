// Text-only pretraining of kinema-tiny's encoder: before the joint training, the encoder and its
// two auxiliary classifiers (pooled vtxt -> the actions of part 1 / part 2; every ctxt token ->
// the action of its part, "none" for subject and connective words) train on captions alone.
// A caption costs a few microseconds to draw and the encoder is 5 % of the model, so this phase
// shows the encoder hundreds of thousands of paraphrases in minutes, where the joint training
// (whose cost is the DiT) shows it ~90,000 in an hour. Runs on the calling thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "app/train/action_catalog.h"
#include "core/result.h"
#include "core/tiny/tiny_text_encoder.h"
#include "core/tiny/tiny_vocab.h"

namespace kinema::train {

// The auxiliary classifiers (not exported). token_w / token_b undefined: no per-token loss.
struct TextHeads {
    at::Tensor action_w, action_b;  // (2 * (kActionCount + 1), width), (2 * (kActionCount + 1))
    at::Tensor token_w, token_b;    // (kActionCount + 1, width), (kActionCount + 1)
};

struct TextPretrainOptions {
    int64_t steps = 0;
    int64_t batch = 128;
    double lr = 2e-3;  // peak; 50 warm-up steps, then cosine to 10 %
    uint64_t seed = 1;
    double sequence_prob = 0.35;
    double word_dropout = 0.1;
    double token_loss_weight = 0.5;  // relative to the pooled action loss
    int64_t max_tokens = 32;
    int64_t log_every = 100;
    CaptionAugmentation augmentation;
};

// Trains the encoder's registry tensors and the heads in place (all must have requires_grad).
// Deterministic per seed; draws nothing from any other generator.
Status pretrain_text_encoder(const TinyTextEncoder& encoder, TextHeads& heads,
                             const TinyVocab& vocab, const TextPretrainOptions& options);

// How often the pooled classifier names every part of a prompt right (a prompt counts once).
struct CaptionAccuracy {
    int64_t correct = 0, total = 0;
    double percent() const { return total ? 100.0 * static_cast<double>(correct) / total : 0; }
};
CaptionAccuracy caption_action_accuracy(const TinyTextEncoder& encoder, const TextHeads& heads,
                                        const TinyVocab& vocab,
                                        const std::vector<EvalPrompt>& prompts,
                                        int64_t max_tokens = 32);

// Prints caption_action_accuracy on the validation captions and held-out sets 1 and 2 (a
// diagnostic of the encoder alone; sets 3 and 4 are left for judging generated motion).
void print_caption_accuracy(const char* when, const TinyTextEncoder& encoder,
                            const TextHeads& heads, const TinyVocab& vocab);

}  // namespace kinema::train
