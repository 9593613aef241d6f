// kinema-cli convert IN OUT.safetensors: rewrites a weight file (a torch.save checkpoint, or any
// format inspect reads) as one safetensors file. Keys verbatim, dtypes kept, values byte-identical;
// the output is written atomically (temporary file + rename).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>

#include "app/cli/cli_context.h"
#include "core/io/safetensors_dtype.h"
#include "core/io/safetensors_writer.h"
#include "core/io/state_dict_loader.h"
#include "core/io/torch_checkpoint.h"

namespace kinema::cli {
namespace {

struct ConvertArgs {
    std::string input;
    std::string output;
    std::string prefix;
    bool force = false;
};

Result<nlohmann::json> convert(const ConvertArgs& args) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(args.output, ec) && !args.force)
        return make_error(ErrorKind::InvalidRequest,
                          args.output + " exists (pass --force to replace it)");
    if (fs::exists(args.output, ec) && fs::equivalent(args.input, args.output, ec))
        return make_error(ErrorKind::InvalidRequest, "input and output are the same file");
    auto format = detect_model_file_format(args.input);
    if (!format) return format.error();

    // Keep the file order of the source: a checkpoint's state-dict order, else the listing's.
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    std::vector<CheckpointField> dropped;
    if (*format == ModelFileFormat::TorchCheckpoint) {
        auto ckpt = load_torch_checkpoint(args.input, args.prefix);
        if (!ckpt) return ckpt.error();
        tensors = std::move(ckpt->model_state_dict);
        dropped = ckpt->other_fields;
    } else {
        auto entries = list_tensors(args.input, args.prefix);
        if (!entries) return entries.error();
        auto all = load_state_dict(args.input, args.prefix);
        if (!all) return all.error();
        for (const auto& e : *entries)
            tensors.emplace_back(e.name, all->at(e.name));
    }

    std::map<std::string, std::string> metadata{{"format", "pt"}};
    KINEMA_TRY_STATUS(write_safetensors(args.output, tensors, metadata));

    int64_t parameters = 0;
    uint64_t bytes = 0;
    std::map<std::string, int64_t> dtypes;
    for (const auto& [name, t] : tensors) {
        const auto dtype = to_safetensors_dtype(t.scalar_type());
        parameters += t.numel();
        bytes += static_cast<uint64_t>(t.numel()) * t.element_size();
        dtypes[dtype ? std::string(dtype_name(*dtype)) : "?"] += 1;
    }
    nlohmann::json skipped = nlohmann::json::object();
    for (const auto& f : dropped)
        skipped[f.key] = f.summary;
    return nlohmann::json{{"input", args.input},
                          {"output", args.output},
                          {"format", std::string(to_string(*format))},
                          {"prefix", args.prefix},
                          {"tensor_count", tensors.size()},
                          {"parameter_count", parameters},
                          {"tensor_bytes", bytes},
                          {"output_bytes", fs::file_size(args.output, ec)},
                          {"dtypes", dtypes},
                          {"skipped_keys", skipped}};
}

}  // namespace

void add_convert_command(CLI::App& app, CliContext& ctx) {
    auto args = std::make_shared<ConvertArgs>();
    auto* cmd = app.add_subcommand(
        "convert", "Convert a .ckpt/.pt checkpoint (or any weight file) to .safetensors");
    cmd->add_option("input", args->input, "Source weight file")->required();
    cmd->add_option("output", args->output, "Destination .safetensors file")->required();
    cmd->add_option("--prefix", args->prefix, "Only tensors whose names start with this");
    cmd->add_flag("--force", args->force, "Replace an existing output file");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx, args] {
        auto summary = convert(*args);
        if (!summary) {
            report_error(ctx, summary.error());
            return;
        }
        if (ctx.json) {
            print_json(*summary);
            return;
        }
        std::cout << "wrote " << (*summary)["tensor_count"].get<std::size_t>() << " tensors ("
                  << (*summary)["parameter_count"].get<int64_t>() << " parameters) to "
                  << args->output << "\n";
        for (const auto& [key, value] : (*summary)["skipped_keys"].items())
            std::cout << "skipped   " << key << " = " << value.get<std::string>() << "\n";
    });
}

}  // namespace kinema::cli
