// Reads HY-Motion's model configuration: the official config.yml (`network_module_args`,
// `train_pipeline_args`) or a JSON file with the same objects at the top level (the fixture
// sidecars; `pipeline_class_kwargs` is accepted as another name for `train_pipeline_args`).
// Values the file leaves out keep the official code defaults (core/model/mmdit_config.h).
// Thread: any.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/mmdit_config.h"
#include "core/result.h"

namespace kinema {

struct ModelConfigFile {
    HyMotionConfig config;
    bool has_network = false;   // network_module_args was present
    bool has_pipeline = false;  // train_pipeline_args / pipeline_class_kwargs was present
    // Keys Kinema does not know, e.g. "unknown key train_pipeline_args.foo"; never fatal.
    std::vector<std::string> warnings;
};

enum class ConfigFormat { Yaml, Json };

// BadModelFile: unparsable file, a value of the wrong type or out of range, or (when
// require_network) missing network_module_args keys; the message names every offending key.
// Io: the file cannot be read. The format follows the extension (.json, else YAML).
Result<ModelConfigFile> read_model_config(const std::filesystem::path& path,
                                          bool require_network = true);

// The same from text; `source` names it in messages.
Result<ModelConfigFile> parse_model_config(std::string_view text, ConfigFormat format,
                                           bool require_network = true,
                                           const std::string& source = "config");

}  // namespace kinema
