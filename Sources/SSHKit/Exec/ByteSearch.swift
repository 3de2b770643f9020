import Glibc

/// Where a byte string first occurs in another: memchr for the needle's first byte, then memcmp (glibc's memmem is
/// not visible from Swift). For a needle that starts with a byte rare in the haystack (the runner's token, a
/// secret in a command's output) memchr runs at memory speed: a per-byte Swift loop cost ~1 s per GB, memmem ~0.25 s.
package enum ByteSearch {
    /// The offset of the first `needle` in `haystack`; nil when there is none (or the needle is empty).
    package static func firstOffset(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let n = needle.baseAddress, let h = haystack.baseAddress, !needle.isEmpty, needle.count <= haystack.count else { return nil }
        let lead = Int32(needle[0])
        let end = h + (haystack.count - needle.count + 1)   // the last possible start, plus one
        var p = h
        while p < end, let hit = memchr(p, lead, end - p) {
            if memcmp(hit, n, needle.count) == 0 { return h.distance(to: UnsafeRawPointer(hit)) }
            p = UnsafeRawPointer(hit) + 1
        }
        return nil
    }
}
