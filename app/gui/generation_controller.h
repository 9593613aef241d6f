// GenerationController: the QML facade of a generation. It owns ONE long-lived worker QThread with
// the EngineWorker (and so the Engine) on it; the engine is created there after the window is up.
// Commands go in as queued calls; results come back as immutable shared values (DisplayClipSet,
// MotionResultPtr). Cancel raises the request's atomic flag directly (the engine polls it between
// steps). Errors become `errorMessage` (the typed error's text) for the banner. GUI thread only.
// A 10 ms heartbeat timer measures GUI-thread stalls (how late each tick fires) while a generation
// runs: the longest one, the 50th/99th percentile and the share of the run spent in stalls >= 30
// ms.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <QTimer>
#include <QVariantMap>

#include <atomic>
#include <memory>
#include <vector>

#include "app/gui/display_clip.h"
#include "app/gui/engine_worker.h"
#include "app/gui/generation_settings.h"
#include "app/gui/model_library.h"
#include "app/gui/render_gate.h"
#include "app/gui/vram_monitor.h"

class GenerationController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(GenerationSettings* settings READ settings CONSTANT)
    Q_PROPERTY(ModelLibrary* library READ library CONSTANT)
    Q_PROPERTY(VramMonitor* vram READ vram CONSTANT)
    Q_PROPERTY(QString engineState READ engineState NOTIFY engineStateChanged)
    Q_PROPERTY(QString engineSummary READ engineSummary NOTIFY engineStateChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString phase READ phase NOTIFY progressChanged)
    Q_PROPERTY(int step READ step NOTIFY progressChanged)
    Q_PROPERTY(int totalSteps READ totalSteps NOTIFY progressChanged)
    Q_PROPERTY(double etaS READ etaS NOTIFY progressChanged)
    Q_PROPERTY(double elapsedS READ elapsedS NOTIFY progressChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY progressChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(int previewsComputed READ previewsComputed NOTIFY progressChanged)
    Q_PROPERTY(int previewStep READ previewStep NOTIFY clipsChanged)
    Q_PROPERTY(bool live READ live NOTIFY clipsChanged)
    Q_PROPERTY(int clipCount READ clipCount NOTIFY clipsChanged)
    Q_PROPERTY(double clipDurationS READ clipDurationS NOTIFY clipsChanged)
    Q_PROPERTY(double clipFps READ clipFps NOTIFY clipsChanged)
    Q_PROPERTY(int selectedClip READ selectedClip WRITE setSelectedClip NOTIFY selectedClipChanged)
    Q_PROPERTY(bool hasResult READ hasResult NOTIFY clipsChanged)
    Q_PROPERTY(double maxUiStallMs READ maxUiStallMs NOTIFY progressChanged)
    Q_PROPERTY(QVariantMap uiStallStats READ uiStallStats NOTIFY progressChanged)
    Q_PROPERTY(QString lastRunSummary READ lastRunSummary NOTIFY clipsChanged)
    Q_PROPERTY(QString planText READ planText NOTIFY planChanged)

public:
    explicit GenerationController(QObject* parent = nullptr);
    ~GenerationController() override;

    GenerationSettings* settings() { return settings_; }
    ModelLibrary* library() { return library_; }
    VramMonitor* vram() { return vram_; }
    QString engineState() const { return engine_state_; }
    QString engineSummary() const { return engine_summary_; }
    bool busy() const { return busy_; }
    QString phase() const { return phase_; }
    int step() const { return step_; }
    int totalSteps() const { return total_steps_; }
    double etaS() const { return eta_s_; }
    double elapsedS() const;
    QString statusText() const;
    QString errorMessage() const { return error_message_; }
    int previewsComputed() const { return previews_computed_; }
    int previewStep() const { return preview_step_; }
    bool live() const { return live_; }
    int clipCount() const { return clips_ ? int(clips_->size()) : 0; }
    double clipDurationS() const;
    double clipFps() const;
    int selectedClip() const { return selected_clip_; }
    void setSelectedClip(int index);
    bool hasResult() const { return result_ != nullptr; }
    double maxUiStallMs() const { return max_stall_ms_; }
    // The last (or current) run's heartbeat lateness: {maxMs, p50Ms, p99Ms, ticks, over50,
    // stalledFraction (time in stalls >= 30 ms / run time)}.
    QVariantMap uiStallStats() const;
    QString lastRunSummary() const { return last_run_summary_; }
    // The planner's estimate for the current settings (empty for models that need no plan).
    QString planText() const { return plan_text_; }

    // The clips on screen: the newest live preview while sampling, else the last result.
    DisplayClipSet clips() const { return clips_; }
    MotionResultPtr result() const { return result_; }

    // The request the worker received for the last generate() (tests: controls reach the engine).
    kinema::GenerationRequest lastWorkerRequest() const { return worker_->lastRequest(); }

    // Frequent updates (progress, previews, memory) wait for the current frame (may be null).
    void setRenderGate(RenderGate* gate);

    Q_INVOKABLE void startEngine();
    Q_INVOKABLE bool generate();
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void dismissError();
    // A view of every clip's whole root path, the clips side by side `spacingCm` apart as the
    // viewport places them: {x, z} (cm, the centre on the ground) and distanceCm for a camera at
    // `aspect` (at least minDistanceCm); an empty map without clips.
    Q_INVOKABLE QVariantMap framePathsCm(double spacingCm, double aspect,
                                         double minDistanceCm) const;
    // Clip `index`'s root on the ground (y = 0) at `timeS` (clamped to the clip), in cm; the
    // origin without that clip. Cheap (one frame lookup): the viewport's follow camera calls it
    // every frame.
    Q_INVOKABLE QVector3D rootOnGroundCm(int index, double timeS) const;

Q_SIGNALS:
    void engineStateChanged();
    void busyChanged();
    void progressChanged();
    void errorChanged();
    void clipsChanged();
    void selectedClipChanged();
    void planChanged();
    void generationFinished(bool ok);  // after finished, cancelled or failed
    void previewShown(int step);       // a coalesced live preview replaced the pose

private:
    void setError(const QString& message);
    void setBusy(bool busy);
    void onPreviewReady(int job);
    void showLatestPreview(int job);
    void notifyProgress();
    void updatePlan();
    void onHeartbeat();
    void endRun(bool ok, const QString& summary);

    GenerationSettings* settings_;
    ModelLibrary* library_;
    VramMonitor* vram_;
    QPointer<RenderGate> gate_;
    QThread thread_;
    EngineWorker* worker_;
    QString engine_state_ = QStringLiteral("idle");
    QString engine_summary_;
    bool engine_started_ = false;
    bool busy_ = false;
    int job_ = 0;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QString phase_;
    int step_ = 0;
    int total_steps_ = 0;
    double eta_s_ = -1;
    QElapsedTimer run_clock_;
    double sampling_start_s_ = -1;
    double finished_elapsed_s_ = 0;
    QString error_message_;
    int previews_computed_ = 0;
    int preview_step_ = 0;
    bool live_ = false;
    DisplayClipSet clips_;
    DisplayClipSet result_clips_;  // the last finished result's clips
    MotionResultPtr result_;
    int selected_clip_ = 0;
    QTimer heartbeat_;
    QElapsedTimer heartbeat_clock_;
    double max_stall_ms_ = 0;
    std::vector<uint32_t> stall_histogram_;  // 1 ms bins of heartbeat lateness, last bin open
    double stalled_ms_ = 0;                  // sum of stalls >= 30 ms
    int stalls_over_50_ = 0;
    QString last_run_summary_;
    QString plan_text_;
};
