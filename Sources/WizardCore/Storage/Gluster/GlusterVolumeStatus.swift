import Foundation

/// One volume from `gluster volume status` (default, non-detail form). Two table layouts exist:
/// GlusterFS 3.4–3.6 `Port  Online  Pid` separated by tabs (the seed's), and 3.7+
/// `TCP Port  RDMA Port  Online  Pid` in fixed columns. Long process names are wrapped by gluster
/// into chunks of the name column's width on lines of their own.
package struct GlusterVolumeStatus: Sendable, Equatable {
    package var volumeName: String
    package var processes: [GlusterProcessStatus]
    /// Empty when gluster says "There are no active volume tasks".
    package var tasks: [GlusterVolumeTask]
    /// Line of "Status of volume:".
    package var line: Int

    package var bricks: [GlusterProcessStatus] { processes.filter { $0.brickName != nil } }
    package var selfHealDaemons: [GlusterProcessStatus] { processes.filter { $0.daemonName == "Self-heal Daemon" } }
    package var bricksOnline: Int { bricks.filter(\.online).count }
}

package struct GlusterProcessStatus: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case brick(host: String, path: String)
        /// "NFS Server", "Self-heal Daemon", "Quota Daemon", … on a host ("localhost" is the host
        /// where the command ran).
        case daemon(name: String, host: String)
    }

    package var kind: Kind
    /// nil when gluster prints N/A.
    package var tcpPort: Int?
    package var rdmaPort: Int?
    package var online: Bool
    package var pid: Int?
    package var line: Int

    package var host: String {
        switch kind {
        case .brick(let host, _), .daemon(_, let host): return host
        }
    }

    package var brickName: String? {
        if case let .brick(host, path) = kind { return "\(host):\(path)" }
        return nil
    }

    package var daemonName: String? {
        if case let .daemon(name, _) = kind { return name }
        return nil
    }
}

package struct GlusterVolumeTask: Sendable, Equatable {
    /// "Rebalance", "Remove brick", "Replace brick".
    package var type: String
    package var id: String
    package var status: String
}

