#include "core/memory/residency_planner.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kinema {
namespace {

constexpr double kKneeTolerance = 0.02;  // Knee policy: within 2 % of the fastest plan

// Streamable blocks of one size, in execution order.
struct Group {
    uint64_t size_bytes = 0;
    std::vector<size_t> members;  // indices into PlannerInput::blocks
};

struct Candidate {
    std::vector<BlockPlacement> blocks;
    uint64_t device_weight_bytes = 0;  // resident + ring
    uint64_t streamed_bytes = 0;
    double forward_s = 0.0;
};

double copy_time_s(uint64_t bytes, const LinkModel& link) {
    return link.latency_s + static_cast<double>(bytes) / link.bandwidth_bytes_per_s;
}

// `r` of `n` members resident, spread evenly: member k is resident iff it is the rounded centre of
// one of r equal intervals.
std::vector<bool> spread(size_t n, int r) {
    std::vector<bool> resident(n, false);
    for (int i = 0; i < r; ++i) {
        const size_t k = static_cast<size_t>((static_cast<double>(i) + 0.5) *
                                             static_cast<double>(n) / static_cast<double>(r));
        resident[std::min(k, n - 1)] = true;
    }
    return resident;
}

// Places every block (host-only stay on the host; `streamed[i]` streams block i; the rest is
// resident) and evaluates the per-block model.
Candidate evaluate_flags(const PlannerInput& in, const std::vector<bool>& streamed) {
    Candidate c;
    c.blocks.resize(in.blocks.size());
    uint64_t resident = 0, slot = 0;
    for (size_t i = 0; i < in.blocks.size(); ++i) {
        const WeightBlock& b = in.blocks[i];
        BlockPlacement& p = c.blocks[i];
        p.name = b.name;
        p.role = b.role;
        p.size_bytes = b.size_bytes;
        p.compute_s = b.flops / in.flops_per_s;
        p.where = b.host_only   ? Residency::Host
                  : streamed[i] ? Residency::Streamed
                                : Residency::Resident;
        if (p.where == Residency::Resident) resident += p.size_bytes;
        if (p.where == Residency::Streamed) {
            c.streamed_bytes += p.size_bytes;
            slot = std::max(slot, p.size_bytes);
        }
    }
    c.device_weight_bytes = resident + 2 * slot;
    c.forward_s = model_forward_time_s(c.blocks, in.link);
    return c;
}

// `resident_per_group[g]` members of group g resident, spread evenly within the group.
Candidate evaluate(const PlannerInput& in, const std::vector<Group>& groups,
                   const std::vector<int>& resident_per_group) {
    std::vector<bool> streamed(in.blocks.size(), false);
    for (size_t g = 0; g < groups.size(); ++g) {
        const auto flags = spread(groups[g].members.size(), resident_per_group[g]);
        for (size_t k = 0; k < flags.size(); ++k)
            if (!flags[k]) streamed[groups[g].members[k]] = true;
    }
    return evaluate_flags(in, streamed);
}

bool better(const Candidate& a, const Candidate& b) {
    const double tol = 1e-3 * std::max(a.forward_s, b.forward_s);
    if (a.forward_s < b.forward_s - tol) return true;
    if (a.forward_s > b.forward_s + tol) return false;
    return a.streamed_bytes < b.streamed_bytes;
}

// MaxResident for one weight budget: one candidate per ring size (blocks larger than the slot must
// be resident; the rest of the budget holds as many blocks as fit, largest first); the fastest
// wins, ties go to fewer bytes moved. `fallback` is returned when nothing fits.
Candidate best_for_budget(const PlannerInput& in, const std::vector<Group>& groups, uint64_t head,
                          uint64_t budget, const Candidate& fallback) {
    Candidate best = fallback;
    bool found = false;
    for (size_t s = 0; s <= groups.size(); ++s) {
        std::vector<int> r(groups.size(), 0);
        uint64_t used = head;
        for (size_t g = 0; g < s; ++g) {
            r[g] = static_cast<int>(groups[g].members.size());
            used += groups[g].size_bytes * groups[g].members.size();
        }
        const uint64_t ring = s < groups.size() ? 2 * groups[s].size_bytes : 0;
        if (used + ring > budget) continue;
        uint64_t cap = budget - used - ring;
        for (size_t g = s; g < groups.size(); ++g) {
            const uint64_t n =
                std::min<uint64_t>(groups[g].members.size(), cap / groups[g].size_bytes);
            r[g] = static_cast<int>(n);
            cap -= n * groups[g].size_bytes;
        }
        Candidate c = evaluate(in, groups, r);
        if (c.device_weight_bytes <= budget && (!found || better(c, best))) {
            best = c;
            found = true;
        }
    }
    // Whole-model spread: the fewest streamed blocks, evenly over every streamable block whatever
    // its size, so the resident compute between two copies is as even as possible (filling by size
    // alone can leave one size class resident in a clump and the copy engine idle meanwhile).
    std::vector<size_t> all;
    for (const auto& g : groups)
        all.insert(all.end(), g.members.begin(), g.members.end());
    std::sort(all.begin(), all.end());
    for (size_t k = 1; k <= all.size(); ++k) {
        const auto resident = spread(all.size(), static_cast<int>(all.size() - k));
        std::vector<bool> streamed(in.blocks.size(), false);
        uint64_t bytes = head, slot = 0;
        for (size_t j = 0; j < all.size(); ++j) {
            const uint64_t size = in.blocks[all[j]].size_bytes;
            if (resident[j]) {
                bytes += size;
            } else {
                streamed[all[j]] = true;
                slot = std::max(slot, size);
            }
        }
        if (bytes + 2 * slot > budget) continue;
        Candidate c = evaluate_flags(in, streamed);
        if (!found || better(c, best)) {
            best = c;
            found = true;
        }
        break;
    }
    return best;
}

}  // namespace

