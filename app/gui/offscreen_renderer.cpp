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

#include "app/gui/clip_source.h"
#include "app/gui/view_settings.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

constexpr float kCmPerM = 100.0f;
constexpr int kRootJoint = 0;

QVector3D joint_cm(const DisplayClip& clip, int frame, int joint) {
    frame = std::clamp(frame, 0, clip.frames - 1);
    return clip.joints[size_t(frame) * kDisplayJoints + size_t(joint)] * kCmPerM;
}

// Framing of one clip: the middle of its root's ground path at hip height, and a camera distance
// that keeps the figure (about 2 m tall) and both ends of the path in view at tile `aspect`.
struct Framing {
    QVector3D center_cm;
    float distance_cm = 420;
};

Framing frame_clip(const DisplayClip& clip, float aspect) {
    const RootPathBoundsCm b = root_path_bounds_cm(clip);
    Framing f;
    f.center_cm = QVector3D((b.min_x + b.max_x) / 2, 90.0f, (b.min_z + b.max_z) / 2);
    // Vertically: 420 cm shows a standing figure with room.
    f.distance_cm = framing_distance_cm(b.extent(), aspect, 420.0f);
    return f;
}

}  // namespace

struct OffscreenRenderer::Impl {
    QSize size;
    std::unique_ptr<QOpenGLContext> context;
    std::unique_ptr<QOffscreenSurface> surface;
    std::unique_ptr<QQuickRenderControl> control;
    std::unique_ptr<QQuickWindow> window;
    std::unique_ptr<QQmlEngine> engine;
    std::unique_ptr<ClipSource> source;
    std::unique_ptr<QQuickItem> root;
    std::unique_ptr<QOpenGLFramebufferObject> fbo;

    DisplayClipSet clips;
    std::vector<Framing> framing;  // per tile
    QString camera;
    int frames = 0;
    double fps = 30.0;
    int last_frame = -1;

    ~Impl() {
        // Scene items and the render control go before the context they render with.
        if (context && surface) context->makeCurrent(surface.get());
        root.reset();
        engine.reset();
        source.reset();
        window.reset();
        control.reset();
        fbo.reset();
        if (context) context->doneCurrent();
    }

    int tiles() const { return clips ? int(clips->size()) : 0; }

    // The tile's View3D: Repeater delegates are found through the visual item tree (they are
    // not QObject children of the scene root).
    static QQuickItem* find_item(QQuickItem* item, const QString& name) {
        if (!item) return nullptr;
        if (item->objectName() == name) return item;
        for (QQuickItem* child : item->childItems())
            if (QQuickItem* found = find_item(child, name)) return found;
        return nullptr;
    }
    QObject* view(int tile) const {
        return find_item(root.get(), QStringLiteral("view%1").arg(tile));
    }

    QVariantMap camera_for(int tile, int frame) const {
        const DisplayClip& clip = (*clips)[size_t(tile)];
        const float elevation = 0.22f;
        QVector3D target = framing[size_t(tile)].center_cm;
        float d = framing[size_t(tile)].distance_cm;
        QVector3D dir;
        if (camera == QLatin1String("front")) {
            dir = QVector3D(0, elevation, 1);
        } else if (camera == QLatin1String("side")) {
            dir = QVector3D(1, elevation, 0);
        } else if (camera == QLatin1String("orbit")) {
            const double turn = frames > 1 ? double(frame) / frames : 0.0;
            const double a = M_PI / 4 + 2 * M_PI * turn;
            dir = QVector3D(float(std::sin(a)), elevation, float(std::cos(a)));
        } else {  // three-quarter, follow
            dir = QVector3D(0.7071f, elevation, 0.7071f);
        }
        if (camera == QLatin1String("follow") && clip.frames > 0) {
            const QVector3D r = joint_cm(clip, frame, kRootJoint);
            target = QVector3D(r.x(), 90.0f, r.z());
            const float aspect = float(size.width()) / float(std::max(1, tiles())) / size.height();
            d = framing_distance_cm(0.0f, aspect, 420.0f);
        }
        const QVector3D pos = target + dir.normalized() * d;
        QVariantMap cam;
        cam[QStringLiteral("p")] = QVariant::fromValue(pos);
        // The camera looks down its -Z: rotate +Z onto (pos - target).
        cam[QStringLiteral("q")] = QVariant::fromValue(
            QQuaternion::fromDirection((pos - target).normalized(), QVector3D(0, 1, 0)));
        return cam;
    }

    void pose(int frame) {
        QVariantList cams;
        for (int t = 0; t < tiles(); ++t)
            cams << camera_for(t, frame);
        root->setProperty("cameras", cams);
        root->setProperty("timeS", frame / fps);
        last_frame = frame;
    }
};

OffscreenRenderer::OffscreenRenderer() = default;
OffscreenRenderer::~OffscreenRenderer() = default;

QStringList OffscreenRenderer::cameraPresets() {
    return {QStringLiteral("front"), QStringLiteral("side"), QStringLiteral("three-quarter"),
            QStringLiteral("orbit"), QStringLiteral("follow")};
}

QStringList OffscreenRenderer::figures() {
    return ViewSettings::figures();
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
    d_->source = std::make_unique<ClipSource>();
    item->setProperty("source", QVariant::fromValue(d_->source.get()));
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
    RenderLook look;
    look.camera = camera;
    look.caption = caption;
    return setClips({clip}, look);
}

