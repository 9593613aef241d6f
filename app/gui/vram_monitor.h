// VramMonitor: what the VRAM gauge shows. Fed by the engine's memory telemetry while a run is live
// (`ingest`, about 4 Hz); between runs it polls gpu::query_device_memory and /proc/self/statm once
// a second on a pool thread. On a machine without CUDA `hasDevice` is false and the gauge shows
// RAM. GUI thread only. Sizes in bytes (double, for QML).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include "app/gui/render_gate.h"
#include "core/memory/memory_sample.h"

class VramMonitor : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by GenerationController")
    Q_PROPERTY(bool hasDevice READ hasDevice NOTIFY changed)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY changed)
    Q_PROPERTY(double totalBytes READ totalBytes NOTIFY changed)
    Q_PROPERTY(double usedBytes READ usedBytes NOTIFY changed)
    Q_PROPERTY(double peakBytes READ peakBytes NOTIFY changed)
    Q_PROPERTY(double residentBytes READ residentBytes NOTIFY changed)
    Q_PROPERTY(double ringBytes READ ringBytes NOTIFY changed)
    Q_PROPERTY(double activationBytes READ activationBytes NOTIFY changed)
    Q_PROPERTY(double hostRssBytes READ hostRssBytes NOTIFY changed)
    Q_PROPERTY(double hostPeakBytes READ hostPeakBytes NOTIFY changed)
    Q_PROPERTY(double hostTotalBytes READ hostTotalBytes NOTIFY changed)
    Q_PROPERTY(bool telemetry READ telemetry NOTIFY changed)

public:
    explicit VramMonitor(QObject* parent = nullptr);

    bool hasDevice() const { return has_device_; }
    QString deviceName() const { return device_name_; }
    double totalBytes() const { return s_.device_total_bytes; }
    double usedBytes() const;
    double peakBytes() const { return double(s_.peak_device_bytes); }
    double residentBytes() const { return double(s_.resident_weight_bytes); }
    double ringBytes() const { return double(s_.streaming_ring_bytes); }
    double activationBytes() const;
    double hostRssBytes() const { return double(s_.host_rss_bytes); }
    double hostPeakBytes() const { return double(s_.peak_host_rss_bytes); }
    double hostTotalBytes() const { return double(s_.host_total_bytes); }
    bool telemetry() const { return telemetry_; }

    // A sample from the engine's memory callback (already on the GUI thread).
    void ingest(const kinema::MemorySample& sample);
    // Start of a run: peaks restart from the current reading.
    Q_INVOKABLE void resetPeaks();
    // End of a run: back to polling.
    void endRun();
    Q_INVOKABLE void poll();
    void setRenderGate(RenderGate* gate) { gate_ = gate; }

Q_SIGNALS:
    void changed();

private:
    void apply(const kinema::MemorySample& sample, bool from_engine);

    QPointer<RenderGate> gate_;
    kinema::MemorySample s_;
    bool has_device_ = false;
    bool telemetry_ = false;
    QString device_name_;
    QTimer poll_timer_;
    QFutureWatcher<kinema::MemorySample>* watcher_ = nullptr;
};
