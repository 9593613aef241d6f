// kinema-cli inspect FILE: the tensors of a weight file (names, dtypes, shapes, bytes) and totals.
// Reads no tensor data: safetensors headers, shard indexes, or a checkpoint's data.pkl only.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "app/cli/cli_context.h"
#include "core/io/state_dict_loader.h"

namespace kinema::cli {
namespace {

struct InspectArgs {
    std::string file;
    std::string prefix;
};

struct DtypeTotals {
    int64_t tensors = 0;
    int64_t parameters = 0;
    uint64_t bytes = 0;
};

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

nlohmann::json report(const InspectArgs& args, const ModelFileListing& listing) {
    nlohmann::json tensors = nlohmann::json::array();
    std::map<std::string, DtypeTotals> by_dtype;
    int64_t parameters = 0;
    uint64_t bytes = 0;
    for (const auto& t : listing.tensors) {
        tensors.push_back(
            {{"name", t.name}, {"dtype", t.dtype}, {"shape", t.shape}, {"bytes", t.nbytes}});
        auto& d = by_dtype[t.dtype];
        d.tensors += 1;
        d.parameters += t.numel();
        d.bytes += t.nbytes;
        parameters += t.numel();
        bytes += t.nbytes;
    }
    nlohmann::json dtypes = nlohmann::json::object();
    for (const auto& [name, d] : by_dtype)
        dtypes[name] = {{"tensors", d.tensors}, {"parameters", d.parameters}, {"bytes", d.bytes}};
    nlohmann::json doc = {
        {"file", args.file},
        {"format", std::string(to_string(listing.format))},
        {"prefix", args.prefix},
        {"totals",
         {{"tensor_count", listing.tensors.size()},
          {"parameter_count", parameters},
          {"total_bytes", bytes},
          {"dtype", by_dtype.empty()       ? ""
                    : by_dtype.size() == 1 ? by_dtype.begin()->first
                                           : "mixed"},
          {"dtypes", dtypes}}},
        {"metadata", listing.metadata},
        {"tensors", tensors},
    };
    if (listing.format == ModelFileFormat::SafetensorsIndex)
        doc["shard_count"] = listing.shard_count;
    if (listing.format == ModelFileFormat::TorchCheckpoint) {
        doc["state_dict_key"] = listing.state_dict_key;
        nlohmann::json other = nlohmann::json::object();
        for (const auto& f : listing.other_fields)
            other[f.key] = f.summary;
        doc["other_keys"] = other;
    }
    return doc;
}

void print_text(const nlohmann::json& r) {
    std::size_t width = 4;
    for (const auto& t : r["tensors"])
        width = std::max(width, t["name"].get<std::string>().size());
    std::cout << r["file"].get<std::string>() << " (" << r["format"].get<std::string>() << ")\n";
    for (const auto& [key, value] : r["metadata"].items())
        std::cout << "metadata  " << key << " = " << value.get<std::string>() << "\n";
    if (r.contains("other_keys")) {
        for (const auto& [key, value] : r["other_keys"].items())
            std::cout << "field     " << key << " = " << value.get<std::string>() << "\n";
    }
    std::cout << std::left << std::setw(static_cast<int>(width)) << "name"
              << "  dtype  shape                    bytes\n";
    for (const auto& t : r["tensors"]) {
        std::cout << std::left << std::setw(static_cast<int>(width)) << t["name"].get<std::string>()
                  << "  " << std::setw(5) << t["dtype"].get<std::string>() << "  " << std::setw(24)
                  << shape_text(t["shape"].get<std::vector<int64_t>>()) << " "
                  << t["bytes"].get<uint64_t>() << "\n";
    }
    const auto& totals = r["totals"];
    std::cout << totals["tensor_count"].get<std::size_t>() << " tensors, "
              << totals["parameter_count"].get<int64_t>() << " parameters, "
              << totals["total_bytes"].get<uint64_t>() << " bytes";
    for (const auto& [dtype, d] : totals["dtypes"].items())
        std::cout << "; " << dtype << ": " << d["tensors"].get<int64_t>() << " tensors";
    std::cout << "\n";
}

}  // namespace

void add_inspect_command(CLI::App& app, CliContext& ctx) {
    auto args = std::make_shared<InspectArgs>();
    auto* cmd = app.add_subcommand(
        "inspect", "List the tensors of a .safetensors, .safetensors.index.json or .ckpt/.pt file");
    cmd->add_option("file", args->file, "Weight file")->required();
    cmd->add_option("--prefix", args->prefix, "Only tensors whose names start with this");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx, args] {
        auto listing = inspect_model_file(args->file, args->prefix);
        if (!listing) {
            report_error(ctx, listing.error());
            return;
        }
        const auto doc = report(*args, *listing);
        if (ctx.json)
            print_json(doc);
        else
            print_text(doc);
    });
}

}  // namespace kinema::cli
