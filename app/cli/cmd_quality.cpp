// kinema-cli bench quality: every speed setting against the exact fp32 Euler path on the same
// prompts and seeds (DiT evaluations, wall time, motion deviation).
// kinema-cli calibrate-teacache: fits a model's TeaCache rescale polynomial from full runs and
// picks thresholds for requested speed-ups by replaying the recorded changes.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/cli/cli_context.h"
#include "app/cli/motion_compare.h"
#include "app/cli/prompt_list.h"
#include "core/engine.h"
#include "core/engine/recommended_guidance.h"
#include "core/sampling/teacache.h"

namespace kinema::cli {
namespace {

struct QualityArgs {
    std::string model = "kinema-tiny", prompts, seeds = "0,1", settings, out;
    std::vector<std::string> model_dirs;
    double duration_s = 4.0;
    double cfg = 0;  // 0: the model's recommended guidance
    int64_t steps = 50;
    std::vector<double> speedups{1.5, 2.0, 3.0};
};

struct Setting {
    std::string name;
    std::function<void(GenerationRequest&)> apply;
};

std::vector<Setting> all_settings() {
    std::vector<Setting> s;
    s.push_back({"quality-mode", [](GenerationRequest& r) { r.quality_mode = true; }});
    for (double th : {0.05, 0.1, 0.15, 0.2})
        s.push_back({"teacache-" + std::to_string(th).substr(0, 4), [th](GenerationRequest& r) {
                         r.teacache.enabled = true;
                         r.teacache.threshold = th;
                     }});
    s.push_back({"bf16", [](GenerationRequest& r) { r.precision = PrecisionProfile::Bf16; }});
    for (const char* name : {"midpoint", "heun", "rk4"})
        s.push_back({name, [name](GenerationRequest& r) { r.solver = *parse_solver(name); }});
    return s;
}

// --settings "teacache,bf16": a setting runs when any comma-separated item is part of its name.
bool selected(const std::string& filter, const std::string& name) {
    if (filter.empty()) return true;
    std::size_t start = 0;
    while (start <= filter.size()) {
        const auto end = std::min(filter.find(',', start), filter.size());
        const std::string item = filter.substr(start, end - start);
        if (!item.empty() && name.find(item) != std::string::npos) return true;
        start = end + 1;
    }
    return false;
}

// Also resolves a.cfg = 0 to the model's recommended guidance (5 when the model is unknown).
Result<std::unique_ptr<Engine>> engine_for(QualityArgs& a) {
    EngineOptions o;
    for (const auto& d : a.model_dirs)
        o.extra_model_dirs.emplace_back(d);
    auto engine = Engine::create(o);
    if (engine && a.cfg <= 0) {
        a.cfg = kOfficialCfgScale;
        for (const auto& m : (*engine)->models())
            if (m.id == a.model) a.cfg = recommended_cfg_scale(m);
    }
    return engine;
}

GenerationRequest base_request(const QualityArgs& a, const std::string& prompt,
                               const std::vector<int64_t>& seeds) {
    GenerationRequest r;
    r.model_id = a.model;
    r.prompt = prompt;
    r.duration_s = a.duration_s;
    r.steps = a.steps;
    r.cfg_scale = a.cfg;
    r.seeds = seeds;
    r.want_preview = false;
    r.precision = PrecisionProfile::Fp32;
    return r;
}

Result<nlohmann::json> bench_quality(QualityArgs a) {
    auto prompts = read_prompt_list(a.prompts);
    if (!prompts) return prompts.error();
    auto seeds = parse_seed_list(a.seeds);
    if (!seeds) return seeds.error();
    auto engine = engine_for(a);
    if (!engine) return engine.error();
    std::vector<MotionResult> exact;
    nlohmann::json rows = nlohmann::json::array();
    double exact_wall = 0;
    for (const auto& p : *prompts) {
        auto r = (*engine)->generate(base_request(a, p, *seeds));
        if (!r) return r.error();
        exact_wall += r->timings.sample_s;
        exact.push_back(std::move(*r));
    }
    rows.push_back({{"setting", "exact-fp32-euler"},
                    {"dit_evaluations", exact[0].timings.dit_evaluations},
                    {"sample_s", exact_wall / prompts->size()},
                    {"mpjpe_mm", 0.0},
                    {"root_drift_mean_mm", 0.0},
                    {"root_drift_final_mm", 0.0},
                    {"max_angle_deg", 0.0}});
    for (const auto& setting : all_settings()) {
        if (!selected(a.settings, setting.name)) continue;
        double wall = 0, evals = 0, mpjpe = 0, drift = 0, drift_final = 0, angle = 0;
        int64_t clips = 0;
        bool failed = false;
        std::string error;
        for (std::size_t i = 0; i < prompts->size() && !failed; ++i) {
            auto req = base_request(a, (*prompts)[i], *seeds);
            setting.apply(req);
            auto r = (*engine)->generate(req);
            if (!r) {
                failed = true;
                error = r.error().describe();
                break;
            }
            wall += r->timings.sample_s;
            evals += static_cast<double>(r->timings.dit_evaluations);
            for (std::size_t c = 0; c < r->clips.size(); ++c) {
                const auto d = compare_motion(r->clips[c], exact[i].clips[c]);
                mpjpe += d.mpjpe_mm;
                drift += d.root_drift_mean_mm;
                drift_final = std::max(drift_final, d.root_drift_final_mm);
                angle = std::max(angle, d.max_angle_deg);
                ++clips;
            }
        }
        if (failed) {
            rows.push_back({{"setting", setting.name}, {"error", error}});
            continue;
        }
        const double n = static_cast<double>(prompts->size());
        rows.push_back({{"setting", setting.name},
                        {"dit_evaluations", evals / n},
                        {"sample_s", wall / n},
                        {"speedup", (exact_wall / n) / std::max(1e-9, wall / n)},
                        {"mpjpe_mm", mpjpe / clips},
                        {"root_drift_mean_mm", drift / clips},
                        {"root_drift_final_mm", drift_final},
                        {"max_angle_deg", angle}});
    }
    return nlohmann::json{{"bench", "quality"},
                          {"model", a.model},
                          {"prompts", prompts->size()},
                          {"seeds", *seeds},
                          {"duration_s", a.duration_s},
                          {"steps", a.steps},
                          {"cfg", a.cfg},
                          {"reference", "exact fp32 Euler, TeaCache off"},
                          {"rows", rows}};
}

// Evaluations the skip rule would run on a recorded full-run trace (the first and last always).
double replay_evaluations(const std::vector<std::vector<TeaCacheTracePoint>>& traces,
                          const std::vector<double>& coefficients, double threshold) {
    double total = 0;
    for (const auto& trace : traces) {
        double acc = 0, evals = 1;
        for (std::size_t i = 0; i < trace.size(); ++i) {
            acc += eval_polynomial(coefficients, trace[i].input_change);
            if (i + 1 == trace.size() || acc >= threshold) {
                evals += 1;
                acc = 0;
            }
        }
        total += evals;
    }
    return total / static_cast<double>(traces.size());
}

Result<nlohmann::json> calibrate(QualityArgs a) {
    auto prompts = read_prompt_list(a.prompts);
    if (!prompts) return prompts.error();
    auto seeds = parse_seed_list(a.seeds);
    if (!seeds) return seeds.error();
    auto engine = engine_for(a);
    if (!engine) return engine.error();
    std::filesystem::path folder;
    for (const auto& m : (*engine)->models())
        if (m.id == a.model) folder = m.folder;
    if (a.out.empty() && folder.empty())
        return make_error(ErrorKind::InvalidRequest,
                          a.model + " has no model folder: pass --out FILE");
    std::vector<std::vector<TeaCacheTracePoint>> traces;
    std::vector<TeaCacheTracePoint> points;
    for (const auto& p : *prompts) {
        auto req = base_request(a, p, *seeds);
        req.teacache.record_trace = true;
        auto r = (*engine)->generate(req);
        if (!r) return r.error();
        points.insert(points.end(), r->teacache_trace.begin(), r->teacache_trace.end());
        traces.push_back(std::move(r->teacache_trace));
    }
    auto coefficients = fit_teacache_coefficients(points);
    if (!coefficients) return coefficients.error();
    const double full = static_cast<double>(a.steps);
    nlohmann::json thresholds = nlohmann::json::array();
    for (double speedup : a.speedups) {
        double lo = 0, hi = 1;
        while (replay_evaluations(traces, *coefficients, hi) > full / speedup && hi < 1e6)
            hi *= 2;
        for (int i = 0; i < 60; ++i) {
            const double mid = 0.5 * (lo + hi);
            (replay_evaluations(traces, *coefficients, mid) > full / speedup ? lo : hi) = mid;
        }
        thresholds.push_back(
            {{"speedup", speedup},
             {"threshold", hi},
             {"replayed_evaluations", replay_evaluations(traces, *coefficients, hi)}});
    }
    nlohmann::json doc = {{"model", a.model},
                          {"coefficients", *coefficients},
                          {"points", points.size()},
                          {"steps", a.steps},
                          {"thresholds_for_speedup", thresholds}};
    const auto out = a.out.empty() ? folder / "teacache.json" : std::filesystem::path(a.out);
    const auto tmp = out.string() + ".tmp";
    {
        std::ofstream f(tmp);
        f << doc.dump(2) << "\n";
        if (!f) return make_error(ErrorKind::Io, "cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec) return make_error(ErrorKind::Io, "cannot write " + out.string() + ": " + ec.message());
    doc["written"] = out.string();
    return doc;
}

void add_common(CLI::App* cmd, QualityArgs& a) {
    cmd->add_option("--model", a.model, "Model id")->capture_default_str();
    cmd->add_option("--prompts", a.prompts, "Prompt file (a line each, or JSONL {\"text\"})")
        ->required();
    cmd->add_option("--seeds", a.seeds, "Comma-separated seeds")->capture_default_str();
    cmd->add_option("--duration", a.duration_s, "Seconds")->capture_default_str();
    cmd->add_option("--steps", a.steps, "DiT evaluations of the exact path")->capture_default_str();
    cmd->add_option("--cfg", a.cfg, "Guidance scale (default: the model's recommended one)");
    cmd->add_option("--model-dir", a.model_dirs, "Extra model folder");
}

void print(CliContext& ctx, const Result<nlohmann::json>& doc) {
    if (!doc) {
        report_error(ctx, doc.error());
        return;
    }
    print_json(*doc);
}

}  // namespace

void add_quality_commands(CLI::App& app, CliContext& ctx) {
    auto a = std::make_shared<QualityArgs>();
    CLI::App* bench = nullptr;
    for (auto* sub : app.get_subcommands({}))
        if (sub->get_name() == "bench") bench = sub;
    if (bench) {
        auto* q = bench->add_subcommand(
            "quality", "Speed settings vs the exact path: evaluations, time, deviation");
        add_common(q, *a);
        q->add_option("--settings", a->settings,
                      "Comma-separated name parts: run only the settings that contain one");
        add_json_flag(*q, ctx);
        q->callback([&ctx, a] { print(ctx, bench_quality(*a)); });
    }
    auto* c = app.add_subcommand("calibrate-teacache",
                                 "Fit a model's TeaCache coefficients from full runs");
    add_common(c, *a);
    c->add_option("--out", a->out, "teacache.json to write (default: in the model folder)");
    c->add_option("--speedup", a->speedups, "Speed-ups to pick thresholds for")
        ->capture_default_str();
    add_json_flag(*c, ctx);
    c->callback([&ctx, a] { print(ctx, calibrate(*a)); });
}

}  // namespace kinema::cli
