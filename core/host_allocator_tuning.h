// Process-wide tuning of glibc's malloc for libtorch's allocation pattern: many short-lived
// tensors of 0.1-30 MiB per forward/backward. With glibc's defaults each of them is an
// mmap/munmap pair and every reuse faults its pages in again (on the 2-core CI machine ~30 % of
// a training step was kernel time). Raising the mmap threshold to 32 MiB and keeping freed heap
// memory (trim threshold 256 MiB) makes them reuse the heap. Tensors over 32 MiB (model
// weights) still get their own mapping and go back to the system when freed.
// Call once, at the start of main(), before any thread exists. No effect where glibc is not the
// allocator, or when the user set any MALLOC_*_ environment tunable (theirs win).
#pragma once

namespace kinema {

// Returns true when the settings were applied.
bool tune_host_allocator();

}  // namespace kinema
