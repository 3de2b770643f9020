/// What the wizard reads from one host's `/proc/cpuinfo`.
package struct CPUInfo: Sendable, Equatable {
    /// `vendor_id`, e.g. `GenuineIntel`; nil when the text has none.
    package var vendorID: String?
    package var vendor: CPUVendor? { vendorID.flatMap(CPUVendor.init(rawValue:)) }
    /// `model name` of the first processor, spaces collapsed.
    package var modelName: String?
    package var family: Int?
    package var model: Int?
    package var stepping: Int?
    /// Flags every processor entry reports (vdsm takes one entry; a flag missing on one CPU is not usable).
    package var flags: Set<String>
    /// Flags only some processor entries report; non-empty means the entries disagree.
    package var inconsistentFlags: Set<String>
    /// Number of `processor` entries (logical CPUs).
    package var logicalCPUs: Int
    /// Distinct `physical id` values; nil when the kernel prints none (some VMs).
    package var sockets: Int?
    /// `cpu cores` of the first entry: cores per socket.
    package var coresPerSocket: Int?

    package var threadsPerCore: Int? {
        guard let sockets, let coresPerSocket, sockets > 0, coresPerSocket > 0 else { return nil }
        let perCore = logicalCPUs / (sockets * coresPerSocket)
        return perCore > 0 ? perCore : nil
    }
}

/// Why a text could not be read as an x86 `/proc/cpuinfo`.
package struct CPUInfoParseError: Error, Equatable, CustomStringConvertible {
    package let line: Int?
    package let message: String

    package var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

extension CPUInfo {
    /// Parses the text of `/proc/cpuinfo` from an x86 Linux host.
    ///
    /// Accepts tab or space padding before the colon, entries separated by blank lines or not at all
    /// (a `processor` line starts a new entry), CRLF line ends, and a missing trailing newline.
    package init(parsing text: String) throws(CPUInfoParseError) {
        var entries: [[String: String]] = []
        var current: [String: String] = [:]
        var firstKeyLine: [String: Int] = [:]
        var sawColonLine = false

        // "\r\n" is one Character in Swift, so it needs its own separator case.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = Substring(rawLine)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { entries.append(current); current = [:] }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw CPUInfoParseError(line: lineNumber, message: "expected 'key : value', found '\(line.prefix(60))'")
            }
            sawColonLine = true
            let key = line[..<colon].trimmingSpaces().lowercased()
            let value = String(line[line.index(after: colon)...].trimmingSpaces())
            if key == "processor", !current.isEmpty {
                entries.append(current)
                current = [:]
            }
            if firstKeyLine[key] == nil { firstKeyLine[key] = lineNumber }
            current[key] = value
        }
        if !current.isEmpty { entries.append(current) }

        guard sawColonLine, !entries.isEmpty else {
            throw CPUInfoParseError(line: nil, message: "the text is empty; expected the output of 'cat /proc/cpuinfo'")
        }
        let x86 = entries.filter { $0["flags"] != nil }
        guard !x86.isEmpty else {
            if let line = firstKeyLine["cpu"] ?? firstKeyLine["features"] ?? firstKeyLine["cpu architecture"] {
                throw CPUInfoParseError(
                    line: line, message: "this is not an x86 /proc/cpuinfo (no 'flags' line); oVirt's x86 CPU models do not apply")
            }
            throw CPUInfoParseError(line: nil, message: "no 'flags' line found; expected the output of 'cat /proc/cpuinfo' from an x86 host")
        }

        let flagSets = x86.map { Set($0["flags", default: ""].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)) }
        let common = flagSets.dropFirst().reduce(flagSets[0]) { $0.intersection($1) }
        let any = flagSets.reduce(into: Set<String>()) { $0.formUnion($1) }
        let first = x86[0]

        self.vendorID = first["vendor_id"]
        self.modelName = first["model name"].map { $0.split(separator: " ").joined(separator: " ") }
        self.family = first["cpu family"].flatMap { Int($0) }
        self.model = first["model"].flatMap { Int($0) }
        self.stepping = first["stepping"].flatMap { Int($0) }
        self.flags = common
        self.inconsistentFlags = any.subtracting(common)
        self.logicalCPUs = x86.count
        let physicalIDs = Set(x86.compactMap { $0["physical id"] })
        self.sockets = physicalIDs.isEmpty ? nil : physicalIDs.count
        self.coresPerSocket = first["cpu cores"].flatMap { Int($0) }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
