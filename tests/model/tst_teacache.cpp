// TeaCache, the staged forward, the solvers' evaluation budget and per-channel guidance on the
// official fixture model: exactness of the paths that must be exact, and the skip rule's contract.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/io/state_dict_loader.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/sampling/hymotion_sampler.h"
#include "core/sampling/teacache.h"

using namespace kinema;

namespace {

const std::string kDir = KINEMA_TEST_FIXTURES "/hymotion/";

double max_abs(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestTeaCache : public QObject {
    Q_OBJECT

    std::map<std::string, at::Tensor> dit_, pipe_;
    HyMotionCheckpoint model_;

    SampleRequest base_request() const {
        SampleRequest r;
        r.seeds = {0, 7};
        r.duration_s = 2.0;
        r.steps = 12;
        r.cfg_scale = 5.0;
        return r;
    }
    Result<SampleResult> sample(const SampleRequest& r) const {
        HyMotionSampler sampler(*model_.dit, model_.pipeline, model_.config.pipeline);
        return sampler.sample(
            TextFeatures{pipe_.at("in.text_vec_raw"), pipe_.at("in.text_ctxt_raw"),
                         pipe_.at("in.text_ctxt_raw_length")},
            r);
    }

private Q_SLOTS:
    void initTestCase() {
        auto dit = load_state_dict(kDir + "dit_a.safetensors");
        auto pipe = load_state_dict(kDir + "pipeline_a.safetensors");
        QVERIFY(dit.ok() && pipe.ok());
        dit_ = *dit;
        pipe_ = *pipe;
        CheckpointLoadOptions opts;
        opts.require_pipeline = false;
        auto m = load_hymotion_checkpoint(kDir + "dit_a.safetensors", kDir + "dit_a.json", opts);
        QVERIFY(m.ok());
        model_ = std::move(*m);
        auto pipeline = PipelineTensors::from_state_dict(pipe_, model_.config.network);
        QVERIFY(pipeline.ok());
        model_.pipeline = *pipeline;
    }

    void stagedForwardIsBitExact() {
        c10::InferenceMode guard;
        MmditCondition c{dit_.at("in.ctxt_input"), dit_.at("in.vtxt_input"),
                         dit_.at("in.x_mask_temporal"), dit_.at("in.ctxt_mask_temporal"), -1};
        auto p = model_.dit->prepare(c);
        QVERIFY(p.ok());
        const auto& x = dit_.at("in.x");
        const auto& t = dit_.at("in.timesteps");
        auto whole = model_.dit->forward(x, t, *p);
        QVERIFY(whole.ok());
        const DitEntry e = model_.dit->entry(x, t, *p);
        const at::Tensor staged = model_.dit->exit(model_.dit->run_blocks(e, *p), e);
        QCOMPARE(max_abs(*whole, staged), 0.0);
        QVERIFY(max_abs(staged, dit_.at("out.velocity")) <= 3e-5);
    }

    // Threshold 0 with the trace recorded runs every evaluation through the staged path: the
    // result must equal the plain path bit for bit (Quality Mode's guarantee).
    void disabledTeaCacheIsTheExactPath() {
        auto exact = sample(base_request());
        auto r = base_request();
        r.record_teacache_trace = true;
        auto traced = sample(r);
        QVERIFY(exact.ok() && traced.ok());
        QCOMPARE(max_abs(exact->latent, traced->latent), 0.0);
        QCOMPARE(traced->dit_evaluations, int64_t(12));
        QCOMPARE(traced->teacache_skipped, int64_t(0));
        QCOMPARE(traced->teacache_trace.size(), size_t(11));
        for (const auto& p : traced->teacache_trace)
            QVERIFY(p.input_change > 0 && p.output_change > 0);
    }

    void skipsReduceEvaluationsAndKeepEdges() {
        auto exact = sample(base_request());
        QVERIFY(exact.ok());
        int64_t previous = 13;
        for (double threshold : {0.05, 0.2, 0.6, 100.0}) {
            auto r = base_request();
            r.teacache_threshold = threshold;
            r.record_teacache_trace = true;
            auto cached = sample(r);
            QVERIFY(cached.ok());
            QCOMPARE(cached->dit_evaluations + cached->teacache_skipped, int64_t(12));
            QVERIFY(cached->dit_evaluations <= previous);
            previous = cached->dit_evaluations;
            QVERIFY(cached->teacache_trace.back().computed);  // the last evaluation always runs
            const double dev = max_abs(cached->latent, exact->latent);
            qInfo("threshold %.2f: %lld evaluations, max latent deviation %.3g", threshold,
                  static_cast<long long>(cached->dit_evaluations), dev);
            QVERIFY(std::isfinite(dev));
        }
        QCOMPARE(previous, int64_t(2));  // a huge threshold leaves only the first and last
    }

    void fitRecoversAPolynomial() {
        const std::vector<double> truth = {3.0, -2.0, 0.5, 1.5, 0.01};
        std::vector<TeaCacheTracePoint> points;
        for (int i = 0; i < 40; ++i) {
            const double x = 0.01 + 0.02 * i;
            points.push_back({x, eval_polynomial(truth, x), true});
        }
        points.push_back({5.0, 0.0, false});  // skipped points are ignored
        auto fit = fit_teacache_coefficients(points);
        QVERIFY(fit.ok());
        for (int i = 0; i < 5; ++i)
            QVERIFY2(std::abs((*fit)[i] - truth[i]) < 1e-4, qPrintable(QString::number((*fit)[i])));
        QVERIFY(!fit_teacache_coefficients({}).ok());
    }

    void solversSpendTheSameEvaluationBudget_data() {
        QTest::addColumn<QString>("solver");
        QTest::addColumn<int>("steps");
        QTest::newRow("euler") << "euler" << 12;
        QTest::newRow("midpoint") << "midpoint" << 6;
        QTest::newRow("heun") << "heun" << 6;
        QTest::newRow("rk4") << "rk4" << 3;
    }
    void solversSpendTheSameEvaluationBudget() {
        QFETCH(QString, solver);
        QFETCH(int, steps);
        auto r = base_request();
        auto s = parse_solver(solver.toStdString());
        QVERIFY(s.ok());
        r.solver = *s;
        auto result = sample(r);
        QVERIFY(result.ok());
        QCOMPARE(result->dit_evaluations, int64_t(12));
        QCOMPARE(result->solver_steps, int64_t(steps));
    }

    // Guidance per channel: one Euler step over [0, 1] from x = 0 gives x = v = u + s (c - u);
    // with u = 0 and c = 1 every channel shows its scale.
    void translationGuidanceScalesOnlyTheRootTranslation() {
        const VelocityFn halves = [](const at::Tensor& x, float) -> Result<at::Tensor> {
            const int64_t n = x.size(0) / 2;
            return at::cat({at::zeros_like(x.slice(0, 0, n)), at::ones_like(x.slice(0, n))}, 0);
        };
        SamplerOptions o;
        o.steps = 1;
        o.cfg_scale = 5.0;
        o.translation_cfg_scale = 2.0;
        auto x = sample_flow(halves, at::zeros({2, 4, 201}), o);
        QVERIFY(x.ok());
        QVERIFY(x->slice(2, 0, 3).eq(2.0).all().item<bool>());
        QVERIFY(x->slice(2, 3).eq(5.0).all().item<bool>());
        o.translation_cfg_scale = 0.0;
        x = sample_flow(halves, at::zeros({2, 4, 201}), o);
        QVERIFY(x.ok() && x->eq(5.0).all().item<bool>());
    }
    // The model's config caps it: a cap at or above the request's scale is the exact path bit
    // for bit; a lower cap changes the sample.
    void translationGuidanceCapComesFromTheConfig() {
        const auto r = base_request();
        auto exact = sample(r);
        QVERIFY(exact.ok());
        model_.config.pipeline.translation_guidance_cap = r.cfg_scale;
        auto same = sample(r);
        model_.config.pipeline.translation_guidance_cap = 2.0;
        auto capped = sample(r);
        model_.config.pipeline.translation_guidance_cap = 0.0;
        QVERIFY(same.ok() && capped.ok());
        QCOMPARE(max_abs(same->latent, exact->latent), 0.0);
        QVERIFY(max_abs(capped->latent.slice(2, 0, 3), exact->latent.slice(2, 0, 3)) > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestTeaCache)
#include "tst_teacache.moc"
