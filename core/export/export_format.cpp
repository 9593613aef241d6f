#include "core/export/export_format.h"

#include <algorithm>
#include <cctype>

namespace kinema {

const char* export_format_name(ExportFormat format) {
    switch (format) {
        case ExportFormat::Bvh:
            return "bvh";
        case ExportFormat::Fbx:
            return "fbx";
        case ExportFormat::Glb:
            return "glb";
        case ExportFormat::Npz:
            return "npz";
        case ExportFormat::Json:
            return "json";
    }
    return "?";
}

std::vector<ExportFormat> all_export_formats() {
    return {ExportFormat::Bvh, ExportFormat::Fbx, ExportFormat::Glb, ExportFormat::Npz,
            ExportFormat::Json};
}

Result<ExportFormat> parse_export_format(std::string_view name) {
    std::string lower;
    for (char c : name)
        if (!std::isspace(static_cast<unsigned char>(c)))
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "gltf") return ExportFormat::Glb;
    for (ExportFormat f : all_export_formats())
        if (lower == export_format_name(f)) return f;
    return make_error(ErrorKind::InvalidRequest, "unknown export format '" + std::string(name) +
                                                     "' (expected bvh, fbx, glb, npz or json)");
}

Result<std::vector<ExportFormat>> parse_export_formats(std::string_view list) {
    std::vector<ExportFormat> out;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        auto format = parse_export_format(list.substr(start, comma - start));
        if (!format.ok()) return format.error();
        if (std::find(out.begin(), out.end(), *format) == out.end()) out.push_back(*format);
        start = comma + 1;
    }
    return out;
}

}  // namespace kinema
