import CNcursesw

/// A key the operator pressed, decoded from the terminal.
package enum Key: Hashable, Sendable {
    case character(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// Ctrl plus a letter (lowercase), for the letters that are not Tab, Enter or Backspace.
    case control(Character)
    case resize
    /// A key code the wizard does not use; kept so that it can be named in a message.
    case unknown(UInt32)
    /// An escape sequence the wizard does not use (the text after Esc): never Esc itself.
    case unknownSequence(String)

    package static let ctrlC = Key.control("c")
    package static let ctrlS = Key.control("s")
    package static let ctrlL = Key.control("l")
    package static let help = Key.function(1)

    /// Decodes what `wget_wch` returned: `isKeyCode` is true for `KEY_CODE_YES` (a function key code),
    /// false for a character (`OK`).
    package static func decode(code: UInt32, isKeyCode: Bool) -> Key {
        if isKeyCode { return decodeKeyCode(Int32(truncatingIfNeeded: code)) }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(code) + 0x60)))
        default:
            guard let scalar = Unicode.Scalar(code), code >= 0x20 else { return .unknown(code) }
            return .character(Character(scalar))
        }
    }

    private static func decodeKeyCode(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            let f0 = shim_KEY_F(0)
            if code > f0 && code <= f0 + 24 { return .function(Int(code - f0)) }
            return .unknown(UInt32(bitPattern: code))
        }
    }
}
