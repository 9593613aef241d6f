// kinema-cli models list|verify|download|add-folder: the model manager on the command line.
// list/verify/add-folder use core/models only; download needs app/models (Qt Network) and runs a
// QCoreApplication event loop for the duration of the command.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/cli/cli_context.h"
#include "core/models/model_catalog.h"
#include "core/models/model_discovery.h"
#include "core/models/model_verifier.h"
#include "core/models/user_model_folders.h"

#ifdef KINEMA_HAVE_DOWNLOADER
#include <QCoreApplication>
#include <QElapsedTimer>

#include "app/models/model_downloader.h"
#endif

namespace kinema::cli {
namespace fs = std::filesystem;
namespace {

std::string human_bytes(uint64_t n) {
    char buf[32];
    if (n >= 1'000'000'000ull)
        std::snprintf(buf, sizeof buf, "%.1f GB", n / 1e9);
    else if (n >= 1'000'000ull)
        std::snprintf(buf, sizeof buf, "%.0f MB", n / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f kB", n / 1e3);
    return buf;
}

nlohmann::json location_json(const ModelLocation& loc) {
    nlohmann::json j = {{"folder", loc.folder.string()},
                        {"kind", loc.kind},
                        {"origin", loc.origin},
                        {"layout", loc.layout}};
    if (!loc.hf_repo.empty()) j["hf_repo"] = loc.hf_repo;
    if (!loc.hf_revision.empty()) j["hf_revision"] = loc.hf_revision;
    return j;
}

nlohmann::json report_json(const VerifyReport& r) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : r.files) {
        nlohmann::json j = {{"path", f.path}, {"status", f.status}, {"size_bytes", f.size_bytes}};
        if (f.expected_size_bytes) j["expected_size_bytes"] = f.expected_size_bytes;
        if (!f.sha256.empty()) j["sha256"] = f.sha256;
        if (!f.expected_sha256.empty()) {
            j["expected_sha256"] = f.expected_sha256;
            j["expected_from"] = f.expected_from;
        }
        files.push_back(j);
    }
    return {{"folder", r.folder.string()},
            {"complete", r.complete},
            {"hashed", r.hashed},
            {"present_bytes", r.present_bytes},
            {"files", files}};
}

nlohmann::json list_report() {
    const auto locations = discover_models({});
    nlohmann::json catalog = nlohmann::json::array();
    for (const auto& e : model_catalog()) {
        nlohmann::json locs = nlohmann::json::array();
        bool any_complete = false;
        for (const auto& loc : locations) {
            if (loc.catalog_id != e.id) continue;
            auto j = location_json(loc);
            VerifyOptions quick;
            quick.hash = false;
            if (auto r = verify_model_folder(e, loc.folder, quick)) {
                j["complete"] = r->complete;
                j["present_bytes"] = r->present_bytes;
                nlohmann::json missing = nlohmann::json::array();
                for (const auto& f : r->files)
                    if (f.status != "present" && f.status != "ok")
                        missing.push_back(f.path + " (" + f.status + ")");
                j["problems"] = missing;
                any_complete = any_complete || r->complete;
            }
            locs.push_back(j);
        }
        catalog.push_back({{"id", e.id},
                           {"name", e.display_name},
                           {"role", e.role},
                           {"repo", e.repo},
                           {"revision", e.revision},
                           {"size_bytes", e.total_bytes()},
                           {"licence", e.licence},
                           {"licence_url", e.licence_url},
                           {"licence_note", e.licence_note},
                           {"download_folder", (kinema_model_dir() / e.local_name).string()},
                           {"complete", any_complete},
                           {"locations", locs}});
    }
    nlohmann::json other = nlohmann::json::array();
    for (const auto& loc : locations)
        if (loc.catalog_id.empty()) other.push_back(location_json(loc));
    nlohmann::json roots = nlohmann::json::array();
    for (const auto& r : discovery_roots({}))
        roots.push_back({{"path", r.path.string()}, {"origin", r.origin}});
    return {{"model_dir", kinema_model_dir().string()},
            {"endpoint", hub_endpoint()},
            {"user_folders_file", user_model_folders_file().string()},
            {"search_roots", roots},
            {"catalog", catalog},
            {"other", other}};
}

void print_list(const nlohmann::json& r) {
    for (const auto& e : r["catalog"]) {
        std::cout << e["name"].get<std::string>() << "  [" << e["id"].get<std::string>() << "]  "
                  << human_bytes(e["size_bytes"].get<uint64_t>()) << ", "
                  << e["licence"].get<std::string>() << "\n    " << e["role"].get<std::string>()
                  << "\n";
        if (!e["licence_note"].get<std::string>().empty())
            std::cout << "    licence: " << e["licence_note"].get<std::string>() << "\n";
        if (e["locations"].empty())
            std::cout << "    not found; `kinema-cli models download " << e["id"].get<std::string>()
                      << "` fetches it from " << e["repo"].get<std::string>() << "\n";
        for (const auto& l : e["locations"])
            std::cout << "    " << (l.value("complete", false) ? "complete  " : "INCOMPLETE") << " "
                      << l["folder"].get<std::string>() << " (" << l["origin"].get<std::string>()
                      << ", " << l["layout"].get<std::string>() << ")\n";
    }
    for (const auto& o : r["other"])
        std::cout << "other: " << o["kind"].get<std::string>() << " at "
                  << o["folder"].get<std::string>() << " (" << o["origin"].get<std::string>()
                  << ")\n";
}

int run_verify(CliContext& ctx, const std::string& id, const std::string& folder, bool hash) {
    auto entry = find_catalog_entry(id);
    if (!entry)
        return report_error(ctx,
                            make_error(ErrorKind::InvalidRequest, "unknown model '" + id + "'"));
    std::vector<fs::path> folders;
    if (!folder.empty())
        folders.push_back(folder);
    else
        for (const auto& loc : discover_models({}))
            if (loc.catalog_id == id) folders.push_back(loc.folder);
    if (folders.empty())
        return report_error(ctx, make_error(ErrorKind::Io, "no copy of '" + id + "' was found"));
    nlohmann::json reports = nlohmann::json::array();
    bool all_ok = true;
    for (const auto& f : folders) {
        VerifyOptions o;
        o.hash = hash;
        auto r = verify_model_folder(*entry, f, o);
        if (!r) return report_error(ctx, r.error());
        all_ok = all_ok && r->complete;
        reports.push_back(report_json(*r));
        if (!ctx.json) {
            std::cout << f.string() << ": " << (r->complete ? "OK" : "NOT OK") << "\n";
            for (const auto& c : r->files)
                std::cout << "  " << c.status << "  " << c.path
                          << (c.expected_from.empty() ? ""
                                                      : "  (sha256 from " + c.expected_from + ")")
                          << "\n";
        }
    }
    if (ctx.json) print_json({{"id", id}, {"ok", all_ok}, {"locations", reports}});
    ctx.exit_code = all_ok ? 0 : 1;
    return ctx.exit_code;
}

#ifdef KINEMA_HAVE_DOWNLOADER
int run_download(CliContext& ctx, const std::string& id, std::string folder,
                 const std::string& endpoint, bool offline) {
    auto entry = find_catalog_entry(id);
    if (!entry)
        return report_error(ctx,
                            make_error(ErrorKind::InvalidRequest, "unknown model '" + id + "'"));
    int argc = 1;
    char name[] = "kinema-cli";
    char* argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);
    ModelDownloader downloader;
    if (!endpoint.empty()) downloader.setEndpoint(QString::fromStdString(endpoint));
    if (offline) downloader.setOffline(true);
    if (folder.empty()) folder = ModelDownloader::defaultFolder(*entry).toStdString();
    std::cerr << entry->display_name << ": about " << human_bytes(entry->total_bytes()) << " from "
              << downloader.endpoint().toStdString() << "/" << entry->repo << " into " << folder
              << "\nlicence: " << entry->licence << " (" << entry->licence_url << ")"
              << (entry->licence_note.empty() ? "" : "; " + entry->licence_note) << "\n";
    QElapsedTimer shown;
    shown.start();
    QObject::connect(&downloader, &ModelDownloader::progress,
                     [&](qint64 done, qint64 total, double speed, double eta, const QString& file) {
                         if (shown.elapsed() < 1000) return;
                         shown.restart();
                         std::fprintf(stderr, "  %s: %.1f / %.1f MB, %.1f MB/s, ETA %.0f s\n",
                                      file.toStdString().c_str(), done / 1e6, total / 1e6,
                                      speed / 1e6, eta);
                     });
    DownloadError result;
    QObject::connect(&downloader, &ModelDownloader::finished, [&](const DownloadError& e) {
        result = e;
        app.quit();
    });
    downloader.start(*entry, QString::fromStdString(folder));
    app.exec();
    nlohmann::json doc = {{"id", id}, {"folder", folder}, {"ok", result.ok()}};
    if (!result.ok()) {
        doc["error"] = {{"kind", downloadErrorName(result.kind).toStdString()},
                        {"http_status", result.http_status},
                        {"message", result.message.toStdString()}};
        ctx.exit_code = result.kind == DownloadErrorKind::Cancelled ? 130 : 3;
    }
    if (ctx.json)
        print_json(doc);
    else if (result.ok())
        std::cout << "downloaded " << entry->display_name << " to " << folder << "\n";
    else
        std::cerr << "kinema-cli: " << downloadErrorName(result.kind).toStdString() << ": "
                  << result.message.toStdString() << std::endl;
    return ctx.exit_code;
}
#endif

}  // namespace

