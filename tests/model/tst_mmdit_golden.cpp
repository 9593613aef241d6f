// Golden tests of the MMDiT and the sampler against the official PyTorch outputs
// (tests/fixtures/hymotion, see its README for tolerances).
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/io/state_dict_loader.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/sampling/hymotion_sampler.h"
#include "core/sampling/seeded_noise.h"

using namespace kinema;

namespace {

const std::string kDir = KINEMA_TEST_FIXTURES "/hymotion/";

double max_abs(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestMmditGolden : public QObject {
    Q_OBJECT

    std::map<std::string, at::Tensor> dit_;
    std::map<std::string, at::Tensor> pipe_;
    HyMotionCheckpoint model_;

private Q_SLOTS:
    void initTestCase() {
        auto dit = load_state_dict(kDir + "dit_a.safetensors");
        QVERIFY2(dit.ok(), dit.ok() ? "" : dit.error().describe().c_str());
        dit_ = *dit;
        auto pipe = load_state_dict(kDir + "pipeline_a.safetensors");
        QVERIFY2(pipe.ok(), pipe.ok() ? "" : pipe.error().describe().c_str());
        pipe_ = *pipe;
        // The DiT weights live in dit_a; the pipeline tensors in pipeline_a.
        CheckpointLoadOptions opts;
        opts.require_pipeline = false;
        auto m = load_hymotion_checkpoint(kDir + "dit_a.safetensors", kDir + "dit_a.json", opts);
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().describe().c_str());
        model_ = std::move(*m);
        auto pipeline = PipelineTensors::from_state_dict(pipe_, model_.config.network);
        QVERIFY2(pipeline.ok(), pipeline.ok() ? "" : pipeline.error().describe().c_str());
        model_.pipeline = *pipeline;
        model_.has_pipeline = true;
        QCOMPARE(model_.dit->registry().entries().size(), size_t(142));
        QCOMPARE(model_.dit->registry().num_parameters(), int64_t(2869577));
    }

    void forwardUntrimmed() {
        c10::InferenceMode guard;
        MmditCondition c;
        c.ctxt_input = dit_.at("in.ctxt_input");
        c.vtxt_input = dit_.at("in.vtxt_input");
        c.motion_valid = dit_.at("in.x_mask_temporal");
        c.text_valid = dit_.at("in.ctxt_mask_temporal");
        auto p = model_.dit->prepare(c);
        QVERIFY(p.ok());
        auto v = model_.dit->forward(dit_.at("in.x"), dit_.at("in.timesteps"), *p);
        QVERIFY2(v.ok(), v.ok() ? "" : v.error().describe().c_str());
        const double err = max_abs(*v, dit_.at("out.velocity"));
        qInfo("dit_a out.velocity max abs error %.3g (tolerance 3e-5)", err);
        QVERIFY(err <= 3e-5);
    }

    void forwardTrimmedKeepsRopePositions() {
        c10::InferenceMode guard;
        MmditCondition c;
        c.ctxt_input = dit_.at("in.ctxt_input").slice(0, 1, 2).slice(1, 0, 11);
        c.vtxt_input = dit_.at("in.vtxt_input").slice(0, 1, 2);
        c.motion_valid = at::ones({1, 97}, at::kBool);
        c.text_valid = at::ones({1, 11}, at::kBool);
        const at::Tensor x = dit_.at("in.x").slice(0, 1, 2).slice(1, 0, 97);
        const at::Tensor t = dit_.at("in.timesteps").slice(0, 1, 2);

        c.text_position_offset = 360;
        auto p = model_.dit->prepare(c);
        QVERIFY(p.ok());
        auto v = model_.dit->forward(x, t, *p);
        QVERIFY(v.ok());
        const double err_fix = max_abs(*v, dit_.at("trim.sample1.velocity_ropefix"));
        const double err_full = max_abs(*v, dit_.at("out.velocity").slice(0, 1, 2).slice(1, 0, 97));
        qInfo("trimmed (text at 360+i): %.3g vs ropefix, %.3g vs untrimmed", err_fix, err_full);
        QVERIFY(err_fix <= 3e-5);
        QVERIFY(err_full <= 3e-5);

        // Naive trimming (text at 97+i) reproduces the official naive run - and is NOT exact.
        c.text_position_offset = -1;
        auto pn = model_.dit->prepare(c);
        QVERIFY(pn.ok());
        auto vn = model_.dit->forward(x, t, *pn);
        QVERIFY(vn.ok());
        QVERIFY(max_abs(*vn, dit_.at("trim.sample1.velocity_naive")) <= 3e-5);
        QVERIFY(max_abs(*vn, dit_.at("out.velocity").slice(0, 1, 2).slice(1, 0, 97)) > 1e-4);
    }

    void trimmedBatchWithDifferentLengths() {
        // Two rows trimmed to the longest (97 frames, 11 tokens) with their own masks must equal
        // each row run alone at full length.
        c10::InferenceMode guard;
        const at::Tensor x1 = dit_.at("in.x").slice(0, 1, 2);
        const at::Tensor ctxt1 = dit_.at("in.ctxt_input").slice(0, 1, 2);
        const at::Tensor vtxt1 = dit_.at("in.vtxt_input").slice(0, 1, 2);
        const at::Tensor t1 = dit_.at("in.timesteps").slice(0, 1, 2);
        const int64_t lens[2] = {97, 50};
        const int64_t tlens[2] = {11, 7};
        MmditCondition c;
        c.ctxt_input = at::cat({ctxt1, ctxt1}).slice(1, 0, 11);
        c.vtxt_input = at::cat({vtxt1, vtxt1});
        c.motion_valid = at::stack({at::arange(97) < lens[0], at::arange(97) < lens[1]});
        c.text_valid = at::stack({at::arange(11) < tlens[0], at::arange(11) < tlens[1]});
        c.text_position_offset = 360;
        auto p = model_.dit->prepare(c);
        QVERIFY(p.ok());
        auto v = model_.dit->forward(at::cat({x1, x1}).slice(1, 0, 97), at::cat({t1, t1}), *p);
        QVERIFY(v.ok());
        for (int row = 0; row < 2; ++row) {
            MmditCondition full;
            full.ctxt_input = ctxt1;
            full.vtxt_input = vtxt1;
            full.motion_valid = (at::arange(360) < lens[row]).unsqueeze(0);
            full.text_valid = (at::arange(24) < tlens[row]).unsqueeze(0);
            auto pf = model_.dit->prepare(full);
            QVERIFY(pf.ok());
            auto vf = model_.dit->forward(x1, t1, *pf);
            QVERIFY(vf.ok());
            const double err = max_abs(v->slice(0, row, row + 1).slice(1, 0, lens[row]),
                                       vf->slice(1, 0, lens[row]));
            qInfo("mixed-length trimmed batch row %d: %.3g", row, err);
            QVERIFY(err <= 3e-5);
        }
    }

    void noiseIsExact() {
        const at::Tensor seeds = pipe_.at("in.seeds");
        const at::Tensor noise =
            seeded_noise({seeds[0].item<int64_t>(), seeds[1].item<int64_t>()}, 360, 201);
        QCOMPARE(max_abs(noise, pipe_.at("noise")), 0.0);
    }

    void pipelineMatchesOfficial_data() {
        QTest::addColumn<bool>("trim");
        QTest::newRow("untrimmed") << false;
        QTest::newRow("trimmed") << true;
    }

    void pipelineMatchesOfficial() {
        QFETCH(bool, trim);
        HyMotionSampler sampler(*model_.dit, model_.pipeline, model_.config.pipeline);
        TextFeatures text{pipe_.at("in.text_vec_raw"), pipe_.at("in.text_ctxt_raw"),
                          pipe_.at("in.text_ctxt_raw_length")};
        SampleRequest req;
        req.seeds = {0, 7};
        req.duration_s = 2.0;
        req.steps = 6;
        req.cfg_scale = 5.0;
        req.trim = trim;
        req.keep_trajectory = true;
        auto r = sampler.sample(text, req);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        QCOMPARE(r->frames, int64_t(60));
        QCOMPARE(r->dit_evaluations, int64_t(6));
        QCOMPARE(max_abs(r->noise, pipe_.at("noise")), 0.0);
        const double e_traj = max_abs(r->trajectory, pipe_.at("traj.x_after_step"));
        const double e_lat = max_abs(r->latent, pipe_.at("latent"));
        const double e_den = max_abs(r->latent_denorm, pipe_.at("latent_denorm"));
        qInfo("pipeline_a (%s): traj %.3g, latent %.3g, latent_denorm %.3g",
              trim ? "trimmed" : "untrimmed", e_traj, e_lat, e_den);
        QVERIFY(e_traj <= 3e-5);
        QVERIFY(e_lat <= 3e-5);
        QVERIFY(e_den <= 7e-6);
    }

    void wrongConfigListsEveryMismatch() {
        MmditConfig c = model_.config.network;
        c.feat_dim = 256;
        c.num_heads = 4;
        auto dit = HyMotionMmdit::create(c);
        QVERIFY(dit.ok());
        const Status s = (*dit)->load_weights(dit_, "motion_transformer.", BindOptions{});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::ShapeMismatch);
        QVERIFY(QString::fromStdString(s.error().message).contains("142 mis-shaped") ||
                QString::fromStdString(s.error().message).contains("mis-shaped"));
        QVERIFY(QString::fromStdString(s.error().message)
                    .contains("input_encoder.weight: got [128, 201], expected [256, 201]"));
    }

