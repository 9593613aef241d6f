// Prompt files for benches and calibration: one prompt per line, or JSONL lines {"text": "..."};
// blank lines and lines starting with '#' are skipped.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace kinema::cli {

Result<std::vector<std::string>> read_prompt_list(const std::string& path);

}  // namespace kinema::cli
