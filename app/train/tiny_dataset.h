// Batches for kinema-tiny training: procedural clips (random specs, single actions and two-part
// sequences) encoded to 201-d frames and normalised with the dataset's mean/std, with a training
// caption each. Deterministic: batch k of seed s is always the same.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/train/action_catalog.h"
#include "core/tiny/tiny_vocab.h"

namespace kinema::train {

struct MotionStats {
    at::Tensor mean,
        std;  // (201,) float32; std < 1e-3 marks constant dims (the sampler zeroes them)
};

// Mean/std over `clips` random clips' frames.
MotionStats compute_motion_stats(uint64_t seed, int64_t clips, int64_t frames,
                                 double sequence_prob);

// The vocabulary of the training captions (<pad>, <unk>, then the words sorted).
TinyVocab build_training_vocab(uint64_t seed, int64_t captions);

struct TrainBatch {
    at::Tensor x1;          // (B, frames, 201) normalised
    at::Tensor ids;         // (B, L) int64, 0-padded
    at::Tensor text_valid;  // (B, L) bool
    // (B, 2) int64: the action of each part; part 2 of a single-action clip is kActionCount.
    // Targets of the text encoder's auxiliary action classifier (training only).
    at::Tensor labels;
    // (B, L) int64: per token, the action of the sequence part its word belongs to, kActionCount
    // for subject / connective words, -100 (ignored) for padding. Targets of the per-token
    // auxiliary classifier on ctxt (training only).
    at::Tensor token_labels;
    std::vector<std::string> captions;
};

// augmentation: make_caption's caption augmentations (default: none).
TrainBatch make_batch(uint64_t seed, int64_t step, int64_t batch, int64_t frames,
                      double sequence_prob, double word_dropout, const MotionStats& stats,
                      const TinyVocab& vocab, int64_t max_tokens,
                      const CaptionAugmentation& augmentation = {});

}  // namespace kinema::train
