// BlockStreamer<Device>: the ONE implementation of the streaming schedule, shared by the real CUDA
// device (gpu::CudaStreamDevice) and the discrete-event SimulatedDevice used by the tests, so the
// tests exercise the code that runs on a GPU.
//
// Schedule (DESIGN "Memory and speed", offload-anchors §8.2):
//   - prepare(): every allocation happens here: resident blocks (uploaded once), a two-slot ring,
//     each slot the size of the largest streamed block, and the events. It then prefetches the
//     first streamed block. run_forward() never allocates.
//   - run_forward(): for each block in order; a streamed block j lives in slot j % 2 (j counts
//     streamed uses across forwards). Before its compute the compute stream waits for the copy's
//     event; after it, "slot free" is recorded; then block j+1 (wrapping to the first streamed
//     block of the NEXT forward) is copied into the other slot once that slot's previous reader
//     (block j-1) has finished. So the next copy overlaps the current compute, and the next step's
//     first copy overlaps the end of this step and the host's work between steps.
//   - Only stream-ordered waits (events); the host never blocks except in release().
//
// Device requirements (types are copyable handles):
//   using Buffer; using Event;
//   Result<Buffer> allocate(uint64_t bytes);              // OutOfMemory when it does not fit
//   void release(Buffer&);
//   Result<Event> create_event();   void destroy_event(Event&);
//   Status upload(size_t block, const Buffer& dst);       // host copy of `block` -> dst, completed
//   Status copy_async(size_t block, const Buffer& dst);   // same on the copy stream, asynchronous
//   Status record_on_copy(Event&);  Status record_on_compute(Event&);
//   Status copy_waits(const Event&); Status compute_waits(const Event&);  // stream waits, not host
//   Status synchronize();                                  // host waits; surfaces async errors
//
// Thread: one thread (the engine's worker) drives a streamer; not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kinema {

struct StreamerBlock {
    uint64_t size_bytes = 0;
    bool streamed = false;  // false: resident for the streamer's lifetime
    bool host = false;      // never on the device: compute gets an empty Buffer{}
};

struct StreamerStats {
    uint64_t forwards = 0;
    uint64_t copies_issued = 0;
    uint64_t bytes_copied = 0;    // asynchronous copies (streamed blocks)
    uint64_t bytes_uploaded = 0;  // resident blocks, once
    uint64_t resident_bytes = 0;
    uint64_t ring_bytes = 0;   // both slots
    uint64_t allocations = 0;  // device allocations made (all in prepare())
};

template <class Device>
class BlockStreamer {
public:
    using Buffer = typename Device::Buffer;
    using Event = typename Device::Event;

    explicit BlockStreamer(Device& device) : device_(device) {}
    ~BlockStreamer() { (void)release(); }
    BlockStreamer(const BlockStreamer&) = delete;
    BlockStreamer& operator=(const BlockStreamer&) = delete;

    // Allocates and uploads; on any error everything allocated so far is released again and the
    // error (OutOfMemory, Cuda) is returned.
    Status prepare(std::vector<StreamerBlock> blocks) {
        KINEMA_TRY_STATUS(release());
        blocks_ = std::move(blocks);
        stats_ = {};
        Status st = allocate_all();
        if (!st.ok()) {
            (void)release();
            return st;
        }
        prepared_ = true;
        if (!streamed_.empty()) {
            // The first prefetch: slot 0 is free (nothing read it yet).
            st = issue_copy(streamed_.front(), 0, /*wait_slot=*/false);
            if (!st.ok()) return fail(st);
        }
        return {};
    }

