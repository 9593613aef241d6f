#include "app/gui/offscreen_renderer.h"

#include <QtQuick3D/qquick3d.h>
#include <QElapsedTimer>
#include <QFile>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuaternion>
#include <QQuickGraphicsDevice>
#include <QQuickItem>
#include <QQuickRenderControl>
#include <QQuickRenderTarget>
#include <QQuickWindow>
#include <QVariantMap>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

constexpr float kCmPerM = 100.0f;
constexpr int kRootJoint = 0;

QVector3D joint_cm(const DisplayClip& clip, int frame, int joint) {
    return clip.joints[size_t(frame) * kDisplayJoints + size_t(joint)] * kCmPerM;
}

}  // namespace

struct OffscreenRenderer::Impl {
    QSize size;
    std::unique_ptr<QOpenGLContext> context;
    std::unique_ptr<QOffscreenSurface> surface;
    std::unique_ptr<QQuickRenderControl> control;
    std::unique_ptr<QQuickWindow> window;
    std::unique_ptr<QQmlEngine> engine;
    std::unique_ptr<QQuickItem> root;
    QObject* view = nullptr;
    std::unique_ptr<QOpenGLFramebufferObject> fbo;

    DisplayClip clip;
    QString camera;
    QVector3D center_cm;  // middle of the root's ground path, at hip height
    float distance_cm = 400;

    ~Impl() {
        // Scene items and the render control go before the context they render with.
        if (context && surface) context->makeCurrent(surface.get());
        root.reset();
        engine.reset();
        window.reset();
        control.reset();
        fbo.reset();
        if (context) context->doneCurrent();
    }

    void place_camera(int frame) {
        const float elevation = 0.22f;
        QVector3D target = center_cm;
        QVector3D dir;
        if (camera == QLatin1String("front")) {
            dir = QVector3D(0, elevation, 1);
        } else if (camera == QLatin1String("side")) {
            dir = QVector3D(1, elevation, 0);
        } else if (camera == QLatin1String("orbit")) {
            const double turn = clip.frames > 1 ? double(frame) / clip.frames : 0.0;
            const double a = M_PI / 4 + 2 * M_PI * turn;
            dir = QVector3D(float(std::sin(a)), elevation, float(std::cos(a)));
        } else {  // three-quarter, follow
            dir = QVector3D(0.7071f, elevation, 0.7071f);
        }
        float d = distance_cm;
        if (camera == QLatin1String("follow") && clip.frames > 0) {
            const QVector3D r = joint_cm(clip, frame, kRootJoint);
            target = QVector3D(r.x(), 90.0f, r.z());
            d = 420.0f;
        }
        const QVector3D pos = target + dir.normalized() * d;
        root->setProperty("cameraPosition", pos);
        // The camera looks down its -Z: rotate +Z onto (pos - target).
        root->setProperty("cameraRotation", QQuaternion::fromDirection((pos - target).normalized(),
                                                                       QVector3D(0, 1, 0)));
        root->setProperty("groundCenter", QVector3D(target.x(), 0, target.z()));
    }

    void pose(int frame) {
        QVariantList joints;
        QVariantList bones;
        if (clip.frames > 0) {
            frame = std::clamp(frame, 0, clip.frames - 1);
            const auto& parents = display_parents();
            for (int j = 0; j < kDisplayJoints; ++j)
                joints << QVariant::fromValue(joint_cm(clip, frame, j));
            for (int j = 0; j < kDisplayJoints; ++j) {
                const int p = parents[size_t(j)];
                if (p < 0) continue;
                const QVector3D a = joint_cm(clip, frame, p), b = joint_cm(clip, frame, j);
                const QVector3D v = b - a;
                QVariantMap bone;
                bone[QStringLiteral("p")] = QVariant::fromValue((a + b) * 0.5f);
                bone[QStringLiteral("q")] = QVariant::fromValue(
                    QQuaternion::rotationTo(QVector3D(0, 1, 0), v.normalized()));
                bone[QStringLiteral("len")] = double(v.length());
                bones << bone;
            }
        }
        root->setProperty("joints", joints);
        root->setProperty("bones", bones);
    }
};

