#include "app/train/text_pretrainer.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>
#include <torch/types.h>  // before clip_grad.h, which does not include it

#include <torch/nn/utils/clip_grad.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "app/train/tiny_dataset.h"

namespace kinema::train {

Status pretrain_text_encoder(const TinyTextEncoder& encoder, TextHeads& heads,
                             const TinyVocab& vocab, const TextPretrainOptions& o) {
    if (o.steps <= 0) return {};
    try {
        std::vector<at::Tensor> params;
        for (const auto& e : encoder.registry().entries())
            params.push_back(*e.slot);
        for (at::Tensor* t : {&heads.action_w, &heads.action_b, &heads.token_w, &heads.token_b})
            if (t->defined()) params.push_back(*t);
        const bool token_loss = heads.token_w.defined() && o.token_loss_weight > 0;
        torch::optim::AdamW opt(
            params, torch::optim::AdamWOptions(o.lr).weight_decay(0.01).betas({0.9, 0.99}));
        const int64_t n_classes = kActionCount + 1, warmup = std::min<int64_t>(50, o.steps);
        const auto t0 = std::chrono::steady_clock::now();
        double action_window = 0, token_window = 0;
        int64_t window_n = 0;
        for (int64_t step = 0; step < o.steps; ++step) {
            const double progress = static_cast<double>(step - warmup) /
                                    static_cast<double>(std::max<int64_t>(1, o.steps - warmup));
            const double lr = step < warmup ? o.lr * static_cast<double>(step + 1) / warmup
                                            : o.lr * (0.1 + 0.45 * (1 + std::cos(M_PI * progress)));
            for (auto& g : opt.param_groups())
                static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
            const TrainBatch b =
                make_caption_batch(o.seed, step, o.batch, o.sequence_prob, o.word_dropout, vocab,
                                   o.max_tokens, o.augmentation);
            const int64_t bs = b.ids.size(0), lt = b.ids.size(1);
            const auto text = encoder.forward(b.ids, b.text_valid);
            const at::Tensor logits =
                at::linear(text.vtxt.squeeze(1), heads.action_w, heads.action_b)
                    .view({bs * 2, n_classes});
            const at::Tensor action_loss = at::cross_entropy_loss(logits, b.labels.view({bs * 2}));
            at::Tensor loss = action_loss;
            if (token_loss) {
                const at::Tensor token_logits =
                    at::linear(text.ctxt, heads.token_w, heads.token_b).view({bs * lt, n_classes});
                const at::Tensor tl = at::cross_entropy_loss(
                    token_logits, b.token_labels.view({bs * lt}), {}, at::Reduction::Mean, -100);
                token_window += tl.item<double>();
                loss = loss + o.token_loss_weight * tl;
            }
            opt.zero_grad();
            loss.backward();
            torch::nn::utils::clip_grad_norm_(params, 1.0);
            opt.step();
            action_window += action_loss.item<double>();
            ++window_n;
            if ((step + 1) % o.log_every == 0 || step + 1 == o.steps) {
                const double s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                std::printf("text pretrain step %lld action-ce %.3f token-ce %.3f lr %.2e %.1f s\n",
                            static_cast<long long>(step + 1), action_window / window_n,
                            token_window / window_n, lr, s);
                std::fflush(stdout);
                action_window = token_window = 0;
                window_n = 0;
            }
        }
        return {};
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("text pretraining failed: ") + e.what_without_backtrace());
    }
}

CaptionAccuracy caption_action_accuracy(const TinyTextEncoder& encoder, const TextHeads& heads,
                                        const TinyVocab& vocab,
                                        const std::vector<EvalPrompt>& prompts,
                                        int64_t max_tokens) {
    at::NoGradGuard no_grad;
    CaptionAccuracy acc;
    const int64_t n_classes = kActionCount + 1;
    for (const auto& p : prompts) {
        const auto ids = vocab.encode(p.prompt, static_cast<size_t>(max_tokens));
        if (ids.empty() || p.spec.segments.empty()) continue;
        const at::Tensor id_t = at::tensor(ids, at::kLong).view({1, -1});
        const auto text = encoder.forward(id_t, at::ones_like(id_t, at::kBool));
        const at::Tensor pred = at::linear(text.vtxt.squeeze(1), heads.action_w, heads.action_b)
                                    .view({2, n_classes})
                                    .argmax(1);
        // A single action counts as right when its second part is "none" or the same action
        // (which the decoder reads as that action for the whole clip).
        const int64_t first = static_cast<int64_t>(p.spec.segments[0].action);
        const int64_t second = p.spec.segments.size() > 1
                                   ? static_cast<int64_t>(p.spec.segments[1].action)
                                   : kActionCount;
        const int64_t got1 = pred[1].item<int64_t>();
        const bool right = pred[0].item<int64_t>() == first &&
                           (got1 == second || (second == kActionCount && got1 == first));
        acc.correct += right;
        ++acc.total;
    }
    return acc;
}

void print_caption_accuracy(const char* when, const TinyTextEncoder& encoder,
                            const TextHeads& heads, const TinyVocab& vocab) {
    const auto percent = [&](const std::vector<EvalPrompt>& prompts) {
        return caption_action_accuracy(encoder, heads, vocab, prompts).percent();
    };
    std::printf(
        "%s: the pooled classifier names every part of %.1f %% of the validation "
        "captions, %.1f %% of held-out set 1, %.1f %% of set 2\n",
        when, percent(validation_eval_prompts()),
        percent(heldout_eval_prompts(CaptionSet::HeldOut)),
        percent(heldout_eval_prompts(CaptionSet::HeldOut2)));
    std::fflush(stdout);
}

}  // namespace kinema::train