    // Runs one forward: `compute(index, buffer)` for every block in order; it must only enqueue
    // work on the compute stream (the device's) that reads `buffer`. Any error (the device's or
    // the callback's, e.g. OutOfMemory for activations) stops the forward mid-way and leaves the
    // ring out of step: release() and prepare() again before the next forward (StreamedStage does).
    // Equivalent to begin_forward(); {enter_block(i); compute; leave_block(i)} for every i;
    // end_forward().
    template <class ComputeFn>
    Status run_forward(ComputeFn&& compute) {
        KINEMA_TRY_STATUS(begin_forward());
        for (size_t i = 0; i < blocks_.size(); ++i) {
            auto buffer = enter_block(i);
            if (!buffer) return buffer.error();
            Status st = compute(i, *buffer);
            if (!st.ok()) return fail(st);
            KINEMA_TRY_STATUS(leave_block(i));
        }
        return end_forward();
    }

    // --- The same schedule one block at a time, for callers whose compute drives the loop (the
    // DiT's run_blocks with a DitBlockHook). Blocks must be entered and left in order 0..n-1,
    // each exactly once per forward; any error leaves the streamer failed (prepare again). ---
    Status begin_forward() {
        if (!prepared_)
            return make_error(ErrorKind::Internal, "BlockStreamer: forward before prepare");
        if (failed_)
            return make_error(ErrorKind::Internal,
                              "BlockStreamer: a previous error left it unusable; prepare again");
        cursor_ = 0;
        in_block_ = false;
        return {};
    }

    // The buffer block `i`'s compute must read: its resident buffer, the ring slot its copy went
    // to (the compute stream now waits for that copy), or an empty Buffer{} for a host block.
    Result<Buffer> enter_block(size_t i) {
        if (failed_ || !prepared_ || in_block_ || i != cursor_ || i >= blocks_.size())
            return fail(make_error(ErrorKind::Internal,
                                   "BlockStreamer: block " + std::to_string(i) + " out of order"))
                .error();
        in_block_ = true;
        if (blocks_[i].host) return Buffer{};
        if (!blocks_[i].streamed) return resident_[i].first;
        const int slot = static_cast<int>(use_counter_ % 2);
        current_slot_ = slot;
        KINEMA_TRY_STATUS(fail_on_error(device_.compute_waits(copy_done_[slot])));
        return ring_[slot];
    }

    // Block `i`'s compute has been enqueued: for a streamed block, mark its slot free after it
    // and issue the copy of the next streamed block (wrapping to the next forward's first) into
    // the other slot.
    Status leave_block(size_t i) {
        if (failed_ || !in_block_ || i != cursor_)
            return fail(make_error(ErrorKind::Internal, "BlockStreamer: leave_block(" +
                                                            std::to_string(i) + ") out of order"));
        in_block_ = false;
        ++cursor_;
        if (blocks_[i].host || !blocks_[i].streamed) return {};
        const int slot = static_cast<int>(use_counter_ % 2);
        KINEMA_TRY_STATUS(fail_on_error(device_.record_on_compute(slot_free_[slot])));
        ++use_counter_;
        const size_t following = streamed_[(next_ + 1) % streamed_.size()];
        KINEMA_TRY_STATUS(fail_on_error(issue_copy(following, 1 - slot, /*wait_slot=*/true)));
        next_ = (next_ + 1) % streamed_.size();
        return {};
    }

    Status end_forward() {
        if (failed_ || in_block_ || cursor_ != blocks_.size())
            return fail(make_error(ErrorKind::Internal, "BlockStreamer: forward ended early"));
        ++stats_.forwards;
        return {};
    }

    // Marks the streamer unusable (a compute error mid-forward); returns `st`.
    Status abort_forward(const Status& st) { return fail(st); }

    // Ring slot (0/1) of the streamed block last entered; its buffer; a resident block's buffer.
    int current_slot() const { return current_slot_; }
    const Buffer& ring_buffer(int slot) const { return ring_[slot]; }
    const Buffer& resident_buffer(size_t i) const { return resident_[i].first; }
    bool failed() const { return failed_; }