OffscreenRenderer::OffscreenRenderer() = default;
OffscreenRenderer::~OffscreenRenderer() = default;

QStringList OffscreenRenderer::cameraPresets() {
    return {QStringLiteral("front"), QStringLiteral("side"), QStringLiteral("three-quarter"),
            QStringLiteral("orbit"), QStringLiteral("follow")};
}

bool OffscreenRenderer::initialize(QSize size, QString* error) {
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        d_.reset();
        return false;
    };
    if (size.width() < 16 || size.height() < 16 || size.width() % 2 || size.height() % 2)
        return fail(QStringLiteral("invalid size %1x%2 (even, at least 16)")
                        .arg(size.width())
                        .arg(size.height()));
    if (QQuickWindow::graphicsApi() != QSGRendererInterface::OpenGL)
        QQuickWindow::setGraphicsApi(QSGRendererInterface::OpenGL);
    d_ = std::make_unique<Impl>();
    d_->size = size;
    d_->context = std::make_unique<QOpenGLContext>();
    d_->context->setFormat(QQuick3D::idealSurfaceFormat());
    if (!d_->context->create())
        return fail(
            QStringLiteral("no OpenGL context (an X server is needed: run under xvfb-run)"));
    d_->surface = std::make_unique<QOffscreenSurface>();
    d_->surface->setFormat(d_->context->format());
    d_->surface->create();
    if (!d_->context->makeCurrent(d_->surface.get()))
        return fail(QStringLiteral("cannot make the OpenGL context current"));

    d_->control = std::make_unique<QQuickRenderControl>();
    d_->window = std::make_unique<QQuickWindow>(d_->control.get());
    d_->window->setGraphicsDevice(QQuickGraphicsDevice::fromOpenGLContext(d_->context.get()));
    if (!d_->control->initialize())
        return fail(QStringLiteral("QQuickRenderControl::initialize failed"));

    d_->engine = std::make_unique<QQmlEngine>();
    QQmlComponent component(d_->engine.get(),
                            QUrl(QStringLiteral("qrc:/Kinema/Ui/RenderScene.qml")));
    std::unique_ptr<QObject> obj(component.create());
    auto* item = qobject_cast<QQuickItem*>(obj.get());
    if (!item) return fail(QStringLiteral("RenderScene.qml: ") + component.errorString());
    obj.release();
    d_->root.reset(item);
    d_->view = item->findChild<QObject*>(QStringLiteral("view"));
    item->setParentItem(d_->window->contentItem());
    item->setSize(size);
    d_->window->contentItem()->setSize(size);
    d_->window->setGeometry(0, 0, size.width(), size.height());

    d_->fbo = std::make_unique<QOpenGLFramebufferObject>(
        size, QOpenGLFramebufferObject::CombinedDepthStencil);
    d_->window->setRenderTarget(QQuickRenderTarget::fromOpenGLTexture(d_->fbo->texture(), size));
    d_->context->doneCurrent();
    return true;
}

bool OffscreenRenderer::setClip(const DisplayClip& clip, const QString& camera,
                                const QString& caption) {
    if (!d_ || !cameraPresets().contains(camera)) return false;
    d_->clip = clip;
    d_->camera = camera;
    d_->root->setProperty("caption", caption);
    // Frame the whole root path: its middle, and a distance that keeps both ends in view.
    float min_x = std::numeric_limits<float>::max(), max_x = -min_x, min_z = min_x, max_z = -min_x;
    for (int f = 0; f < clip.frames; ++f) {
        const QVector3D r = joint_cm(clip, f, kRootJoint);
        min_x = std::min(min_x, r.x());
        max_x = std::max(max_x, r.x());
        min_z = std::min(min_z, r.z());
        max_z = std::max(max_z, r.z());
    }
    if (clip.frames <= 0) min_x = max_x = min_z = max_z = 0;
    d_->center_cm = QVector3D((min_x + max_x) / 2, 90.0f, (min_z + max_z) / 2);
    const float extent = std::max(max_x - min_x, max_z - min_z);
    d_->distance_cm = 420.0f + 1.1f * extent;
    return true;
}

