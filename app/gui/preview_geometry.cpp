#include "app/gui/preview_geometry.h"

#include <QByteArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/clip_source.h"
#include "app/gui/generation_controller.h"
#include "core/export/mannequin_mesh.h"
#include "core/motion/skeleton.h"

namespace {

constexpr float kCmPerMetre = 100.0f;
constexpr float kJointRadiusCm = 2.6f;
constexpr float kHeadRadiusCm = 8.5f;
constexpr float kBoneRadiusCm = 1.7f;
constexpr int kHeadJoint = 15;
constexpr float kPi = 3.14159265358979f;
constexpr float kTrajectoryHalfWidthCm = 1.6f;

// The mannequin's joints of note; the capsule radii are the export mannequin's
// (kinema::mannequin_bone_radius_m, core/export/mannequin_mesh.h), so viewport, video and GLB
// show the same figure.
struct MannequinShape {
    int head = -1;
    int hands[2] = {-1, -1};
    int feet[2] = {-1, -1};
};

const MannequinShape& mannequin_shape() {
    static const MannequinShape shape = [] {
        MannequinShape m;
        const kinema::Skeleton& s = kinema::Skeleton::builtin();
        int hands = 0, feet = 0;
        for (int j = 0; j < kDisplayJoints && j < int(s.names.size()); ++j) {
            const std::string& name = s.names[size_t(j)];
            if (name.find("Head") != std::string::npos) m.head = j;
            if (name.find("Wrist") != std::string::npos && hands < 2) m.hands[hands++] = j;
            if (name.find("Foot") != std::string::npos && feet < 2) m.feet[feet++] = j;
        }
        return m;
    }();
    return shape;
}

struct MeshBuilder {
    QByteArray vertices;  // position (3 f32) + normal (3 f32)
    QByteArray indices;   // u32
    QVector3D lo{std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                 std::numeric_limits<float>::max()};
    QVector3D hi{-std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                 -std::numeric_limits<float>::max()};
    quint32 count = 0;

    quint32 vertex(const QVector3D& p, const QVector3D& n) {
        const float v[6] = {p.x(), p.y(), p.z(), n.x(), n.y(), n.z()};
        vertices.append(reinterpret_cast<const char*>(v), sizeof(v));
        lo = QVector3D(std::min(lo.x(), p.x()), std::min(lo.y(), p.y()), std::min(lo.z(), p.z()));
        hi = QVector3D(std::max(hi.x(), p.x()), std::max(hi.y(), p.y()), std::max(hi.z(), p.z()));
        return count++;
    }
    void tri(quint32 a, quint32 b, quint32 c) {
        const quint32 v[3] = {a, b, c};
        indices.append(reinterpret_cast<const char*>(v), sizeof(v));
    }

    void sphere(const QVector3D& c, float r, int rings = 8, int sectors = 12) {
        const quint32 base = count;
        for (int i = 0; i <= rings; ++i) {
            const float th = kPi * float(i) / float(rings);
            for (int j = 0; j <= sectors; ++j) {
                const float ph = 2 * kPi * float(j) / float(sectors);
                const QVector3D n(std::sin(th) * std::cos(ph), std::cos(th),
                                  std::sin(th) * std::sin(ph));
                vertex(c + n * r, n);
            }
        }
        for (int i = 0; i < rings; ++i)
            for (int j = 0; j < sectors; ++j) {
                const quint32 a = base + quint32(i * (sectors + 1) + j);
                const quint32 b = a + quint32(sectors + 1);
                tri(a, a + 1, b);
                tri(b, a + 1, b + 1);
            }
    }

    void cylinder(const QVector3D& p0, const QVector3D& p1, float r, int sectors = 10) {
        const QVector3D axis = p1 - p0;
        if (axis.lengthSquared() < 1e-6f) return;
        const QVector3D d = axis.normalized();
        const QVector3D helper = std::abs(d.y()) < 0.9f ? QVector3D(0, 1, 0) : QVector3D(1, 0, 0);
        const QVector3D u = QVector3D::crossProduct(d, helper).normalized();
        const QVector3D w = QVector3D::crossProduct(d, u);
        const quint32 base = count;
        for (int j = 0; j <= sectors; ++j) {
            const float ph = 2 * kPi * float(j) / float(sectors);
            const QVector3D n = u * std::cos(ph) + w * std::sin(ph);
            vertex(p0 + n * r, n);
            vertex(p1 + n * r, n);
        }
        for (int j = 0; j < sectors; ++j) {
            const quint32 a = base + quint32(2 * j);
            tri(a, a + 2, a + 1);
            tri(a + 1, a + 2, a + 3);
        }
    }

