// core/io model_config_reader: the official config.yml layout (full and Lite), the fixture JSON
// sidecars, warnings for unknown keys, and errors that name every bad key.
#include <QtTest>

#include "core/io/model_config_reader.h"

using namespace kinema;

namespace {

const std::string kIo = KINEMA_TEST_FIXTURES "/io/";
const std::string kHy = KINEMA_TEST_FIXTURES "/hymotion/";

const char* kMinimalNetwork = R"(
network_module_args:
  input_dim: 201
  feat_dim: 64
  num_heads: 1
  num_layers: 3
  ctxt_input_dim: 16
  vtxt_input_dim: 8
)";

QString message(const Error& e) {
    return QString::fromStdString(e.message);
}

bool has_warning(const ModelConfigFile& f, const std::string& text) {
    for (const auto& w : f.warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

class TestIoConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void official_full_config() {
        auto f = read_model_config(kIo + "hy_motion_1_0_config.yml");
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QVERIFY(f->has_network && f->has_pipeline);
        QVERIFY2(f->warnings.empty(), f->warnings.empty() ? "" : f->warnings[0].c_str());
        const auto& n = f->config.network;
        QCOMPARE(n.feat_dim, int64_t{1280});
        QCOMPARE(n.num_heads, int64_t{20});
        QCOMPARE(n.num_layers, int64_t{27});
        QCOMPARE(n.num_double_blocks(), int64_t{9});
        QCOMPARE(n.ctxt_input_dim, int64_t{4096});
        QCOMPARE(n.vtxt_input_dim, int64_t{768});
        QCOMPARE(n.mask_mode, std::string("narrowband"));
        QCOMPARE(n.narrowband_length_s, 2.0);
        const auto& p = f->config.pipeline;
        QCOMPARE(p.validation_steps, int64_t{50});
        QCOMPARE(p.guidance_scale, 5.0);
        QCOMPARE(p.translation_guidance_cap, 0.0);
        QCOMPARE(p.fps, 30.0);
        QCOMPARE(p.train_frames, int64_t{360});
        QCOMPARE(p.max_length_llm, int64_t{128});
        QCOMPARE(p.llm_type, std::string("qwen3"));
        QVERIFY(p.enable_ctxt_null_feat && p.enable_special_game_feat &&
                !p.random_generator_on_gpu);
    }

    void official_lite_config() {
        auto f = read_model_config(kIo + "hy_motion_1_0_lite_config.yml");
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QVERIFY(f->warnings.empty());
        QCOMPARE(f->config.network.feat_dim, int64_t{1024});
        QCOMPARE(f->config.network.num_heads, int64_t{16});
        QCOMPARE(f->config.network.num_layers, int64_t{18});
        QCOMPARE(f->config.network.head_dim(), int64_t{64});
        QVERIFY(f->config.pipeline.random_generator_on_gpu);
    }

    void fixture_sidecars() {
        auto dit = read_model_config(kHy + "dit_a.json");
        QVERIFY2(dit.ok(), dit.ok() ? "" : dit.error().describe().c_str());
        QCOMPARE(dit->config.network.feat_dim, int64_t{128});
        QCOMPARE(dit->config.network.num_heads, int64_t{2});
        QCOMPARE(dit->config.network.num_layers, int64_t{6});
        QCOMPARE(dit->config.network.ctxt_input_dim, int64_t{64});
        QCOMPARE(dit->config.network.vtxt_input_dim, int64_t{32});
        QCOMPARE(dit->config.network.text_refiner_layers, int64_t{2});
        QCOMPARE(dit->config.network.final_act_type, std::string("silu"));
        QVERIFY(!dit->has_pipeline);
        QVERIFY(has_warning(*dit, "unknown key weights"));  // sidecar bookkeeping is reported

        // pipeline_a.json keeps its pipeline under pipeline_class_kwargs and names the network
        // only as a string ("same as dit_a.json").
        auto pipe_strict = read_model_config(kHy + "pipeline_a.json");
        QVERIFY(!pipe_strict.ok());
        QCOMPARE(pipe_strict.error().kind, ErrorKind::BadModelFile);
        auto pipe = read_model_config(kHy + "pipeline_a.json", /*require_network=*/false);
        QVERIFY2(pipe.ok(), pipe.ok() ? "" : pipe.error().describe().c_str());
        QVERIFY(pipe->has_pipeline && !pipe->has_network);
        QCOMPARE(pipe->config.pipeline.validation_steps, int64_t{6});
        QCOMPARE(pipe->config.pipeline.guidance_scale, 5.0);
        QCOMPARE(pipe->config.pipeline.train_frames, int64_t{360});
        QVERIFY(!pipe->config.pipeline.random_generator_on_gpu);
    }

    void json_equals_yaml() {
        const std::string json = R"({"network_module_args": {"input_dim": 201, "feat_dim": 256,
            "num_heads": 4, "num_layers": 9, "ctxt_input_dim": 32, "vtxt_input_dim": 16,
            "output_dim": null, "qkv_bias": false, "mlp_ratio": 2.5},
            "train_pipeline_args": {"train_frames": 120, "output_mesh_fps": 20.0,
            "test_cfg": {"text_guidance_scale": 3.5, "translation_guidance_cap": 2.0}}})";
        auto f = parse_model_config(json, ConfigFormat::Json);
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QCOMPARE(f->config.network.feat_dim, int64_t{256});
        QCOMPARE(f->config.network.qkv_bias, false);
        QCOMPARE(f->config.network.mlp_ratio, 2.5);
        QCOMPARE(f->config.pipeline.train_frames, int64_t{120});
        QCOMPARE(f->config.pipeline.fps, 20.0);
        QCOMPARE(f->config.pipeline.guidance_scale, 3.5);
        QCOMPARE(f->config.pipeline.translation_guidance_cap, 2.0);
        QCOMPARE(f->config.pipeline.validation_steps, int64_t{50});  // default kept
    }

    void unknown_keys_are_warnings() {
        const std::string yaml = std::string(kMinimalNetwork) + R"(
  shiny_new_option: 3
  text_refiner_cfg: {num_layers: 2, extra: 1}
train_pipeline_args:
  train_frames: 360
  mystery: true
  noise_scheduler_cfg: {method: heun}
seed: 42
)";
        auto f = parse_model_config(yaml, ConfigFormat::Yaml);
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QVERIFY(has_warning(*f, "unknown key network_module_args.shiny_new_option"));
        QVERIFY(has_warning(*f, "unknown key network_module_args.text_refiner_cfg.extra"));
        QVERIFY(has_warning(*f, "unknown key train_pipeline_args.mystery"));
        QVERIFY(has_warning(*f, "unknown key seed"));
        QVERIFY(has_warning(*f, "method 'heun'"));
        QCOMPARE(f->warnings.size(), std::size_t{5});
    }

    void missing_required_keys_are_all_named() {
        auto f = parse_model_config("network_module_args:\n  input_dim: 201\n  num_heads: 4\n",
                                    ConfigFormat::Yaml);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().kind, ErrorKind::BadModelFile);
        for (const char* key : {"feat_dim", "num_layers", "ctxt_input_dim", "vtxt_input_dim"})
            QVERIFY2(message(f.error()).contains(key), f.error().message.c_str());
        QVERIFY(!message(f.error()).contains("num_heads,"));
        auto none =
            parse_model_config("train_pipeline_args: {train_frames: 360}\n", ConfigFormat::Yaml);
        QCOMPARE(none.error().kind, ErrorKind::BadModelFile);
        QVERIFY(message(none.error()).contains("network_module_args"));
    }

    void bad_values_are_all_named() {
        const std::string yaml = R"(
network_module_args:
  input_dim: 201
  feat_dim: 100
  num_heads: 3
  num_layers: many
  ctxt_input_dim: 16
  vtxt_input_dim: 8
  qkv_bias: maybe
  output_dim: 200
train_pipeline_args:
  train_frames: 0
  test_cfg: 5
)";
        auto f = parse_model_config(yaml, ConfigFormat::Yaml);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().kind, ErrorKind::BadModelFile);
        const QString m = message(f.error());
        QVERIFY2(m.contains("num_layers must be an integer"), qPrintable(m));
        QVERIFY2(m.contains("qkv_bias must be true or false"), qPrintable(m));
        QVERIFY2(m.contains("not a multiple of num_heads"), qPrintable(m));
        QVERIFY2(m.contains("output_dim 200 differs"), qPrintable(m));
        QVERIFY2(m.contains("train_frames must be > 0"), qPrintable(m));
        QVERIFY2(m.contains("test_cfg must be a mapping"), qPrintable(m));
    }

    void unreadable_files() {
        QCOMPARE(parse_model_config("a: [1, 2", ConfigFormat::Yaml).error().kind,
                 ErrorKind::BadModelFile);
        QCOMPARE(parse_model_config("{\"a\": ", ConfigFormat::Json).error().kind,
                 ErrorKind::BadModelFile);
        QCOMPARE(parse_model_config("- 1\n- 2\n", ConfigFormat::Yaml).error().kind,
                 ErrorKind::BadModelFile);
        QCOMPARE(read_model_config(kIo + "no-such-config.yml").error().kind, ErrorKind::Io);
    }
};

QTEST_GUILESS_MAIN(TestIoConfig)
#include "tst_io_config.moc"