const char* residency_label(Residency where) {
    switch (where) {
        case Residency::Resident:
            return "resident";
        case Residency::Streamed:
            return "streamed";
        case Residency::Host:
            return "host";
    }
    return "?";
}

const char* plan_policy_label(PlanPolicy policy) {
    switch (policy) {
        case PlanPolicy::MaxResident:
            return "max-resident";
        case PlanPolicy::Knee:
            return "knee";
        case PlanPolicy::StreamAll:
            return "stream-all";
    }
    return "?";
}

double model_forward_time_s(const std::vector<BlockPlacement>& blocks, const LinkModel& link,
                            double* first_forward_s) {
    std::vector<size_t> streamed;
    double compute = 0;
    for (size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].where == Residency::Streamed) streamed.push_back(i);
        if (blocks[i].where != Residency::Host) compute += blocks[i].compute_s;
    }
    if (streamed.empty()) {
        if (first_forward_s) *first_forward_s = compute;
        return compute;
    }
    // Same recurrence as BlockStreamer on in-order streams: copy j+1 (wrapping to the next
    // forward) is issued when compute j is; it waits for the copy engine and for its slot, freed
    // when compute j-1 finished. Compute j waits for copy j.
    double compute_free = 0, copy_free = 0;
    double slot_free[2] = {0, 0}, copy_done[2] = {0, 0};
    copy_free = copy_done[0] = copy_time_s(blocks[streamed[0]].size_bytes, link);  // prepare()
    uint64_t counter = 0;
    double previous_end = 0, first = 0, steady = 0;
    for (int forward = 0; forward < 3; ++forward) {
        size_t next = 0;  // position in `streamed`
        for (const auto& b : blocks) {
            if (b.where == Residency::Host) continue;
            if (b.where == Residency::Resident) {
                compute_free += b.compute_s;
                continue;
            }
            const int s = static_cast<int>(counter % 2);
            compute_free = std::max(compute_free, copy_done[s]) + b.compute_s;
            slot_free[s] = compute_free;
            const size_t following = streamed[(next + 1) % streamed.size()];
            const int o = 1 - s;
            copy_free =
                std::max(copy_free, slot_free[o]) + copy_time_s(blocks[following].size_bytes, link);
            copy_done[o] = copy_free;
            ++counter;
            ++next;
        }
        if (forward == 0) first = compute_free;
        steady = compute_free - previous_end;
        previous_end = compute_free;
    }
    if (first_forward_s) *first_forward_s = first;
    return steady;
}

uint64_t pinned_arena_bytes(const std::vector<uint64_t>& sizes) {
    uint64_t total = 0, left_in_chunk = 0;
    for (uint64_t s : sizes) {
        if (s > kPinnedChunkBytes) {
            total += s;  // a dedicated chunk
            continue;
        }
        if (s > left_in_chunk) {
            total += kPinnedChunkBytes;
            left_in_chunk = kPinnedChunkBytes;
        }
        left_in_chunk -= s;
    }
    return total;
}

