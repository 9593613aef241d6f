#include "app/gui/vram_monitor.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

#include <unistd.h>

#include "gpu/device_query.h"

namespace {

uint64_t read_rss_bytes() {
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    if (parts.size() < 2) return 0;
    return parts[1].toULongLong() * uint64_t(sysconf(_SC_PAGESIZE));
}

uint64_t read_host_total_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    return pages > 0 ? uint64_t(pages) * uint64_t(sysconf(_SC_PAGESIZE)) : 0;
}

kinema::MemorySample sample_now() {
    kinema::MemorySample s;
    s.host_rss_bytes = read_rss_bytes();
    s.host_total_bytes = read_host_total_bytes();
    std::uint64_t free_b = 0, total_b = 0;
    if (kinema::gpu::query_device_memory(0, free_b, total_b) && total_b > 0) {
        s.has_device = true;
        s.device_total_bytes = total_b;
        s.device_free_bytes = free_b;
    }
    return s;
}

}  // namespace

VramMonitor::VramMonitor(QObject* parent) : QObject(parent) {
    poll_timer_.setInterval(1000);
    connect(&poll_timer_, &QTimer::timeout, this, &VramMonitor::poll);
    poll_timer_.start();
    // The device name comes once, off the GUI thread (the first CUDA call can take a while).
    auto* names = new QFutureWatcher<QString>(this);
    connect(names, &QFutureWatcher<QString>::finished, this, [this, names] {
        device_name_ = names->result();
        names->deleteLater();
        Q_EMIT changed();
    });
    names->setFuture(QtConcurrent::run([] {
        const kinema::gpu::CudaProbe p = kinema::gpu::probe_cuda_devices();
        if (p.devices.empty()) return QString();
        return QString::fromStdString(p.devices.front().name);
    }));
    poll();
}

double VramMonitor::usedBytes() const {
    if (s_.has_process_device) return double(s_.process_device_bytes);
    if (s_.device_total_bytes >= s_.device_free_bytes)
        return double(s_.device_total_bytes - s_.device_free_bytes);
    return 0;
}

double VramMonitor::activationBytes() const {
    const double rest = double(s_.allocator_allocated_bytes) - double(s_.resident_weight_bytes) -
                        double(s_.streaming_ring_bytes);
    return std::max(0.0, rest);
}

void VramMonitor::apply(const kinema::MemorySample& sample, bool from_engine) {
    const uint64_t peak_dev = std::max(s_.peak_device_bytes, sample.peak_device_bytes);
    const uint64_t peak_host = std::max(s_.peak_host_rss_bytes, sample.peak_host_rss_bytes);
    s_ = sample;
    if (s_.host_total_bytes == 0) s_.host_total_bytes = read_host_total_bytes();
    const uint64_t used = uint64_t(usedBytes());
    s_.peak_device_bytes = std::max(peak_dev, used);
    s_.peak_host_rss_bytes = std::max(peak_host, s_.host_rss_bytes);
    has_device_ = sample.has_device;
    telemetry_ = from_engine;
    static const char key = 0;
    if (gate_)
        gate_->post(&key, this, [this] { Q_EMIT changed(); });
    else
        Q_EMIT changed();
}

void VramMonitor::ingest(const kinema::MemorySample& sample) {
    poll_timer_.stop();
    apply(sample, true);
}

void VramMonitor::resetPeaks() {
    s_.peak_device_bytes = uint64_t(usedBytes());
    s_.peak_host_rss_bytes = s_.host_rss_bytes;
    Q_EMIT changed();
}

void VramMonitor::endRun() {
    poll_timer_.start();
}

void VramMonitor::poll() {
    if (watcher_) return;  // the previous poll is still running
    watcher_ = new QFutureWatcher<kinema::MemorySample>(this);
    connect(watcher_, &QFutureWatcher<kinema::MemorySample>::finished, this, [this] {
        const kinema::MemorySample s = watcher_->result();
        watcher_->deleteLater();
        watcher_ = nullptr;
        if (!telemetry_ || poll_timer_.isActive()) apply(s, false);
    });
    watcher_->setFuture(QtConcurrent::run(sample_now));
}
