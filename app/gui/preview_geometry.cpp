#include "app/gui/preview_geometry.h"

#include <QByteArray>

#include <cmath>
#include <limits>

#include "app/gui/generation_controller.h"

namespace {

constexpr float kCmPerMetre = 100.0f;
constexpr float kJointRadiusCm = 2.6f;
constexpr float kHeadRadiusCm = 8.5f;
constexpr float kBoneRadiusCm = 1.7f;
constexpr int kHeadJoint = 15;
constexpr float kPi = 3.14159265358979f;

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
};

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
    clips_ = controller_ ? controller_->clips() : DisplayClipSet();
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
        } else {
            for (int f = 0; f < clip->frames; ++f) {
                const QVector3D& r = clip->joints[size_t(f) * kDisplayJoints];
                const quint32 v =
                    mesh.vertex(QVector3D(r.x(), 0.004f, r.z()) * kCmPerMetre, QVector3D(0, 1, 0));
                if (v > 0) {
                    const quint32 seg[2] = {v - 1, v};
                    mesh.indices.append(reinterpret_cast<const char*>(seg), sizeof(seg));
                }
            }
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
    setPrimitiveType(mode_ == Trajectory ? QQuick3DGeometry::PrimitiveType::Lines
                                         : QQuick3DGeometry::PrimitiveType::Triangles);
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
