// kinema-cli generate: the whole pipeline through core/engine.h, from a prompt (or precomputed text
// features) to decoded clips, optionally exported. Progress goes to stderr, the report to stdout.
// --export mp4 / webm render videos through the desktop app's `kinema --render` (gui_render.h,
// needs an X server): one per seed, or with --tile all seeds side by side in one video.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/cli/cli_context.h"
#include "app/cli/gui_render.h"
#include "core/engine.h"
#include "core/engine/recommended_guidance.h"
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
    // Video exports (mp4, webm): `kinema --render` options.
    std::string camera;
    std::string figure;
    std::string video_size;
    int crf = -1;
    bool tile = false;
    bool no_caption = false;
    bool no_trajectory = false;
    double duration_s = 4.0;
    int64_t steps = 50;
    double cfg = 0;  // 0: the model's recommended guidance (recommended_cfg_scale())
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

// "bvh,mp4,json,webm" -> the file formats for core/export ("bvh,json") and the video
// extensions ("mp4", "webm").
void split_exports(const std::string& list, std::string* files, std::vector<std::string>* videos) {
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        std::string lower;
        for (char c : item)
            if (!std::isspace(static_cast<unsigned char>(c)))
                lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (lower.empty()) continue;
        if (lower == "mp4" || lower == "webm") {
            if (std::find(videos->begin(), videos->end(), lower) == videos->end())
                videos->push_back(lower);
        } else {
            *files += (files->empty() ? "" : ",") + lower;
        }
    }
}

// A scratch folder for the clip JSONs the renderer reads; removed with the object.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        std::string t = (std::filesystem::temp_directory_path() / "kinema-render-XXXXXX").string();
        if (::mkdtemp(t.data())) path = t;
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
};

// Renders the result's clips to `videos` (mp4, webm) in `out_dir`: one per seed, or one tiled
// video of all seeds. Adds each file (and with --json its render times) to `doc`.
Status render_videos(const MotionResult& result, const GenerateArgs& a,
                     const std::vector<std::string>& videos, const std::string& base, bool json,
                     nlohmann::json& doc) {
    ScratchDir scratch;
    if (scratch.path.empty()) return make_error(ErrorKind::Io, "cannot create a temporary folder");
    auto clips = export_result(result, {ExportFormat::Json}, scratch.path, base);
    if (!clips) return clips.error();
    std::vector<std::string> common;
    if (!a.camera.empty()) common.insert(common.end(), {"--camera", a.camera});
    if (!a.figure.empty()) common.insert(common.end(), {"--figure", a.figure});
    if (!a.video_size.empty()) common.insert(common.end(), {"--size", a.video_size});
    if (a.crf >= 0) common.insert(common.end(), {"--crf", std::to_string(a.crf)});
    if (a.no_caption) common.push_back("--no-caption");
    if (a.no_trajectory) common.push_back("--no-trajectory");
    if (json) common.push_back("--json");
    struct Job {
        std::vector<std::string> inputs;
        std::filesystem::path out;
    };
    std::vector<Job> jobs;
    for (const std::string& ext : videos) {
        if (a.tile && clips->size() > 1) {
            Job job;
            for (const auto& c : *clips)
                job.inputs.push_back(c.string());
            job.out = std::filesystem::path(a.out_dir) / (base + "_tiled." + ext);
            jobs.push_back(job);
        } else {
            for (size_t i = 0; i < clips->size(); ++i)
                jobs.push_back(
                    {{(*clips)[i].string()},
                     std::filesystem::path(a.out_dir) /
                         (base + "_s" + std::to_string(result.clips[i].seed) + "." + ext)});
        }
    }
    if (!doc.contains("exported")) doc["exported"] = nlohmann::json::array();
    for (const Job& job : jobs) {
        std::vector<std::string> args;
        for (size_t i = 0; i < job.inputs.size(); ++i) {
            if (i > 0) args.push_back("--render");
            args.push_back(job.inputs[i]);
        }
        args.insert(args.end(), {"--out", job.out.string()});
        args.insert(args.end(), common.begin(), common.end());
        std::string captured;
        if (auto s = run_gui_render(args, json ? &captured : nullptr); !s.ok()) return s;
        doc["exported"].push_back(job.out.string());
        if (json) {
            auto report = nlohmann::json::parse(captured, nullptr, /*allow_exceptions=*/false);
            if (report.is_object()) {
                report.erase("per_frame");
                doc["videos"].push_back(report);
            }
        }
    }
    return {};
}

Status run(const GenerateArgs& a, CliContext& ctx) {
    auto request = make_request(a);
    if (!request) return request.error();
    std::vector<ExportFormat> formats;
    std::string file_exports;
    std::vector<std::string> videos;
    split_exports(a.exports, &file_exports, &videos);
    if (!videos.empty()) {
        // Fail before generating when the videos cannot be rendered here.
        if (auto s = check_can_render("kinema-cli generate ... --export mp4"); !s.ok()) return s;
    }
    if (!a.exports.empty()) {
        if (!file_exports.empty()) {
            auto parsed = parse_export_formats(file_exports);
            if (!parsed) return parsed.error();
            formats = *parsed;
        }
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
    if (a.cfg <= 0) {
        request->cfg_scale = kOfficialCfgScale;
        for (const auto& m : (*engine)->models())
            if (m.id == request->model_id) request->cfg_scale = recommended_cfg_scale(m);
    }
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
    if (!videos.empty()) {
        if (!a.quiet) std::cerr << "[rendering video]\n";
        if (auto s = render_videos(*result, a, videos, base_name_for(result->request.prompt),
                                   ctx.json, doc);
            !s.ok())
            return s;
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
    cmd->add_option("--cfg", a->cfg,
                    "Classifier-free guidance scale (default: the model's recommended one, 5 for "
                    "HY-Motion)");
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
    cmd->add_option("--export", a->exports,
                    "Comma-separated formats: bvh,fbx,glb,npz,json,mp4,webm (video needs X)");
    cmd->add_flag("--tile", a->tile, "Video: all seeds side by side in one video");
    cmd->add_option("--camera", a->camera, "Video camera: front|side|three-quarter|orbit|follow");
    cmd->add_option("--figure", a->figure, "Video figure: skeleton|mannequin|both (default both)");
    cmd->add_option("--video-size", a->video_size, "Video WxH (default 1280x720)");
    cmd->add_option("--crf", a->crf, "Video quality, 0 = lossless H.264 (default 16)");
    cmd->add_flag("--no-caption", a->no_caption, "Video: no prompt / seed caption");
    cmd->add_flag("--no-trajectory", a->no_trajectory, "Video: no root path on the ground");
    cmd->add_flag("--no-smooth", a->no_smooth, "Skip the official smoothing");
    cmd->add_flag("--no-ground", a->no_ground, "Skip ground alignment");
    cmd->add_flag("-q,--quiet", a->quiet, "No progress on stderr");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx, a] {
        if (auto s = run(*a, ctx); !s.ok()) report_error(ctx, s.error());
    });
}

}  // namespace kinema::cli
