#include "core/export/bvh_writer.h"

#include <cmath>
#include <cstdio>
#include <functional>

#include "core/export/atomic_file.h"

namespace kinema {
namespace {

void append_f(std::string& out, const char* fmt, double v) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof(buf), fmt, v == 0.0 ? 0.0 : v);  // no "-0.000000"
    out.append(buf, static_cast<size_t>(n));
}

// End Site offset for a leaf: the file's own if it had one, else 60% of the joint's own bone
// direction (at least 3 cm), so tools that draw bones get a sensible last bone.
Vec3 end_site(const SkeletalAnimation& a, int j) {
    if (j < static_cast<int>(a.end_sites_m.size()) && a.end_sites_m[j]) return *a.end_sites_m[j];
    const Vec3 dir = normalized(a.offsets_m[j], {0, 1, 0});
    const double length = std::max(0.6 * norm(a.offsets_m[j]), 0.03);
    return length * dir;
}

}  // namespace

Result<std::string> bvh_text(const SkeletalAnimation& a, const BvhWriteOptions& options) {
    KINEMA_TRY_STATUS(a.validate());
    if (!(options.units_per_m > 0))
        return make_error(ErrorKind::InvalidRequest, "BVH units_per_m must be > 0");
    const double s = options.units_per_m;
    const EulerOrder& order = options.rotation_order;
    std::string rot_channels;
    for (int axis : order)
        rot_channels += std::string(" ") + char('X' + axis) + "rotation";

    std::string out = "HIERARCHY\n";
    std::vector<int> dfs;  // joints in file order
    std::function<void(int, int)> emit = [&](int j, int depth) {
        const std::string tab(static_cast<size_t>(depth), '\t');
        dfs.push_back(j);
        out += tab + (j == 0 ? "ROOT " : "JOINT ") + a.names[j] + "\n" + tab + "{\n";
        const Vec3 off = j == 0 ? Vec3{0, 0, 0} : a.offsets_m[j];
        out += tab + "\tOFFSET";
        for (double v : off)
            append_f(out, " %.6f", v * s);
        out += "\n" + tab + "\tCHANNELS " +
               (j == 0 ? "6 Xposition Yposition Zposition" : std::string("3")) + rot_channels +
               "\n";
        const auto kids = a.children(j);
        for (int c : kids)
            emit(c, depth + 1);
        if (kids.empty()) {
            out += tab + "\tEnd Site\n" + tab + "\t{\n" + tab + "\t\tOFFSET";
            for (double v : end_site(a, j))
                append_f(out, " %.6f", v * s);
            out += "\n" + tab + "\t}\n";
        }
        out += tab + "}\n";
    };
    emit(0, 0);

    const int64_t L = a.num_frames();
    out += "MOTION\nFrames: " + std::to_string(L) + "\nFrame Time: ";
    append_f(out, "%.10g", 1.0 / a.fps);
    out += "\n";
    std::vector<Vec3> previous(static_cast<size_t>(a.num_joints()), Vec3{0, 0, 0});
    for (int64_t f = 0; f < L; ++f) {
        std::string line;
        for (double v : a.root_positions_m[static_cast<size_t>(f)])
            append_f(line, "%.6f ", v * s);
        for (int j : dfs) {
            const Vec3 e = mat_to_euler_near(a.rotation(f, j), order, previous[j]);
            previous[j] = e;
            for (double v : e)
                append_f(line, "%.6f ", v * 180.0 / kPi);
        }
        line.back() = '\n';
        out += line;
    }
    return out;
}

Status write_bvh(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const BvhWriteOptions& options) {
    auto text = bvh_text(animation, options);
    if (!text.ok()) return text.error();
    return write_file_atomic(path, *text);
}

}  // namespace kinema
