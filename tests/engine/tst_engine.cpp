// The whole pipeline through core/engine.h: the official fixture model as a model folder
// (golden), and the built-in debug-random model for the callback / cancel / error contract.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "core/engine.h"
#include "core/io/safetensors_writer.h"
#include "core/io/state_dict_loader.h"
#include "tests/text/tiny_text_models.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

const std::string kFix = KINEMA_TEST_FIXTURES "/hymotion/";

double max_abs(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

#define REQUIRE_OK(r) QVERIFY2((r).ok(), (r).ok() ? "" : (r).error().describe().c_str())

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::unique_ptr<Engine> engine_;
    std::map<std::string, at::Tensor> pipe_;

    // A HY-Motion-style folder: config.yml (the fixture sidecar; JSON is YAML) + model.safetensors
    // holding the DiT weights and the six pipeline tensors.
    void make_fixture_model_folder(const fs::path& dir) {
        fs::create_directories(dir);
        fs::copy_file(kFix + "dit_a.json", dir / "config.yml");
        auto dit = load_state_dict(kFix + "dit_a.safetensors", "motion_transformer.");
        REQUIRE_OK(dit);
        std::vector<std::pair<std::string, at::Tensor>> tensors(dit->begin(), dit->end());
        for (const char* k : {"null_vtxt_feat", "null_ctxt_input", "special_game_vtxt_feat",
                              "special_game_ctxt_feat", "mean", "std"})
            tensors.emplace_back(k, pipe_.at(k));
        auto written = write_safetensors(dir / "model.safetensors", tensors, {});
        REQUIRE_OK(written);
    }

    GenerationRequest debug_request() {
        GenerationRequest r;
        r.model_id = "debug-random";
        r.prompt = "a person walks forward";
        r.duration_s = 1.0;
        r.steps = 6;
        r.seeds = {3, 4};
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        auto pipe = load_state_dict(kFix + "pipeline_a.safetensors");
        REQUIRE_OK(pipe);
        pipe_ = *pipe;
        make_fixture_model_folder(fs::path(tmp_.path().toStdString()) / "models" / "fixture-a");
        EngineOptions o;
        o.extra_model_dirs = {fs::path(tmp_.path().toStdString()) / "models"};
        auto e = Engine::create(o);
        REQUIRE_OK(e);
        engine_ = std::move(*e);
    }

    void listsBuiltinAndFolderModels() {
        bool debug = false, fixture = false;
        for (const auto& m : engine_->models()) {
            debug |= m.id == "debug-random" && m.available;
            fixture |= m.id == "hymotion:fixture-a" && m.available && m.weight_bytes > 0;
        }
        QVERIFY(debug);
        QVERIFY(fixture);
    }

    // The official pipeline_a / pipeline_a_body numbers through the public entry point.
    void fixtureModelMatchesOfficialPipeline_data() {
        QTest::addColumn<bool>("body");
        QTest::newRow("skeleton, not grounded") << false;
        QTest::newRow("wooden body, grounded") << true;
    }
    void fixtureModelMatchesOfficialPipeline() {
        QFETCH(bool, body);
        EngineOptions o;
        o.extra_model_dirs = {fs::path(tmp_.path().toStdString()) / "models"};
        if (body) o.body_assets_dir = KINEMA_TEST_FIXTURES "/motion/wooden";
        auto engine = Engine::create(o);
        REQUIRE_OK(engine);
        GenerationRequest r;
        r.model_id = "hymotion:fixture-a";
        r.prompt = "(precomputed)";
        r.duration_s = 2.0;
        r.steps = 6;
        r.seeds = {0, 7};
        r.post.ground = body;
        r.text_features = std::make_shared<TextFeatures>(
            TextFeatures{pipe_.at("in.text_vec_raw"), pipe_.at("in.text_ctxt_raw"),
                         pipe_.at("in.text_ctxt_raw_length")});
        auto result = (*engine)->generate(r);
        REQUIRE_OK(result);
        QCOMPARE(result->clips.size(), size_t(2));
        QCOMPARE(result->timings.dit_evaluations, int64_t(6));
        const auto ref = load_state_dict(
            kFix + (body ? "pipeline_a_body.safetensors" : "pipeline_a.safetensors"));
        REQUIRE_OK(ref);
        for (int64_t s = 0; s < 2; ++s) {
            const auto& c = result->clips[s];
            QCOMPARE(c.frames(), int64_t(60));
            QVERIFY(max_abs(c.rot6d, ref->at("rot6d")[s]) <= 2e-6);
            QVERIFY(max_abs(c.rotations.select(1, 0), ref->at("root_rotations_mat")[s]) <= 2e-6);
            QVERIFY(max_abs(c.transl, ref->at("transl")[s]) <= (body ? 5e-6 : 4e-6));
            if (body) {
                // World joints = keypoints3d + (0, min_y, 0) + grounded transl (fixture README).
                at::Tensor world = ref->at("keypoints3d")[s] + ref->at("transl")[s].unsqueeze(1);
                world.select(-1, 1).add_(ref->at("min_y")[s]);
                QVERIFY(max_abs(c.joints, world) <= 1e-5);
            }
        }
    }

    // Prompt -> tiny random Qwen3 + CLIP folders (discovered next to the model) -> DiT -> clips;
    // the second run of the same prompt is served by the embedding cache without the encoders.
    void hymotionFolderEncodesPromptsThroughTheCache() {
        const fs::path root = fs::path(tmp_.path().toStdString()) / "with-text";
        const fs::path fixtures = fs::path(KINEMA_TEST_FIXTURES) / "text";
        make_fixture_model_folder(root / "fixture-b");
        auto qc = test::tiny_qwen3_config(151936);
        qc.hidden_size = 64;  // the fixture DiT's ctxt_input_dim
        QVERIFY(test::write_model_folder(root / "qwen", qc.to_json(),
                                         test::random_qwen3_weights(qc, 1, at::kBFloat16), 2,
                                         fixtures / "qwen"));
        const auto cc = test::tiny_clip_config();  // hidden 32 = vtxt_input_dim
        QVERIFY(test::write_model_folder(root / "clip", cc.to_json(),
                                         test::random_clip_weights(cc, 2), 1, fixtures / "clip"));
        EngineOptions o;
        o.extra_model_dirs = {root};
        o.cache_dir = root / "cache";
        auto engine = Engine::create(o);
        REQUIRE_OK(engine);
        bool found = false;
        for (const auto& m : (*engine)->models())
            if (m.id == "hymotion:fixture-b")
                found = m.qwen_dir == root / "qwen" && m.clip_dir == root / "clip";
        QVERIFY(found);
        GenerationRequest r;
        r.model_id = "hymotion:fixture-b";
        r.prompt = "a person waves with the right hand";
        r.duration_s = 1.0;
        r.steps = 4;
        std::vector<std::string> logs;
        r.callbacks.log = [&](LogLevel, const std::string& line) { logs.push_back(line); };
        auto first = (*engine)->generate(r);
        REQUIRE_OK(first);
        QVERIFY(!logs.empty());  // encoder progress reached the request's log callback
        // Break the encoder weights (same sizes, so the same cache key): only the cache can answer.
        for (const auto& f : fs::directory_iterator(root / "qwen"))
            if (f.path().extension() == ".safetensors") {
                const auto size = fs::file_size(f.path());
                std::ofstream(f.path(), std::ios::binary | std::ios::trunc)
                    << std::string(size, 'x');
            }
        (*engine)->unload_all();
        auto second = (*engine)->generate(r);
        REQUIRE_OK(second);
        QCOMPARE(max_abs(first->clips[0].joints, second->clips[0].joints), 0.0);
        r.prompt = "a new prompt the cache has never seen";
        auto third = (*engine)->generate(r);
        QVERIFY(!third.ok());
        QCOMPARE(third.error().kind, ErrorKind::BadModelFile);
    }

    void callbacksFollowTheContract() {
        auto r = debug_request();
        std::vector<Phase> phases;
        std::vector<int64_t> steps, previews;
        r.callbacks.phase = [&](Phase p) { phases.push_back(p); };
        r.callbacks.progress = [&](int64_t step, int64_t total) {
            QCOMPARE(total, int64_t(6));
            steps.push_back(step);
        };
        r.callbacks.preview = [&](int64_t step, ClipSet clips) {
            previews.push_back(step);
            QCOMPARE(clips->size(), size_t(2));
            QCOMPARE(clips->front().joints.size(1), int64_t(52));
        };
        std::vector<MemorySample> memory;
        r.callbacks.memory = [&](const MemorySample& m) { memory.push_back(m); };
        auto result = engine_->generate(r);
        REQUIRE_OK(result);
        QCOMPARE(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
        // One sample per phase and per step, plus the final one; host RSS measured, peaks
        // monotonic.
        QCOMPARE(memory.size(), size_t(4 + 6 + 1));
        for (std::size_t i = 0; i < memory.size(); ++i) {
            QVERIFY(memory[i].host_rss_bytes > 0);
            QVERIFY(!memory[i].has_device);
            if (i) QVERIFY(memory[i].peak_host_rss_bytes >= memory[i - 1].peak_host_rss_bytes);
        }
        QCOMPARE(previews, steps);
        QCOMPARE(phases, (std::vector<Phase>{Phase::Loading, Phase::EncodingText, Phase::Sampling,
                                             Phase::Decoding}));
        QCOMPARE(result->clips.size(), size_t(2));
        QCOMPARE(result->clips[0].seed, int64_t(3));
        QCOMPARE(result->clips[0].frames(), int64_t(30));
        QVERIFY(at::isfinite(result->clips[0].joints).all().item<bool>());
        // Grounded: the lowest joint of the clip sits just above y = 0.
        const double min_y = result->clips[0].joints.select(-1, 1).min().item<double>();
        QVERIFY(min_y >= 0.0 && min_y < 0.1);
        QVERIFY(!result->request.callbacks.progress);
    }

    void sameSeedSameMotion() {
        auto a = engine_->generate(debug_request());
        auto b = engine_->generate(debug_request());
        REQUIRE_OK(a);
        REQUIRE_OK(b);
        QCOMPARE(max_abs(a->clips[1].joints, b->clips[1].joints), 0.0);
        QVERIFY(max_abs(a->clips[0].joints, a->clips[1].joints) > 1e-3);
    }

    void cancelStopsWithinOneStep() {
        auto r = debug_request();
        r.cancel = std::make_shared<std::atomic<bool>>(false);
        int64_t last = 0;
        bool preview_after_cancel = false;
        r.callbacks.progress = [&](int64_t step, int64_t) {
            last = step;
            if (step == 2) r.cancel->store(true);
        };
        r.callbacks.preview = [&](int64_t step, ClipSet) { preview_after_cancel |= step > 2; };
        auto result = engine_->generate(r);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, ErrorKind::Cancelled);
        QCOMPARE(last, int64_t(2));
        QVERIFY(!preview_after_cancel);
    }

    void invalidRequestListsEveryProblem() {
        auto r = debug_request();
        r.duration_s = 40;
        r.steps = 0;
        r.seeds.clear();
        auto result = engine_->generate(r);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, ErrorKind::InvalidRequest);
        for (const char* what : {"duration_s", "steps", "seeds"})
            QVERIFY2(result.error().message.find(what) != std::string::npos,
                     result.error().message.c_str());
    }

    void unknownModelAndMissingEncoderAreTyped() {
        auto r = debug_request();
        r.model_id = "no-such-model";
        auto a = engine_->generate(r);
        QVERIFY(!a.ok());
        QCOMPARE(a.error().kind, ErrorKind::InvalidRequest);
        r.model_id = "debug-random";
        r.precision = PrecisionProfile::Fp16;  // no fp16 matmul on the CPU: a typed refusal
        auto fp16 = engine_->generate(r);
        QVERIFY(!fp16.ok());
        QCOMPARE(fp16.error().kind, ErrorKind::Unsupported);
        r.precision = PrecisionProfile::Auto;
        r.model_id = "hymotion:fixture-a";  // no text encoder configured, no features given
        auto b = engine_->generate(r);
        QVERIFY(!b.ok());
        QVERIFY2(b.error().message.find("text") != std::string::npos, b.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
