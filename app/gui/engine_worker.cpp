#include "app/gui/engine_worker.h"

#include <QElapsedTimer>
#include <QVariantMap>

#include <cstdio>

#include <exception>

#include "core/engine/recommended_guidance.h"
#include "core/system_info.h"

namespace {

QVariantMap model_to_variant(const kinema::ModelInfo& m) {
    QVariantMap v;
    v["id"] = QString::fromStdString(m.id);
    v["name"] = QString::fromStdString(m.display_name.empty() ? m.id : m.display_name);
    v["kind"] = QString::fromStdString(m.kind);
    v["folder"] = QString::fromStdString(m.folder.string());
    v["available"] = m.available;
    v["reason"] = QString::fromStdString(m.unavailable_reason);
    v["weightBytes"] = double(m.weight_bytes);
    QStringList actions;
    for (const auto& a : m.known_actions)
        actions << QString::fromStdString(a);
    v["knownActions"] = actions;
    v["recommendedCfg"] = kinema::recommended_cfg_scale(m);
    return v;
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<DisplayClipSet>();
    qRegisterMetaType<MotionResultPtr>();
    qRegisterMetaType<kinema::MemorySample>();
}

EngineWorker::~EngineWorker() = default;

void EngineWorker::initialize(const QStringList& extra_model_dirs, const QString& device) {
    QElapsedTimer clock;
    clock.start();
    engine_.reset();
    kinema::EngineOptions options;
    for (const QString& d : extra_model_dirs)
        options.extra_model_dirs.emplace_back(d.toStdString());
    options.device = device.isEmpty() ? "auto" : device.toStdString();
    QString summary;
    try {
        const kinema::SystemInfo info = kinema::query_system_info();
        if (info.cuda.devices.empty())
            summary = QStringLiteral("CPU, %1 %2, libtorch %3")
                          .arg(info.intra_op_threads)
                          .arg(info.intra_op_threads == 1 ? QStringLiteral("thread")
                                                          : QStringLiteral("threads"))
                          .arg(QString::fromStdString(info.torch_version));
        else
            summary = QStringLiteral("%1, libtorch %2")
                          .arg(QString::fromStdString(info.cuda.devices.front().name),
                               QString::fromStdString(info.torch_version));
        auto created = kinema::Engine::create(options);
        if (!created) {
            Q_EMIT engineFailed(QString::fromStdString(created.error().describe()));
            return;
        }
        engine_ = std::move(created.value());
        QVariantList models;
        for (const auto& m : engine_->models())
            models << model_to_variant(m);
        std::fprintf(stderr, "kinema: engine created in %lld ms on the worker thread\n",
                     static_cast<long long>(clock.elapsed()));
        Q_EMIT engineReady(models, summary);
    } catch (const std::exception& e) {
        Q_EMIT engineFailed(QStringLiteral("Internal: %1").arg(QString::fromUtf8(e.what())));
    }
}

void EngineWorker::run(int job, kinema::GenerationRequest request) {
    if (!engine_) {
        Q_EMIT failed(job, QStringLiteral("The engine is not available."));
        return;
    }
    {
        std::lock_guard<std::mutex> lock(preview_mutex_);
        latest_preview_.reset();
        preview_posted_ = false;
    }
    auto& cb = request.callbacks;
    cb.phase = [this, job](kinema::Phase p) {
        Q_EMIT phaseChanged(job, QString::fromLatin1(kinema::phase_name(p)));
    };
    cb.progress = [this, job](int64_t step, int64_t total) { Q_EMIT progress(job, step, total); };
    cb.preview = [this, job](int64_t step, kinema::ClipSet clips) {
        Q_EMIT previewComputed(job, step);
        if (!clips) return;
        DisplayClipSet display = make_display_clips(*clips, /*ground=*/true);
        {
            std::lock_guard<std::mutex> lock(preview_mutex_);
            latest_preview_ = std::move(display);
            latest_step_ = step;
        }
        if (!preview_posted_.exchange(true)) Q_EMIT previewReady(job);
    };
    cb.memory = [this, job](const kinema::MemorySample& s) { Q_EMIT memorySample(job, s); };
    cb.log = [this, job](kinema::LogLevel level, const std::string& text) {
        Q_EMIT logMessage(job, int(level), QString::fromStdString(text));
    };
    {
        std::lock_guard<std::mutex> lock(request_mutex_);
        last_request_ = request;
    }
    try {
        auto result = engine_->generate(request);
        if (!result) {
            if (result.error().kind == kinema::ErrorKind::Cancelled)
                Q_EMIT cancelled(job);
            else
                Q_EMIT failed(job, QString::fromStdString(result.error().describe()));
            return;
        }
        auto shared = std::make_shared<const kinema::MotionResult>(std::move(result.value()));
        DisplayClipSet clips = make_display_clips(shared->clips);
        Q_EMIT finished(job, shared, clips);
    } catch (const std::exception& e) {
        Q_EMIT failed(job, QStringLiteral("Internal: %1").arg(QString::fromUtf8(e.what())));
    }
}

void EngineWorker::unload() {
    if (engine_) engine_->unload_all();
}

kinema::GenerationRequest EngineWorker::lastRequest() const {
    std::lock_guard<std::mutex> lock(request_mutex_);
    return last_request_;
}

DisplayClipSet EngineWorker::takePreview(int64_t* step) {
    std::lock_guard<std::mutex> lock(preview_mutex_);
    DisplayClipSet out = std::move(latest_preview_);
    latest_preview_.reset();
    if (step) *step = latest_step_;
    preview_posted_ = false;
    return out;
}
