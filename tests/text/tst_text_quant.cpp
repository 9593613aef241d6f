// Weight-only quantisation (int8 per output channel, int4 groups of 128): exact packing, the int4
// methods, the quantisation cache file (current and format /1, malformed files), and the error
// against bf16 per linear, per decoder layer and end to end (bench quant's measurement on a small
// multi-group Qwen3 shape; the Qwen3-8B-shaped numbers are in docs/benchmarks/text-quant.md).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/text/quant_error_bench.h"
#include "core/text/quantized_weight.h"
#include "core/text/qwen3_encoder.h"
#include "core/text/qwen3_quant_cache.h"
#include "tests/text/tiny_text_models.h"

using namespace kinema;
using namespace kinema::test;
using text::QuantizedWeight;
using text::WeightPrecision;
namespace fs = std::filesystem;

namespace {

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed, double std = 1.0) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::normal(0.0, std, shape, gen);
}

// Relative error of x @ W^T with W stored in `p` against W in bf16.
double linear_error(const at::Tensor& w_bf16, const at::Tensor& x, WeightPrecision p) {
    const at::Tensor ref = at::linear(x, w_bf16.to(at::kFloat));
    auto q = QuantizedWeight::quantize(w_bf16, p);
    return text::relative_error(q->linear(x), ref);
}

// Copies the safetensors file `from` to `to` with `metadata`, dropping `drop` and replacing the
// tensors in `replace`.
bool rewrite(const fs::path& from, const fs::path& to,
             const std::map<std::string, std::string>& metadata, const std::string& drop = {},
             const std::map<std::string, at::Tensor>& replace = {}) {
    auto f = SafetensorsFile::open(from);
    if (!f) return false;
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& e : f->entries()) {
        if (e.name == drop) continue;
        auto it = replace.find(e.name);
        tensors.emplace_back(e.name, it != replace.end() ? it->second : f->tensor(e.name)->clone());
    }
    return write_safetensors(to, tensors, metadata).ok();
}

}  // namespace

