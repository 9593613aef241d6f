// kinema-cli doctor: what this machine and build can do, and which models were found.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "app/cli/cli_context.h"
#include "core/model_paths.h"
#include "core/system_info.h"

namespace kinema::cli {
namespace {

nlohmann::json doctor_report() {
    const SystemInfo info = query_system_info();
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : info.cuda.devices) {
        devices.push_back({{"index", d.index},
                           {"name", d.name},
                           {"compute_capability", std::to_string(d.compute_major) + "." +
                                                      std::to_string(d.compute_minor)},
                           {"total_vram_bytes", d.total_bytes},
                           {"free_vram_bytes", d.free_bytes}});
    }
    nlohmann::json roots = nlohmann::json::array();
    const auto search = model_search_roots();
    for (const auto& r : search) {
        std::error_code ec;
        roots.push_back({{"path", r.path.string()},
                         {"origin", r.origin},
                         {"exists", std::filesystem::is_directory(r.path, ec)}});
    }
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : scan_models(search))
        models.push_back({{"folder", m.folder.string()}, {"kind", m.kind}});
    return {
        {"kinema_version", info.kinema_version},
        {"libtorch",
         {{"version", info.torch_version},
          {"blas", info.blas},
          {"blas_library", info.blas_library},
          {"intra_op_threads", info.intra_op_threads},
          {"cuda", info.torch_has_cuda}}},
        {"cuda",
         {{"compiled", info.cuda.compiled_with_cuda},
          {"runtime_version", info.cuda.runtime_version},
          {"driver_version", info.cuda.driver_version},
          {"devices", devices},
          {"reason", info.cuda.reason}}},
#ifdef KINEMA_HAVE_GUI
        {"qt", {{"gui_built", true}, {"version", KINEMA_QT_VERSION}}},
#else
        {"qt", {{"gui_built", false}}},
#endif
        {"model_search_roots", roots},
        {"models", models},
    };
}

void print_text(const nlohmann::json& r) {
    std::cout << "Kinema " << r["kinema_version"].get<std::string>() << "\n";
    const auto& t = r["libtorch"];
    std::cout << "libtorch    " << t["version"].get<std::string>() << " (BLAS "
              << t["blas"].get<std::string>() << " -> " << t["blas_library"].get<std::string>()
              << "), " << t["intra_op_threads"].get<int>() << " intra-op threads, CUDA "
              << (t["cuda"].get<bool>() ? "yes" : "no") << "\n";
    const auto& c = r["cuda"];
    if (c["devices"].empty()) {
        std::cout << "CUDA        " << c["reason"].get<std::string>() << "\n";
    } else {
        for (const auto& d : c["devices"]) {
            std::cout << "CUDA        #" << d["index"].get<int>() << " "
                      << d["name"].get<std::string>() << " (sm "
                      << d["compute_capability"].get<std::string>() << "), "
                      << d["free_vram_bytes"].get<double>() / (1 << 30) << " of "
                      << d["total_vram_bytes"].get<double>() / (1 << 30) << " GiB free\n";
        }
    }
    std::cout << "Qt GUI      " << (r["qt"]["gui_built"].get<bool>() ? "built" : "not built")
              << "\n";
    for (const auto& root : r["model_search_roots"])
        std::cout << "model root  " << root["path"].get<std::string>() << " ("
                  << root["origin"].get<std::string>()
                  << (root["exists"].get<bool>() ? "" : ", missing") << ")\n";
    if (r["models"].empty()) std::cout << "models      none found\n";
    for (const auto& m : r["models"])
        std::cout << "model       " << m["kind"].get<std::string>() << " at "
                  << m["folder"].get<std::string>() << "\n";
}

}  // namespace

void add_doctor_command(CLI::App& app, CliContext& ctx) {
    auto* cmd =
        app.add_subcommand("doctor", "Report libtorch, BLAS, threads, CUDA devices, models");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx] {
        const auto report = doctor_report();
        if (ctx.json)
            print_json(report);
        else
            print_text(report);
    });
}

}  // namespace kinema::cli
