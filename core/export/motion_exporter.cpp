#include "core/export/motion_exporter.h"

#include "core/export/atomic_file.h"
#include "core/export/bvh_writer.h"
#include "core/export/clip_animation.h"
#include "core/export/fbx_writer.h"
#include "core/export/gltf_writer.h"
#include "core/export/json_writer.h"
#include "core/export/npz_writer.h"
#include "core/motion/motion_resample.h"

namespace kinema {
namespace {

Result<SkeletalAnimation> prepared_animation(const MotionClip& clip, const ExportOptions& options) {
    auto animation = animation_from_clip(clip, options.joints);
    if (!animation.ok()) return animation.error();
    if (options.fps > 0 && std::abs(options.fps - animation->fps) > 1e-9)
        return resample_animation(*animation, options.fps);
    return animation;
}

}  // namespace

Status export_clip(const MotionClip& clip, const ExportMetadata& metadata, ExportFormat format,
                   const std::filesystem::path& path, const ExportOptions& options) {
    if (options.fps < 0 || options.fps > 1000)
        return make_error(ErrorKind::InvalidRequest, "export fps must be in [0, 1000]");
    const std::string settings = metadata_json(metadata);
    switch (format) {
        case ExportFormat::Bvh: {
            auto order = parse_euler_order(options.rotation_order);
            if (!order.ok()) return order.error();
            auto animation = prepared_animation(clip, options);
            if (!animation.ok()) return animation.error();
            BvhWriteOptions bvh;
            bvh.rotation_order = *order;
            bvh.units_per_m = options.bvh_unit == LengthUnit::Centimetres ? 100.0 : 1.0;
            KINEMA_TRY_STATUS(write_bvh(path, *animation, bvh));
            if (!options.bvh_settings_sidecar) return {};
            auto sidecar = path;
            sidecar += ".json";
            return write_file_atomic(sidecar, metadata_json(metadata, 2) + "\n");
        }
        case ExportFormat::Glb: {
            auto animation = prepared_animation(clip, options);
            if (!animation.ok()) return animation.error();
            GltfWriteOptions gltf;
            gltf.mannequin = options.mannequin;
            gltf.settings_json = settings;
            return write_glb(path, *animation, gltf);
        }
        case ExportFormat::Fbx: {
            auto animation = prepared_animation(clip, options);
            if (!animation.ok()) return animation.error();
            FbxWriteOptions fbx;
            fbx.mannequin = options.mannequin;
            fbx.settings_json = settings;
            return write_fbx(path, *animation, fbx);
        }
        case ExportFormat::Npz:
            return write_hymotion_npz(path, clip, settings);
        case ExportFormat::Json:
            return write_motion_json(path, clip, metadata);
    }
    return make_error(ErrorKind::InvalidRequest, "unknown export format");
}

Result<std::vector<std::filesystem::path>> export_result(const MotionResult& result,
                                                         const std::vector<ExportFormat>& formats,
                                                         const std::filesystem::path& folder,
                                                         const std::string& base_name,
                                                         const ExportOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        return make_error(ErrorKind::Io, "export folder " + folder.string() + " does not exist");
    if (base_name.empty() || base_name.find('/') != std::string::npos)
        return make_error(ErrorKind::InvalidRequest, "export: bad base name '" + base_name + "'");
    std::vector<std::filesystem::path> written;
    for (const MotionClip& clip : result.clips) {
        const ExportMetadata metadata =
            make_export_metadata(result.request, clip, result.model_display_name);
        for (ExportFormat format : formats) {
            const auto path = folder / (base_name + "_s" + std::to_string(clip.seed) + "." +
                                        export_format_name(format));
            KINEMA_TRY_STATUS(export_clip(clip, metadata, format, path, options));
            written.push_back(path);
        }
    }
    return written;
}

}  // namespace kinema