    void missingKeysAreListed() {
        auto dit = HyMotionMmdit::create(model_.config.network);
        QVERIFY(dit.ok());
        auto partial = dit_;
        partial.erase("motion_transformer.final_layer.linear.weight");
        partial.erase("motion_transformer.double_blocks.1.text_qkv.bias");
        partial["motion_transformer.extra.weight"] = at::zeros({1});
        const Status s = (*dit)->load_weights(partial, "motion_transformer.", BindOptions{});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::BadModelFile);
        const QString msg = QString::fromStdString(s.error().message);
        QVERIFY(msg.contains("missing motion_transformer.final_layer.linear.weight"));
        QVERIFY(msg.contains("missing motion_transformer.double_blocks.1.text_qkv.bias"));
        QVERIFY(msg.contains("unexpected motion_transformer.extra.weight"));
    }

    void badInputShapesAreTyped() {
        MmditCondition c;
        c.ctxt_input = at::zeros({2, 24, 65});
        c.vtxt_input = at::zeros({2, 1, 31});
        c.motion_valid = at::ones({2, 360}, at::kBool);
        c.text_valid = at::ones({2, 23}, at::kBool);
        auto p = model_.dit->prepare(c);
        QVERIFY(!p.ok());
        QCOMPARE(p.error().kind, ErrorKind::ShapeMismatch);
        const QString msg = QString::fromStdString(p.error().message);
        QVERIFY(msg.contains("ctxt_input") && msg.contains("vtxt_input") &&
                msg.contains("text_valid"));
    }
};

QTEST_GUILESS_MAIN(TestMmditGolden)
#include "tst_mmdit_golden.moc"
