// EngineWorker: the one object that owns the kinema::Engine. It lives on the controller's single
// long-lived worker QThread; every public slot runs there (invoke them with a queued call). Its
// signals cross back to the GUI thread as queued connections.
// Previews are coalesced: the request's preview callback stores the newest DisplayClipSet and posts
// `previewReady` only if the GUI has taken the previous one, so a slow UI never queues previews;
// `previewComputed` still reports every step's preview (an int, cheap) for counting.
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariantList>

#include <atomic>
#include <memory>
#include <mutex>

#include "app/gui/display_clip.h"
#include "core/engine.h"

using MotionResultPtr = std::shared_ptr<const kinema::MotionResult>;
Q_DECLARE_METATYPE(DisplayClipSet)
Q_DECLARE_METATYPE(MotionResultPtr)
Q_DECLARE_METATYPE(kinema::MemorySample)

class EngineWorker : public QObject {
    Q_OBJECT

public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Worker thread. (Re)creates the engine; emits engineReady or engineFailed.
    void initialize(const QStringList& extra_model_dirs, const QString& device);
    // Worker thread. Runs one request to the end; emits finished, cancelled or failed.
    void run(int job, kinema::GenerationRequest request);
    // Worker thread. Frees loaded models.
    void unload();

    // Any thread: the request the last run() received (callbacks and cancel flag included), for
    // tests that check every control reaches the engine.
    kinema::GenerationRequest lastRequest() const;

    // Any thread: the newest preview not yet taken (null if none) and its step.
    DisplayClipSet takePreview(int64_t* step);

Q_SIGNALS:
    void engineReady(const QVariantList& models, const QString& summary);
    void engineFailed(const QString& message);
    void phaseChanged(int job, const QString& phase);
    void progress(int job, qint64 step, qint64 total);
    void previewComputed(int job, qint64 step);
    void previewReady(int job);
    void memorySample(int job, const kinema::MemorySample& sample);
    void logMessage(int job, int level, const QString& text);
    void finished(int job, const MotionResultPtr& result, const DisplayClipSet& clips);
    void cancelled(int job);
    void failed(int job, const QString& message);

private:
    std::unique_ptr<kinema::Engine> engine_;
    mutable std::mutex request_mutex_;
    kinema::GenerationRequest last_request_;
    std::mutex preview_mutex_;
    DisplayClipSet latest_preview_;
    int64_t latest_step_ = 0;
    std::atomic<bool> preview_posted_{false};
};
