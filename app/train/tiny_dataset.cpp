#include "app/train/tiny_dataset.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/frame_codec.h"
#include "app/train/motion_synth.h"

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

TinyVocab build_training_vocab(uint64_t seed, int64_t captions) {
    std::mt19937_64 rng(seed * 104729 + 3);
    std::set<std::string> words;
    for (int64_t i = 0; i < captions; ++i) {
        const ClipSpec spec = random_clip_spec(rng, 120, 0.3);
        for (const auto& w : TinyVocab::entries(make_caption(spec, CaptionSet::Train, rng),
                                                TinyVocab::WordForm::Stem))
            words.insert(w);
    }
    std::vector<std::string> list{"<pad>", "<unk>"};
    list.insert(list.end(), words.begin(), words.end());
    return std::move(*TinyVocab::from_words(std::move(list), TinyVocab::WordForm::Stem));
}

TrainBatch make_batch(uint64_t seed, int64_t step, int64_t batch, int64_t frames,
                      double sequence_prob, double word_dropout, const MotionStats& stats,
                      const TinyVocab& vocab, int64_t max_tokens,
                      const CaptionAugmentation& augmentation) {
    std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(step) * 7 + 1);
    std::uniform_real_distribution<double> u(0, 1);
    TrainBatch b;
    std::vector<at::Tensor> clips;
    std::vector<std::vector<int64_t>> ids, token_labels;
    b.labels = at::full({batch, 2}, static_cast<int64_t>(kActionCount), at::kLong);
    const at::Tensor constant = stats.std < 1e-3;
    const at::Tensor safe_std = at::where(constant, at::ones_like(stats.std), stats.std);
    for (int64_t i = 0; i < batch; ++i) {
        const ClipSpec spec = random_clip_spec(rng, frames, sequence_prob);
        for (size_t k = 0; k < std::min<size_t>(2, spec.segments.size()); ++k)
            b.labels[i][static_cast<int64_t>(k)] = static_cast<int64_t>(spec.segments[k].action);
        const at::Tensor f = encode_frames(synthesize(spec, rng()));
        clips.push_back(at::where(constant, at::zeros_like(f), (f - stats.mean) / safe_std));
        std::vector<int> parts;
        b.captions.push_back(make_caption(spec, CaptionSet::Train, rng, augmentation, &parts));
        auto t = vocab.encode(b.captions.back(), static_cast<size_t>(max_tokens));
        std::vector<int64_t> tl(t.size(), -100);
        if (parts.size() >= t.size())  // encode keeps the first max_tokens words
            for (size_t k = 0; k < t.size(); ++k)
                tl[k] = parts[k] == 0
                            ? kActionCount
                            : static_cast<int64_t>(
                                  spec.segments[static_cast<size_t>(parts[k] - 1)].action);
        token_labels.push_back(std::move(tl));
        for (auto& id : t)
            if (u(rng) < word_dropout) id = TinyVocab::kUnk;
        ids.push_back(std::move(t));
    }
    size_t longest = 1;
    for (const auto& t : ids)
        longest = std::max(longest, t.size());
    b.ids = at::zeros({batch, static_cast<int64_t>(longest)}, at::kLong);
    b.text_valid = at::zeros({batch, static_cast<int64_t>(longest)}, at::kBool);
    b.token_labels = at::full({batch, static_cast<int64_t>(longest)}, -100, at::kLong);
    for (int64_t i = 0; i < batch; ++i)
        for (size_t k = 0; k < ids[static_cast<size_t>(i)].size(); ++k) {
            b.ids[i][static_cast<int64_t>(k)] = ids[static_cast<size_t>(i)][k];
            b.text_valid[i][static_cast<int64_t>(k)] = true;
            b.token_labels[i][static_cast<int64_t>(k)] = token_labels[static_cast<size_t>(i)][k];
        }
    b.x1 = at::stack(clips, 0);
    return b;
}

}  // namespace kinema::train
