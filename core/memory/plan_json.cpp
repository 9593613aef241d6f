#include "core/memory/plan_json.h"

#include <nlohmann/json.hpp>

namespace kinema {
namespace {

double gib(uint64_t bytes) {
    return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
}

}  // namespace

nlohmann::json residency_plan_json(const ResidencyPlan& p) {
    nlohmann::json resident = nlohmann::json::array(), streamed = nlohmann::json::array(),
                   host = nlohmann::json::array(), blocks = nlohmann::json::array();
    for (const auto& b : p.blocks) {
        (b.where == Residency::Resident   ? resident
         : b.where == Residency::Streamed ? streamed
                                          : host)
            .push_back(b.name);
        blocks.push_back({{"name", b.name},
                          {"role", block_role_label(b.role)},
                          {"size_bytes", b.size_bytes},
                          {"compute_s", b.compute_s},
                          {"where", residency_label(b.where)}});
    }
    return nlohmann::json{
        {"feasible", p.feasible},
        {"warnings", p.warnings},
        {"free_vram_bytes", p.free_vram_bytes},
        {"preserve_bytes", p.preserve_bytes},
        {"effective_preserve_bytes", p.effective_preserve_bytes},
        {"weight_budget_bytes", p.weight_budget_bytes},
        {"activation_bytes", p.activation_bytes},
        {"resident_blocks", resident},
        {"streamed_blocks", streamed},
        {"host_blocks", host},
        {"resident_count", p.resident_count},
        {"streamed_count", p.streamed_count},
        {"resident_bytes", p.resident_bytes},
        {"bytes_streamed_per_forward", p.streamed_bytes},
        {"ring_slot_bytes", p.ring_slot_bytes},
        {"ring_bytes", p.ring_bytes},
        {"host_weight_bytes", p.host_weight_bytes},
        {"pinned_bytes", p.pinned_bytes},
        {"est_peak_vram_bytes", p.peak_vram_bytes},
        {"est_peak_vram_gib", gib(p.peak_vram_bytes)},
        {"compute_s", p.compute_s},
        {"transfer_s", p.transfer_s},
        {"bound_s", p.bound_s},
        {"est_forward_s", p.forward_s},
        {"first_forward_extra_s", p.first_forward_extra_s},
        {"upload_s", p.upload_s},
        {"knee_resident_bytes", p.knee_resident_bytes},
        {"knee_vram_bytes", p.knee_vram_bytes},
        {"knee_vram_gib", gib(p.knee_vram_bytes)},
        {"blocks", blocks},
    };
}

nlohmann::json pipeline_plan_json(const PipelinePlan& p) {
    nlohmann::json stages = {{"dit", residency_plan_json(p.dit)}};
    if (p.has_encoders) stages["encoders"] = residency_plan_json(p.encoders);
    return nlohmann::json{
        {"profile", memory_profile_label(p.profile)},
        {"profile_reason", p.profile_reason},
        {"frames", p.frames},
        {"batch", p.batch},
        {"keep_encoders_loaded", p.keep_encoders_loaded},
        {"est_peak_vram_bytes", p.peak_vram_bytes},
        {"est_peak_vram_gib", gib(p.peak_vram_bytes)},
        {"est_peak_ram_bytes", p.peak_ram_bytes},
        {"est_peak_ram_gib", gib(p.peak_ram_bytes)},
        {"est_encode_s", p.encode_s},
        {"est_step_s", p.step_s},
        {"est_total_s", p.total_s},
        {"est_unconstrained_s", p.unconstrained_s},
        {"will_fit", p.will_fit},
        {"warnings", p.warnings},
        {"stages", stages},
    };
}

}  // namespace kinema