    // A capsule: a cylinder with a sphere at each end (the spheres overlap it; cheap and closed).
    void capsule(const QVector3D& p0, const QVector3D& p1, float r) {
        sphere(p0, r, 6, 12);
        sphere(p1, r, 6, 12);
        cylinder(p0, p1, r, 12);
    }

    // A flat strip on the ground through `points` (y ignored), facing up. The side direction at
    // each point comes from the path a few points before and after, so a jittery path (a live
    // preview) still gives a smooth band; points closer than 0.5 cm to the last kept one are
    // skipped.
    void ribbon(const std::vector<QVector3D>& points, float y, float half_width) {
        std::vector<QVector3D> path;
        for (const QVector3D& p : points) {
            const QVector3D q(p.x(), y, p.z());
            if (path.empty() || (q - path.back()).lengthSquared() > 0.25f) path.push_back(q);
        }
        if (path.size() < 2) return;
        const QVector3D up(0, 1, 0);
        const int n = int(path.size()), k = 3;
        quint32 prev_l = 0, prev_r = 0;
        for (int i = 0; i < n; ++i) {
            QVector3D t = path[size_t(std::min(n - 1, i + k))] - path[size_t(std::max(0, i - k))];
            if (t.lengthSquared() < 1e-6f) t = QVector3D(1, 0, 0);
            t.normalize();
            const QVector3D side = QVector3D(-t.z(), 0, t.x()) * half_width;
            const quint32 l = vertex(path[size_t(i)] - side, up);
            const quint32 r = vertex(path[size_t(i)] + side, up);
            if (i > 0) {
                tri(prev_l, prev_r, l);
                tri(l, prev_r, r);
            }
            prev_l = l;
            prev_r = r;
        }
    }
};

// The rigid mannequin of one pose (22 joints, cm): a capsule per bone, a head, mitten hands and
// toes along the last bone's direction.
void build_mannequin(MeshBuilder& mesh, const QVector3D* joints) {
    const MannequinShape& shape = mannequin_shape();
    const std::vector<int>& parents = display_parents();
    const std::vector<std::string>& names = kinema::Skeleton::builtin().names;
    for (int j = 1; j < kDisplayJoints && j < int(names.size()); ++j) {
        const int p = parents[size_t(j)];
        const float length_cm = (joints[j] - joints[p]).length();
        if (length_cm < 0.01f) continue;
        const double radius_m =
            kinema::mannequin_bone_radius_m(names[size_t(j)], length_cm / 100.0);
        mesh.capsule(joints[p], joints[j], float(radius_m * 100.0));
    }
    auto along = [&](int j, float length_cm, float radius_cm, bool flat) {
        if (j < 0) return;
        QVector3D d = joints[j] - joints[parents[size_t(j)]];
        if (flat) d.setY(0);
        if (d.lengthSquared() < 1e-4f) return;
        mesh.capsule(joints[j], joints[j] + d.normalized() * length_cm, radius_cm);
    };
    if (shape.head >= 0) {
        const QVector3D d = (joints[shape.head] - joints[parents[size_t(shape.head)]]).normalized();
        mesh.capsule(joints[shape.head] + d * 3.0f, joints[shape.head] + d * 10.0f, 9.5f);
    }
    for (int h : shape.hands)
        along(h, 8.0f, 3.6f, false);
    for (int f : shape.feet)
        along(f, 4.0f, 3.0f, true);
}

}  // namespace

PreviewGeometry::PreviewGeometry(QQuick3DObject* parent) : QQuick3DGeometry(parent) {
    rebuild();
}