bool OffscreenRenderer::setClips(const std::vector<DisplayClip>& clips, const RenderLook& look) {
    if (!d_ || clips.empty() || !cameraPresets().contains(look.camera) ||
        !figures().contains(look.figure))
        return false;
    for (const DisplayClip& c : clips)
        if (c.frames <= 0 || c.joints.size() < size_t(c.frames) * kDisplayJoints) return false;
    d_->context->makeCurrent(d_->surface.get());
    d_->clips = std::make_shared<const std::vector<DisplayClip>>(clips);
    d_->camera = look.camera;
    d_->fps = clips.front().fps > 0 ? clips.front().fps : 30.0;
    d_->frames = 0;
    d_->framing.clear();
    const float aspect = float(d_->size.width()) / float(clips.size()) / float(d_->size.height());
    for (const DisplayClip& c : clips) {
        d_->frames = std::max(d_->frames, c.frames);
        d_->framing.push_back(frame_clip(c, aspect));
    }
    QStringList labels = look.labels;
    while (labels.size() < int(clips.size()))
        labels << QString();
    d_->root->setProperty("tileCount", int(clips.size()));
    d_->root->setProperty("figure", look.figure);
    d_->root->setProperty("showTrajectory", look.trajectory);
    d_->root->setProperty("caption", look.caption);
    d_->root->setProperty("tileLabels", labels);
    d_->source->setClips(d_->clips);
    d_->last_frame = -1;
    d_->context->doneCurrent();
    return true;
}

int OffscreenRenderer::frameCount() const {
    return d_ ? d_->frames : 0;
}

double OffscreenRenderer::fps() const {
    return d_ ? d_->fps : 30.0;
}

QImage OffscreenRenderer::renderFrame(int index) {
    if (!d_ || d_->tiles() == 0) return {};
    d_->context->makeCurrent(d_->surface.get());
    d_->pose(std::clamp(index, 0, d_->frames - 1));
    d_->control->polishItems();
    d_->control->beginFrame();
    d_->control->sync();
    d_->control->render();
    d_->control->endFrame();
    QImage image = d_->fbo->toImage(/*flipped=*/true).convertToFormat(QImage::Format_RGBA8888);
    d_->context->doneCurrent();
    projected_root_ = projectedJoint(0, kRootJoint);
    return image;
}

QPointF OffscreenRenderer::projectedJoint(int tile, int joint) const {
    if (!d_ || d_->last_frame < 0 || tile < 0 || tile >= d_->tiles() || joint < 0 ||
        joint >= kDisplayJoints)
        return {-1, -1};
    QObject* view = d_->view(tile);
    if (!view) return {-1, -1};
    const DisplayClip& clip = (*d_->clips)[size_t(tile)];
    QVector3D pose[kDisplayJoints];
    clip.pose_at(d_->last_frame / d_->fps, pose);
    QVector3D p;
    QMetaObject::invokeMethod(view, "mapFrom3DScene", Q_RETURN_ARG(QVector3D, p),
                              Q_ARG(QVector3D, pose[joint] * kCmPerM));
    const double tile_width = double(d_->size.width()) / d_->tiles();
    return QPointF(p.x() + tile * tile_width, p.y());
}

bool OffscreenRenderer::renderVideo(const DisplayClip& clip, const VideoRenderOptions& options,
                                    const QString& output,
                                    const std::function<bool(int, int)>& progress, QString* error,
                                    VideoRenderStats* stats) {
    return renderVideo(std::vector<DisplayClip>{clip}, options, output, progress, error, stats);
}

bool OffscreenRenderer::renderVideo(const std::vector<DisplayClip>& clips,
                                    const VideoRenderOptions& options, const QString& output,
                                    const std::function<bool(int, int)>& progress, QString* error,
                                    VideoRenderStats* stats) {
    QElapsedTimer total;
    total.start();
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        return false;
    };
    if (clips.empty()) return fail(QStringLiteral("no clip to render"));
    for (const DisplayClip& c : clips)
        if (c.frames <= 0) return fail(QStringLiteral("the clip has no frames"));
    if (!cameraPresets().contains(options.camera))
        return fail(QStringLiteral("unknown camera '%1' (%2)")
                        .arg(options.camera, cameraPresets().join('|')));
    if (!figures().contains(options.figure))
        return fail(
            QStringLiteral("unknown figure '%1' (%2)").arg(options.figure, figures().join('|')));
    OffscreenRenderer renderer;
    QString why;
    if (!renderer.initialize(options.size, &why)) return fail(why);
    if (!renderer.setClips(clips, options.look()))
        return fail(QStringLiteral("the clips cannot be drawn"));
    const int frames = renderer.frameCount();

    kinema::VideoEncoderOptions eo;
    eo.width = options.size.width();
    eo.height = options.size.height();
    eo.fps = std::max(1, int(std::lround(renderer.fps())));
    eo.codec = options.codec;
    eo.crf = options.crf;
    eo.preset = options.preset.toStdString();
    eo.comment = options.comment.toStdString();
    auto encoder = kinema::VideoEncoder::open(output.toStdString(), eo);
    if (!encoder) return fail(QString::fromStdString(encoder.error().message));

    for (int f = 0; f < frames; ++f) {
        if (progress && !progress(f, frames)) {
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
    if (progress && !progress(frames, frames)) {
        (*encoder)->abort();
        return fail(QStringLiteral("cancelled"));
    }
    const kinema::Status s = (*encoder)->finish();
    if (!s) return fail(QString::fromStdString(s.error().message));
    if (stats) stats->total_ms = total.nsecsElapsed() / 1e6;
    return true;
}
