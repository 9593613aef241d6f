#include "app/train/tiny_trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/optim/adamw.h>
#include <torch/types.h>  // before clip_grad.h, which does not include it

#include <torch/nn/utils/clip_grad.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "app/train/action_catalog.h"
#include "app/train/tiny_dataset.h"
#include "core/io/safetensors_writer.h"
#include "core/io/state_dict_loader.h"
#include "core/model/hymotion_mmdit.h"
#include "core/tiny/kinema_tiny_model.h"
#include "core/tiny/tiny_text_encoder.h"

namespace kinema::train {
namespace fs = std::filesystem;
namespace {

bool contains(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

Status write_text(const fs::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        if (!out) return make_error(ErrorKind::Io, "cannot write " + tmp);
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return make_error(ErrorKind::Io, "cannot rename " + tmp + ": " + ec.message());
    return {};
}

MmditConfig dit_config(const TrainOptions& o) {
    MmditConfig c;
    c.feat_dim = o.feat_dim;
    c.num_heads = o.num_heads;
    c.num_layers = o.num_layers;
    c.ctxt_input_dim = o.text_width;
    c.vtxt_input_dim = o.text_width;
    return c;
}

nlohmann::json config_json(const TrainOptions& o, const MmditConfig& c) {
    nlohmann::json j;
    j["network_module_args"] = {{"input_dim", c.input_dim},
                                {"output_dim", c.input_dim},
                                {"feat_dim", c.feat_dim},
                                {"num_heads", c.num_heads},
                                {"num_layers", c.num_layers},
                                {"mlp_ratio", c.mlp_ratio},
                                {"ctxt_input_dim", c.ctxt_input_dim},
                                {"vtxt_input_dim", c.vtxt_input_dim},
                                {"time_factor", c.time_factor},
                                {"mask_mode", c.mask_mode},
                                {"narrowband_length", c.narrowband_length_s},
                                {"apply_rope_to_single_branch", false},
                                {"qk_norm_type", "rms"},
                                {"qkv_bias", true},
                                {"mlp_act_type", "gelu_tanh"}};
    j["train_pipeline_args"] = {
        {"train_frames", o.frames},
        {"output_mesh_fps", 30.0},
        {"enable_ctxt_null_feat", true},
        {"enable_special_game_feat", false},
        {"random_generator_on_gpu", false},
        {"infer_noise_scheduler_cfg", {{"validation_steps", 50}}},
        {"test_cfg", {{"text_guidance_scale", 5.0}}},
        {"text_encoder_cfg", {{"llm_type", "kinema-tiny"}, {"max_length_llm", 32}}}};
    if (o.translation_guidance_cap > 0)
        j["train_pipeline_args"]["test_cfg"]["translation_guidance_cap"] =
            o.translation_guidance_cap;
    return j;
}

}  // namespace

Status repack_weights_f16(const fs::path& file) {
    auto tensors = load_state_dict(file);
    if (!tensors) return tensors.error();
    std::vector<std::pair<std::string, at::Tensor>> out;
    try {
        for (const auto& [name, t] : *tensors) {
            const bool pipeline =
                name.find('.') == std::string::npos;  // mean, std, null_* stay F32
            out.emplace_back(name, t.to(pipeline ? at::kFloat : at::kHalf).contiguous());
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal, e.what_without_backtrace());
    }
    return write_safetensors(file, out,
                             {{"format", "kinema-tiny"}, {"data_version", kDataVersion}});
}

Result<TrainReport> train_kinema_tiny(const TrainOptions& o) {
    try {
        at::set_num_threads(o.threads);
        const auto t_start = std::chrono::steady_clock::now();
        auto elapsed_s = [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start)
                .count();
        };
        std::error_code ec;
        fs::create_directories(o.out, ec);
        if (ec)
            return make_error(ErrorKind::Io,
                              "cannot create " + o.out.string() + ": " + ec.message());

        const TinyVocab vocab = build_training_vocab(o.seed, 40000);
        MotionStats stats = compute_motion_stats(o.seed, 1500, o.frames, o.sequence_prob);
        // The 66 joint-position dims are ignored by the decoder: std 0 makes the sampler collapse
        // them to the mean, and they leave the loss, so the DiT's width (which must exceed the
        // number of dims it denoises - a narrower output layer cannot remove the noise of the
        // others) is spent on the 135 rotation/translation dims only.
        stats.std.slice(0, 135, 201).zero_();
        at::Tensor loss_mask = (stats.std >= 1e-3).to(at::kFloat);
        loss_mask.slice(0, 0, 9) *= o.root_loss_weight;
        const double loss_dims = loss_mask.sum().item<double>();  // the weighted mean's divisor
        std::printf("vocab %zu words; stats over 1500 clips (%.1f s)\n", vocab.size(), elapsed_s());

        const MmditConfig cfg = dit_config(o);
        auto dit_r = HyMotionMmdit::create(cfg);
        if (!dit_r) return dit_r.error();
        auto& dit = **dit_r;
        dit.init_random_weights(o.seed, {});
        TinyTextEncoderConfig tc{
            static_cast<int64_t>(vocab.size()), o.text_width, o.text_heads, o.text_layers, 32, 2.0};
        auto enc_r = TinyTextEncoder::create(tc);
        if (!enc_r) return enc_r.error();
        auto& enc = **enc_r;
        enc.init_random_weights(o.seed + 1, {});

        // Trainable parameters: (name in model.safetensors, slot).
        std::vector<std::pair<std::string, at::Tensor*>> named;
        for (const auto& e : dit.registry().entries()) {
            // adaLN-Zero: modulations and the output projection start at zero.
            if (contains(e.key, "_mod.linear") || contains(e.key, "modulation.linear") ||
                contains(e.key, "final_layer.linear"))
                e.slot->zero_();
            named.emplace_back("motion_transformer." + e.key, e.slot);
        }
        for (const auto& e : enc.registry().entries())
            named.emplace_back(std::string(TinyTextEncoder::kPrefix) + e.key, e.slot);
        auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed + 2);
        at::Tensor null_vtxt = at::randn({1, 1, o.text_width}, gen) * 0.5;
        at::Tensor null_ctxt = at::randn({1, 1, o.text_width}, gen) * 0.5;
        named.emplace_back("null_vtxt_feat", &null_vtxt);
        named.emplace_back("null_ctxt_input", &null_ctxt);
        // Auxiliary action classifier on vtxt: 2 parts x (actions + "no second part").
        const int64_t n_classes = kActionCount + 1;
        at::Tensor cls_w = at::randn({2 * n_classes, o.text_width}, gen) *
                           (1.0 / std::sqrt(static_cast<double>(o.text_width)));
        at::Tensor cls_b = at::zeros({2 * n_classes});
        // Per-token classifier on ctxt: actions + "no action" (subject / connective words).
        // (Drawn only when used, so runs without it keep their random stream.)
        at::Tensor tok_w, tok_b;
        const size_t n_exported = named.size();
        named.emplace_back("aux.action_classifier.weight", &cls_w);
        named.emplace_back("aux.action_classifier.bias", &cls_b);
        if (o.token_action_loss_weight > 0) {
            tok_w = at::randn({n_classes, o.text_width}, gen) *
                    (1.0 / std::sqrt(static_cast<double>(o.text_width)));
            tok_b = at::zeros({n_classes});
            named.emplace_back("aux.token_classifier.weight", &tok_w);
            named.emplace_back("aux.token_classifier.bias", &tok_b);
        }
        std::vector<at::Tensor> params;
        int64_t n_params = 0;
        for (auto& [name, slot] : named) {
            slot->requires_grad_(true);
            params.push_back(*slot);
            n_params += slot->numel();
        }
        std::printf("kinema-tiny: %lld trainable parameters (DiT %lld)\n",
                    static_cast<long long>(n_params),
                    static_cast<long long>(dit.registry().num_parameters()));
        std::vector<at::Tensor> ema;
        for (const auto& p : params)
            ema.push_back(p.detach().clone());

