// kinema-eval-tiny: generates a held-out paraphrase set (--set 1|2|3|4) with a kinema-tiny folder
// (50 Euler steps, the model's recommended guidance, 4 s by default) and reports the judge's
// accuracy, a confusion list and timings (Markdown).
//   kinema-eval-tiny --model resources/models/kinema-tiny --set 1 --markdown report.md
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "app/train/tiny_dataset.h"
#include "app/train/tiny_evaluator.h"
#include "core/host_allocator_tuning.h"

using namespace kinema;
using namespace kinema::train;

int main(int argc, char** argv) {
    tune_host_allocator();
    std::string dir, md_path;
    int seeds = 1, threads = 1;
    double cfg = 0;  // 0: the model's recommended_cfg_scale
    int64_t steps = 50;
    std::string prompt;
    bool raw = false;
    int set = 1;
    int parts = 1;
    bool unknown_only = false;
    CLI::App app{"kinema-eval-tiny: judge kinema-tiny on held-out paraphrases"};
    app.add_option("--model", dir, "kinema-tiny folder")->required();
    app.add_option("--seeds", seeds, "seeds per prompt (0..n-1), also with --prompt");
    app.add_option("--threads", threads, "intra-op threads");
    app.add_option("--markdown", md_path, "write the report here");
    app.add_option("--cfg", cfg, "guidance scale (default: the model's recommended one)");
    app.add_option("--steps", steps, "Euler steps");
    app.add_option("--prompt", prompt, "judge this one prompt only and print its features");
    app.add_option("--parts", parts, "with --prompt: judge this many equal windows (a sequence: 2)")
        ->check(CLI::Range(1, 3));
    app.add_option("--set", set,
                   "held-out paraphrase set 1, 2, 3 or 4; 0: validation captions from the training "
                   "thesaurus (for choosing settings)")
        ->check(CLI::Range(0, 4));
    app.add_flag("--words-only", unknown_only,
                 "with --prompt: print its vocabulary words and stop");
    app.add_flag("--raw", raw, "judge the raw sampled frames (no smoothing/grounding)");
    CLI11_PARSE(app, argc, argv);
    at::set_num_threads(threads);
    auto model = load_kinema_tiny(dir);
    if (!model) {
        std::fprintf(stderr, "error: %s\n", model.error().describe().c_str());
        return 1;
    }
    if (cfg <= 0) cfg = model->recommended_cfg_scale;
    auto text = make_tiny_text_conditioner(*model);
    if (prompt == "selftest") {
        // Flow-matching loss of the loaded weights on fresh training batches (as in training).
        const auto& pt = model->checkpoint.pipeline;
        MotionStats stats{pt.mean, pt.std};
        for (double tv : {0.1, 0.5, 0.9}) {
            const TrainBatch b = make_batch(999, 0, 8, 120, 0.25, 0.0, stats, *model->vocab, 32);
            auto out = model->text_encoder->forward(b.ids, b.text_valid);
            MmditCondition c{out.ctxt, out.vtxt, at::ones({8, 120}, at::kBool), b.text_valid, -1};
            const at::Tensor eps = at::randn(b.x1.sizes());
            const at::Tensor t = at::full({8}, tv);
            const at::Tensor m = (pt.std >= 1e-3).to(at::kFloat);
            // The loss with each clip's own caption and with the captions rolled by one clip (a
            // model that ignores its text scores the same on both).
            double loss[2];
            for (int rolled = 0; rolled < 2; ++rolled) {
                MmditCondition cr = c;
                if (rolled) {
                    cr.ctxt_input = out.ctxt.roll(1, 0);
                    cr.vtxt_input = out.vtxt.roll(1, 0);
                    cr.text_valid = b.text_valid.roll(1, 0);
                }
                auto prep = model->checkpoint.dit->prepare(cr);
                auto v = model->checkpoint.dit->forward((1 - tv) * eps + tv * b.x1, t, *prep);
                loss[rolled] = ((*v - (b.x1 - eps)).pow(2) * m).sum().item<double>() /
                               (m.sum().item<double>() * 8 * 120);
            }
            std::printf("t=%.1f loss %.4f (captions of other clips: %.4f)\n", tv, loss[0], loss[1]);
        }
        return 0;
    }
    if (!prompt.empty()) {
        std::string words;  // the vocabulary entries the text encoder sees, <unk> marked
        for (const auto& w : model->vocab->entries(prompt))
            words += (words.empty() ? "" : " ") +
                     (model->vocab->id(w) == TinyVocab::kUnk ? "<unk:" + w + ">" : w);
        std::printf("words: %s\n", words.c_str());
        if (unknown_only) return 0;
        for (int seed = 0; seed < seeds; ++seed) {
            auto r = generate_and_judge(*model, *text, prompt, parts, seed, 4.0, steps, cfg, !raw);
            if (!r) return 1;
            std::string judged;
            for (Action a : r->judged)
                judged += std::string(judged.empty() ? "" : " + ") + action_name(a);
            const auto& pt = model->checkpoint.pipeline;
            const at::Tensor z = (r->frames - pt.mean) / pt.std.clamp_min(1e-3);
            std::printf(
                "seed %d: %s -> %s (%.2f s)\n%s\nnormalised latent: mean %.3f std %.3f absmax "
                "%.3f\n",
                seed, prompt.c_str(), judged.c_str(), r->sample_s, r->features.c_str(),
                z.mean().item<double>(), z.std().item<double>(), z.abs().max().item<double>());
        }
        return 0;
    }
    std::ostringstream md;
    std::map<std::pair<std::string, std::string>, int> confusion;
    int single_ok = 0, single_n = 0, seq_ok = 0, seq_n = 0;
    std::vector<double> times;
    md << "| prompt | intended | judged (seed 0.." << seeds - 1 << ") |\n|---|---|---|\n";
    for (const auto& p :
         (set == 0 ? validation_eval_prompts() : heldout_eval_prompts(heldout_caption_set(set)))) {
        const int parts = static_cast<int>(p.spec.segments.size());
        std::string intended, judged_all;
        for (int k = 0; k < parts; ++k)
            intended += std::string(k ? " + " : "") +
                        action_name(p.spec.segments[static_cast<size_t>(k)].action);
        for (int s = 0; s < seeds; ++s) {
            auto r = generate_and_judge(*model, *text, p.prompt, parts, s, 4.0, steps, cfg, !raw);
            if (!r) {
                std::fprintf(stderr, "error: %s\n", r.error().describe().c_str());
                return 1;
            }
            times.push_back(r->sample_s);
            bool ok = true;
            std::string judged;
            for (int k = 0; k < parts; ++k) {
                const Action want = p.spec.segments[static_cast<size_t>(k)].action;
                ok = ok && r->judged[static_cast<size_t>(k)] == want;
                judged +=
                    std::string(k ? " + " : "") + action_name(r->judged[static_cast<size_t>(k)]);
                ++confusion[{action_name(want), action_name(r->judged[static_cast<size_t>(k)])}];
            }
            (parts == 1 ? single_ok : seq_ok) += ok;
            (parts == 1 ? single_n : seq_n) += 1;
            judged_all += std::string(s ? ", " : "") + judged + (ok ? "" : " ✗");
            std::printf("%-70s -> %-30s %s (%.2f s)\n", p.prompt.c_str(), judged.c_str(),
                        ok ? "ok" : "WRONG", r->sample_s);
            std::fflush(stdout);
        }
        md << "| " << p.prompt << " | " << intended << " | " << judged_all << " |\n";
    }
    for (const char* oos : {"a dog runs", "a person plays the piano", "the robot dances salsa"}) {
        auto r = generate_and_judge(*model, *text, oos, 1, 0, 4.0, steps, cfg, !raw);
        if (r) {
            std::printf("out of scope: %-40s -> %s\n", oos, action_name(r->judged[0]));
            md << "| (out of scope) " << oos << " | - | " << action_name(r->judged[0]) << " |\n";
        }
    }
    std::sort(times.begin(), times.end());
    const double median = times.empty() ? 0 : times[times.size() / 2];
    const double worst = times.empty() ? 0 : times.back();
    std::ostringstream head;
    head.precision(3);
    head << (set == 0 ? "validation set (training thesaurus)"
                      : "held-out set " + std::to_string(set))
         << ": single actions: " << single_ok << "/" << single_n << " ("
         << 100.0 * single_ok / std::max(1, single_n)
         << " %), sequences (both parts right): " << seq_ok << "/" << seq_n << ", overall "
         << 100.0 * (single_ok + seq_ok) / std::max(1, single_n + seq_n) << " %\n"
         << "generation (4 s clip, " << steps << " Euler steps, CFG " << cfg
         << ", text encoding included, " << threads << " thread): median " << median << " s, max "
         << worst << " s\n";
    std::printf("%s", head.str().c_str());
    md << "\n### Confusion (intended -> judged, parts of sequences counted separately)\n\n| "
          "intended | judged | count |\n|---|---|---|\n";
    for (const auto& [k, v] : confusion)
        md << "| " << k.first << " | " << k.second << (k.first == k.second ? "" : " ✗") << " | "
           << v << " |\n";
    if (!md_path.empty()) {
        std::ofstream out(md_path);
        out << head.str() << "\n" << md.str();
    }
    return 0;
}
