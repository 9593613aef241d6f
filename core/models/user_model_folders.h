// The model folders the user added ("Add folder…", `kinema-cli models add-folder`), shared by the
// GUI and the CLI: a small JSON file {"folders": ["/abs/path", ...]} in the XDG config folder,
// written atomically (temp file + rename). Thread: any; concurrent writers: last one wins.
#pragma once

#include <filesystem>
#include <vector>

#include "core/result.h"

namespace kinema {

// $XDG_CONFIG_HOME/kinema/model-folders.json, else ~/.config/kinema/model-folders.json.
std::filesystem::path user_model_folders_file();

// The folders in `file` (empty when it is absent or malformed).
std::vector<std::filesystem::path> load_user_model_folders(const std::filesystem::path& file);

Status save_user_model_folders(const std::filesystem::path& file,
                               const std::vector<std::filesystem::path>& folders);

// Adds `folder` (made absolute and normalised). InvalidRequest when it is not a directory;
// returns false when it was already listed.
Result<bool> add_user_model_folder(const std::filesystem::path& file,
                                   const std::filesystem::path& folder);

// Removes `folder`; false when it was not listed.
Result<bool> remove_user_model_folder(const std::filesystem::path& file,
                                      const std::filesystem::path& folder);

}  // namespace kinema
