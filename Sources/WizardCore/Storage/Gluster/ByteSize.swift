/// A size in bytes as an operator types it: `5GB`, `5G`, `5GiB`, `500M`, `2T`, `1048576`.
/// `KB MB GB TB PB` are decimal (powers of 1000); `K M G T P` and `KiB … PiB` are binary (powers of
/// 1024, as `lvcreate` and `df -h` read them). Formatting keeps the family the input used, so
/// "5GB" bricks give "20 GB" of capacity.
package struct ByteSize: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    package var bytes: UInt64
    package var decimal: Bool

    package init(bytes: UInt64, decimal: Bool = false) {
        self.bytes = bytes
        self.decimal = decimal
    }

    package static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    package init(parsing text: String) throws(GlusterPlanError) {
        let trimmed = text.trimmingSpaces
        let digitsEnd = trimmed.firstIndex { !("0"..."9").contains($0) && $0 != "." } ?? trimmed.endIndex
        let number = String(trimmed[..<digitsEnd])
        let unit = String(trimmed[digitsEnd...]).trimmingSpaces
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number != "." else {
            throw .invalidSize(text, reason: "it does not start with a number")
        }
        let table: [String: (UInt64, Bool)] = [
            "": (1, false), "B": (1, false),
            "K": (1 << 10, false), "M": (1 << 20, false), "G": (1 << 30, false), "T": (1 << 40, false), "P": (1 << 50, false),
            "KIB": (1 << 10, false), "MIB": (1 << 20, false), "GIB": (1 << 30, false), "TIB": (1 << 40, false), "PIB": (1 << 50, false),
            "KB": (1_000, true), "MB": (1_000_000, true), "GB": (1_000_000_000, true), "TB": (1_000_000_000_000, true), "PB": (1_000_000_000_000_000, true),
        ]
        guard let (multiplier, decimal) = table[unit.uppercased()] else {
            throw .invalidSize(text, reason: "unknown unit \"\(unit)\" (use B, K/M/G/T/P, KiB…PiB or KB…PB)")
        }
        // Exact arithmetic on the decimal digits; no floating point.
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0].isEmpty ? "0" : String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard let wholeValue = UInt64(whole), wholeValue.multipliedReportingOverflow(by: multiplier).overflow == false else {
            throw .invalidSize(text, reason: "it is too large")
        }
        var value = wholeValue * multiplier
        var scale: UInt64 = 1
        var fractionValue: UInt64 = 0
        for digit in fraction.prefix(12) {
            scale *= 10
            fractionValue = fractionValue * 10 + UInt64(digit.wholeNumberValue!)
        }
        if fractionValue > 0 {
            let (product, overflow) = fractionValue.multipliedReportingOverflow(by: multiplier)
            if overflow { throw .invalidSize(text, reason: "it has too many decimals") }
            value += product / scale
        }
        if value == 0 { throw .invalidSize(text, reason: "a brick cannot be empty") }
        self.init(bytes: value, decimal: decimal)
    }

    /// `20 GB`, `1.5 TiB`, `512 B`: the largest unit of the family that gives at least 1,
    /// with up to two decimals and no trailing zeros.
    package var description: String {
        let base: UInt64 = decimal ? 1000 : 1024
        let units = decimal ? ["B", "KB", "MB", "GB", "TB", "PB"] : ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var unitIndex = 0
        var divisor: UInt64 = 1
        while unitIndex + 1 < units.count && bytes / divisor >= base {
            divisor *= base
            unitIndex += 1
        }
        let hundredths = (bytes % divisor) * 100 / divisor // rounded down, exact for whole units
        var text = String(bytes / divisor)
        if hundredths > 0 {
            var decimals = hundredths < 10 ? "0\(hundredths)" : "\(hundredths)"
            while decimals.hasSuffix("0") { decimals.removeLast() }
            text += "." + decimals
        }
        return text + " " + units[unitIndex]
    }

    package static func + (a: ByteSize, b: ByteSize) -> ByteSize {
        ByteSize(bytes: a.bytes + b.bytes, decimal: a.decimal && b.decimal)
    }

    package static func * (a: ByteSize, n: Int) -> ByteSize {
        ByteSize(bytes: a.bytes * UInt64(n), decimal: a.decimal)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
