#include "app/gui/generation_controller.h"

#include <QMetaObject>

#include "app/gui/plan_estimate.h"

#include <algorithm>
#include <cmath>

namespace {
constexpr int kHeartbeatMs = 10;
constexpr int kStallBins = 1000;  // 1 ms each; the last one holds everything longer
constexpr double kStallMs = 30;   // a tick this late counts as stalled time
// While the engine runs, the viewport redraws at most at 30 fps and rests as long as each frame
// took to render (RenderGate throttle): a software rasteriser otherwise takes a core from the
// sampler.
constexpr int kBusyFrameIntervalMs = 33;
}  // namespace

GenerationController::GenerationController(QObject* parent)
    : QObject(parent),
      settings_(new GenerationSettings(this)),
      library_(new ModelLibrary(this)),
      vram_(new VramMonitor(this)),
      worker_(new EngineWorker) {
    thread_.setObjectName(QStringLiteral("kinema-engine"));
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

    connect(worker_, &EngineWorker::engineReady, this,
            [this](const QVariantList& models, const QString& summary) {
                library_->setModels(models);
                engine_state_ = QStringLiteral("ready");
                engine_summary_ = summary;
                const QString current = settings_->property("modelId").toString();
                const int i = library_->indexOf(current);
                if (i < 0 || !models[i].toMap().value("available").toBool()) {
                    // A different model than last time: start from its own guidance.
                    const QString id = library_->firstAvailable();
                    settings_->setProperty("modelId", id);
                    settings_->useModelGuidance(library_->recommendedCfg(id));
                } else {
                    // The same model: a guidance the user chose stays; the model's default of
                    // an earlier version follows its current recommendation.
                    settings_->adoptModelGuidance(library_->recommendedCfg(current));
                }
                Q_EMIT engineStateChanged();
            });
    connect(worker_, &EngineWorker::engineFailed, this, [this](const QString& message) {
        engine_state_ = QStringLiteral("unavailable");
        engine_summary_ = message;
        setError(tr("The engine could not start: %1").arg(message));
        Q_EMIT engineStateChanged();
    });
    connect(worker_, &EngineWorker::phaseChanged, this, [this](int job, const QString& phase) {
        if (job != job_) return;
        phase_ = phase;
        if (phase == QLatin1String("sampling")) sampling_start_s_ = run_clock_.elapsed() / 1000.0;
        notifyProgress();
    });
    connect(worker_, &EngineWorker::progress, this, [this](int job, qint64 step, qint64 total) {
        if (job != job_) return;
        step_ = int(step);
        total_steps_ = int(total);
        if (sampling_start_s_ >= 0 && step > 0) {
            const double per_step = (run_clock_.elapsed() / 1000.0 - sampling_start_s_) / step;
            eta_s_ = per_step * double(total - step);
        }
        notifyProgress();
    });
    connect(worker_, &EngineWorker::previewComputed, this, [this](int job, qint64) {
        if (job != job_) return;
        ++previews_computed_;
    });
    connect(worker_, &EngineWorker::previewReady, this, &GenerationController::onPreviewReady);
    connect(worker_, &EngineWorker::memorySample, this,
            [this](int job, const kinema::MemorySample& s) {
                if (job == job_) vram_->ingest(s);
            });
    connect(worker_, &EngineWorker::finished, this,
            [this](int job, const MotionResultPtr& result, const DisplayClipSet& clips) {
                if (job != job_) return;
                result_ = result;
                result_clips_ = clips;
                clips_ = clips;
                live_ = false;
                selected_clip_ = std::clamp(selected_clip_, 0, std::max(0, clipCount() - 1));
                const auto& t = result->timings;
                endRun(true, tr("%1 clip(s) in %2 s (load %3 s, sample %4 s, %5 DiT evaluations)")
                                 .arg(clipCount())
                                 .arg(t.total_s, 0, 'f', 1)
                                 .arg(t.load_s, 0, 'f', 1)
                                 .arg(t.sample_s, 0, 'f', 1)
                                 .arg(t.dit_evaluations));
            });
    connect(worker_, &EngineWorker::cancelled, this, [this](int job) {
        if (job != job_) return;
        live_ = false;
        clips_ = result_clips_;
        endRun(false, tr("Cancelled at step %1 of %2").arg(step_).arg(total_steps_));
    });
    connect(worker_, &EngineWorker::failed, this, [this](int job, const QString& message) {
        if (job != job_) return;
        live_ = false;
        clips_ = result_clips_;
        setError(message);
        endRun(false, tr("Failed: %1").arg(message));
    });

    heartbeat_.setTimerType(Qt::PreciseTimer);
    heartbeat_.setInterval(kHeartbeatMs);
    connect(&heartbeat_, &QTimer::timeout, this, &GenerationController::onHeartbeat);

    connect(settings_, &GenerationSettings::changed, this, &GenerationController::updatePlan);
    connect(vram_, &VramMonitor::changed, this, [this] {
        if (vram_->hasDevice() && plan_text_.isEmpty()) updatePlan();
    });
    updatePlan();

    thread_.start();
    // Created behind the window: the first event-loop turn happens after QML has shown it.
    QTimer::singleShot(0, this, &GenerationController::startEngine);
    connect(library_, &ModelLibrary::foldersChanged, this, [this] {
        engine_started_ = false;
        startEngine();
    });
}

