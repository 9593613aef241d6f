#include "app/gui/plan_estimate.h"

#include <QObject>

#include <algorithm>

#include "core/memory/pipeline_planner.h"
#include "core/model/model_presets.h"

QString plan_summary(const PlanInputs& in) {
    const QString id = in.model_id.toLower();
    if (!id.startsWith(QStringLiteral("hy-motion"))) return {};
    auto preset = kinema::preset_config(id.contains(QStringLiteral("lite")) ? "lite" : "full");
    if (!preset) return {};

    kinema::PipelineRequest r;
    r.dit = preset->network;
    r.seeds = std::max(1, in.seeds);
    r.duration_s = in.duration_s;
    r.steps = in.steps;
    r.preserve_bytes = uint64_t(std::max(0.0, in.preservation_gb) * 1e9);
    if (in.quality_mode || in.precision == QLatin1String("fp32") || !in.has_device)
        r.dit_precision = kinema::WeightPrecision::Fp32;
    else if (in.precision == QLatin1String("fp16"))
        r.dit_precision = kinema::WeightPrecision::Fp16;
    kinema::DeviceBudget b;
    b.has_device = in.has_device;
    b.total_vram_bytes = in.device_total_bytes;
    b.free_vram_bytes = in.device_free_bytes;
    b.host_ram_bytes = in.host_total_bytes;
    b.host_available_bytes = in.host_total_bytes;
    auto plan = kinema::plan_pipeline(r, b);
    if (!plan) return QString::fromStdString(plan.error().message);

    const auto& p = plan.value();
    int dit_blocks = 0, resident = 0;
    for (const auto& blk : p.dit.blocks) {
        if (blk.role == kinema::BlockRole::Head) continue;
        ++dit_blocks;
        if (blk.where == kinema::Residency::Resident) ++resident;
    }
    QString text;
    if (in.has_device)
        text = QObject::tr("%1 of %2 DiT blocks resident, est. peak %3 GB VRAM / %4 GB RAM")
                   .arg(resident)
                   .arg(dit_blocks)
                   .arg(double(p.peak_vram_bytes) / 1e9, 0, 'f', 1)
                   .arg(double(p.peak_ram_bytes) / 1e9, 0, 'f', 1);
    else
        text = QObject::tr("CPU plan: est. peak %1 GB RAM")
                   .arg(double(p.peak_ram_bytes) / 1e9, 0, 'f', 1);
    text += QObject::tr(", ~%1 s").arg(p.total_s, 0, 'f', 0);
    if (!p.will_fit)
        text += QObject::tr(" — will not fit: %1")
                    .arg(p.warnings.empty() ? QObject::tr("not enough memory")
                                            : QString::fromStdString(p.warnings.front()));
    return text;
}
