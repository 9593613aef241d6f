// The real streamer: BlockStreamer's schedule over gpu::CudaStreamDevice, instantiated here with
// the plain C++ compiler (CudaStreamDevice exposes no CUDA types). In a build without CUDA the
// device cannot be created (Unsupported), so this code is compiled but never reached.
#include "core/memory/block_streamer.h"
#include "core/memory/streamed_stage.h"
#include "gpu/cuda_stream_device.h"

namespace kinema {

template class BlockStreamer<gpu::CudaStreamDevice>;
template class StreamedStage<gpu::CudaStreamDevice>;

}  // namespace kinema
