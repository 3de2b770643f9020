import WizardCore

/// Installer-like output as bytes: mostly ~100-byte package lines, some long ones, ANSI colours, carriage-return
/// progress, tabs, multibyte UTF-8 and invalid UTF-8, as yum, otopi and ansible print them. Deterministic (a fixed
/// seed), so runs compare.
struct OutputCorpus {
    /// One block of lines, repeated to reach the requested size; 4 MiB keeps it out of the CPU caches.
    let block: [UInt8]

    init(blockBytes: Int = 4 << 20, seed: UInt64 = 0x5EED_0A1E) {
        var random = SplitMix64(seed: seed)   // no clocks, no global randomness
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blockBytes + 8192)
        var n = 0
        while bytes.count < blockBytes {
            n += 1
            bytes += Self.line(n, &random)
            bytes.append(UInt8(ascii: "\n"))
        }
        block = bytes
    }

    static let packages = ["ovirt-engine", "ovirt-engine-setup-base", "vdsm-python", "libvirt-daemon-driver-qemu",
                           "glusterfs-server", "python3-ovirt-engine-sdk4", "postgresql-server", "java-11-openjdk-headless"]

    static func line(_ n: Int, _ random: inout SplitMix64) -> [UInt8] {
        let pick = random.next() % 100
        let package = packages[Int(random.next() % UInt64(packages.count))]
        switch pick {
        case 0..<62:   // yum transaction line, ~100 bytes
            let text = "  Installing       : \(package)-4.5.\(n % 9)-1.el9.x86_64" 
            return Array(text.utf8) + Array(repeating: UInt8(ascii: " "), count: max(1, 90 - text.utf8.count))
                + Array("\(n % 997 + 1)/997".utf8)
        case 62..<72:  // otopi with ANSI colours
            let level = pick % 2 == 0 ? "\u{1B}[32m[ INFO  ]\u{1B}[0m" : "\u{1B}[1;33m[WARNING]\u{1B}[0m"
            return Array("\(level) Stage: Misc configuration (\(package), step \(n)) Checking the environment of the host".utf8)
        case 72..<78:  // long line: a package list or a JSON blob, 300 to 4000 bytes
            let count = 300 + Int(random.next() % 3700)
            var text = "Dependencies resolved: "
            while text.utf8.count < count { text += package + "-\(random.next() % 100).noarch, " }
            return Array(text.utf8.prefix(count))
        case 78..<83:  // carriage-return progress updates inside one line
            var text = ""
            for p in stride(from: 0, through: 100, by: 20) { text += "\r\(package).rpm  \(p)% [" + String(repeating: "=", count: p / 5) + ">] 12 MB/s" }
            return Array(text.utf8)
        case 83..<86:  // invalid UTF-8: a lone 0xFF, a broken two-byte sequence, a truncated three-byte one
            return Array("warning: /var/cache/dnf/\(package) header V4 RSA/SHA256 Signature, key ID ".utf8)
                + [0xFF, 0xC3, 0x28, 0xE2, 0x82] + Array(": NOKEY".utf8)
        case 86..<89:  // multibyte text: accents, CJK (wide), symbols
            return Array("  ✓ Vérification du paquet \(package) 已安装 — terminé \(n)".utf8)
        case 89..<93:  // tabs and a bell
            return Array("\t\(package)\t4.5.\(n % 9)\t@ovirt-4.5\u{07}\tinstalled".utf8)
        case 93..<96:
            return []
        default:       // a plain status line
            return Array("Running transaction check for \(package) (\(n))".utf8)
        }
    }
}
