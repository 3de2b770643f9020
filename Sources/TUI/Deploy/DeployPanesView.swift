import Deploy
import Foundation
import OtopiKit

/// Draws the deploy screen: title, a grid of host panes (or one host's log), a dialog on top, the key line.
package enum DeployPanesView {
    package static func render(_ state: DeployPanesApp.State, size: Size, logPath: (String) -> String) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let body = Rect(row: 1, column: 0, width: size.columns, height: size.rows - 2)
            if let host = state.logHost {
                renderLog(state, host: host, path: logPath(host), into: &frame, size: size)
            } else {
                title(state, into: &frame, size: size)
                renderPanes(state, into: &frame, rect: body)
                keys(keyLine(state), into: &frame, size: size)
            }
            if let dialog = state.dialog {
                renderDialog(dialog, answer: state.answer, into: &frame, size: size, queued: state.dialogs.count - 1,
                             bundle: (state.canBundle, state.bundleStatus))
            }
        }
    }

    /// The panes' key line; once a support bundle was asked for, its progress or result follows the quit key.
    static func keyLine(_ state: DeployPanesApp.State) -> String {
        if state.finished {
            return state.bundleStatus.map { "q quit  " + $0 } ?? "Tab/1-9 select  Enter full log  \(state.canBundle ? "b support bundle  " : "")q quit"
        }
        if state.stopping { return "stopping: remote commands are being ended…" }
        return state.bundleStatus.map { "^C stop all  " + $0 } ?? "Tab/1-9 select  Enter full log  ^C stop all"
    }

    static func title(_ state: DeployPanesApp.State, into frame: inout Frame, size: Size) {
        let hosts = state.progress.hosts
        let active: Set<DeploymentProgress.Phase> = [.running, .connecting, .waiting, .prompt]
        let running = hosts.filter { active.contains($0.phase) }.count
        let done = hosts.filter { $0.phase == .succeeded }.count
        let failed = hosts.filter { $0.phase == .failed || $0.phase == .notRun }.count
        var parts: [String] = []
        if running > 0 { parts.append("\(running) running") }
        if done > 0 { parts.append("\(done) done") }
        if failed > 0 { parts.append("\(failed) failed") }
        let counts = parts.joined(separator: ", ")
        let text = " ovirt-wizard apply: \(hosts.count) host\(hosts.count == 1 ? "" : "s")" + (counts.isEmpty ? "" : " (\(counts))")
        let elapsed = " " + formatDuration(state.now.timeIntervalSince(state.started)) + " "
        frame.fill(Rect(row: 0, column: 0, width: size.columns, height: 1), style: .title)
        frame.put(text, row: 0, column: 0, style: .title, maxWidth: size.columns - elapsed.count)
        frame.put(elapsed, row: 0, column: size.columns - elapsed.count, style: .title)
    }

    static func keys(_ text: String, into frame: inout Frame, size: Size) {
        frame.fill(Rect(row: size.rows - 1, column: 0, width: size.columns, height: 1), style: .status)
        frame.put(" " + text, row: size.rows - 1, column: 0, style: .status)
    }

    /// Two columns from two hosts on; rows share the height. Each pane: phase, step, bar, times, live tail.
    static func renderPanes(_ state: DeployPanesApp.State, into frame: inout Frame, rect: Rect) {
        let hosts = state.progress.hosts
        guard !hosts.isEmpty else { return }
        let columns = hosts.count == 1 ? 1 : 2
        let rows = (hosts.count + columns - 1) / columns
        let height = rect.height / rows
        if height < 5 {
            // Too many hosts for panes: one line each.
            for (i, host) in hosts.enumerated() where i < rect.height {
                let line = compactLine(host, now: state.now, width: rect.width)
                frame.put(line, row: rect.row + i, column: 0, style: i == state.focus ? .focus : style(host.phase), maxWidth: rect.width)
            }
            return
        }
        let width = rect.width / columns
        for (i, host) in hosts.enumerated() {
            let r = i / columns, c = i % columns
            let pane = Rect(row: rect.row + r * height, column: rect.column + c * width,
                            width: c == columns - 1 ? rect.width - c * width : width,
                            height: r == rows - 1 ? rect.height - r * height : height)
            renderPane(host, number: i + 1, focused: i == state.focus, now: state.now, into: &frame, rect: pane)
        }
    }

    static func renderPane(_ host: DeploymentProgress.Host, number: Int, focused: Bool, now: Date, into frame: inout Frame, rect: Rect) {
        let titleText = "\(number) \(host.name)" + (host.tool.map { " · \($0.rawValue)" } ?? "")
        frame.box(rect, style: focused ? .bold : .normal, title: titleText, titleStyle: focused ? .focus : .bold)
        let inner = rect.inset(1)
        let w = inner.width
        guard w > 4, inner.height > 0 else { return }
        var row = inner.row
        func line(_ text: String, _ style: Style = .normal) {
            guard row < inner.bottom else { return }
            frame.put(TextLayout.truncate(text, width: w), row: row, column: inner.column, style: style, maxWidth: w)
            row += 1
        }
        let stepText = host.totalSteps > 0 ? "step \(host.stepIndex)/\(host.totalSteps) \(host.stepTitle)" : ""
        line(phaseText(host) + (stepText.isEmpty ? "" : ": " + stepText), style(host.phase))
        // The bar: finished steps plus the running tool's Stage lines (counted by position).
        let percent = Int((host.fraction * 100).rounded(.down))
        var detail = ""
        if host.stagesSeen > 0, host.phase != .succeeded { detail = " stage \(host.stagesSeen)/\(OtopiConsoleParser.stagesOnSuccess)" }
        if let t = host.transfer, t.total > 0 { detail = " \(formatBytes(t.done))/\(formatBytes(t.total))" }
        let label = " \(percent)%" + detail
        let barWidth = max(4, w - label.count - 2)
        let filled = Int(Double(barWidth) * host.fraction)
        if row < inner.bottom {
            frame.put("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]", row: row, column: inner.column)
            frame.put(TextLayout.truncate(label, width: max(0, w - barWidth - 2)), row: row, column: inner.column + barWidth + 2, style: .muted)
            row += 1
        }
        var times: [String] = []
        if let start = host.stepStarted, host.outcome == nil { times.append("step \(formatDuration(now.timeIntervalSince(start)))") }
        if let start = host.hostStarted { times.append("total \(formatDuration((host.finishedAt ?? now).timeIntervalSince(start)))") }
        if host.outcome == nil, host.phase == .running, let last = host.lastOutput, now.timeIntervalSince(last) >= 5 {
            times.append("quiet \(formatDuration(now.timeIntervalSince(last)))")   // the heartbeat
        }
        if host.verified > 0 { times.append("\(host.verified) verified") }
        if let stage = host.stageName, host.outcome == nil { times.append(stage) }
        line(times.joined(separator: " · "), .muted)
        if let failure = host.failure, host.phase == .failed {
            line(failure.reason, .error)
        }
        if let prompt = host.prompt { line("asks: " + prompt.text, .warning) }
        let tailRows = inner.bottom - row
        if tailRows > 0 {
            for text in host.lastLines(tailRows) { line(text.replacingOccurrences(of: "\t", with: " ")) }
        }
    }

    static func phaseText(_ host: DeploymentProgress.Host) -> String {
        switch host.phase {
        case .pending: return "waiting to start"
        case .connecting: return "connecting"
        case .running: return "running"
        case .waiting: return "waiting for another host"
        case .prompt: return "QUESTION"
        case .succeeded: return "done"
        case .failed: return "FAILED"
        case .cancelled: return "cancelled"
        case .notRun: return "not run"
        }
    }

    static func style(_ phase: DeploymentProgress.Phase) -> Style {
        switch phase {
        case .succeeded: return .success
        case .failed, .notRun: return .error
        case .prompt, .cancelled: return .warning
        default: return .bold
        }
    }

    static func compactLine(_ host: DeploymentProgress.Host, now: Date, width: Int) -> String {
        // A host still waiting for its turn has no steps counted yet: "0/0 0%" there read as an empty plan.
        guard host.totalSteps > 0 else { return "\(host.name) \(phaseText(host))" }
        return "\(host.name) \(phaseText(host)) \(host.stepIndex)/\(host.totalSteps) \(Int(host.fraction * 100))% \(host.lastLines(1).last ?? "")"
    }

    static func renderLog(_ state: DeployPanesApp.State, host: String, path: String, into frame: inout Frame, size: Size) {
        let page = max(1, size.rows - 3)
        let total = state.logLines.count
        let top = min(state.logTop ?? max(0, total - page), max(0, total - page))
        frame.fill(Rect(row: 0, column: 0, width: size.columns, height: 1), style: .title)
        frame.put(" log of \(host): \(path)", row: 0, column: 0, style: .title, maxWidth: size.columns)
        for i in 0..<page where top + i < total {
            frame.put(state.logLines[top + i].replacingOccurrences(of: "\t", with: "    "), row: 1 + i, column: 0, maxWidth: size.columns)
        }
        var position = total == 0 ? "empty" : "lines \(top + 1)-\(min(total, top + page)) of \(total)" + (state.logTop == nil ? " (following)" : "")
        if state.logHasEarlierLines { position += "; only the newest \(total) lines are kept here, the whole log is in the file" }
        frame.put(" " + position, row: size.rows - 2, column: 0, style: .muted, maxWidth: size.columns)
        keys("↑↓ PgUp PgDn Home End scroll  r reload  Esc back to the panes", into: &frame, size: size)
    }

    static func renderDialog(_ dialog: DeployPanesApp.PendingDialog, answer: String, into frame: inout Frame, size: Size, queued: Int,
                             bundle: (available: Bool, status: String?) = (false, nil)) {
        var lines: [(String, Style)] = []
        let title: String
        let hint: String
        let width = min(size.columns - 4, 76)
        switch dialog {
        case let .failure(f, _):
            title = "\(f.host): step \(f.index)/\(f.total) failed"
            lines.append((f.title + (f.exitCode.map { " (exit code \($0))" } ?? ""), .bold))
            lines += TextLayout.wrap(f.reason, width: width - 4).map { ($0, .error) }
            if !f.lastLines.isEmpty {
                lines.append(("Last output:", .muted))
                lines += f.lastLines.suffix(6).map { ("  " + $0, .normal) }
            }
            lines.append(("Log: \(f.logPath)", .muted))
            lines.append((f.skipIsSafe ? "Skipping is safe: \(f.skipNote)" : "Cannot be skipped: \(f.skipNote)", .muted))
            hint = "r retry" + (f.skipIsSafe ? "  s skip" : "") + "  a abort this host  l log" + (bundle.available ? "  b bundle" : "")
            if let status = bundle.status { lines.append((status, .highlight)) }
        case let .prompt(host, prompt, password, _):
            title = "\(host) asks"
            lines += prompt.context.suffix(10).map { ($0, .normal) }
            if let password { lines.append(("Temporary console password: \(password)", .highlight)) }
            let shown = prompt.isHidden ? String(repeating: "*", count: answer.count) : answer
            lines.append((prompt.text + " " + shown, .bold))
            if !prompt.accepts(answer) { lines.append(("Answer with one of: \(prompt.validValues.joined(separator: ", "))", .warning)) }
            hint = "Enter send" + (prompt.defaultAnswer.map { " (empty: \($0))" } ?? "") + "  Esc stop this step"
        case let .lockPause(host, pause, _):
            title = "\(host): hosted-engine is paused"
            lines.append(("The host was added to the bootstrap engine but is not up; the deploy waits until \(pause.lockFile) is removed.", .bold))
            if let reason = pause.reason { lines.append(("The engine says: " + reason, .error)) }
            if let url = pause.engineURL { lines.append(("Fix the host in the bootstrap engine: \(url)", .normal)) }
            lines.append(("Continue once the host is 'up' there: the wizard removes the lock file and the deploy goes on.", .muted))
            hint = "c continue  a abort the deploy  l log"
        }
        let shownLines = lines.flatMap { text, style in TextLayout.wrap(text, width: width - 4).map { ($0, style) } }
        let height = min(size.rows - 2, shownLines.count + 4)
        let rect = Rect(row: 0, column: 0, width: size.columns, height: size.rows).centered(width: width, height: height)
        frame.box(rect, style: .dialog, title: title + (queued > 0 ? " (+\(queued) more)" : ""), titleStyle: .bold)
        for (i, (text, style)) in shownLines.suffix(height - 4).enumerated() {
            frame.put(text, row: rect.row + 1 + i, column: rect.column + 2, style: style, maxWidth: width - 4)
        }
        frame.put(TextLayout.truncate(hint, width: width - 4), row: rect.bottom - 2, column: rect.column + 2, style: .status, maxWidth: width - 4)
    }
}