    // Waits for pending copies, frees every allocation and event. Idempotent.
    Status release() {
        Status st;
        if (allocated_any_) st = device_.synchronize();
        for (auto& b : resident_) {
            if (b.second) device_.release(b.first);
        }
        resident_.clear();
        for (auto& s : ring_) {
            if (ring_allocated_) device_.release(s);
        }
        ring_allocated_ = false;
        if (events_created_) {
            for (auto* e : {&copy_done_[0], &copy_done_[1], &slot_free_[0], &slot_free_[1]})
                device_.destroy_event(*e);
            events_created_ = false;
        }
        allocated_any_ = prepared_ = failed_ = in_block_ = false;
        streamed_.clear();
        use_counter_ = 0;
        cursor_ = next_ = 0;
        return st;
    }

    bool prepared() const { return prepared_; }
    const StreamerStats& stats() const { return stats_; }

private:
    Status allocate_all() {
        uint64_t slot_bytes = 0;
        resident_.assign(blocks_.size(), {Buffer{}, false});
        for (size_t i = 0; i < blocks_.size(); ++i) {
            if (blocks_[i].host) continue;
            if (blocks_[i].streamed) {
                streamed_.push_back(i);
                slot_bytes = std::max(slot_bytes, blocks_[i].size_bytes);
            }
        }
        for (size_t i = 0; i < blocks_.size(); ++i) {
            if (blocks_[i].streamed || blocks_[i].host) continue;
            auto buf = device_.allocate(blocks_[i].size_bytes);
            if (!buf) return buf.error();
            allocated_any_ = true;
            resident_[i] = {*buf, true};
            ++stats_.allocations;
            stats_.resident_bytes += blocks_[i].size_bytes;
            KINEMA_TRY_STATUS(device_.upload(i, resident_[i].first));
            stats_.bytes_uploaded += blocks_[i].size_bytes;
        }
        if (streamed_.empty()) return {};
        for (int s = 0; s < 2; ++s) {
            auto buf = device_.allocate(slot_bytes);
            if (!buf) {
                if (s == 1) device_.release(ring_[0]);
                return buf.error();
            }
            ring_[s] = *buf;
            allocated_any_ = true;
            ++stats_.allocations;
        }
        ring_allocated_ = true;
        stats_.ring_bytes = 2 * slot_bytes;
        Event* events[] = {&copy_done_[0], &copy_done_[1], &slot_free_[0], &slot_free_[1]};
        for (int k = 0; k < 4; ++k) {
            auto e = device_.create_event();
            if (!e) {
                for (int j = 0; j < k; ++j)
                    device_.destroy_event(*events[j]);
                return e.error();
            }
            *events[k] = *e;
        }
        events_created_ = true;
        return {};
    }

    // Copy block `block` into ring slot `slot`; with `wait_slot`, first let the copy stream wait
    // until the slot's previous reader has finished.
    Status issue_copy(size_t block, int slot, bool wait_slot) {
        if (wait_slot) KINEMA_TRY_STATUS(device_.copy_waits(slot_free_[slot]));
        KINEMA_TRY_STATUS(device_.copy_async(block, ring_[slot]));
        KINEMA_TRY_STATUS(device_.record_on_copy(copy_done_[slot]));
        ++stats_.copies_issued;
        stats_.bytes_copied += blocks_[block].size_bytes;
        return {};
    }

    Status fail(const Status& st) {
        failed_ = true;
        return st;
    }
    Status fail_on_error(const Status& st) { return st.ok() ? st : fail(st); }
    Device& device_;
    std::vector<StreamerBlock> blocks_;
    std::vector<size_t> streamed_;
    std::vector<std::pair<Buffer, bool>> resident_;  // (buffer, allocated)
    Buffer ring_[2]{};
    Event copy_done_[2]{}, slot_free_[2]{};
    bool ring_allocated_ = false, events_created_ = false, allocated_any_ = false;
    bool prepared_ = false, failed_ = false;
    uint64_t use_counter_ = 0;
    size_t cursor_ = 0, next_ = 0;  // block expected next; position of the current in streamed_
    bool in_block_ = false;
    int current_slot_ = 0;
    StreamerStats stats_;
};

}  // namespace kinema
