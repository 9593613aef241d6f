#include "core/memory/dit_weight_arena.h"

#include <ATen/ATen.h>

#include <cstdlib>
#include <cstring>
#include <string>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/model/hymotion_mmdit.h"
#include "gpu/pinned_host_arena.h"

namespace kinema {
namespace {

constexpr uint64_t kTensorAlignment = 64;
constexpr const char* kIndicatorPrefix = "double_blocks.0.motion_mod.linear.";

uint64_t align_up(uint64_t n, uint64_t a) {
    return (n + a - 1) / a * a;
}

// "double_blocks.3.x" -> 1 + 3; "single_blocks.2.x" -> 1 + doubles + 2; else 0 (the head).
size_t plan_index(const std::string& key, int64_t doubles) {
    auto number_after = [&](const std::string& prefix) -> int64_t {
        if (key.rfind(prefix, 0) != 0) return -1;
        return std::stoll(key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size()));
    };
    if (const int64_t k = number_after("double_blocks."); k >= 0) return static_cast<size_t>(1 + k);
    if (const int64_t k = number_after("single_blocks."); k >= 0)
        return static_cast<size_t>(1 + doubles + k);
    return 0;
}

}  // namespace

DitWeightArena::DitWeightArena() = default;
DitWeightArena::~DitWeightArena() = default;

uint64_t DitWeightArena::reserved_bytes() const {
    return arena_ ? arena_->reserved_bytes() : 0;
}

Status DitWeightArena::build(HyMotionMmdit& dit, size_t block_count) {
    const int64_t doubles = dit.config().num_double_blocks();
    blocks_.assign(block_count, {});
    indicator_ = {};
    for (const auto& e : dit.registry().entries()) {
        const size_t i = plan_index(e.key, doubles);
        if (i >= blocks_.size()) return make_error(ErrorKind::Internal, "bad block " + e.key);
        const at::Tensor& t = *e.slot;
        DitTensorPlace p{e.slot, e.shape, t.scalar_type(), 0,
                         static_cast<uint64_t>(t.numel()) * t.element_size()};
        auto add = [&](DitBlockLayout& b) {
            p.offset = align_up(b.bytes, kTensorAlignment);
            b.bytes = p.offset + p.bytes;
            b.tensors.push_back(p);
        };
        add(blocks_[i]);
        if (e.key.rfind(kIndicatorPrefix, 0) == 0) add(indicator_);
    }
    return {};
}

Status DitWeightArena::fill(bool pinned) {
    if (pinned) {
        arena_ = std::make_unique<gpu::PinnedHostArena>();
    } else {
        arena_ = std::make_unique<gpu::PinnedHostArena>(
            gpu::PinnedHostArena::kDefaultChunkBytes,
            [](uint64_t bytes) -> Result<void*> {
                void* p = std::aligned_alloc(gpu::PinnedHostArena::kAlignment,
                                             align_up(bytes, gpu::PinnedHostArena::kAlignment));
                if (!p) return make_error(ErrorKind::OutOfMemory, "out of host memory");
                return p;
            },
            [](void* p) { std::free(p); });
    }
    // The indicator first (its tensors are a second copy of some of block 1's), then every
    // block, freeing the model's tensors block by block (peak: one block over the model).
    std::vector<DitBlockLayout*> all{&indicator_};
    for (auto& b : blocks_)
        all.push_back(&b);
    for (DitBlockLayout* b : all) {
        if (b->bytes == 0) continue;
        auto span = arena_->allocate(b->bytes);
        if (!span) return span.error();
        b->host = *span;
        for (const auto& p : b->tensors) {
            const at::Tensor src = p.slot->contiguous();
            std::memcpy(static_cast<uint8_t*>(b->host) + p.offset, src.data_ptr(), p.bytes);
        }
        if (b != &indicator_)
            for (const auto& p : b->tensors)
                *p.slot = at::Tensor();
    }
    clear_slots();  // the arena holds the only copy now
#if defined(__GLIBC__)
    // The freed weights may sit in glibc's heap (below its dynamic mmap threshold): give them
    // back so the arena does not double the footprint.
    malloc_trim(0);
#endif
    return {};
}

void DitWeightArena::clear_slots() {
    for (auto& b : blocks_)
        for (auto& p : b.tensors)
            *p.slot = at::Tensor();
}

void DitWeightArena::restore_weights() {
    if (!arena_) return;
    for (auto& b : blocks_) {
        if (!b.host) continue;
        for (auto& p : b.tensors) {
            at::Tensor t = at::empty(p.shape, at::TensorOptions().dtype(p.dtype));
            std::memcpy(t.data_ptr(), static_cast<uint8_t*>(b.host) + p.offset, p.bytes);
            *p.slot = t;
        }
    }
}

}  // namespace kinema
