// DitBlockHook: lets a caller run HyMotionMmdit's block stack with weights it provides block by
// block (block streaming, core/memory/dit_block_streaming.h). The model calls the hook on the
// thread that runs the forward; the hook may rebind the weight slots of the block about to run
// (ParameterRegistry entries "double_blocks.<k>." / "single_blocks.<k>."). Blocks are numbered
// 0..num_blocks-1, the double blocks first. A hook reports failure by throwing c10::Error (the
// model's callers already turn c10::Error into a typed Error); the hook keeps the typed cause.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>

namespace kinema {

class DitBlockHook {
public:
    virtual ~DitBlockHook() = default;
    // Wraps one run of the block stack: must call `stack` (it may call it a second time after a
    // recoverable failure, e.g. out of memory with a new plan) and return its result.
    virtual at::Tensor run_stack(const std::function<at::Tensor()>& stack) = 0;
    // Before / after block k runs (after its compute was enqueued).
    virtual void before_block(int64_t k) = 0;
    virtual void after_block(int64_t k) = 0;
    // Before teacache_indicator(): it reads double block 0's motion modulation
    // ("double_blocks.0.motion_mod.linear.*") outside the stack.
    virtual void before_indicator() = 0;
};

}  // namespace kinema
