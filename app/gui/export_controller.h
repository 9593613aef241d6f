// ExportController: the export menu (BVH, FBX, GLB, NPZ, JSON, MP4, WebM) of the selected
// variation. BVH/FBX/GLB/NPZ/JSON go through core/export (kinema::export_clip, atomic temp +
// rename) on a pool thread; the MotionResult is an immutable shared value, so the UI may start the
// next run meanwhile. Video renders the figure offscreen (OffscreenRenderer) on the GUI thread
// frame by frame, processing events in between; cancelExport() stops it (no file). The video
// settings (camera, figure, size, codec, CRF, tiling of all variations, caption, trajectory)
// persist in QSettings "video/*"; renderPreview() draws the framing as a still first.
// Files go to `folder` (QSettings "export/folder", default ~/Documents/Kinema) as
// <prompt-slug>_s<seed>.<ext>. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>

#include <memory>

namespace kinema {
struct MotionResult;
}

class GenerationController;
Q_MOC_INCLUDE("app/gui/generation_controller.h")

class ExportController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(GenerationController* controller MEMBER controller_ NOTIFY controllerChanged)
    Q_PROPERTY(QVariantList formats READ formats CONSTANT)
    Q_PROPERTY(QString folder READ folder WRITE setFolder NOTIFY folderChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString lastMessage READ lastMessage NOTIFY lastMessageChanged)
    Q_PROPERTY(bool lastOk READ lastOk NOTIFY lastMessageChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QStringList cameras READ cameras CONSTANT)
    Q_PROPERTY(QStringList figures READ figures CONSTANT)
    Q_PROPERTY(QString videoCamera MEMBER video_camera_ WRITE setVideoCamera NOTIFY videoChanged)
    Q_PROPERTY(QString videoFigure MEMBER video_figure_ WRITE setVideoFigure NOTIFY videoChanged)
    Q_PROPERTY(QString videoSize MEMBER video_size_ WRITE setVideoSize NOTIFY videoChanged)
    Q_PROPERTY(QString videoCodec MEMBER video_codec_ WRITE setVideoCodec NOTIFY videoChanged)
    Q_PROPERTY(int videoCrf MEMBER video_crf_ WRITE setVideoCrf NOTIFY videoChanged)
    Q_PROPERTY(bool videoTile MEMBER video_tile_ WRITE setVideoTile NOTIFY videoChanged)
    Q_PROPERTY(bool videoCaption MEMBER video_caption_ WRITE setVideoCaption NOTIFY videoChanged)
    Q_PROPERTY(
        bool videoTrajectory MEMBER video_trajectory_ WRITE setVideoTrajectory NOTIFY videoChanged)
    Q_PROPERTY(QString previewUrl READ previewUrl NOTIFY previewChanged)

public:
    explicit ExportController(QObject* parent = nullptr);

    // Each: {id: "bvh", label: "BVH motion (.bvh)", extension, available: bool, note}
    static QVariantList formats();
    QString folder() const { return folder_; }
    void setFolder(const QString& folder);
    bool busy() const { return busy_; }
    QString lastMessage() const { return last_message_; }
    bool lastOk() const { return last_ok_; }
    double progress() const { return progress_; }  // 0..1 of a running video export

    static QStringList cameras();
    static QStringList figures();
    void setVideoCamera(const QString& v);
    void setVideoFigure(const QString& v);
    void setVideoSize(const QString& v);   // "WxH", even numbers
    void setVideoCodec(const QString& v);  // h264 | vp9 | mpeg4
    void setVideoCrf(int v);
    void setVideoTile(bool v);
    void setVideoCaption(bool v);
    void setVideoTrajectory(bool v);
    QString previewUrl() const { return preview_url_; }

    // Renders the middle frame of the video the current settings would export (the selected
    // variation, or all of them tiled) to a temporary PNG and returns its URL (also previewUrl);
    // empty with lastMessage set when it cannot (no result, no GL).
    Q_INVOKABLE QString renderPreview();

    // Exports the selected clip of the last result in `format_id`; `path` empty: the default
    // file name in `folder`. Returns false (lastMessage says why) when nothing can start;
    // true when the export started (exported(...) follows).
    Q_INVOKABLE bool exportTo(const QString& format_id, const QString& path = QString());
    Q_INVOKABLE void clearMessage() { setMessage(QString(), true); }
    // Stops a running video export; it reports "cancelled" and leaves no file.
    Q_INVOKABLE void cancelExport() { cancel_requested_ = true; }

Q_SIGNALS:
    void controllerChanged();
    void folderChanged();
    void busyChanged();
    void lastMessageChanged();
    void exported(bool ok, const QString& path);
    void progressChanged();
    void videoChanged();
    void previewChanged();

private:
    void setMessage(const QString& m, bool ok);
    bool exportVideo(const std::shared_ptr<const kinema::MotionResult>& result,
                     const QString& format_id, const QString& path);
    void saveVideoSettings();
    struct VideoJob;
    // The clips, look and file name the current settings give for `result` (extension `ext`).
    VideoJob videoJob(const std::shared_ptr<const kinema::MotionResult>& result,
                      const QString& ext) const;

    GenerationController* controller_ = nullptr;
    QString folder_;
    bool busy_ = false;
    QString last_message_;
    bool last_ok_ = true;
    double progress_ = 0;
    bool cancel_requested_ = false;
    QString video_camera_;
    QString video_figure_;
    QString video_size_;
    QString video_codec_;
    int video_crf_ = 16;
    bool video_tile_ = false;
    bool video_caption_ = true;
    bool video_trajectory_ = true;
    QString preview_url_;
    int preview_serial_ = 0;
};
