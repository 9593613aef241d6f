// The planner's live consequence of the current settings, for the model panel: e.g. "9 of 27 DiT
// blocks resident, est. peak 3.8 GB VRAM, ~42 s". Uses core/memory's pure plan_pipeline with the
// HY-Motion preset of the selected model (full or lite; small built-in models need no plan).
// Any thread; cheap (no allocation of weights).
#pragma once

#include <QString>

#include <cstdint>

struct PlanInputs {
    QString model_id;
    int seeds = 1;
    double duration_s = 4.0;
    int steps = 50;
    double preservation_gb = 6.0;
    QString precision;  // "auto", "fp32", "bf16", "fp16"
    bool quality_mode = false;
    bool has_device = false;
    uint64_t device_total_bytes = 0;
    uint64_t device_free_bytes = 0;
    uint64_t host_total_bytes = 0;
};

// Empty when the model has no preset (kinema-tiny, debug-random: they fit anywhere).
QString plan_summary(const PlanInputs& in);
