import CMalloc

/// How the process's allocator gives memory back. A host that floods output hands each read from the thread that
/// reads the channel to the output pump's thread, which frees it; with glibc's defaults a thread's arena gives the
/// freed top of its heap back to the kernel (madvise) as soon as 128 KiB are free there, and the next reads fault
/// the same pages in again, zeroed. That was 0.4 s of system time per GB of output (Benchmarks/pane.sh). Freed
/// memory is kept for reuse up to 64 MiB per arena instead, and blocks of up to 4 MiB come from the heap rather
/// than a mapping of their own (an upload's 1 MiB chunk buffer is allocated per command).
enum AllocatorPolicy {
    static let keptFreeBytes: Int32 = 64 << 20
    static let largestHeapBlock: Int32 = 4 << 20

    /// Best effort: an allocator that refuses the settings keeps its defaults.
    static func apply() {
        _ = shim_malloc_trim_threshold(keptFreeBytes)
        _ = shim_malloc_mmap_threshold(largestHeapBlock)
    }
}