package enum GlusterVolumeStatusParser {
    package static func parse(_ text: String) throws(GlusterOutputParseError) -> [GlusterVolumeStatus] {
        var volumes: [GlusterVolumeStatus] = []
        enum Section { case none, header, processes, tasks }
        var section = Section.none
        var twoPorts = false
        var pendingName = ""
        var pendingLine = 0
        var taskFields: [String: String] = [:]

        func flushTask(_ line: Int) throws(GlusterOutputParseError) {
            guard !taskFields.isEmpty else { return }
            guard let type = taskFields["Task"], let id = taskFields["ID"], let status = taskFields["Status"] else {
                throw GlusterOutputParseError(line: line, message: "a task without Task, ID and Status lines")
            }
            volumes[volumes.count - 1].tasks.append(.init(type: type, id: id, status: status))
            taskFields = [:]
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingSpaces
            if trimmed.hasPrefix("Status of volume:") {
                try flushTask(number)
                let name = String(trimmed.dropFirst("Status of volume:".count)).trimmingSpaces
                volumes.append(GlusterVolumeStatus(volumeName: name, processes: [], tasks: [], line: number))
                section = .header
                continue
            }
            if volumes.isEmpty {
                if trimmed.isEmpty { continue }
                throw GlusterOutputParseError(line: number, message: "expected \"Status of volume:\" but gluster printed \"\(trimmed)\"")
            }
            if trimmed.hasPrefix("Task Status of Volume") {
                if !pendingName.isEmpty { throw GlusterOutputParseError(line: pendingLine, message: "process name \"\(pendingName)\" without its ports") }
                section = .tasks
                continue
            }
            if !trimmed.isEmpty && trimmed.allSatisfy({ $0 == "-" }) { continue }
            switch section {
            case .none:
                if trimmed.isEmpty { continue }
                // GlusterFS 3.4 prints the task table (or the no-task line) without a title.
                let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if trimmed == "There are no active volume tasks" || words == ["Task", "ID", "Status"] {
                    section = .tasks
                    continue
                }
                throw GlusterOutputParseError(line: number, message: "unexpected \"\(trimmed)\"")
            case .header:
                if trimmed.isEmpty { continue }
                guard trimmed.hasPrefix("Gluster process") else {
                    throw GlusterOutputParseError(line: number, message: "expected the \"Gluster process\" header but gluster printed \"\(trimmed)\"")
                }
                twoPorts = trimmed.contains("RDMA Port")
                section = .processes
            case .processes:
                if trimmed.isEmpty {
                    if !pendingName.isEmpty { throw GlusterOutputParseError(line: pendingLine, message: "process name \"\(pendingName)\" without its ports") }
                    section = .none
                    continue
                }
                guard let (prefix, fields) = splitTrailingFields(line, count: twoPorts ? 4 : 3),
                      let process = makeProcess(name: pendingName + prefix, fields: fields, twoPorts: twoPorts, line: pendingName.isEmpty ? number : pendingLine)
                else {
                    // A chunk of a long name, printed on its own line (exactly the column width).
                    if pendingName.isEmpty { pendingLine = number }
                    pendingName += line
                    if pendingName.count > 8192 { throw GlusterOutputParseError(line: number, message: "not a process line: \"\(trimmed)\"") }
                    continue
                }
                if case .daemon(let name, _) = process.kind, name.isEmpty {
                    throw GlusterOutputParseError(line: number, message: "not a process line: \"\(trimmed)\"")
                }
                volumes[volumes.count - 1].processes.append(process)
                pendingName = ""
            case .tasks:
                if trimmed.isEmpty { try flushTask(number); continue }
                if trimmed == "There are no active volume tasks" { continue }
                if let colon = trimmed.range(of: " : ") ?? trimmed.range(of: ": ") {
                    // 3.5+: "Task                 : Rebalance", "ID …", "Status …"
                    let key = String(trimmed[..<colon.lowerBound]).trimmingSpaces
                    if key == "Task" { try flushTask(number) }
                    taskFields[key] = String(trimmed[colon.upperBound...]).trimmingSpaces
                    continue
                }
                // 3.4: a table "Task  ID  Status" with the UUID in the middle.
                let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if words == ["Task", "ID", "Status"] || words == ["----", "--", "------"] { continue }
                guard let idIndex = words.firstIndex(where: isUUID), idIndex > 0, idIndex < words.count - 1 else {
                    throw GlusterOutputParseError(line: number, message: "not a task line: \"\(trimmed)\"")
                }
                volumes[volumes.count - 1].tasks.append(.init(type: words[..<idIndex].joined(separator: " "), id: words[idIndex],
                                                              status: words[(idIndex + 1)...].joined(separator: " ")))
            }
        }
        try flushTask(lines.count)
        if !pendingName.isEmpty { throw GlusterOutputParseError(line: pendingLine, message: "process name \"\(pendingName)\" without its ports") }
        return volumes
    }

    /// Splits "NAME<ws>F1<ws>F2…" into NAME (without trailing white space) and the last `count`
    /// whitespace-separated fields.
    static func splitTrailingFields(_ line: String, count: Int) -> (String, [String])? {
        var rest = Substring(line)
        var fields: [String] = []
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" }
        while fields.count < count {
            while let last = rest.last, isSpace(last) { rest.removeLast() }
            guard let start = rest.lastIndex(where: isSpace) else { return nil }
            let field = rest[rest.index(after: start)...]
            if field.isEmpty { return nil }
            fields.insert(String(field), at: 0)
            rest = rest[..<start]
        }
        while let last = rest.last, isSpace(last) { rest.removeLast() }
        return rest.isEmpty ? nil : (String(rest), fields)
    }

    static func makeProcess(name: String, fields: [String], twoPorts: Bool, line: Int) -> GlusterProcessStatus? {
        func port(_ text: String) -> Int?? {
            if text == "N/A" { return .some(nil) }
            if let value = Int(text), value >= 0, value <= 65535 { return .some(value) }
            return nil
        }
        let onlineText = fields[fields.count - 2]
        let pidText = fields[fields.count - 1]
        guard onlineText == "Y" || onlineText == "N" else { return nil }
        let pid: Int?
        if pidText == "N/A" { pid = nil } else if let value = Int(pidText), value >= 0 { pid = value } else { return nil }
        guard let tcp = port(fields[0]) else { return nil }
        var rdma: Int? = nil
        if twoPorts {
            guard let value = port(fields[1]) else { return nil }
            rdma = value
        }
        let kind: GlusterProcessStatus.Kind
        if name.hasPrefix("Brick ") {
            let brick = name.dropFirst("Brick ".count)
            guard let colon = brick.firstIndex(of: ":") else { return nil }
            kind = .brick(host: String(brick[..<colon]), path: String(brick[brick.index(after: colon)...]))
        } else if let on = name.range(of: " on ", options: .backwards) {
            kind = .daemon(name: String(name[..<on.lowerBound]), host: String(name[on.upperBound...]))
        } else {
            return nil
        }
        return GlusterProcessStatus(kind: kind, tcpPort: tcp, rdmaPort: rdma, online: onlineText == "Y", pid: pid, line: line)
    }

    static func isUUID(_ word: String) -> Bool {
        let groups = word.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
