#include "app/train/tiny_dataset.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/caption_table.h"
#include "app/train/frame_codec.h"
#include "app/train/motion_synth.h"
#include "app/train/phrase_mixing.h"

namespace kinema::train {

MotionStats compute_motion_stats(uint64_t seed, int64_t clips, int64_t frames,
                                 double sequence_prob) {
    std::mt19937_64 rng(seed * 7919 + 17);
    at::Tensor sum = at::zeros({kFrameDim}, at::kDouble), sq = at::zeros({kFrameDim}, at::kDouble);
    int64_t count = 0;
    for (int64_t i = 0; i < clips; ++i) {
        const ClipSpec spec = random_clip_spec(rng, frames, sequence_prob);
        const at::Tensor f = encode_frames(synthesize(spec, rng())).to(at::kDouble);
        sum += f.sum(0);
        sq += (f * f).sum(0);
        count += f.size(0);
    }
    const at::Tensor mean = sum / static_cast<double>(count);
    const at::Tensor var = (sq / static_cast<double>(count) - mean * mean).clamp_min(0);
    return {mean.to(at::kFloat), var.sqrt().to(at::kFloat)};
}

TinyVocab build_training_vocab(uint64_t seed, int64_t captions, bool verb_synonyms) {
    std::mt19937_64 rng(seed * 104729 + 3);
    std::set<std::string> words;
    for (int64_t i = 0; i < captions; ++i) {
        const ClipSpec spec = random_clip_spec(rng, 120, 0.3);
        for (const auto& w : TinyVocab::entries(make_caption(spec, CaptionSet::Train, rng),
                                                TinyVocab::WordForm::Stem))
            words.insert(w);
    }
    // The synonyms training can draw: every phrase with its verb replaced where allowed.
    if (verb_synonyms)
        for (int a = 0; a < kActionCount; ++a)
            for (const char* p : caption_table()[static_cast<size_t>(a)].train)
                for (int k = 0; k < 32; ++k)
                    if (auto s = synonym_training_phrase(a, p, rng))
                        for (const auto& w : TinyVocab::entries(*s, TinyVocab::WordForm::Stem))
                            words.insert(w);
    std::vector<std::string> list{"<pad>", "<unk>"};
    list.insert(list.end(), words.begin(), words.end());
    return std::move(*TinyVocab::from_words(std::move(list), TinyVocab::WordForm::Stem));
}

namespace {

// Appends one caption of `spec` to the batch lists: its ids (word dropout applied), the action of
// each part and, per token, the action of the part its word belongs to. Draws from rng in the
// order make_batch always has (caption, then one draw per token for the dropout).
void append_caption(const ClipSpec& spec, std::mt19937_64& rng, double word_dropout,
                    const TinyVocab& vocab, int64_t max_tokens,
                    const CaptionAugmentation& augmentation, std::vector<std::string>& captions,
                    std::vector<std::vector<int64_t>>& ids,
                    std::vector<std::vector<int64_t>>& token_labels) {
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<int> parts;
    captions.push_back(make_caption(spec, CaptionSet::Train, rng, augmentation, &parts));
    auto t = vocab.encode(captions.back(), static_cast<size_t>(max_tokens));
    std::vector<int64_t> tl(t.size(), -100);
    if (parts.size() >= t.size())  // encode keeps the first max_tokens words
        for (size_t k = 0; k < t.size(); ++k)
            tl[k] =
                parts[k] == 0
                    ? kActionCount
                    : static_cast<int64_t>(spec.segments[static_cast<size_t>(parts[k] - 1)].action);
    token_labels.push_back(std::move(tl));
    for (auto& id : t)
        if (u(rng) < word_dropout) id = TinyVocab::kUnk;
    ids.push_back(std::move(t));
}

// Fills b.ids, b.text_valid and b.token_labels (0 / false / -100 padded to the longest row).
void pad_text(TrainBatch& b, const std::vector<std::vector<int64_t>>& ids,
              const std::vector<std::vector<int64_t>>& token_labels) {
    const auto batch = static_cast<int64_t>(ids.size());
    size_t longest = 1;
    for (const auto& t : ids)
        longest = std::max(longest, t.size());
    b.ids = at::zeros({batch, static_cast<int64_t>(longest)}, at::kLong);
    b.text_valid = at::zeros({batch, static_cast<int64_t>(longest)}, at::kBool);
    b.token_labels = at::full({batch, static_cast<int64_t>(longest)}, -100, at::kLong);
    auto id_a = b.ids.accessor<int64_t, 2>();
    auto valid_a = b.text_valid.accessor<bool, 2>();
    auto label_a = b.token_labels.accessor<int64_t, 2>();
    for (int64_t i = 0; i < batch; ++i)
        for (size_t k = 0; k < ids[static_cast<size_t>(i)].size(); ++k) {
            id_a[i][static_cast<int64_t>(k)] = ids[static_cast<size_t>(i)][k];
            valid_a[i][static_cast<int64_t>(k)] = true;
            label_a[i][static_cast<int64_t>(k)] = token_labels[static_cast<size_t>(i)][k];
        }
}

void set_part_labels(TrainBatch& b, int64_t i, const ClipSpec& spec) {
    for (size_t k = 0; k < std::min<size_t>(2, spec.segments.size()); ++k)
        b.labels[i][static_cast<int64_t>(k)] = static_cast<int64_t>(spec.segments[k].action);
}

}  // namespace

TrainBatch make_batch(uint64_t seed, int64_t step, int64_t batch, int64_t frames,
                      double sequence_prob, double word_dropout, const MotionStats& stats,
                      const TinyVocab& vocab, int64_t max_tokens,
                      const CaptionAugmentation& augmentation) {
    std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(step) * 7 + 1);
    TrainBatch b;
    std::vector<at::Tensor> clips;
    std::vector<std::vector<int64_t>> ids, token_labels;
    b.labels = at::full({batch, 2}, static_cast<int64_t>(kActionCount), at::kLong);
    const at::Tensor constant = stats.std < 1e-3;
    const at::Tensor safe_std = at::where(constant, at::ones_like(stats.std), stats.std);
    for (int64_t i = 0; i < batch; ++i) {
        const ClipSpec spec = random_clip_spec(rng, frames, sequence_prob);
        set_part_labels(b, i, spec);
        const at::Tensor f = encode_frames(synthesize(spec, rng()));
        clips.push_back(at::where(constant, at::zeros_like(f), (f - stats.mean) / safe_std));
        append_caption(spec, rng, word_dropout, vocab, max_tokens, augmentation, b.captions, ids,
                       token_labels);
    }
    pad_text(b, ids, token_labels);
    b.x1 = at::stack(clips, 0);
    return b;
}

TrainBatch make_caption_batch(uint64_t seed, int64_t step, int64_t batch, double sequence_prob,
                              double word_dropout, const TinyVocab& vocab, int64_t max_tokens,
                              const CaptionAugmentation& augmentation) {
    // A stream of its own (make_batch's streams are seed * 1000003 + step * 7 + 1).
    std::mt19937_64 rng(seed * 2000029 + static_cast<uint64_t>(step) * 11 + 5);
    TrainBatch b;
    std::vector<std::vector<int64_t>> ids, token_labels;
    b.labels = at::full({batch, 2}, static_cast<int64_t>(kActionCount), at::kLong);
    for (int64_t i = 0; i < batch; ++i) {
        const ClipSpec spec = random_clip_spec(rng, 120, sequence_prob);
        set_part_labels(b, i, spec);
        append_caption(spec, rng, word_dropout, vocab, max_tokens, augmentation, b.captions, ids,
                       token_labels);
    }
    pad_text(b, ids, token_labels);
    return b;
}

}  // namespace kinema::train
