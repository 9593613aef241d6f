// Internal to core/export: nlohmann::json helpers shared by the writers. Not a public API.
#pragma once

#include <nlohmann/json.hpp>

#include "core/export/export_metadata.h"

namespace kinema::export_detail {

nlohmann::ordered_json metadata_to_json(const ExportMetadata& metadata);

}  // namespace kinema::export_detail