class TstTextQuant : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void int4PackingIsExact() {
        // Values on each group's 16-level grid survive int4 exactly (incl. a partial group).
        const int64_t out = 3, in = 200;
        const at::Tensor codes = at::randint(0, 16, {out, in}, at::kLong).to(at::kFloat);
        codes.select(1, 0).fill_(0);
        codes.select(1, 1).fill_(15);
        codes.select(1, 128).fill_(0);
        codes.select(1, 129).fill_(15);
        const at::Tensor w = codes * 0.25 - 1.5;
        auto q = QuantizedWeight::quantize(w, WeightPrecision::Int4);
        QVERIFY(q.ok());
        QCOMPARE(q->data().sizes().vec(), (std::vector<int64_t>{3, 128}));  // 2 groups x 64 B
        QCOMPARE(q->scale().sizes().vec(), (std::vector<int64_t>{3, 2}));
        QVERIFY(at::allclose(q->dequantize(), w, 0, 1e-6));
        // Low nibble = even column.
        const int code0 = int(codes[0][0].item<float>()), code1 = int(codes[0][1].item<float>());
        QCOMPARE(int(q->data()[0][0].item<uint8_t>()), code0 | (code1 << 4));
    }

    void int8IsPerOutputChannel() {
        at::Tensor w = randn({4, 64}, 1);
        w[2] *= 1000;  // one large row must not degrade the others
        auto q = QuantizedWeight::quantize(w, WeightPrecision::Int8);
        QCOMPARE(q->data().scalar_type(), at::kChar);
        QCOMPARE(q->scale().sizes().vec(), (std::vector<int64_t>{4}));
        const at::Tensor d = q->dequantize();
        for (int r = 0; r < 4; ++r)
            QVERIFY(text::relative_error(d[r], w[r]) < 0.01);
        QVERIFY(q->size_bytes() < uint64_t(w.numel()) * 4 / 3);
        auto bad = QuantizedWeight::quantize(at::zeros({3}), WeightPrecision::Int8);
        QCOMPARE(bad.error().kind, ErrorKind::InvalidRequest);
        auto parts =
            QuantizedWeight::from_parts(WeightPrecision::Int4, 4, 64, q->data(), q->scale(), {});
        QCOMPARE(parts.error().kind, ErrorKind::BadModelFile);
    }

    void int4MethodsShareTheFormat() {
        // Every Int4Method stores the same parts; MseClip is never worse than MinMax per group,
        // and on N(0,1) groups it is measurably better (9.3 % vs 10.0 %).
        const at::Tensor w = randn({256, 1000}, 5);  // 8 groups, the last one partial
        std::map<std::string, double> err;
        for (auto m :
             {text::Int4Method::MinMax, text::Int4Method::AbsMax, text::Int4Method::MseClip}) {
            auto q = QuantizedWeight::quantize(w, WeightPrecision::Int4, m);
            QVERIFY(q.ok());
            QCOMPARE(q->data().sizes().vec(), (std::vector<int64_t>{256, 512}));
            QCOMPARE(q->scale().sizes().vec(), (std::vector<int64_t>{256, 8}));
            QCOMPARE(q->offset().sizes().vec(), (std::vector<int64_t>{256, 8}));
            QCOMPARE(q->size_bytes(), uint64_t{256 * 512 + 2 * 256 * 8 * 4});
            err[std::string(text::to_string(m))] = text::relative_error(q->dequantize(), w);
        }
        qInfo("int4 on N(0,1), groups of 128: minmax %.3f%%, absmax %.3f%%, mse-clip %.3f%%",
              100 * err["minmax"], 100 * err["absmax"], 100 * err["mse-clip"]);
        QVERIFY(err["mse-clip"] < err["minmax"] - 0.004);
        QVERIFY(err["minmax"] < err["absmax"]);
        QVERIFY(err["mse-clip"] < 0.096);
        // Per group: never worse.
        const at::Tensor g = w.narrow(1, 0, 896).reshape({256, 7, 128});
        auto mm = text::quantize_int4_groups(g, text::Int4Method::MinMax);
        auto mc = text::quantize_int4_groups(g, text::Int4Method::MseClip);
        auto sse = [&](const text::Int4Groups& q) {
            return (q.codes.to(at::kFloat) * q.scale.unsqueeze(2) + q.offset.unsqueeze(2) - g)
                .pow(2)
                .sum(2);
        };
        QVERIFY((sse(mc) <= sse(mm) * (1 + 1e-6) + 1e-12).all().item<bool>());
        QCOMPARE(text::parse_int4_method("mse-clip").value(), text::Int4Method::MseClip);
        QCOMPARE(text::parse_int4_method("nf4").error().kind, ErrorKind::InvalidRequest);
    }

    void realShapedLinearError() {
        // One Qwen3-8B q/o_proj-shaped linear (4096 x 4096, N(0, 0.02^2), bf16), 16 inputs.
        const at::Tensor w = randn({4096, 4096}, 7, 0.02).to(at::kBFloat16);
        const at::Tensor x = randn({16, 4096}, 8);
        const double e8 = linear_error(w, x, WeightPrecision::Int8);
        const double e4 = linear_error(w, x, WeightPrecision::Int4);
        qInfo("linear 4096x4096: int8 %.4f%%, int4 (mse-clip) %.3f%% relative error vs bf16",
              100 * e8, 100 * e4);
        QVERIFY(e8 <= 0.01);
        QVERIFY(e4 <= 0.096);
    }

    void layerErrorsAgainstTheIssueTargets() {
        // bench quant's measurement on a small multi-group Qwen3 shape (hidden 512 = 4 groups,
        // intermediate 1536 = 12 groups for down_proj, 8/2 heads x 64), 3 layers, 32 tokens.
        text::QuantBenchOptions o;
        o.config.hidden_size = 512;
        o.config.intermediate_size = 1536;
        o.config.num_attention_heads = 8;
        o.config.num_key_value_heads = 2;
        o.config.head_dim = 64;
        o.config.num_hidden_layers = 3;
        o.tokens = 32;
        o.variants = {{WeightPrecision::Int8},
                      {WeightPrecision::Int4, text::Int4Method::MinMax},
                      {WeightPrecision::Int4, text::Int4Method::MseClip}};
        auto r = text::measure_qwen3_quant_error(o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        QCOMPARE(r->variants.size(), size_t{3});
        const auto& i8 = r->variants[0];
        const auto& mm = r->variants[1];
        const auto& i4 = r->variants[2];
        QCOMPARE(i4.name, std::string("int4-mse-clip"));
        for (const auto& v : r->variants) {
            QCOMPARE(v.layers.size(), size_t{3});
            QCOMPARE(v.layers[0].linear.size(), size_t{7});
            qInfo(
                "%s: max linear %.3f%%, layer outputs %.3f / %.3f / %.3f%%, updates %.3f / "
                "%.3f / %.3f%%, end to end %.3f%%, %.3f B/weight",
                v.name.c_str(), 100 * v.max_linear, 100 * v.layers[0].output,
                100 * v.layers[1].output, 100 * v.layers[2].output, 100 * v.layers[0].update,
                100 * v.layers[1].update, 100 * v.layers[2].update, 100 * v.final_norm_output,
                v.bytes_per_weight);
        }
        // The issue's int8 target holds per linear (each linear's output on its real input).
        QVERIFY(i8.max_linear <= 0.01);
        QVERIFY(i8.bytes_per_weight < 1.01);
        QVERIFY(i4.bytes_per_weight < 0.57);
        // Layer outputs: a layer chains 4-5 linears (q/k -> softmax -> v -> o -> gate/up -> down),
        // so its update carries ~2.5x the per-linear error; the residual dilutes it from the
        // second layer on. int8 meets 1 % on the output of every layer but the first.
        QVERIFY(i8.layers[0].output <= 0.025);
        QVERIFY(i8.layers[2].output <= 0.01);
        // MseClip beats MinMax on every linear of every layer and on the layer outputs.
        for (size_t l = 0; l < 3; ++l) {
            for (const auto& [name, e] : i4.layers[l].linear)
                QVERIFY2(e < mm.layers[l].linear.at(name), name.c_str());
            QVERIFY(i4.layers[l].output < mm.layers[l].output);
        }
        QVERIFY(i4.max_linear <= 0.098);  // regression bound (9.2-9.6 % measured)
        QVERIFY(i4.layers[0].output <= 0.26);
        // The issue's int4 target (5 %) is below what 4-bit scalar codes reach on Gaussian
        // weights (per linear ~9.3 %, the rate-distortion floor at 4 bits is 6.25 %).
        QEXPECT_FAIL("", "int4 per-linear error ~9.3 %: 5 % needs more than 4 bits per weight",
                     Continue);
        QVERIFY(i4.max_linear <= 0.05);
        o.config.num_hidden_layers = 0;
        QCOMPARE(text::measure_qwen3_quant_error(o).error().kind, ErrorKind::InvalidRequest);
    }

    void realShapedLayerTiming() {
        // A measurement, not a test: KINEMA_BENCH_TEXT=1 tst_text_quant realShapedLayerTiming
        // prints the CPU time of one Qwen3-8B layer (bf16 / int8 storage, float32 compute) and the
        // 36-layer extrapolation.
        if (qEnvironmentVariableIsEmpty("KINEMA_BENCH_TEXT"))
            QSKIP("set KINEMA_BENCH_TEXT=1 to measure");
        text::Qwen3Config c;
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
        for (auto p : {WeightPrecision::BF16, WeightPrecision::Int8}) {
            text::Qwen3LayerWeights lw;
            QuantizedWeight* slots[] = {&lw.q_proj,    &lw.k_proj,  &lw.v_proj,   &lw.o_proj,
                                        &lw.gate_proj, &lw.up_proj, &lw.down_proj};
            size_t i = 0;
            for (const auto& [name, shape] : text::qwen3_layer_linears(c, 0))
                *slots[i++] = *QuantizedWeight::quantize(
                    at::normal(0.0, 0.02, shape, gen).to(at::kBFloat16), p);
            lw.input_layernorm = lw.post_attention_layernorm = at::ones({c.hidden_size});
            lw.q_norm = lw.k_norm = at::ones({c.head_dim});
            for (int64_t len : {int64_t{128}, int64_t{229}}) {
                const at::Tensor x = at::normal(0.0, 1.0, {1, len, c.hidden_size}, gen);
                const auto [cos, sin] = text::qwen3_rope_tables(c.head_dim, c.rope_theta, len);
                const at::Tensor mask = text::qwen3_attention_mask(at::ones({1, len}, at::kLong));
                double best_s = 1e9;
                for (int rep = 0; rep < 3; ++rep) {
                    QElapsedTimer t;
                    t.start();
                    const at::Tensor y = text::qwen3_decoder_layer(c, lw, x, cos, sin, mask);
                    best_s = std::min(best_s, t.nsecsElapsed() * 1e-9);
                    QVERIFY(y.defined());
                }
                qInfo(
                    "Qwen3-8B layer, %s storage, %lld tokens, %d threads: %.3f s/layer, "
                    "x36 = %.1f s",
                    std::string(text::to_string(p)).c_str(), (long long)len, at::get_num_threads(),
                    best_s, 36 * best_s);
            }
        }
    }

    void writeRealShapedFolders() {
        // Not a test: KINEMA_BENCH_TEXT_DIR=D tst_text_quant writeRealShapedFolders writes
        // D/qwen (Qwen3-8B shapes, KINEMA_BENCH_TEXT_LAYERS layers (default 2), bf16, 2 shards,
        // the fixture tokenizer) and D/clip (CLIP-L text tower shapes, float32) with random
        // weights, for timing `kinema-cli encode-text` on real shapes without the real weights.
        const QByteArray dir = qgetenv("KINEMA_BENCH_TEXT_DIR");
        if (dir.isEmpty()) QSKIP("set KINEMA_BENCH_TEXT_DIR to write the folders");
        const fs::path root = dir.toStdString();
        const fs::path fixtures = fs::path(KINEMA_TEST_FIXTURES) / "text";
        text::Qwen3Config qc;
        qc.num_hidden_layers = qEnvironmentVariableIntValue("KINEMA_BENCH_TEXT_LAYERS");
        if (qc.num_hidden_layers <= 0) qc.num_hidden_layers = 2;
        QVERIFY(write_model_folder(root / "qwen", qc.to_json(),
                                   random_qwen3_weights(qc, 1, at::kBFloat16), 2,
                                   fixtures / "qwen"));
        text::ClipTextConfig cc;
        cc.eos_token_id = 2;  // as openai/clip-vit-large-patch14's config
        QVERIFY(write_model_folder(root / "clip", cc.to_json(), random_clip_weights(cc, 2), 1,
                                   fixtures / "clip"));
    }

    void quantCacheRoundTrip() {
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / "qwen";
        auto c = tiny_qwen3_config();
        c.hidden_size = 160;  // int4 groups of 128 + a partial group
        c.num_attention_heads = 4;
        c.head_dim = 16;
        QVERIFY(write_model_folder(dir, c.to_json(), random_qwen3_weights(c, 4, at::kBFloat16)));
        const fs::path cache = fs::path(tmp.path().toStdString()) / "q4.safetensors";
        int64_t layers = 0;
        QVERIFY(text::write_qwen3_quant_cache(dir, WeightPrecision::Int4, cache,
                                              [&](int64_t d, int64_t) { layers = d; })
                    .ok());
        QCOMPARE(layers, int64_t{2});
        text::Qwen3LoadOptions fresh;
        fresh.precision = WeightPrecision::Int4;
        text::Qwen3LoadOptions cached = fresh;
        cached.quant_cache = cache;
        auto a = text::Qwen3Encoder::load(dir, fresh);
        auto b = text::Qwen3Encoder::load(dir, cached);
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().describe().c_str());
        const at::Tensor ids = at::tensor({1, 2, 3, 4}, at::kLong).view({1, 4});
        QVERIFY(
            at::equal(*a->forward(ids, at::ones_like(ids)), *b->forward(ids, at::ones_like(ids))));
        // Smaller than bf16 storage, and close to it.
        text::Qwen3LoadOptions bf;
        auto r = text::Qwen3Encoder::load(dir, bf);
        QVERIFY(b->size_bytes() < r->size_bytes());
        // Wrong precision or other weights: InvalidRequest; not a cache: BadModelFile.
        cached.precision = WeightPrecision::Int8;
        QCOMPARE(text::Qwen3Encoder::load(dir, cached).error().kind, ErrorKind::InvalidRequest);
        cached.precision = WeightPrecision::Int4;
        cached.quant_cache = dir / "model.safetensors";
        QCOMPARE(text::Qwen3Encoder::load(dir, cached).error().kind, ErrorKind::BadModelFile);
        QCOMPARE(text::write_qwen3_quant_cache(dir, WeightPrecision::BF16, cache, {}).error().kind,
                 ErrorKind::InvalidRequest);

        // Format /2 records the int4 method; a /1 int4 file (min/max codes) is refused with a
        // typed error, a /1 int8 file (same codes as /2) still loads.
        auto file = SafetensorsFile::open(cache);
        QVERIFY(file.ok());
        auto meta = file->metadata();
        QCOMPARE(meta.at("kinema.format"), std::string("qwen3-quant/2"));
        QCOMPARE(meta.at("kinema.int4_method"), std::string("mse-clip"));
        const fs::path root = tmp.path().toStdString();
        std::map<std::string, std::string> v1 = meta;
        v1.erase("kinema.int4_method");
        v1["kinema.format"] = "qwen3-quant/1";
        QVERIFY(rewrite(cache, root / "v1_int4.safetensors", v1));
        text::Qwen3LoadOptions old;
        old.precision = WeightPrecision::Int4;
        old.quant_cache = root / "v1_int4.safetensors";
        auto refused = text::Qwen3Encoder::load(dir, old);
        QCOMPARE(refused.error().kind, ErrorKind::InvalidRequest);
        QVERIFY(refused.error().message.find("quantize again") != std::string::npos);
        const fs::path cache8 = root / "q8.safetensors";
        QVERIFY(text::write_qwen3_quant_cache(dir, WeightPrecision::Int8, cache8, {}).ok());
        auto meta8 = SafetensorsFile::open(cache8)->metadata();
        QCOMPARE(meta8.count("kinema.int4_method"), size_t{0});
        meta8["kinema.format"] = "qwen3-quant/1";
        QVERIFY(rewrite(cache8, root / "v1_int8.safetensors", meta8));
        old.precision = WeightPrecision::Int8;
        old.quant_cache = root / "v1_int8.safetensors";
        QVERIFY(text::Qwen3Encoder::load(dir, old).ok());

        // Malformed cache files: every one is a typed BadModelFile.
        const std::string q0 = "model.layers.0.self_attn.q_proj.weight";
        QVERIFY(rewrite(cache, root / "missing.safetensors", meta, q0 + ".offset"));
        QVERIFY(rewrite(
            cache, root / "dtype.safetensors", meta, {},
            {{q0 + ".scale", at::zeros(file->tensor(q0 + ".scale")->sizes(), at::kDouble)}}));
        QVERIFY(rewrite(cache, root / "shape.safetensors", meta, {},
                        {{q0 + ".q", at::zeros({3, 3}, at::kByte)}}));
        QVERIFY(write_text_file(root / "garbage.safetensors", "not a safetensors file at all"));
        fs::copy_file(cache, root / "truncated.safetensors");
        fs::resize_file(root / "truncated.safetensors", fs::file_size(cache) / 2);
        for (const char* name : {"missing", "dtype", "shape", "garbage", "truncated"}) {
            text::Qwen3LoadOptions bad;
            bad.precision = WeightPrecision::Int4;
            bad.quant_cache = root / (std::string(name) + ".safetensors");
            auto r = text::Qwen3Encoder::load(dir, bad);
            QVERIFY2(!r.ok(), name);
            QVERIFY2(r.error().kind == ErrorKind::BadModelFile,
                     (std::string(name) + ": " + r.error().describe()).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TstTextQuant)
#include "tst_text_quant.moc"
