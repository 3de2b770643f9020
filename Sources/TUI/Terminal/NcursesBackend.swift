import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Why the ncurses backend could not start; each reads as one line for the operator.
package struct TerminalUnusable: Error, CustomStringConvertible {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
    package var description: String { reason }
}

/// The real terminal, through ncursesw. The only type that calls curses; use it from one thread.
package final class NcursesBackend: TerminalBackend {
    private let screen: OpaquePointer
    private var open = true
    private var previous: Frame?
    private var cursorVisible = false
    private let colors: Bool
    /// The character type could not be made UTF-8: non-ASCII is drawn as ASCII stand-ins.
    private let asciiOnly: Bool
    package private(set) var size: Size

    /// Starts curses on the process's terminal, or throws with a one-line reason (not a terminal,
    /// unknown `TERM`, no cursor addressing). Colours are used unless `NO_COLOR` is set or the terminal
    /// has none.
    package init(environment: [String: String]) throws {
        if let problem = TerminalCheck.currentProblem(environment: environment) { throw TerminalUnusable(problem) }
        asciiOnly = !TerminalLocale.ensureUTF8CharacterType()
        let term = environment["TERM"] ?? ""
        // newterm, unlike initscr, returns nil on an unknown TERM instead of exiting the process.
        guard let screen = newterm(nil, shim_stdout(), shim_stdin()) else {
            throw TerminalUnusable("the terminal type TERM=\(term) is unknown here; \(TerminalCheck.plainHint)")
        }
        self.screen = screen
        set_term(screen)
        guard shim_has_string_capability("cup") != 0 else {
            endwin()
            delscreen(screen)
            throw TerminalUnusable("TERM=\(term) cannot move the cursor; \(TerminalCheck.plainHint)")
        }
        CrashGuard.install()
        StderrCapture.start()
        raw()
        noecho()
        keypad(shim_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var useColors = false
        if has_colors() && TerminalCheck.colorsWanted(environment: environment) {
            start_color()
            use_default_colors()
            for role in ColorRole.allCases where role != .normal {
                init_pair(Int16(role.rawValue), NcursesBackend.foreground(role), -1)
            }
            useColors = true
        }
        colors = useColors
        size = Size(columns: Int(getmaxx(shim_stdscr())), rows: Int(getmaxy(shim_stdscr())))
    }

    deinit { close() }

    /// Leaves curses mode and restores the terminal. Safe to call more than once.
    package func close() {
        guard open else { return }
        open = false
        curs_set(1)
        endwin()
        delscreen(screen)
        StderrCapture.stop()
    }

    private static func foreground(_ role: ColorRole) -> Int16 {
        switch role {
        case .normal, .dialog, .muted: return -1
        case .title: return Int16(COLOR_BLUE)
        case .status, .focus: return Int16(COLOR_CYAN)
        case .error: return Int16(COLOR_RED)
        case .warning, .highlight: return Int16(COLOR_YELLOW)
        case .success: return Int16(COLOR_GREEN)
        }
    }

    private func attributes(of style: Style) -> attr_t {
        var value = shim_A_NORMAL()
        if style.attributes.contains(.bold) { value |= shim_A_BOLD() }
        if style.attributes.contains(.reverse) { value |= shim_A_REVERSE() }
        if style.attributes.contains(.underline) { value |= shim_A_UNDERLINE() }
        if style.attributes.contains(.dim) { value |= shim_A_DIM() }
        return value
    }

    package func draw(_ frame: Frame) {
        let window = shim_stdscr()
        let repaintAll = previous?.size != frame.size
        if repaintAll { werase(window) }
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(frame.size.columns * 2 + 1)
        for row in 0..<frame.size.rows {
            if !repaintAll, let previous, previous.row(row) == frame.row(row) { continue }
            var column = 0, runStart = 0
            var runStyle: Style? = nil
            func flush() {
                guard let style = runStyle, !buffer.isEmpty else { return }
                wattr_set(window, attributes(of: style), colors ? Int16(style.role.rawValue) : 0, nil)
                buffer.append(0)
                _ = mvwaddnwstr(window, Int32(row), Int32(runStart), buffer, Int32(buffer.count - 1))
                buffer.removeAll(keepingCapacity: true)
            }
            for cell in frame.row(row) {
                defer { column += 1 }
                if cell.isContinuation { continue }
                if cell.style != runStyle { flush(); runStyle = cell.style; runStart = column }
                for scalar in cell.character.unicodeScalars {
                    let value = asciiOnly && scalar.value >= 0x80 ? NcursesBackend.asciiStandIn(scalar) : scalar.value
                    buffer.append(wchar_t(truncatingIfNeeded: value))
                }
            }
            flush()
        }
        wattr_set(window, shim_A_NORMAL(), 0, nil)
        if let cursor = frame.cursor {
            if !cursorVisible { curs_set(1); cursorVisible = true }
            wmove(window, Int32(cursor.row), Int32(cursor.column))
        } else if cursorVisible {
            curs_set(0)
            cursorVisible = false
        }
        wnoutrefresh(window)
        doupdate()
        previous = frame
    }

    /// ASCII for box-drawing and other characters a non-UTF-8 terminal cannot show.
    static func asciiStandIn(_ scalar: Unicode.Scalar) -> UInt32 {
        switch scalar {
        case "─", "━", "═": return UInt32(UInt8(ascii: "-"))
        case "│", "┃", "║": return UInt32(UInt8(ascii: "|"))
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return UInt32(UInt8(ascii: "+"))
        case "•", "●": return UInt32(UInt8(ascii: "*"))
        case "✓": return UInt32(UInt8(ascii: "v"))
        case "…": return UInt32(UInt8(ascii: "~"))
        case "▲", "↑": return UInt32(UInt8(ascii: "^"))
        case "▼", "↓": return UInt32(UInt8(ascii: "v"))
        default: return UInt32(UInt8(ascii: "?"))
        }
    }

    package func redrawAll() {
        clearok(shim_curscr(), true)
        wrefresh(shim_curscr())
    }

    /// What `wget_wch` returned: a character, or a key code.
    private typealias Read = (code: UInt32, isKeyCode: Bool)
    /// Bytes read after an Esc that turned out not to belong to it: the next keys.
    private var pushedBack: [Read] = []

    private func read(_ window: UnsafeMutablePointer<WINDOW>?, timeoutMilliseconds: Int) -> Read? {
        if !pushedBack.isEmpty { return pushedBack.removeFirst() }
        wtimeout(window, Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == ERR { return nil }
        return (UInt32(character), result == KEY_CODE_YES)
    }

    package func readKey(timeoutMilliseconds: Int) -> Key? {
        let window = shim_stdscr()
        guard let first = read(window, timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        var key = Key.decode(code: first.code, isKeyCode: first.isKeyCode)
        if key == .escape { key = escapeSequence(window) }
        if key == .resize {
            size = Size(columns: Int(getmaxx(window)), rows: Int(getmaxy(window)))
        }
        return key
    }

    /// After an Esc curses did not decode: the rest of an escape sequence terminfo does not know (PuTTY's Home
    /// under TERM=xterm), decoded by `EscapeSequence`; Esc alone when nothing follows. Curses already waited
    /// ESCDELAY for the bytes, so the first one is only taken if it is there; later ones may lag a little.
    private func escapeSequence(_ window: UnsafeMutablePointer<WINDOW>?) -> Key {
        var tail: [Character] = []
        var taken: [Read] = []
        while true {
            switch EscapeSequence.decode(tail) {
            case .key(let key): return key
            case .notASequence:
                pushedBack = taken + pushedBack
                return .escape
            case .needMore:
                guard let next = read(window, timeoutMilliseconds: tail.isEmpty ? 0 : 30) else {
                    return tail.isEmpty ? .escape : .unknownSequence(String(tail))
                }
                guard !next.isKeyCode, let scalar = Unicode.Scalar(next.code) else {
                    pushedBack.insert(next, at: 0)
                    return tail.isEmpty ? .escape : .unknownSequence(String(tail))
                }
                taken.append(next)
                tail.append(Character(scalar))
            }
        }
    }
}
