// kinema-train-tiny: trains the embedded kinema-tiny model and writes its folder.
//   kinema-train-tiny --out resources/models/kinema-tiny --steps 1200 --seed 1
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/train/tiny_trainer.h"
#include "core/host_allocator_tuning.h"

int main(int argc, char** argv) {
    kinema::tune_host_allocator();
    kinema::train::TrainOptions o;
    std::string out, repack;
    CLI::App app{"kinema-train-tiny: train the embedded kinema-tiny text-to-motion model"};
    app.add_option("--out", out, "output model folder");
    app.add_option("--repack-f16", repack, "only rewrite this model.safetensors with F16 weights");
    app.add_option("--steps", o.steps, "optimizer steps");
    app.add_option("--seed", o.seed, "random seed (data, init, noise)");
    app.add_option("--batch", o.batch, "clips per step");
    app.add_option("--lr", o.lr, "peak learning rate");
    app.add_option("--action-loss-weight", o.action_loss_weight,
                   "weight of the text encoder's auxiliary action classification loss");
    app.add_option("--token-action-loss-weight", o.token_action_loss_weight,
                   "weight of the per-token action classification loss on ctxt (0: off)")
        ->check(CLI::Range(0.0, 10.0));
    app.add_option("--root-loss-weight", o.root_loss_weight,
                   "loss weight of the 9 root dims (translation, root rotation); 1 = plain MSE")
        ->check(CLI::Range(0.1, 50.0));
    app.add_option("--unknown-glue-prob", o.unknown_glue_prob,
                   "probability that a caption's subject / connective becomes unknown words")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--phrase-mix-prob", o.phrase_mix_prob,
                   "probability that a training phrase is recombined from two of its action's")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--plain-phrase-prob", o.plain_phrase_prob,
                   "probability that a training phrase is its action's plainest (fewest words)")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--translation-guidance-cap", o.translation_guidance_cap,
                   "guidance cap of the root translation, written to config.json (0: none)")
        ->check(CLI::Range(0.0, 15.0));
    app.add_option("--recommended-cfg", o.recommended_cfg_scale,
                   "the model's default guidance scale, written to kinema-model.json")
        ->check(CLI::Range(1.0, 15.0));
    app.add_option("--sequence-prob", o.sequence_prob,
                   "share of training clips that are two-part sequences")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--threads", o.threads, "intra-op threads");
    app.add_option("--time-limit-min", o.time_limit_min,
                   "stop and save after this many minutes (0: none)");
    app.add_option("--log-every", o.log_every, "loss log interval (steps)");
    app.add_option("--feat-dim", o.feat_dim, "DiT width");
    app.add_option("--layers", o.num_layers, "DiT layers (multiple of 3)");
    app.add_option("--heads", o.num_heads, "DiT heads");
    CLI11_PARSE(app, argc, argv);
    if (!repack.empty()) {
        auto s = kinema::train::repack_weights_f16(repack);
        if (!s) std::fprintf(stderr, "error: %s\n", s.error().describe().c_str());
        return s ? 0 : 1;
    }
    if (out.empty()) {
        std::fprintf(stderr, "error: --out is required\n");
        return 2;
    }
    o.out = out;
    auto r = kinema::train::train_kinema_tiny(o);
    if (!r) {
        std::fprintf(stderr, "error: %s\n", r.error().describe().c_str());
        return 1;
    }
    std::printf("done: %lld steps in %.1f s, final loss %.4f -> %s\n",
                static_cast<long long>(r->steps_done), r->wall_s, r->final_loss, out.c_str());
    return 0;
}
