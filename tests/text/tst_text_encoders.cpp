// The Qwen3 and CLIP text encoders and HY-Motion's text conditioner on tiny random configs written
// by the test: RoPE tables against the formula, masks, GQA head mapping, shapes, padding
// invariance, determinism, crop and ctxt_length, cancellation, and typed errors for malformed
// configs, weights and tokenizers. (Model-level parity with transformers: tst_text_parity.)
#include <ATen/ATen.h>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>

#include "core/text/clip_text_encoder.h"
#include "core/text/hymotion_text_conditioner.h"
#include "core/text/qwen3_encoder.h"
#include "tests/text/tiny_text_models.h"

using namespace kinema;
using namespace kinema::test;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(KINEMA_TEST_FIXTURES) / "text";

at::Tensor ids_tensor(std::vector<int64_t> ids) {
    return at::tensor(ids, at::TensorOptions().dtype(at::kLong)).view({1, -1});
}

bool contains(const Error& e, const std::string& s) {
    return e.message.find(s) != std::string::npos;
}

}  // namespace

class TstTextEncoders : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path qwen_dir_, clip_dir_, qwen_small_dir_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const fs::path root = tmp_.path().toStdString();
        qwen_dir_ = root / "qwen";
        clip_dir_ = root / "clip";
        qwen_small_dir_ = root / "qwen_small";
        const auto qc = tiny_qwen3_config(151936);
        QVERIFY(write_model_folder(qwen_dir_, qc.to_json(),
                                   random_qwen3_weights(qc, 1, at::kBFloat16), 2,
                                   kFixtures / "qwen"));
        const auto cc = tiny_clip_config();
        QVERIFY(write_model_folder(clip_dir_, cc.to_json(), random_clip_weights(cc, 2), 1,
                                   kFixtures / "clip"));
        const auto sc = tiny_qwen3_config();
        QVERIFY(write_model_folder(qwen_small_dir_, sc.to_json(),
                                   random_qwen3_weights(sc, 3, at::kFloat)));
    }

    void ropeTablesMatchFormula() {
        const int64_t hd = 16, len = 40;
        const double theta = 1e6;
        const auto [cos, sin] = text::qwen3_rope_tables(hd, theta, len);
        QCOMPARE(cos.sizes().vec(), (std::vector<int64_t>{len, hd}));
        for (int64_t p = 0; p < len; ++p) {
            for (int64_t j = 0; j < hd; ++j) {
                const int64_t i = j % (hd / 2);  // half-split: column j and j + hd/2 share i
                const double angle = p / std::pow(theta, 2.0 * i / hd);
                QVERIFY(std::abs(cos[p][j].item<double>() - std::cos(angle)) < 2e-5);
                QVERIFY(std::abs(sin[p][j].item<double>() - std::sin(angle)) < 2e-5);
            }
        }
        // theta is used: position 1, pair 1 rotates by 1e6^(-1/8).
        QVERIFY(std::abs(sin[1][1].item<double>() - std::sin(std::pow(1e6, -2.0 / 16))) < 1e-6);
    }

    void ropeRotatesHalves() {
        const at::Tensor x = at::arange(1, 9, at::kFloat).view({1, 1, 1, 8});  // a=1..4, b=5..8
        const auto [cos, sin] = text::qwen3_rope_tables(8, 10000.0, 3);
        const at::Tensor c = cos.narrow(0, 2, 1), s = sin.narrow(0, 2, 1);  // position 2
        const at::Tensor y = text::qwen3_apply_rope(x, c, s).view({8});
        for (int i = 0; i < 4; ++i) {
            const double a = i + 1, b = i + 5, ci = c[0][i].item<double>(),
                         si = s[0][i].item<double>();
            QVERIFY(std::abs(y[i].item<double>() - (a * ci - b * si)) < 1e-5);
            QVERIFY(std::abs(y[i + 4].item<double>() - (b * ci + a * si)) < 1e-5);
        }
    }

    void attentionMaskIsCausalAndPadded() {
        const at::Tensor m = text::qwen3_attention_mask(ids_tensor({1, 1, 1, 0}));
        QCOMPARE(m.sizes().vec(), (std::vector<int64_t>{1, 1, 4, 4}));
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) {
                const bool allowed = j <= i && j < 3;
                QCOMPARE(m[0][0][i][j].item<float>() == 0.0f, allowed);
                if (!allowed) QVERIFY(std::isinf(m[0][0][i][j].item<float>()));
            }
    }

    void qwenShapesDeterminismAndPadding() {
        text::Qwen3LoadOptions o;
        o.precision = text::WeightPrecision::F32;
        int64_t progress_calls = 0;
        o.on_progress = [&](int64_t d, int64_t t) {
            QCOMPARE(t, int64_t{2});
            progress_calls = d;
        };
        auto enc = text::Qwen3Encoder::load(qwen_small_dir_, o);
        QVERIFY2(enc.ok(), enc.ok() ? "" : enc.error().describe().c_str());
        QCOMPARE(progress_calls, int64_t{2});
        const at::Tensor ids = ids_tensor({5, 17, 300, 2, 99});
        auto a = enc->forward(ids, at::ones_like(ids));
        auto b = enc->forward(ids, at::ones_like(ids));
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->sizes().vec(), (std::vector<int64_t>{1, 5, 32}));
        QVERIFY(at::isfinite(*a).all().item<bool>());
        QVERIFY(at::equal(*a, *b));
        // Post-final-norm: every row has RMS close to the norm weights' scale (not ~ the input).
        // Right padding (ids 7, mask 0) leaves the real rows unchanged.
        const at::Tensor padded = ids_tensor({5, 17, 300, 2, 99, 7, 7, 7});
        const at::Tensor mask = ids_tensor({1, 1, 1, 1, 1, 0, 0, 0});
        auto p = enc->forward(padded, mask);
        QVERIFY(p.ok());
        QVERIFY(at::allclose(p->narrow(1, 0, 5), *a, 1e-5, 1e-5));
        // A causal model: changing token 3 changes rows >= 3 only.
        const at::Tensor changed = ids_tensor({5, 17, 300, 400, 99});
        auto c = enc->forward(changed, at::ones_like(changed));
        QVERIFY(at::allclose(c->narrow(1, 0, 3), a->narrow(1, 0, 3), 1e-6, 1e-6));
        QVERIFY(!at::allclose(c->narrow(1, 3, 2), a->narrow(1, 3, 2), 1e-3, 1e-3));
        // Out-of-vocabulary ids are an error, not a crash.
        auto bad = enc->forward(ids_tensor({512}), ids_tensor({1}));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind, ErrorKind::InvalidRequest);
    }

    void gqaRepeatsEachKvHeadForConsecutiveQueryHeads() {
        // 4 query heads over 2 KV heads equals 4 KV heads where KV head j's rows are duplicated
        // as heads 2j, 2j+1 (HF repeat_kv).
        const auto c2 = tiny_qwen3_config();
        auto w = random_qwen3_weights(c2, 5, at::kFloat);
        auto c4 = c2;
        c4.num_key_value_heads = 4;
        auto w4 = w;
        for (int i = 0; i < 2; ++i)
            for (const char* p : {"k_proj", "v_proj"}) {
                const std::string key =
                    "model.layers." + std::to_string(i) + ".self_attn." + p + ".weight";
                w4[key] = w[key].view({2, 1, 16, 32}).expand({2, 2, 16, 32}).reshape({64, 32});
            }
        const fs::path d2 = fs::path(tmp_.path().toStdString()) / "gqa2";
        const fs::path d4 = fs::path(tmp_.path().toStdString()) / "gqa4";
        QVERIFY(write_model_folder(d2, c2.to_json(), w));
        QVERIFY(write_model_folder(d4, c4.to_json(), w4));
        text::Qwen3LoadOptions o;
        o.precision = text::WeightPrecision::F32;
        auto e2 = text::Qwen3Encoder::load(d2, o);
        auto e4 = text::Qwen3Encoder::load(d4, o);
        QVERIFY(e2.ok() && e4.ok());
        const at::Tensor ids = ids_tensor({1, 2, 3, 4, 5, 6});
        auto y2 = e2->forward(ids, at::ones_like(ids));
        auto y4 = e4->forward(ids, at::ones_like(ids));
        QVERIFY(at::allclose(*y2, *y4, 1e-5, 1e-5));
    }

    void shardedEqualsSingleFile() {
        const auto c = tiny_qwen3_config();
        const auto w = random_qwen3_weights(c, 3, at::kFloat);
        const fs::path d = fs::path(tmp_.path().toStdString()) / "sharded";
        QVERIFY(write_model_folder(d, c.to_json(), w, 3));
        text::Qwen3LoadOptions o;
        o.precision = text::WeightPrecision::F32;
        auto a = text::Qwen3Encoder::load(d, o);
        auto b = text::Qwen3Encoder::load(qwen_small_dir_, o);
        QVERIFY(a.ok() && b.ok());
        const at::Tensor ids = ids_tensor({9, 8, 7});
        QVERIFY(
            at::equal(*a->forward(ids, at::ones_like(ids)), *b->forward(ids, at::ones_like(ids))));
    }

    void clipPoolsAtFirstEos() {
        auto enc = text::ClipTextEncoder::load(clip_dir_);
        QVERIFY2(enc.ok(), enc.ok() ? "" : enc.error().describe().c_str());
        const at::Tensor ids = ids_tensor({49406, 320, 1125, 49407, 49407, 49407});
        auto out = enc->forward(ids);
        QVERIFY(out.ok());
        QCOMPARE(out->last_hidden_state.sizes().vec(), (std::vector<int64_t>{1, 6, 32}));
        QCOMPARE(out->pooler_output.sizes().vec(), (std::vector<int64_t>{1, 32}));
        QVERIFY(at::equal(out->pooler_output[0], out->last_hidden_state[0][3]));
        // Causal: the padding after the first EOS does not change it.
        auto shorter = enc->forward(ids_tensor({49406, 320, 1125, 49407}));
        QVERIFY(at::allclose(shorter->pooler_output, out->pooler_output, 1e-5, 1e-5));
        // openai's legacy config (eos_token_id 2): argmax of ids, the same first 49407.
        auto legacy = tiny_clip_config();
        legacy.eos_token_id = 2;
        const fs::path d = fs::path(tmp_.path().toStdString()) / "clip_legacy";
        QVERIFY(write_model_folder(d, legacy.to_json(), random_clip_weights(legacy, 2)));
        auto enc2 = text::ClipTextEncoder::load(d);
        QVERIFY(enc2.ok());
        QCOMPARE(enc2->config().eos_token_id, int64_t{2});
        QVERIFY(at::equal(enc2->forward(ids)->pooler_output, out->pooler_output));
        // Longer than the position table: an error.
        auto too_long = enc->forward(at::full({1, 78}, 320, at::kLong));
        QVERIFY(!too_long.ok());
        QCOMPARE(too_long.error().kind, ErrorKind::InvalidRequest);
    }

    void conditionerShapesCropAndLength() {
        text::HyMotionTextOptions o;
        o.qwen_dir = qwen_dir_;
        o.clip_dir = clip_dir_;
        o.max_length_llm = 24;
        int64_t qwen_layers = 0;
        o.on_progress = [&](text::TextStage s, int64_t d, int64_t) {
            if (s == text::TextStage::EncodingQwen) qwen_layers = d;
        };
        text::HyMotionTextConditioner cond(o);
        QCOMPARE(cond.resident_bytes(), uint64_t{0});
        const std::string prompt = "a person walks forward and waves the left hand";
        auto f = cond.encode(prompt, nullptr);
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QVERIFY(cond.resident_bytes() > 0);
        QCOMPARE(qwen_layers, int64_t{2});
        QCOMPARE(cond.crop_start(), int64_t{101});  // computed from the real Qwen3 tokenizer
        QCOMPARE(f->vtxt.sizes().vec(), (std::vector<int64_t>{1, 1, 32}));
        QCOMPARE(f->ctxt.sizes().vec(), (std::vector<int64_t>{1, 24, 32}));
        QCOMPARE(f->ctxt_length.sizes().vec(), (std::vector<int64_t>{1}));
        QCOMPARE(f->ctxt_length.scalar_type(), at::kLong);
        // ctxt_length = prompt tokens + "<|im_end|>" + "\n", all inside the window.
        auto input = cond.llm_input(prompt);
        QVERIFY(input.ok());
        QCOMPARE(input->input_ids.size(), size_t{101 + 24});
        auto qtok = text::QwenTokenizer::load(kFixtures / "qwen");
        QVERIFY(qtok.ok());
        const auto n_prompt = int64_t(qtok->encode(prompt).size());
        QCOMPARE(n_prompt, int64_t{9});
        QCOMPARE(f->ctxt_length[0].item<int64_t>(), n_prompt + 2);
        QCOMPARE(input->input_ids[101 + n_prompt], int32_t{151645});
        QCOMPARE(input->input_ids[101 + n_prompt + 2], int32_t{151643});  // right padding
        // ctxt is hidden_states[-1][crop_start : crop_start + max_length_llm].
        auto qwen = text::Qwen3Encoder::load(qwen_dir_, {});
        QVERIFY(qwen.ok());
        const auto len = int64_t(input->input_ids.size());
        const at::Tensor ids =
            at::tensor(at::ArrayRef<int32_t>(input->input_ids)).to(at::kLong).view({1, len});
        const at::Tensor mask =
            at::tensor(at::ArrayRef<int32_t>(input->attention_mask)).to(at::kLong).view({1, len});
        auto hidden = qwen->forward(ids, mask);
        QVERIFY(at::equal(hidden->narrow(1, 101, 24), f->ctxt));
        // vtxt is the CLIP pooled output of the CLIP ids (start, 9 words, end; unpadded).
        auto ctok = text::ClipTokenizer::load(kFixtures / "clip");
        QVERIFY(ctok.ok());
        const auto cids = ctok->encode(prompt);
        QCOMPARE(cids.size(), size_t{11});
        auto clip = text::ClipTextEncoder::load(clip_dir_);
        QVERIFY(clip.ok());
        auto pooled =
            clip->forward(at::tensor(at::ArrayRef<int32_t>(cids)).to(at::kLong).view({1, -1}));
        QVERIFY(at::equal(pooled->pooler_output.view({1, 1, 32}), f->vtxt));
        // Deterministic, and release() then encode() gives the same features.
        cond.release();
        QCOMPARE(cond.resident_bytes(), uint64_t{0});
        auto g = cond.encode(prompt, nullptr);
        QVERIFY(g.ok());
        QVERIFY(at::equal(f->ctxt, g->ctxt) && at::equal(f->vtxt, g->vtxt));
        // Truncation: a long prompt fills the window, ctxt_length = max_length_llm.
        std::string long_prompt;
        for (int i = 0; i < 40; ++i)
            long_prompt += "walk ";
        auto t = cond.encode(long_prompt, nullptr);
        QVERIFY(t.ok());
        QCOMPARE(t->ctxt_length[0].item<int64_t>(), int64_t{24});
        // Another prompt, other features; the cache key depends on precision.
        auto h = cond.encode("a person jumps", nullptr);
        QVERIFY(!at::allclose(h->vtxt, f->vtxt));
        o.precision = text::WeightPrecision::Int8;
        QVERIFY(text::HyMotionTextConditioner(o).cache_key() != cond.cache_key());
        o.precision = text::WeightPrecision::BF16;
        QCOMPARE(text::HyMotionTextConditioner(o).cache_key(), cond.cache_key());
    }

    void cancelIsTyped() {
        text::HyMotionTextOptions o;
        o.qwen_dir = qwen_dir_;
        o.clip_dir = clip_dir_;
        text::HyMotionTextConditioner cond(o);
        std::atomic<bool> cancel{true};
        auto f = cond.encode("walk", &cancel);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().kind, ErrorKind::Cancelled);
    }

    void malformedConfigsListEveryProblem() {
        auto r = text::parse_qwen3_config(
            R"({"model_type":"llama","hidden_size":"big","num_hidden_layers":2,
                "num_attention_heads":6,"num_key_value_heads":4,"vocab_size":-1,
                "rms_norm_eps":1e-6,"rope_scaling":{"type":"yarn"}})",
            "cfg.json");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::BadModelFile);
        for (const char* s :
             {"model_type", "hidden_size must be an integer", "missing key intermediate_size",
              "vocab_size must be >= 1", "rope_scaling", "missing key rope_theta",
              "multiple of num_key_value_heads"})
            QVERIFY2(contains(r.error(), s), (r.error().message + " lacks " + s).c_str());
        QCOMPARE(text::parse_qwen3_config("{not json", "x").error().kind, ErrorKind::BadModelFile);
        QCOMPARE(text::parse_qwen3_config("[]", "x").error().kind, ErrorKind::BadModelFile);
        // transformers 5 spelling of rope_theta.
        auto v5 = text::parse_qwen3_config(
            R"({"hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,
                "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":10,
                "rms_norm_eps":1e-6,"rope_parameters":{"rope_type":"default","rope_theta":5e5}})",
            "v5");
        QVERIFY(v5.ok());
        QCOMPARE(v5->rope_theta, 5e5);
        QCOMPARE(v5->head_dim, int64_t{16});
        auto clip = text::parse_clip_text_config(
            R"({"text_config":{"hidden_size":30,"num_attention_heads":4,"hidden_act":"gelu",
                "num_hidden_layers":"x"}})",
            "clip.json");
        QVERIFY(!clip.ok());
        for (const char* s : {"missing key intermediate_size", "hidden_act", "num_hidden_layers",
                              "multiple of num_attention_heads"})
            QVERIFY2(contains(clip.error(), s), (clip.error().message + " lacks " + s).c_str());
        auto missing = text::read_qwen3_config("/nonexistent/config.json");
        QCOMPARE(missing.error().kind, ErrorKind::Io);
    }

    void malformedWeightsListEveryProblem() {
        const auto c = tiny_qwen3_config();
        auto w = random_qwen3_weights(c, 3, at::kFloat);
        w.erase("model.layers.1.mlp.up_proj.weight");
        w.erase("model.norm.weight");
        w["model.layers.0.self_attn.q_proj.weight"] = at::zeros({8, 8});
        w["model.layers.0.input_layernorm.weight"] = at::zeros({32}, at::kLong);
        const fs::path d = fs::path(tmp_.path().toStdString()) / "bad_weights";
        QVERIFY(write_model_folder(d, c.to_json(), w));
        auto r = text::Qwen3Encoder::load(d, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::BadModelFile);
        for (const char* s : {"missing model.layers.1.mlp.up_proj.weight", "missing model.norm",
                              "q_proj.weight: shape [8, 8], expected [64, 32]",
                              "input_layernorm.weight: dtype I64"})
            QVERIFY2(contains(r.error(), s), (r.error().message + " lacks " + s).c_str());
        // A truncated weights file, a folder without weights, a folder without a config.
        const fs::path t = fs::path(tmp_.path().toStdString()) / "truncated";
        QVERIFY(write_model_folder(t, c.to_json(), random_qwen3_weights(c, 3, at::kFloat)));
        fs::resize_file(t / "model.safetensors", fs::file_size(t / "model.safetensors") / 2);
        QCOMPARE(text::Qwen3Encoder::load(t, {}).error().kind, ErrorKind::BadModelFile);
        fs::remove(t / "model.safetensors");
        QCOMPARE(text::Qwen3Encoder::load(t, {}).error().kind, ErrorKind::Io);
        QCOMPARE(text::ClipTextEncoder::load(t).error().kind, ErrorKind::BadModelFile);
        QCOMPARE(text::ClipTextEncoder::load("/nonexistent").error().kind, ErrorKind::Io);
        auto cw = random_clip_weights(tiny_clip_config(), 1);
        cw.erase("text_model.encoder.layers.1.mlp.fc2.bias");
        cw["text_model.final_layer_norm.weight"] = at::zeros({31});
        const fs::path cd = fs::path(tmp_.path().toStdString()) / "bad_clip";
        QVERIFY(write_model_folder(cd, tiny_clip_config().to_json(), cw));
        auto cr = text::ClipTextEncoder::load(cd);
        QVERIFY(!cr.ok());
        QVERIFY(contains(cr.error(), "missing text_model.encoder.layers.1.mlp.fc2.bias"));
        QVERIFY(contains(cr.error(), "final_layer_norm.weight: shape [31]"));
    }

    void malformedIndexAndShardsAreTyped() {
        // model.safetensors.index.json and its shards: every kind of damage is a typed error.
        const auto c = tiny_qwen3_config();
        const fs::path base = fs::path(tmp_.path().toStdString()) / "sharded_bad";
        auto fresh = [&](const std::string& name) {
            const fs::path d = base / name;
            const bool ok =
                write_model_folder(d, c.to_json(), random_qwen3_weights(c, 5, at::kFloat), 2);
            return ok ? d : fs::path();
        };
        auto kind_of = [](const fs::path& d) {
            auto r = text::Qwen3Encoder::load(d, {});
            return r.ok() ? std::optional<ErrorKind>() : std::optional(r.error().kind);
        };
        const fs::path ok = fresh("ok");
        QVERIFY(!ok.empty());
        QVERIFY(!kind_of(ok));
        const std::string shard1 = "model-00001-of-00002.safetensors";
        struct Case {
            const char* name;
            std::function<void(const fs::path&)> damage;
            ErrorKind kind;
        } cases[] = {
            {"index not json",
             [](const fs::path& d) { write_text_file(d / "model.safetensors.index.json", "{x"); },
             ErrorKind::BadModelFile},
            {"index without weight_map",
             [](const fs::path& d) {
                 write_text_file(d / "model.safetensors.index.json", R"({"metadata":{}})");
             },
             ErrorKind::BadModelFile},
            {"index names a shard outside the folder",
             [&](const fs::path& d) {
                 write_text_file(d / "model.safetensors.index.json",
                                 R"({"weight_map":{"model.norm.weight":"../x.safetensors"}})");
             },
             ErrorKind::BadModelFile},
            {"index misses tensors",
             [&](const fs::path& d) {
                 write_text_file(d / "model.safetensors.index.json",
                                 R"({"weight_map":{"model.norm.weight":")" + shard1 + R"("}})");
             },
             ErrorKind::BadModelFile},
            {"shard missing", [&](const fs::path& d) { fs::remove(d / shard1); }, ErrorKind::Io},
            {"shard truncated",
             [&](const fs::path& d) { fs::resize_file(d / shard1, fs::file_size(d / shard1) / 3); },
             ErrorKind::BadModelFile},
            {"shard header garbage",
             [&](const fs::path& d) {
                 std::FILE* f = std::fopen((d / shard1).c_str(), "r+b");
                 const char junk[16] = {1, 0, 0, 0, 0, 0, 0, 0, '!', '!', '!', '!'};
                 std::fwrite(junk, 1, sizeof junk, f);
                 std::fclose(f);
             },
             ErrorKind::BadModelFile},
        };
        for (const auto& k : cases) {
            const fs::path d = fresh(k.name);
            QVERIFY(!d.empty());
            k.damage(d);
            const auto got = kind_of(d);
            QVERIFY2(got.has_value(), k.name);
            QVERIFY2(*got == k.kind, k.name);
        }
    }

    void malformedTokenizerFilesAreTyped() {
        // The conditioner reports the tokenizer's typed error (the weights are fine).
        const fs::path d = fs::path(tmp_.path().toStdString()) / "bad_tok";
        fs::create_directories(d);
        fs::copy(qwen_dir_, d, fs::copy_options::recursive);
        QVERIFY(write_text_file(d / "vocab.json", "{\"a\": \"not an id\"}"));
        text::HyMotionTextOptions o;
        o.qwen_dir = d;
        o.clip_dir = clip_dir_;
        text::HyMotionTextConditioner cond(o);
        auto f = cond.encode("walk", nullptr);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().kind, ErrorKind::BadModelFile);
        fs::remove(d / "vocab.json");
        text::HyMotionTextConditioner cond2(o);
        QCOMPARE(cond2.encode("walk", nullptr).error().kind, ErrorKind::Io);
    }
};

QTEST_GUILESS_MAIN(TstTextEncoders)
#include "tst_text_encoders.moc"