void PreviewGeometry::setController(GenerationController* c) {
    if (c == controller_) return;
    if (controller_) disconnect(controller_, nullptr, this, nullptr);
    controller_ = c;
    if (controller_)
        connect(controller_, &GenerationController::clipsChanged, this,
                &PreviewGeometry::refreshClip);
    Q_EMIT controllerChanged();
    refreshClip();
}

void PreviewGeometry::setSource(ClipSource* s) {
    if (s == source_) return;
    if (source_) disconnect(source_, nullptr, this, nullptr);
    source_ = s;
    if (source_) connect(source_, &ClipSource::clipsChanged, this, &PreviewGeometry::refreshClip);
    Q_EMIT sourceChanged();
    refreshClip();
}

void PreviewGeometry::setClipIndex(int i) {
    if (i == clip_index_) return;
    clip_index_ = i;
    Q_EMIT clipIndexChanged();
    rebuild();
}

void PreviewGeometry::setTimeS(double t) {
    if (t == time_s_) return;
    time_s_ = t;
    Q_EMIT timeSChanged();
    if (mode_ != Trajectory) rebuild();
}

void PreviewGeometry::setMode(Mode m) {
    if (m == mode_) return;
    mode_ = m;
    Q_EMIT modeChanged();
    rebuild();
}

QVector<QVector3D> PreviewGeometry::jointsCm() const {
    if (!has_pose_) return {};
    return QVector<QVector3D>(std::begin(joints_cm_), std::end(joints_cm_));
}

void PreviewGeometry::refreshClip() {
    clips_ = source_ ? source_->clips() : controller_ ? controller_->clips() : DisplayClipSet();
    rebuild();
}

void PreviewGeometry::rebuild() {
    const DisplayClip* clip = nullptr;
    if (clips_ && clip_index_ >= 0 && clip_index_ < int(clips_->size()))
        clip = &(*clips_)[size_t(clip_index_)];

    MeshBuilder mesh;
    const bool had_pose = has_pose_;
    has_pose_ = clip != nullptr;
    if (clip) {
        QVector3D pose[kDisplayJoints];
        clip->pose_at(time_s_, pose);
        for (int j = 0; j < kDisplayJoints; ++j)
            joints_cm_[j] = pose[j] * kCmPerMetre;
        root_cm_ = joints_cm_[0];
        const std::vector<int>& parents = display_parents();
        if (mode_ == Joints) {
            for (int j = 0; j < kDisplayJoints; ++j)
                mesh.sphere(joints_cm_[j], j == kHeadJoint ? kHeadRadiusCm : kJointRadiusCm);
        } else if (mode_ == Bones) {
            for (int j = 1; j < kDisplayJoints; ++j)
                mesh.cylinder(joints_cm_[parents[size_t(j)]], joints_cm_[j], kBoneRadiusCm);
        } else if (mode_ == Mannequin) {
            build_mannequin(mesh, joints_cm_);
        } else {
            std::vector<QVector3D> path;
            path.reserve(size_t(clip->frames));
            for (int f = 0; f < clip->frames; ++f)
                path.push_back(clip->joints[size_t(f) * kDisplayJoints] * kCmPerMetre);
            mesh.ribbon(path, 0.4f, kTrajectoryHalfWidthCm);
        }
    }

    clear();
    setStride(6 * sizeof(float));
    addAttribute(QQuick3DGeometry::Attribute::PositionSemantic, 0,
                 QQuick3DGeometry::Attribute::F32Type);
    addAttribute(QQuick3DGeometry::Attribute::NormalSemantic, 3 * sizeof(float),
                 QQuick3DGeometry::Attribute::F32Type);
    addAttribute(QQuick3DGeometry::Attribute::IndexSemantic, 0,
                 QQuick3DGeometry::Attribute::U32Type);
    setPrimitiveType(QQuick3DGeometry::PrimitiveType::Triangles);
    if (mesh.count == 0) {
        // An empty geometry still needs a valid (degenerate) buffer.
        mesh.vertex(QVector3D(), QVector3D(0, 1, 0));
        mesh.tri(0, 0, 0);
    }
    setVertexData(mesh.vertices);
    setIndexData(mesh.indices);
    setBounds(mesh.lo, mesh.hi);
    update();
    if (has_pose_ || had_pose) Q_EMIT poseChanged();
}
