/// The SafeLease lease block that vdsm 4.14 puts in `dom_md/leases` of V0 domains
/// (`safelease release -f <leases> 0`, vdsm `storage/protect/safelease.c`): a 32-byte tag
/// `------FREE------` + 16 hex digits of time stamp, written with a 512-byte `pwrite` of a zeroed
/// buffer, so the rest of the block is NUL. The seed writes the same bytes with `xxd -r -p`.
package enum SafeLease {
    package static let blockSize = 512
    package static let freeTag = "------FREE------0000000000000000"

    package static var freeBlock: [UInt8] {
        Array(freeTag.utf8) + [UInt8](repeating: 0, count: blockSize - freeTag.utf8.count)
    }
}
