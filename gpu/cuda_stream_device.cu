#include <cuda_runtime.h>

#include <string>
#include <utility>

#include "gpu/cuda_stream_device.h"

namespace kinema::gpu {
namespace {

Error cuda_error(cudaError_t err, const std::string& what) {
    cudaGetLastError();  // clear a non-sticky error so later calls are not blamed for it
    const ErrorKind kind =
        err == cudaErrorMemoryAllocation ? ErrorKind::OutOfMemory : ErrorKind::Cuda;
    return make_error(kind, what + ": " + cudaGetErrorString(err));
}

Status check(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return {};
    return cuda_error(err, what);
}

cudaStream_t as_stream(void* s) {
    return static_cast<cudaStream_t>(s);
}
cudaEvent_t as_event(void* e) {
    return static_cast<cudaEvent_t>(e);
}

__global__ void busy_wait_kernel(unsigned long long duration_ns) {
    unsigned long long start = 0, now = 0;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
    do {
        asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
    } while (now - start < duration_ns);
}

}  // namespace

Result<std::unique_ptr<CudaStreamDevice>> CudaStreamDevice::create(
    int device, void* compute_stream, std::vector<HostBlockView> host_blocks) {
    KINEMA_TRY_STATUS(check(cudaSetDevice(device), "cudaSetDevice"));
    std::unique_ptr<CudaStreamDevice> d(new CudaStreamDevice);
    d->device_ = device;
    d->compute_stream_ = compute_stream;
    d->host_blocks_ = std::move(host_blocks);
    cudaStream_t copy = nullptr;
    // Non-blocking: the copy stream never synchronises implicitly with the legacy default stream.
    KINEMA_TRY_STATUS(
        check(cudaStreamCreateWithFlags(&copy, cudaStreamNonBlocking), "cudaStreamCreate"));
    d->copy_stream_ = copy;
    return Result<std::unique_ptr<CudaStreamDevice>>(std::move(d));
}

CudaStreamDevice::~CudaStreamDevice() {
    if (copy_stream_) {
        cudaStreamSynchronize(as_stream(copy_stream_));
        cudaStreamDestroy(as_stream(copy_stream_));
    }
}

Result<CudaStreamDevice::Buffer> CudaStreamDevice::allocate(uint64_t bytes) {
    void* ptr = nullptr;
    const cudaError_t err = cudaMalloc(&ptr, bytes);
    if (err != cudaSuccess)
        return cuda_error(err, "cudaMalloc(" + std::to_string(bytes) + " bytes)");
    return Buffer{ptr, bytes};
}

void CudaStreamDevice::release(Buffer& buffer) {
    if (buffer.ptr)
        cudaFree(buffer.ptr);  // cudaFree synchronises the device: only in release paths
    buffer = Buffer{};
}

Result<CudaStreamDevice::Event> CudaStreamDevice::create_event() {
    cudaEvent_t e = nullptr;
    KINEMA_TRY_STATUS(
        check(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate"));
    return Event{e};
}

void CudaStreamDevice::destroy_event(Event& event) {
    if (event.handle) cudaEventDestroy(as_event(event.handle));
    event = Event{};
}

Status CudaStreamDevice::upload(size_t block, const Buffer& dst) {
    KINEMA_TRY_STATUS(copy_async(block, dst));
    return check(cudaStreamSynchronize(as_stream(copy_stream_)), "upload (cudaStreamSynchronize)");
}

Status CudaStreamDevice::copy_async(size_t block, const Buffer& dst) {
    if (block >= host_blocks_.size() || !host_blocks_[block].data)
        return make_error(ErrorKind::Internal,
                          "CudaStreamDevice: block " + std::to_string(block) + " has no host copy");
    const HostBlockView& src = host_blocks_[block];
    if (src.size_bytes > dst.bytes)
        return make_error(ErrorKind::Internal, "CudaStreamDevice: block " + std::to_string(block) +
                                                   " is larger than its buffer");
    return check(cudaMemcpyAsync(dst.ptr, src.data, src.size_bytes, cudaMemcpyHostToDevice,
                                 as_stream(copy_stream_)),
                 "cudaMemcpyAsync (streaming a weight block)");
}

Status CudaStreamDevice::record_on_copy(Event& event) {
    return check(cudaEventRecord(as_event(event.handle), as_stream(copy_stream_)),
                 "cudaEventRecord(copy)");
}

Status CudaStreamDevice::record_on_compute(Event& event) {
    return check(cudaEventRecord(as_event(event.handle), as_stream(compute_stream_)),
                 "cudaEventRecord(compute)");
}

Status CudaStreamDevice::copy_waits(const Event& event) {
    return check(cudaStreamWaitEvent(as_stream(copy_stream_), as_event(event.handle), 0),
                 "cudaStreamWaitEvent(copy)");
}

Status CudaStreamDevice::compute_waits(const Event& event) {
    return check(cudaStreamWaitEvent(as_stream(compute_stream_), as_event(event.handle), 0),
                 "cudaStreamWaitEvent(compute)");
}

Status CudaStreamDevice::synchronize() {
    KINEMA_TRY_STATUS(
        check(cudaStreamSynchronize(as_stream(copy_stream_)), "cudaStreamSynchronize(copy)"));
    return check(cudaStreamSynchronize(as_stream(compute_stream_)),
                 "cudaStreamSynchronize(compute)");
}

uint64_t CudaStreamDevice::free_bytes() const {
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return free;
}

Status CudaStreamDevice::enqueue_busy_wait(double seconds) {
    if (seconds <= 0) return {};
    busy_wait_kernel<<<1, 1, 0, as_stream(compute_stream_)>>>(
        static_cast<unsigned long long>(seconds * 1e9));
    return check(cudaGetLastError(), "busy_wait_kernel launch");
}

Result<CudaStreamDevice::Event> CudaStreamDevice::record_timing_event() {
    cudaEvent_t e = nullptr;
    KINEMA_TRY_STATUS(check(cudaEventCreate(&e), "cudaEventCreate(timing)"));
    const cudaError_t err = cudaEventRecord(e, as_stream(compute_stream_));
    if (err != cudaSuccess) {
        cudaEventDestroy(e);
        return cuda_error(err, "cudaEventRecord(timing)");
    }
    return Event{e};
}

Result<double> CudaStreamDevice::elapsed_s(const Event& start, const Event& end) {
    KINEMA_TRY_STATUS(check(cudaEventSynchronize(as_event(end.handle)), "cudaEventSynchronize"));
    float ms = 0;
    KINEMA_TRY_STATUS(check(cudaEventElapsedTime(&ms, as_event(start.handle), as_event(end.handle)),
                            "cudaEventElapsedTime"));
    return static_cast<double>(ms) * 1e-3;
}

}  // namespace kinema::gpu