Result<ResidencyPlan> plan_residency(const PlannerInput& in) {
    if (!(in.link.bandwidth_bytes_per_s > 0) || !(in.flops_per_s > 0) || in.link.latency_s < 0)
        return make_error(ErrorKind::InvalidRequest, "planner needs bandwidth > 0, throughput > 0");

    ResidencyPlan plan;
    plan.free_vram_bytes = in.free_vram_bytes;
    plan.preserve_bytes = in.preserve_bytes;
    plan.activation_bytes = in.activation_bytes;
    plan.effective_preserve_bytes = std::max(in.preserve_bytes, in.activation_bytes);
    plan.weight_budget_bytes = in.free_vram_bytes > plan.effective_preserve_bytes
                                   ? in.free_vram_bytes - plan.effective_preserve_bytes
                                   : 0;
    if (in.preserve_bytes < in.activation_bytes)
        plan.warnings.push_back("preservation is below the activation estimate; planning with " +
                                std::to_string(in.activation_bytes >> 20) +
                                " MiB kept free instead");

    uint64_t head = 0;
    std::map<uint64_t, Group, std::greater<>> by_size;
    for (size_t i = 0; i < in.blocks.size(); ++i) {
        const WeightBlock& b = in.blocks[i];
        if (b.host_only) continue;
        if (b.always_resident) {
            head += b.size_bytes;
            continue;
        }
        auto& g = by_size[b.size_bytes];
        g.size_bytes = b.size_bytes;
        g.members.push_back(i);
    }
    std::vector<Group> groups;
    for (auto& [size, g] : by_size)
        groups.push_back(g);  // largest first
    const uint64_t budget = plan.weight_budget_bytes;

    auto all_streamed = std::vector<int>(groups.size(), 0);
    Candidate best = evaluate(in, groups, all_streamed);  // StreamAll: the smallest footprint
    const bool fits_at_all = best.device_weight_bytes <= budget;
    if (in.policy != PlanPolicy::StreamAll && fits_at_all) {
        const Candidate fastest = best_for_budget(in, groups, head, budget, best);
        best = fastest;
        if (in.policy == PlanPolicy::Knee && !groups.empty()) {
            // The smallest weight budget whose best plan is within the tolerance of the fastest:
            // sweep upwards in steps of the smallest block.
            const double limit = fastest.forward_s * (1.0 + kKneeTolerance);
            const uint64_t step = groups.back().size_bytes;
            for (uint64_t b = head; b < fastest.device_weight_bytes; b += step) {
                Candidate c = best_for_budget(in, groups, head, b, fastest);
                if (c.device_weight_bytes <= b && c.forward_s <= limit) {
                    best = c;
                    break;
                }
            }
        }
    }

    plan.blocks = best.blocks;
    std::vector<uint64_t> streamed_sizes;
    uint64_t streamable = 0;
    for (const auto& p : plan.blocks) {
        switch (p.where) {
            case Residency::Resident:
                plan.resident_bytes += p.size_bytes;
                ++plan.resident_count;
                plan.compute_s += p.compute_s;
                break;
            case Residency::Streamed:
                plan.streamed_bytes += p.size_bytes;
                plan.ring_slot_bytes = std::max(plan.ring_slot_bytes, p.size_bytes);
                plan.transfer_s += copy_time_s(p.size_bytes, in.link);
                streamed_sizes.push_back(p.size_bytes);
                ++plan.streamed_count;
                plan.compute_s += p.compute_s;
                break;
            case Residency::Host:
                plan.host_weight_bytes += p.size_bytes;
                break;
        }
    }
    for (const auto& g : groups)
        streamable += g.size_bytes * g.members.size();
    plan.ring_bytes = 2 * plan.ring_slot_bytes;
    plan.host_weight_bytes += plan.streamed_bytes;
    plan.pinned_bytes = pinned_arena_bytes(streamed_sizes);
    plan.peak_vram_bytes = plan.resident_bytes + plan.ring_bytes + plan.activation_bytes;
    plan.bound_s = std::max(
        plan.compute_s, static_cast<double>(plan.streamed_bytes) / in.link.bandwidth_bytes_per_s);
    double first = 0;
    plan.forward_s = model_forward_time_s(plan.blocks, in.link, &first);
    plan.first_forward_extra_s = std::max(0.0, first - plan.forward_s);
    plan.upload_s = static_cast<double>(plan.resident_bytes) / in.link.bandwidth_bytes_per_s;

    const double hideable = plan.compute_s * in.link.bandwidth_bytes_per_s;
    plan.knee_resident_bytes = hideable >= static_cast<double>(streamable)
                                   ? 0
                                   : streamable - static_cast<uint64_t>(hideable);
    const uint64_t largest = groups.empty() ? 0 : groups.front().size_bytes;
    plan.knee_vram_bytes = head + plan.knee_resident_bytes + plan.activation_bytes +
                           (plan.knee_resident_bytes >= streamable ? 0 : 2 * largest);

    plan.feasible = fits_at_all && plan.peak_vram_bytes <= in.free_vram_bytes;
    if (!plan.feasible)
        plan.warnings.push_back("does not fit: the head and the two-slot ring need " +
                                std::to_string((head + 2 * largest) >> 20) + " MiB but only " +
                                std::to_string(budget >> 20) +
                                " MiB are left after the preservation; lower P or free VRAM");
    return plan;
}

}  // namespace kinema
