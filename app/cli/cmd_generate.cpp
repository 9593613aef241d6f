// kinema-cli generate: the whole pipeline through core/engine.h, from a prompt (or precomputed text
// features) to decoded clips, optionally exported. Progress goes to stderr, the report to stdout.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>

#include <cctype>
#include <filesystem>
#include <iostream>

#include "app/cli/cli_context.h"
#include "core/engine.h"
#include "core/export/motion_exporter.h"
#include "core/io/state_dict_loader.h"

namespace kinema::cli {
namespace {

struct GenerateArgs {
    std::string model = "kinema-tiny";
    std::string prompt;
    std::string seeds = "0";
    std::string solver = "euler";
    std::string precision = "auto";
    std::string text_features;
    std::string body_assets;
    std::string out_dir = ".";
    std::string exports;
    std::vector<std::string> model_dirs;
    double duration_s = 4.0;
    int64_t steps = 50;
    double cfg = 5.0;
    double preserve_gb = 6.0;
    double teacache = 0.0;
    bool quality = false;
    bool no_smooth = false;
    bool no_ground = false;
    bool quiet = false;
};

// in.text_vec_raw / in.text_ctxt_raw / in.text_ctxt_raw_length (the encode-text output names).
Result<std::shared_ptr<const TextFeatures>> read_features(const std::string& path) {
    auto tensors = load_state_dict(path);
    if (!tensors) return tensors.error();
    std::string missing;
    for (const char* k : {"in.text_vec_raw", "in.text_ctxt_raw", "in.text_ctxt_raw_length"})
        if (!tensors->count(k)) missing += std::string(missing.empty() ? "" : ", ") + k;
    if (!missing.empty()) return make_error(ErrorKind::BadModelFile, path + " lacks " + missing);
    auto f = std::make_shared<TextFeatures>();
    f->vtxt = tensors->at("in.text_vec_raw").to(at::kFloat);
    f->ctxt = tensors->at("in.text_ctxt_raw").to(at::kFloat);
    f->ctxt_length = tensors->at("in.text_ctxt_raw_length").to(at::kLong);
    return std::shared_ptr<const TextFeatures>(std::move(f));
}

Result<GenerationRequest> make_request(const GenerateArgs& a) {
    GenerationRequest r;
    r.prompt = a.prompt;
    r.model_id = a.model;
    r.duration_s = a.duration_s;
    r.steps = a.steps;
    r.cfg_scale = a.cfg;
    r.gpu_memory_preservation_gb = a.preserve_gb;
    r.quality_mode = a.quality;
    r.teacache.enabled = a.teacache > 0.0;
    if (r.teacache.enabled) r.teacache.threshold = a.teacache;
    r.post.smooth = !a.no_smooth;
    r.post.ground = !a.no_ground;
    r.want_preview = false;
    auto seeds = parse_seed_list(a.seeds);
    if (!seeds) return seeds.error();
    r.seeds = *seeds;
    auto solver = parse_solver(a.solver);
    if (!solver) return solver.error();
    r.solver = *solver;
    auto precision = parse_precision(a.precision);
    if (!precision) return precision.error();
    r.precision = *precision;
    if (!a.text_features.empty()) {
        auto f = read_features(a.text_features);
        if (!f) return f.error();
        r.text_features = *f;
    }
    return r;
}

nlohmann::json summary(const MotionResult& m) {
    nlohmann::json clips = nlohmann::json::array();
    for (const auto& c : m.clips) {
        const auto root = c.joints.select(1, 0);
        const auto travel = (root[-1] - root[0]).contiguous();
        clips.push_back(
            {{"seed", c.seed},
             {"frames", c.frames()},
             {"fps", c.fps},
             {"root_travel_m",
              {travel[0].item<double>(), travel[1].item<double>(), travel[2].item<double>()}}});
    }
    const auto& t = m.timings;
    return {{"model", m.request.model_id},
            {"model_name", m.model_display_name},
            {"prompt", m.request.prompt},
            {"duration_s", m.request.duration_s},
            {"steps", m.request.steps},
            {"cfg", m.request.cfg_scale},
            {"clips", clips},
            {"timings_s",
             {{"load", t.load_s},
              {"encode", t.encode_s},
              {"sample", t.sample_s},
              {"decode", t.decode_s},
              {"total", t.total_s}}},
            {"dit_evaluations", t.dit_evaluations},
            {"teacache_skipped", t.teacache_skipped}};
}

// "a person walks forward" -> "a_person_walks_forward" (file names of exports).
std::string base_name_for(const std::string& prompt) {
    std::string out;
    for (char c : prompt) {
        if (out.size() >= 48) break;
        const bool keep = std::isalnum(static_cast<unsigned char>(c));
        if (keep)
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!out.empty() && out.back() != '_')
            out.push_back('_');
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    return out.empty() ? "motion" : out;
}

Status run(const GenerateArgs& a, CliContext& ctx) {
    auto request = make_request(a);
    if (!request) return request.error();
    std::vector<ExportFormat> formats;
    if (!a.exports.empty()) {
        auto parsed = parse_export_formats(a.exports);
        if (!parsed) return parsed.error();
        formats = *parsed;
        std::error_code ec;
        std::filesystem::create_directories(a.out_dir, ec);
        if (ec)
            return make_error(ErrorKind::Io, "cannot create " + a.out_dir + ": " + ec.message());
    }
    EngineOptions options;
    for (const auto& d : a.model_dirs)
        options.extra_model_dirs.emplace_back(d);
    options.body_assets_dir = a.body_assets;
    auto engine = Engine::create(options);
    if (!engine) return engine.error();
    if (!a.quiet) {
        request->callbacks.phase = [](Phase p) { std::cerr << "[" << phase_name(p) << "]\n"; };
        request->callbacks.progress = [](int64_t step, int64_t total) {
            std::cerr << "\rstep " << step << "/" << total << (step == total ? "\n" : "")
                      << std::flush;
        };
    }
    auto result = (*engine)->generate(*request);
    if (!result) return result.error();
    auto doc = summary(*result);
    if (!formats.empty()) {
        auto written =
            export_result(*result, formats, a.out_dir, base_name_for(result->request.prompt));
        if (!written) return written.error();
        doc["exported"] = nlohmann::json::array();
        for (const auto& f : *written)
            doc["exported"].push_back(f.string());
    }
    if (ctx.json) {
        print_json(doc);
    } else {
        std::cout << "generated " << result->clips.size() << " clip(s) with "
                  << result->model_display_name << " in " << result->timings.total_s << " s\n";
        if (doc.contains("exported"))
            for (const auto& f : doc["exported"])
                std::cout << "wrote " << f.get<std::string>() << "\n";
    }
    return {};
}

}  // namespace

void add_generate_command(CLI::App& app, CliContext& ctx) {
    auto a = std::make_shared<GenerateArgs>();
    auto* cmd = app.add_subcommand("generate", "Generate motion from a prompt (and export it)");
    cmd->add_option("--model", a->model, "Model id (see `kinema-cli models`)")
        ->capture_default_str();
    cmd->add_option("-p,--prompt", a->prompt, "What the person does");
    cmd->add_option("--duration", a->duration_s, "Seconds, 0.5-12 (30 fps)")->capture_default_str();
    cmd->add_option("--steps", a->steps, "Sampling steps")->capture_default_str();
    cmd->add_option("--cfg", a->cfg, "Classifier-free guidance scale")->capture_default_str();
    cmd->add_option("--seeds", a->seeds, "Comma-separated seeds, one clip each")
        ->capture_default_str();
    cmd->add_option("--solver", a->solver, "euler | midpoint | heun | rk4")->capture_default_str();
    cmd->add_option("--precision", a->precision, "auto | fp32 | bf16 | fp16")
        ->capture_default_str();
    cmd->add_flag("--quality", a->quality, "Quality Mode: the reference numerics");
    cmd->add_option("--teacache", a->teacache, "TeaCache threshold (0 = off)")
        ->capture_default_str();
    cmd->add_option("--preserve-gb", a->preserve_gb, "GPU memory kept free, GB")
        ->capture_default_str();
    cmd->add_option("--text-features", a->text_features,
                    "Precomputed features (encode-text output)");
    cmd->add_option("--body-assets", a->body_assets,
                    "Wooden-boy folder for the official grounding");
    cmd->add_option("--model-dir", a->model_dirs, "Extra folder to search for models");
    cmd->add_option("--out-dir", a->out_dir, "Where exports go")->capture_default_str();
    cmd->add_option("--export", a->exports, "Comma-separated formats: bvh,fbx,glb,npz,json");
    cmd->add_flag("--no-smooth", a->no_smooth, "Skip the official smoothing");
    cmd->add_flag("--no-ground", a->no_ground, "Skip ground alignment");
    cmd->add_flag("-q,--quiet", a->quiet, "No progress on stderr");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx, a] {
        if (auto s = run(*a, ctx); !s.ok()) report_error(ctx, s.error());
    });
}

}  // namespace kinema::cli