GenerationController::~GenerationController() {
    if (cancel_) cancel_->store(true);
    thread_.quit();
    thread_.wait();
}

void GenerationController::startEngine() {
    if (engine_started_ || busy_) return;
    engine_started_ = true;
    engine_state_ = QStringLiteral("starting");
    Q_EMIT engineStateChanged();
    const QStringList dirs = library_->extraFolders();
    const QString device = qEnvironmentVariable("KINEMA_DEVICE", QStringLiteral("auto"));
    QMetaObject::invokeMethod(
        worker_, [w = worker_, dirs, device] { w->initialize(dirs, device); },
        Qt::QueuedConnection);
}

bool GenerationController::generate() {
    if (busy_) return false;
    if (engine_state_ != QLatin1String("ready")) {
        setError(engine_state_ == QLatin1String("unavailable")
                     ? tr("The engine is unavailable: %1").arg(engine_summary_)
                     : tr("The engine is still starting; try again in a moment."));
        return false;
    }
    kinema::GenerationRequest request = settings_->toRequest();
    if (request.prompt.empty()) {
        setError(tr("Write a prompt first: describe the motion in one or two sentences."));
        return false;
    }
    dismissError();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    request.cancel = cancel_;
    ++job_;
    phase_ = QStringLiteral("loading");
    step_ = 0;
    total_steps_ = int(request.steps);
    eta_s_ = -1;
    sampling_start_s_ = -1;
    previews_computed_ = 0;
    preview_step_ = 0;
    max_stall_ms_ = 0;
    stall_histogram_.assign(kStallBins + 1, 0);
    stalled_ms_ = 0;
    stalls_over_50_ = 0;
    run_clock_.start();
    heartbeat_clock_.start();
    heartbeat_.start();
    vram_->resetPeaks();
    if (gate_) gate_->setThrottle(kBusyFrameIntervalMs);
    setBusy(true);
    Q_EMIT progressChanged();
    const int job = job_;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, job, request] { w->run(job, request); }, Qt::QueuedConnection);
    return true;
}

void GenerationController::cancel() {
    if (busy_ && cancel_) {
        cancel_->store(true);
        phase_ = QStringLiteral("cancelling");
        Q_EMIT progressChanged();
    }
}

void GenerationController::dismissError() {
    setError(QString());
}

void GenerationController::setSelectedClip(int index) {
    index = std::clamp(index, 0, std::max(0, clipCount() - 1));
    if (index == selected_clip_) return;
    selected_clip_ = index;
    Q_EMIT selectedClipChanged();
}

double GenerationController::elapsedS() const {
    return busy_ ? run_clock_.elapsed() / 1000.0 : finished_elapsed_s_;
}

QString GenerationController::statusText() const {
    if (!busy_) return last_run_summary_;
    QString text = phase_.isEmpty() ? tr("Working") : phase_.left(1).toUpper() + phase_.mid(1);
    if (phase_ == QLatin1String("sampling") && total_steps_ > 0)
        text += tr(" · step %1 / %2").arg(step_).arg(total_steps_);
    if (eta_s_ >= 0 && phase_ == QLatin1String("sampling"))
        text += tr(" · ETA %1 s").arg(eta_s_, 0, 'f', eta_s_ < 10 ? 1 : 0);
    return text;
}

double GenerationController::clipDurationS() const {
    if (!clips_ || clips_->empty()) return 0;
    double d = 0;
    for (const auto& c : *clips_)
        d = std::max(d, c.duration_s());
    return d;
}

QVariantMap GenerationController::framePathsCm(double spacingCm, double aspect,
                                               double minDistanceCm) const {
    if (!clips_ || clips_->empty()) return {};
    const int n = int(clips_->size());
    RootPathBoundsCm all;
    for (int i = 0; i < n; ++i) {
        const float offset = float((i - (n - 1) / 2.0) * spacingCm);
        RootPathBoundsCm b = root_path_bounds_cm((*clips_)[size_t(i)]);
        b.min_x += offset;
        b.max_x += offset;
        if (i == 0)
            all = b;
        else
            all.include(b);
    }
    return {{QStringLiteral("x"), (all.min_x + all.max_x) / 2},
            {QStringLiteral("z"), (all.min_z + all.max_z) / 2},
            {QStringLiteral("distanceCm"),
             framing_distance_cm(all.extent(), float(aspect), float(minDistanceCm))}};
}

QVector3D GenerationController::rootOnGroundCm(int index, double timeS) const {
    if (!clips_ || index < 0 || index >= int(clips_->size())) return {};
    const DisplayClip& clip = (*clips_)[size_t(index)];
    if (clip.frames <= 0) return {};
    const int f = std::clamp(int(std::lround(timeS * clip.fps)), 0, clip.frames - 1);
    const QVector3D r = clip.joints[size_t(f) * kDisplayJoints] * 100.0f;
    return {r.x(), 0.0f, r.z()};
}

