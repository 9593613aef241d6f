#include "core/export/mannequin_mesh.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace kinema {
namespace {

void add_capsule(MannequinMesh& mesh, const Vec3& a, const Vec3& b, double radius, uint16_t joint,
                 int segments, int rings) {
    const Vec3 d = normalized(b - a);
    const Vec3 helper = std::abs(d[1]) < 0.9 ? Vec3{0, 1, 0} : Vec3{1, 0, 0};
    const Vec3 u = normalized(cross(helper, d));
    const Vec3 v = cross(d, u);
    const auto base = static_cast<uint32_t>(mesh.positions.size());
    auto add_vertex = [&](const Vec3& centre, const Vec3& normal) {
        mesh.positions.push_back(centre + radius * normal);
        mesh.normals.push_back(normal);
        mesh.joints.push_back({joint, 0, 0, 0});
        mesh.weights.push_back({1.0f, 0.0f, 0.0f, 0.0f});
    };
    add_vertex(a, -1.0 * d);  // bottom pole
    // 2 * rings latitude rings: bottom cap (ending at the equator of a), top cap (from b).
    for (int r = 0; r < 2 * rings; ++r) {
        const bool top = r >= rings;
        const double phi =
            top ? (r - rings) * kPi / (2 * rings) : -kPi / 2 + (r + 1) * kPi / (2 * rings);
        for (int s = 0; s < segments; ++s) {
            const double theta = 2 * kPi * s / segments;
            const Vec3 radial = std::cos(theta) * u + std::sin(theta) * v;
            const Vec3 n = normalized(std::cos(phi) * radial + std::sin(phi) * d);
            add_vertex(top ? b : a, n);
        }
    }
    add_vertex(b, d);  // top pole
    const uint32_t top_pole = base + 1 + static_cast<uint32_t>(2 * rings * segments);
    auto ring = [&](int r, int s) {
        return base + 1 + static_cast<uint32_t>(r * segments + (s % segments));
    };
    auto tri = [&](uint32_t i0, uint32_t i1, uint32_t i2) {
        // Orient counter-clockwise seen from outside (geometric normal along the vertex normals).
        const Vec3 n =
            cross(mesh.positions[i1] - mesh.positions[i0], mesh.positions[i2] - mesh.positions[i0]);
        const Vec3 out = mesh.normals[i0] + mesh.normals[i1] + mesh.normals[i2];
        if (dot(n, out) < 0) std::swap(i1, i2);
        mesh.indices.insert(mesh.indices.end(), {i0, i1, i2});
    };
    for (int s = 0; s < segments; ++s)
        tri(base, ring(0, s), ring(0, s + 1));
    for (int r = 0; r + 1 < 2 * rings; ++r)
        for (int s = 0; s < segments; ++s) {
            tri(ring(r, s), ring(r + 1, s), ring(r + 1, s + 1));
            tri(ring(r, s), ring(r + 1, s + 1), ring(r, s + 1));
        }
    for (int s = 0; s < segments; ++s)
        tri(top_pole, ring(2 * rings - 1, s), ring(2 * rings - 1, s + 1));
}

}  // namespace

double mannequin_bone_radius_m(const std::string& name, double length_m) {
    static const std::pair<const char*, double> kRadii[] = {
        {"Spine", 0.085}, {"Hip", 0.07},     {"Knee", 0.06},   {"Ankle", 0.045},
        {"Foot", 0.035},  {"Neck", 0.045},   {"Collar", 0.05}, {"Shoulder", 0.05},
        {"Elbow", 0.042}, {"Wrist", 0.033},  {"Head", 0.09},   {"Thumb", 0.009},
        {"Index", 0.008}, {"Middle", 0.008}, {"Ring", 0.008},  {"Pinky", 0.007},
    };
    for (const auto& [key, radius] : kRadii)
        if (name.find(key) != std::string::npos) return std::min(radius, 0.6 * length_m + 0.005);
    return std::clamp(0.2 * length_m, 0.005, 0.06);
}

MannequinMesh build_mannequin(const SkeletalAnimation& skeleton, int segments, int rings) {
    MannequinMesh mesh;
    const auto rest = skeleton.rest_positions();
    for (int j = 0; j < skeleton.num_joints(); ++j) {
        const int p = skeleton.parents[j];
        if (p >= 0) {
            const double length = norm(rest[j] - rest[p]);
            if (length > 1e-4)
                add_capsule(mesh, rest[p], rest[j],
                            mannequin_bone_radius_m(skeleton.names[j], length),
                            static_cast<uint16_t>(p), segments, rings);
        }
        if (skeleton.children(j).empty()) {
            Vec3 tip;
            if (j < static_cast<int>(skeleton.end_sites_m.size()) && skeleton.end_sites_m[j])
                tip = *skeleton.end_sites_m[j];
            else
                tip = std::max(0.6 * norm(skeleton.offsets_m[j]), 0.03) *
                      normalized(skeleton.offsets_m[j]);
            const bool head = skeleton.names[j].find("Head") != std::string::npos;
            if (head) tip = 0.16 * normalized(skeleton.offsets_m[j]);
            const double length = norm(tip);
            const double radius = head ? 0.09 : mannequin_bone_radius_m(skeleton.names[j], length);
            add_capsule(mesh, rest[j], rest[j] + tip, radius, static_cast<uint16_t>(j), segments,
                        rings);
        }
    }
    return mesh;
}

}  // namespace kinema