int OffscreenRenderer::frameCount() const {
    return d_ ? d_->clip.frames : 0;
}

QImage OffscreenRenderer::renderFrame(int index) {
    if (!d_) return {};
    d_->context->makeCurrent(d_->surface.get());
    d_->pose(index);
    d_->place_camera(index);
    d_->control->polishItems();
    d_->control->beginFrame();
    d_->control->sync();
    d_->control->render();
    d_->control->endFrame();
    QImage image = d_->fbo->toImage(/*flipped=*/true).convertToFormat(QImage::Format_RGBA8888);
    if (d_->view && d_->clip.frames > 0) {
        const int f = std::clamp(index, 0, d_->clip.frames - 1);
        QVector3D p;
        QMetaObject::invokeMethod(d_->view, "mapFrom3DScene", Q_RETURN_ARG(QVector3D, p),
                                  Q_ARG(QVector3D, joint_cm(d_->clip, f, kRootJoint)));
        projected_root_ = QPointF(p.x(), p.y());
    }
    d_->context->doneCurrent();
    return image;
}

bool OffscreenRenderer::renderVideo(const DisplayClip& clip, const VideoRenderOptions& options,
                                    const QString& output,
                                    const std::function<bool(int, int)>& progress, QString* error,
                                    VideoRenderStats* stats) {
    QElapsedTimer total;
    total.start();
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        return false;
    };
    if (clip.frames <= 0) return fail(QStringLiteral("the clip has no frames"));
    OffscreenRenderer renderer;
    QString why;
    if (!renderer.initialize(options.size, &why)) return fail(why);
    if (!renderer.setClip(clip, options.camera, options.caption))
        return fail(QStringLiteral("unknown camera '%1' (%2)")
                        .arg(options.camera, cameraPresets().join('|')));

    kinema::VideoEncoderOptions eo;
    eo.width = options.size.width();
    eo.height = options.size.height();
    eo.fps = std::max(1, int(std::lround(clip.fps)));
    eo.codec = options.codec;
    eo.crf = options.crf;
    eo.preset = options.preset.toStdString();
    eo.comment = options.comment.toStdString();
    auto encoder = kinema::VideoEncoder::open(output.toStdString(), eo);
    if (!encoder) return fail(QString::fromStdString(encoder.error().message));

    for (int f = 0; f < clip.frames; ++f) {
        if (progress && !progress(f, clip.frames)) {
            (*encoder)->abort();
            return fail(QStringLiteral("cancelled"));
        }
        QElapsedTimer t;
        t.start();
        const QImage image = renderer.renderFrame(f);
        const double render_ms = t.nsecsElapsed() / 1e6;
        if (image.isNull() || image.size() != options.size) {
            (*encoder)->abort();
            return fail(QStringLiteral("rendering frame %1 failed").arg(f));
        }
        t.restart();
        const kinema::Status s =
            (*encoder)->add_frame(image.constBits(), int(image.bytesPerLine()));
        const double encode_ms = t.nsecsElapsed() / 1e6;
        if (!s) {
            (*encoder)->abort();
            return fail(QString::fromStdString(s.error().message));
        }
        if (stats) {
            stats->render_ms.push_back(render_ms);
            stats->encode_ms.push_back(encode_ms);
            stats->frames = f + 1;
        }
    }
    if (progress && !progress(clip.frames, clip.frames)) {
        (*encoder)->abort();
        return fail(QStringLiteral("cancelled"));
    }
    const kinema::Status s = (*encoder)->finish();
    if (!s) return fail(QString::fromStdString(s.error().message));
    if (stats) stats->total_ms = total.nsecsElapsed() / 1e6;
    return true;
}