        torch::optim::AdamW opt(
            params,
            torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay).betas({0.9, 0.99}));
        TrainReport report;
        double window = 0, data_s = 0, action_window = 0, token_window = 0;
        int64_t window_n = 0;
        const int64_t warmup = std::min<int64_t>(100, o.steps / 10 + 1);
        double warmup_s = 0;  // wall time at the end of the warm-up
        for (int64_t step = 0; step < o.steps; ++step) {
            if (o.time_limit_min > 0 && elapsed_s() > o.time_limit_min * 60) {
                std::printf("time limit reached at step %lld\n", static_cast<long long>(step));
                break;
            }
            if (step == warmup) warmup_s = elapsed_s();
            // Cosine from the peak to 10 % over the run's horizon: the step budget, or the time
            // limit when that comes first (so a slower machine still finishes the schedule).
            double progress = static_cast<double>(step - warmup) /
                              static_cast<double>(std::max<int64_t>(1, o.steps - warmup));
            if (o.time_limit_min > 0)
                progress = std::max(progress, (elapsed_s() - warmup_s) /
                                                  std::max(1.0, o.time_limit_min * 60 - warmup_s));
            progress = std::clamp(progress, 0.0, 1.0);
            const double lr =
                step < warmup ? o.lr * static_cast<double>(step + 1) / static_cast<double>(warmup)
                              : o.lr * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * progress)));

            for (auto& g : opt.param_groups())
                static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);

            const auto t_data = std::chrono::steady_clock::now();
            const TrainBatch b = make_batch(
                o.seed, step, o.batch, o.frames, o.sequence_prob, o.word_dropout, stats, vocab,
                tc.max_tokens, {o.unknown_glue_prob, o.phrase_mix_prob, o.plain_phrase_prob});
            data_s +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t_data).count();
            const int64_t bs = o.batch, lt = b.ids.size(1);
            auto text = enc.forward(b.ids, b.text_valid);
            const at::Tensor drop = (at::rand({bs, 1, 1}, gen) < o.cond_dropout);
            const at::Tensor vtxt =
                at::where(drop, null_vtxt.expand({bs, 1, o.text_width}), text.vtxt);
            const at::Tensor ctxt =
                at::where(drop, null_ctxt.expand({bs, lt, o.text_width}), text.ctxt);
            MmditCondition cond;
            cond.vtxt_input = vtxt;
            cond.ctxt_input = ctxt;
            cond.text_valid = b.text_valid;
            cond.motion_valid = at::ones({bs, o.frames}, at::kBool);
            auto prepared = dit.prepare(cond);
            if (!prepared) return prepared.error();
            const at::Tensor eps = at::randn(b.x1.sizes(), gen);
            const at::Tensor t = at::rand({bs}, gen);
            const at::Tensor tt = t.view({bs, 1, 1});
            const at::Tensor xt = (1 - tt) * eps + tt * b.x1;
            auto v = dit.forward(xt, t, *prepared);
            if (!v) return v.error();
            const at::Tensor flow_loss = ((*v - (b.x1 - eps)).pow(2) * loss_mask).sum() /
                                         (loss_dims * static_cast<double>(bs * o.frames));
            const at::Tensor logits =
                at::linear(text.vtxt.squeeze(1), cls_w, cls_b).view({bs * 2, n_classes});
            const at::Tensor action_loss = at::cross_entropy_loss(logits, b.labels.view({bs * 2}));
            at::Tensor loss = flow_loss + o.action_loss_weight * action_loss;
            if (o.token_action_loss_weight > 0) {
                const at::Tensor token_logits =
                    at::linear(text.ctxt, tok_w, tok_b).view({bs * lt, n_classes});
                const at::Tensor token_loss = at::cross_entropy_loss(
                    token_logits, b.token_labels.view({bs * lt}), {}, at::Reduction::Mean, -100);
                token_window += token_loss.item<double>();
                loss = loss + o.token_action_loss_weight * token_loss;
            }
            opt.zero_grad();
            loss.backward();
            torch::nn::utils::clip_grad_norm_(params, 1.0);
            opt.step();
            {
                at::NoGradGuard no_grad;
                const double d = std::min(o.ema_decay, (1.0 + static_cast<double>(step)) /
                                                           (10.0 + static_cast<double>(step)));
                for (size_t i = 0; i < params.size(); ++i)
                    ema[i].mul_(d).add_(params[i].detach(), 1 - d);
            }
            const double l = flow_loss.item<double>();
            action_window += action_loss.item<double>();
            window += l;
            ++window_n;
            report.steps_done = step + 1;
            if ((step + 1) % o.log_every == 0 || step + 1 == o.steps) {
                report.loss_curve.emplace_back(step + 1, window / static_cast<double>(window_n));
                std::printf(
                    "step %lld loss %.4f action-ce %.3f token-ce %.3f lr %.2e %.1f s (%.2f "
                    "steps/s, data %.0f %%)\n",
                    static_cast<long long>(step + 1), window / static_cast<double>(window_n),
                    action_window / static_cast<double>(window_n),
                    token_window / static_cast<double>(window_n), lr, elapsed_s(),
                    static_cast<double>(step + 1) / elapsed_s(), 100.0 * data_s / elapsed_s());
                std::fflush(stdout);
                report.final_loss = window / static_cast<double>(window_n);
                window = 0;
                action_window = 0;
                token_window = 0;
                window_n = 0;
            }
        }
        report.wall_s = elapsed_s();

        // Write the EMA weights.
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        // Weights in F16 (the folder must stay <= 25 MB; the loader binds them as float32); the
        // pipeline tensors (names without a dot) stay F32.
        for (size_t i = 0; i < n_exported; ++i) {
            const bool pipeline = named[i].first.find('.') == std::string::npos;
            tensors.emplace_back(named[i].first,
                                 ema[i].to(pipeline ? at::kFloat : at::kHalf).contiguous());
        }
        tensors.emplace_back("special_game_vtxt_feat", at::zeros({1, 1, o.text_width}));
        tensors.emplace_back("special_game_ctxt_feat", at::zeros({1, 1, o.text_width}));
        tensors.emplace_back("mean", stats.mean);
        tensors.emplace_back("std", stats.std);
        KINEMA_TRY_STATUS(
            write_safetensors(o.out / "model.safetensors", tensors,
                              {{"format", "kinema-tiny"}, {"data_version", kDataVersion}}));
        KINEMA_TRY_STATUS(vocab.save(o.out / "vocab.txt"));
        KINEMA_TRY_STATUS(write_text(o.out / "config.json", config_json(o, cfg).dump(2) + "\n"));
        nlohmann::json marker = {
            {"format", "kinema-tiny"},
            {"format_version", 1},
            {"display_name", "Kinema Tiny (built-in)"},
            {"weights", "model.safetensors"},
            {"config", "config.json"},
            {"vocab", "vocab.txt"},
            {"text_encoder",
             {{"vocab_size", tc.vocab_size},
              {"width", tc.width},
              {"heads", tc.heads},
              {"layers", tc.layers},
              {"max_tokens", tc.max_tokens},
              {"mlp_ratio", tc.mlp_ratio},
              {"word_form", TinyVocab::word_form_name(vocab.word_form())}}},
            {"known_actions", all_action_names()},
            {"data_version", kDataVersion},
            {"default_duration_s", static_cast<double>(o.frames) / 30.0},
            {"recommended_cfg_scale", o.recommended_cfg_scale},
            {"notice", "kinema-tiny knows only its listed actions and two-part sequences of them"}};
        KINEMA_TRY_STATUS(write_text(o.out / kKinemaTinyMarker, marker.dump(2) + "\n"));
        nlohmann::json curve = nlohmann::json::array();
        for (const auto& [s, l] : report.loss_curve)
            curve.push_back({s, l});
        nlohmann::json meta = {{"data_version", kDataVersion},
                               {"seed", o.seed},
                               {"steps", report.steps_done},
                               {"steps_requested", o.steps},
                               {"batch", o.batch},
                               {"frames", o.frames},
                               {"lr", o.lr},
                               {"ema_decay", o.ema_decay},
                               {"cond_dropout", o.cond_dropout},
                               {"word_dropout", o.word_dropout},
                               {"action_loss_weight", o.action_loss_weight},
                               {"token_action_loss_weight", o.token_action_loss_weight},
                               {"root_loss_weight", o.root_loss_weight},
                               {"unknown_glue_prob", o.unknown_glue_prob},
                               {"phrase_mix_prob", o.phrase_mix_prob},
                               {"plain_phrase_prob", o.plain_phrase_prob},
                               {"sequence_prob", o.sequence_prob},
                               {"threads", o.threads},
                               {"wall_s", report.wall_s},
                               {"parameters", n_params},
                               {"final_loss", report.final_loss},
                               {"loss_curve", curve},
                               {"actions", all_action_names()},
                               {"trainer", "kinema-train-tiny"}};
        KINEMA_TRY_STATUS(write_text(o.out / "metadata.json", meta.dump(2) + "\n"));
        return report;
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("training failed: ") + e.what_without_backtrace());
    }
}

}  // namespace kinema::train
