#include "core/export/fbx_writer.h"

#include "core/export/atomic_file.h"

namespace kinema {

Result<std::string> fbx_bytes(const SkeletalAnimation& animation, const FbxWriteOptions&) {
    KINEMA_TRY_STATUS(animation.validate());
    return make_error(ErrorKind::Unsupported, "FBX export is not implemented yet");
}

Status write_fbx(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const FbxWriteOptions& options) {
    auto bytes = fbx_bytes(animation, options);
    if (!bytes.ok()) return bytes.error();
    return write_file_atomic(path, *bytes);
}

}  // namespace kinema
