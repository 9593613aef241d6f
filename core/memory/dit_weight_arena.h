// DitWeightArena: the host side of DiT block streaming. It lays out HyMotionMmdit's weights per
// plan block (index 0: the head, 1..: double then single blocks), one contiguous span per block
// with each tensor 64-byte aligned inside it, plus a second copy of TeaCache's indicator tensors
// (double block 0's motion modulation). fill() moves the weights into a host arena (pinned chunks
// for CUDA, aligned host chunks for the CPU) and empties the model's slots block by block, so the
// peak is one block over the model; restore_weights() gives the model fresh tensors back.
// Thread: the engine's worker thread; holds pointers to the model's weight slots, so the model
// must outlive it.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.h"

namespace at {
class Tensor;
}

namespace kinema {

class HyMotionMmdit;
namespace gpu {
class PinnedHostArena;
}

struct DitTensorPlace {
    at::Tensor* slot = nullptr;  // the model's weight slot
    std::vector<int64_t> shape;
    c10::ScalarType dtype = c10::ScalarType::Float;
    uint64_t offset = 0;  // inside the block's span
    uint64_t bytes = 0;
};

struct DitBlockLayout {
    std::vector<DitTensorPlace> tensors;
    uint64_t bytes = 0;    // span size
    void* host = nullptr;  // the span in the arena (after fill())
};

class DitWeightArena {
public:
    DitWeightArena();
    ~DitWeightArena();
    DitWeightArena(const DitWeightArena&) = delete;
    DitWeightArena& operator=(const DitWeightArena&) = delete;

    // Lays out `dit`'s registry over `block_count` plan blocks (Internal if a key falls outside).
    Status build(HyMotionMmdit& dit, size_t block_count);
    // Copies every block into the arena (pinned when `pinned`) and empties the model's slots.
    Status fill(bool pinned);
    // Empties every slot the layout knows (the arena keeps the weights).
    void clear_slots();
    // Fresh tensors from the arena into the model's slots (no-op before fill()).
    void restore_weights();

    const std::vector<DitBlockLayout>& blocks() const { return blocks_; }
    const DitBlockLayout& indicator() const { return indicator_; }
    uint64_t reserved_bytes() const;

private:
    std::vector<DitBlockLayout> blocks_;
    DitBlockLayout indicator_;
    std::unique_ptr<gpu::PinnedHostArena> arena_;
};

}  // namespace kinema