double GenerationController::clipFps() const {
    return clips_ && !clips_->empty() ? clips_->front().fps : 30.0;
}

void GenerationController::setError(const QString& message) {
    if (message == error_message_) return;
    error_message_ = message;
    Q_EMIT errorChanged();
}

void GenerationController::setBusy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    Q_EMIT busyChanged();
}

void GenerationController::updatePlan() {
    PlanInputs in;
    in.model_id = settings_->property("modelId").toString();
    in.seeds = settings_->variations();
    in.duration_s = settings_->property("durationS").toDouble();
    in.steps = settings_->property("steps").toInt();
    in.preservation_gb = settings_->property("preservationGb").toDouble();
    in.precision = settings_->property("precision").toString();
    in.quality_mode = settings_->property("qualityMode").toBool();
    in.has_device = vram_->hasDevice();
    in.device_total_bytes = uint64_t(vram_->totalBytes());
    in.device_free_bytes = uint64_t(std::max(0.0, vram_->totalBytes() - vram_->usedBytes()));
    in.host_total_bytes = uint64_t(vram_->hostTotalBytes());
    const QString text = plan_summary(in);
    if (text == plan_text_) return;
    plan_text_ = text;
    Q_EMIT planChanged();
}

void GenerationController::setRenderGate(RenderGate* gate) {
    gate_ = gate;
    vram_->setRenderGate(gate);
}

void GenerationController::notifyProgress() {
    static const char key = 0;
    if (gate_)
        gate_->post(&key, this, [this] { Q_EMIT progressChanged(); });
    else
        Q_EMIT progressChanged();
}

void GenerationController::onPreviewReady(int job) {
    // Taken when the current frame is on screen, so the newest preview at that moment wins.
    static const char key = 0;
    if (gate_)
        gate_->post(&key, this, [this, job] { showLatestPreview(job); });
    else
        showLatestPreview(job);
}

void GenerationController::showLatestPreview(int job) {
    int64_t step = 0;
    DisplayClipSet clips = worker_->takePreview(&step);
    if (job != job_ || !busy_ || !clips || clips->empty()) return;
    clips_ = std::move(clips);
    preview_step_ = int(step);
    live_ = true;
    Q_EMIT clipsChanged();
    Q_EMIT previewShown(preview_step_);
}

void GenerationController::onHeartbeat() {
    const double gap_ms = heartbeat_clock_.nsecsElapsed() / 1e6;
    heartbeat_clock_.restart();
    const double stall_ms = std::max(0.0, gap_ms - kHeartbeatMs);
    max_stall_ms_ = std::max(max_stall_ms_, stall_ms);
    if (!stall_histogram_.empty())
        ++stall_histogram_[size_t(std::min<double>(stall_ms, kStallBins))];
    if (stall_ms >= kStallMs) stalled_ms_ += stall_ms;
    if (stall_ms > 50) ++stalls_over_50_;
    static const bool log_stalls = qEnvironmentVariableIsSet("KINEMA_LOG_UI_STALLS");
    if (log_stalls && stall_ms > 30)
        qInfo("kinema: UI stall %.0f ms at %.2f s (%s, step %d)", stall_ms,
              run_clock_.elapsed() / 1000.0, qPrintable(phase_), step_);
}

QVariantMap GenerationController::uiStallStats() const {
    uint64_t ticks = 0;
    for (uint32_t n : stall_histogram_)
        ticks += n;
    auto percentile = [&](double q) {
        uint64_t seen = 0;
        const auto want = uint64_t(q * double(ticks));
        for (size_t i = 0; i < stall_histogram_.size(); ++i) {
            seen += stall_histogram_[i];
            if (seen > want) return double(i);
        }
        return 0.0;
    };
    const double run_ms = busy_ ? double(run_clock_.elapsed()) : finished_elapsed_s_ * 1000.0;
    QVariantMap m;
    m["maxMs"] = max_stall_ms_;
    m["p50Ms"] = ticks ? percentile(0.5) : 0.0;
    m["p99Ms"] = ticks ? percentile(0.99) : 0.0;
    m["ticks"] = qulonglong(ticks);
    m["over50"] = stalls_over_50_;
    m["stalledFraction"] = run_ms > 0 ? std::min(1.0, stalled_ms_ / run_ms) : 0.0;
    return m;
}

void GenerationController::endRun(bool ok, const QString& summary) {
    heartbeat_.stop();
    finished_elapsed_s_ = run_clock_.elapsed() / 1000.0;
    last_run_summary_ = summary + tr(" · longest UI stall %1 ms").arg(max_stall_ms_, 0, 'f', 0);
    phase_.clear();
    eta_s_ = -1;
    vram_->endRun();
    setBusy(false);
    Q_EMIT clipsChanged();
    Q_EMIT progressChanged();
    Q_EMIT generationFinished(ok);
    // Last: lifting the throttle runs deferred updates, and a deferred preview must find the run
    // over (it would otherwise mark the finished result as a live preview).
    if (gate_) gate_->setThrottle(0);
}
