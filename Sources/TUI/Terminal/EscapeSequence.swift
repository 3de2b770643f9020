/// Decodes what follows an Esc byte that curses did not recognise as a key. Terminals send Home and End in several
/// ways (PuTTY and tmux `\e[1~`/`\e[4~`, rxvt `\e[7~`/`\e[8~`, xterm `\e[H`/`\e[F` or `\eOH`/`\eOF`), and the
/// terminfo entry of `TERM` names only one of them; an unrecognised sequence must never read as Esc (Back).
package enum EscapeSequence {
    package enum Step: Equatable, Sendable {
        /// The bytes so far start a sequence: read more (a byte that does not come means an incomplete one).
        case needMore
        /// A whole sequence: the key it is (`.unknownSequence` for one the wizard does not use).
        case key(Key)
        /// Esc was a key of its own; the bytes after it are keys of their own too.
        case notASequence
    }

    /// `tail` is what followed Esc so far.
    package static func decode(_ tail: [Character]) -> Step {
        guard let introducer = tail.first else { return .needMore }
        switch introducer {
        case "[":
            // CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
            for (i, c) in tail.enumerated().dropFirst() {
                guard let value = c.asciiValue else { return .key(.unknownSequence(String(tail[...i]))) }
                // rxvt ends shifted keys with `$` (`\e[7$`), an intermediate byte elsewhere.
                if (0x40...0x7E).contains(value) || (c == "$" && i > 1) {
                    return .key(csi(parameters: String(tail[1..<i]), final: c))
                }
                if !(0x20...0x3F).contains(value) { return .key(.unknownSequence(String(tail[...i]))) }
            }
            return .needMore
        case "O":
            guard tail.count > 1 else { return .needMore }
            return .key(ss3(tail[1]))
        default:
            return .notASequence
        }
    }

    static func csi(parameters: String, final: Character) -> Key {
        let first = Int(parameters.split(separator: ";", omittingEmptySubsequences: false).first ?? "") ?? 1
        if let key = cursorOrFunction(final) { return key }
        switch final {
        case "Z": return .backTab
        case "~", "^", "@", "$":
            switch first {
            case 1, 7: return .home
            case 4, 8: return .end
            case 3: return .delete
            case 5: return .pageUp
            case 6: return .pageDown
            case 11...15: return .function(first - 10)
            case 17...21: return .function(first - 11)
            case 23, 24: return .function(first - 12)
            default: break
            }
        default: break
        }
        return .unknownSequence("[" + parameters + String(final))
    }

    static func ss3(_ c: Character) -> Key {
        if let key = cursorOrFunction(c) { return key }
        return c == "M" ? .enter : .unknownSequence("O" + String(c))
    }

    /// The final letters CSI (`\e[A`) and SS3 (`\e OA`) sequences share: arrows, Home/End, F1-F4.
    static func cursorOrFunction(_ final: Character) -> Key? {
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return .home
        case "F": return .end
        case "P", "Q", "R", "S": return .function(Int(final.asciiValue! - Character("P").asciiValue!) + 1)
        default: return nil
        }
    }
}
