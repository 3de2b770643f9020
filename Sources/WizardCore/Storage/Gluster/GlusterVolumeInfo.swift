import Foundation

/// One volume from `gluster volume info` (format of cli-rpc-ops.c, GlusterFS 3.4 to 11).
package struct GlusterVolumeInfo: Sendable, Equatable {
    package struct Brick: Sendable, Equatable {
        package var number: Int
        package var host: String
        package var path: String
        /// `(arbiter)` after the brick (GlusterFS 3.7+).
        package var isArbiter: Bool
        package var name: String { "\(host):\(path)" }
    }

    package struct Option: Sendable, Equatable {
        package var key: String
        package var value: String
    }

    package var name: String
    /// "Distributed-Striped-Replicate", "Replicate", …
    package var type: String?
    package var volumeID: String?
    /// "Created", "Started", "Stopped".
    package var status: String?
    /// As printed: "2 x 2 x 2 = 8".
    package var numberOfBricks: String?
    package var transport: String?
    package var bricks: [Brick]
    /// "Options Reconfigured:" in their printed order.
    package var options: [Option]
    /// Any other `Key: value` line of the volume (Snapshot Count, Xlator …), in order.
    package var otherFields: [Option]
    /// Line of "Volume Name:".
    package var line: Int

    package var isStarted: Bool { status == "Started" }

    /// The total after '=' in "Number of Bricks" (or the plain number for distribute).
    package var declaredBrickCount: Int? {
        guard let text = numberOfBricks else { return nil }
        let total = text.split(separator: "=").last.map { $0.trimmingSpaces } ?? text
        return Int(total)
    }
}

package enum GlusterVolumeInfoParser {
    package static func parse(_ text: String) throws(GlusterOutputParseError) -> [GlusterVolumeInfo] {
        var volumes: [GlusterVolumeInfo] = []
        enum Section { case fields, bricks, options }
        var section = Section.fields
        var lastLine = 0
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            lastLine = number
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            if volumes.isEmpty && !trimmed.hasPrefix("Volume Name:") {
                if trimmed == "No volumes present" { return [] }
                throw GlusterOutputParseError(line: number, message: "expected \"Volume Name:\" but gluster printed \"\(trimmed)\"")
            }
            if trimmed == "Bricks:" { section = .bricks; continue }
            if trimmed == "Options Reconfigured:" { section = .options; continue }
            guard let colon = trimmed.range(of: ":") else {
                throw GlusterOutputParseError(line: number, message: "not a \"Key: value\" line: \"\(trimmed)\"")
            }
            let key = String(trimmed[..<colon.lowerBound]).trimmingSpaces
            let value = String(trimmed[colon.upperBound...]).trimmingSpaces
            if key == "Volume Name" {
                if let previous = volumes.last { try checkComplete(previous, endLine: number - 1) }
                volumes.append(GlusterVolumeInfo(name: value, bricks: [], options: [], otherFields: [], line: number))
                section = .fields
                continue
            }
            var volume = volumes.removeLast()
            defer { volumes.append(volume) }
            switch section {
            case .options:
                volume.options.append(.init(key: key, value: value))
            case .bricks where key.hasPrefix("Brick") && Int(key.dropFirst(5)) != nil:
                var brickText = value
                var arbiter = false
                if brickText.hasSuffix(" (arbiter)") {
                    arbiter = true
                    brickText = String(brickText.dropLast(" (arbiter)".count))
                }
                guard let separator = brickText.firstIndex(of: ":") else {
                    throw GlusterOutputParseError(line: number, message: "brick \"\(brickText)\" is not HOST:PATH")
                }
                volume.bricks.append(.init(number: Int(key.dropFirst(5))!, host: String(brickText[..<separator]),
                                           path: String(brickText[brickText.index(after: separator)...]), isArbiter: arbiter))
            case .bricks where key.hasPrefix("Brick"):
                volume.otherFields.append(.init(key: key, value: value)) // "Brick1 VG: …" (BD xlator)
            case .fields, .bricks:
                section = .fields
                switch key {
                case "Type": volume.type = value
                case "Volume ID": volume.volumeID = value
                case "Status": volume.status = value
                case "Number of Bricks": volume.numberOfBricks = value
                case "Transport-type": volume.transport = value
                default: volume.otherFields.append(.init(key: key, value: value))
                }
            }
        }
        if let last = volumes.last { try checkComplete(last, endLine: lastLine) }
        return volumes
    }

    /// A volume whose brick list is shorter than "Number of Bricks" says was cut off.
    static func checkComplete(_ volume: GlusterVolumeInfo, endLine: Int) throws(GlusterOutputParseError) {
        if let declared = volume.declaredBrickCount, declared != volume.bricks.count {
            throw GlusterOutputParseError(line: endLine, message: "volume \(volume.name) declares \(declared) bricks but \(volume.bricks.count) are listed (output cut off?)")
        }
    }
}
