//! Settings for mimalloc, the allocator of the `newsx` binary and the benchmark. The library
//! itself does not choose an allocator; these settings only take effect where mimalloc is the
//! global allocator.

/// `mi_option_purge_delay` in mimalloc.h (v3, the version `libmimalloc-sys` builds by default),
/// which the `-sys` crate does not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps memory the program frees instead of handing it back to the OS.
///
/// A run's working set is bounded by its batch size and is reused batch after batch. Handing
/// freed pages back made the kernel fault and zero the same (huge) pages again for the next
/// batch: 15-20% of a one-thread run went to that zeroing. Peak memory is unchanged.
pub fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc reads it each time it decides whether to purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}