void add_models_command(CLI::App& app, CliContext& ctx) {
    auto* models = app.add_subcommand(
        "models",
        "Known models (sizes, licences), where they were found; verify, download, add folders");
    models->require_subcommand(1);

    auto* list =
        models->add_subcommand("list", "Known and discovered models, their location and state");
    add_json_flag(*list, ctx);
    list->callback([&ctx] {
        const auto r = list_report();
        if (ctx.json)
            print_json(r);
        else
            print_list(r);
    });

    struct VerifyArgs {
        std::string id, folder;
        bool no_hash = false;
    };
    auto va = std::make_shared<VerifyArgs>();
    auto* verify =
        models->add_subcommand("verify", "Check a model's files: present, sizes, SHA-256");
    verify->add_option("id", va->id, "Catalog id (models list)")->required();
    verify->add_option("--folder", va->folder, "Check this folder (default: every copy found)");
    verify->add_flag("--no-hash", va->no_hash, "Sizes only (fast)");
    add_json_flag(*verify, ctx);
    verify->callback([&ctx, va] { run_verify(ctx, va->id, va->folder, !va->no_hash); });

#ifdef KINEMA_HAVE_DOWNLOADER
    struct DownloadArgs {
        std::string id, folder, endpoint;
        bool offline = false;
    };
    auto da = std::make_shared<DownloadArgs>();
    auto* download = models->add_subcommand(
        "download", "Download a catalog model from the Hugging Face hub (resumable, verified)");
    download->add_option("id", da->id, "Catalog id (models list)")->required();
    download->add_option("--folder", da->folder, "Target folder (default: Kinema's model folder)");
    download->add_option("--endpoint", da->endpoint,
                         "Hub endpoint or mirror (default: $HF_ENDPOINT)");
    download->add_flag("--offline", da->offline, "Fail instead of using the network");
    add_json_flag(*download, ctx);
    download->callback(
        [&ctx, da] { run_download(ctx, da->id, da->folder, da->endpoint, da->offline); });
#endif

    struct FolderArgs {
        std::string path;
        bool remove = false;
    };
    auto fa = std::make_shared<FolderArgs>();
    auto* add = models->add_subcommand("add-folder", "Remember a folder to search for models");
    add->add_option("path", fa->path, "Folder")->required();
    add->add_flag("--remove", fa->remove, "Forget the folder instead");
    add_json_flag(*add, ctx);
    add->callback([&ctx, fa] {
        const auto file = user_model_folders_file();
        auto changed = fa->remove ? remove_user_model_folder(file, fa->path)
                                  : add_user_model_folder(file, fa->path);
        if (!changed) return (void)report_error(ctx, changed.error());
        nlohmann::json folders = nlohmann::json::array();
        for (const auto& f : load_user_model_folders(file))
            folders.push_back(f.string());
        if (ctx.json)
            print_json({{"changed", *changed}, {"file", file.string()}, {"folders", folders}});
        else
            std::cout << (*changed ? (fa->remove ? "removed" : "added") : "unchanged") << "; "
                      << folders.size() << " folder(s) in " << file.string() << "\n";
    });
}

}  // namespace kinema::cli
