import CNcursesw
import Testing
@testable import TUI

@Suite struct KeyDecodingTests {
    @Test func controlCharacters() {
        #expect(Key.decode(code: 9, isKeyCode: false) == .tab)
        #expect(Key.decode(code: 13, isKeyCode: false) == .enter)
        #expect(Key.decode(code: 10, isKeyCode: false) == .enter)
        #expect(Key.decode(code: 27, isKeyCode: false) == .escape)
        #expect(Key.decode(code: 127, isKeyCode: false) == .backspace)
        #expect(Key.decode(code: 8, isKeyCode: false) == .backspace)
        #expect(Key.decode(code: 19, isKeyCode: false) == .ctrlS)
        #expect(Key.decode(code: 3, isKeyCode: false) == .ctrlC)
        #expect(Key.decode(code: 12, isKeyCode: false) == .ctrlL)
    }
    @Test func printableUTF8() {
        #expect(Key.decode(code: 0x61, isKeyCode: false) == .character("a"))
        #expect(Key.decode(code: 0x4E2D, isKeyCode: false) == .character("中"))
        #expect(Key.decode(code: 0x2713, isKeyCode: false) == .character("✓"))
    }
    @Test func functionKeyCodes() {
        #expect(Key.decode(code: UInt32(KEY_BTAB), isKeyCode: true) == .backTab)
        #expect(Key.decode(code: UInt32(KEY_UP), isKeyCode: true) == .up)
        #expect(Key.decode(code: UInt32(KEY_DOWN), isKeyCode: true) == .down)
        #expect(Key.decode(code: UInt32(KEY_LEFT), isKeyCode: true) == .left)
        #expect(Key.decode(code: UInt32(KEY_RIGHT), isKeyCode: true) == .right)
        #expect(Key.decode(code: UInt32(KEY_HOME), isKeyCode: true) == .home)
        #expect(Key.decode(code: UInt32(KEY_END), isKeyCode: true) == .end)
        #expect(Key.decode(code: UInt32(KEY_BACKSPACE), isKeyCode: true) == .backspace)
        #expect(Key.decode(code: UInt32(KEY_DC), isKeyCode: true) == .delete)
        #expect(Key.decode(code: UInt32(KEY_ENTER), isKeyCode: true) == .enter)
        #expect(Key.decode(code: UInt32(KEY_RESIZE), isKeyCode: true) == .resize)
        #expect(Key.decode(code: UInt32(shim_KEY_F(1)), isKeyCode: true) == .help)
        #expect(Key.decode(code: UInt32(shim_KEY_F(12)), isKeyCode: true) == .function(12))
        #expect(Key.decode(code: 0o777, isKeyCode: true) == .unknown(0o777))
    }
    @Test func globalKeys() {
        #expect(GlobalKeys.action(for: .function(1), textFieldFocused: true) == .help)
        #expect(GlobalKeys.action(for: .character("?"), textFieldFocused: false) == .help)
        #expect(GlobalKeys.action(for: .character("?"), textFieldFocused: true) == nil)
        #expect(GlobalKeys.action(for: .ctrlS, textFieldFocused: true) == .save)
        #expect(GlobalKeys.action(for: .ctrlC, textFieldFocused: true) == .quit)
        #expect(GlobalKeys.action(for: .ctrlL, textFieldFocused: false) == .redraw)
    }
}

@Suite struct TerminalCheckTests {
    @Test func refusesWhatCannotWork() {
        let ok = ["TERM": "xterm"]
        #expect(TerminalCheck.problem(environment: ok, stdinIsTerminal: true, stdoutIsTerminal: true) == nil)
        let notIn = TerminalCheck.problem(environment: ok, stdinIsTerminal: false, stdoutIsTerminal: true)
        #expect(notIn?.contains("standard input is not a terminal") == true)
        #expect(notIn?.contains("ovirt-wizard plain") == true)
        #expect(TerminalCheck.problem(environment: ok, stdinIsTerminal: true, stdoutIsTerminal: false)?.contains("standard output") == true)
        #expect(TerminalCheck.problem(environment: ["TERM": "dumb"], stdinIsTerminal: true, stdoutIsTerminal: true)?.contains("TERM=dumb") == true)
        #expect(TerminalCheck.problem(environment: [:], stdinIsTerminal: true, stdoutIsTerminal: true)?.contains("TERM is not set") == true)
    }
    @Test func noColorTurnsColoursOff() {
        #expect(TerminalCheck.colorsWanted(environment: [:]))
        #expect(TerminalCheck.colorsWanted(environment: ["NO_COLOR": ""]))
        #expect(!TerminalCheck.colorsWanted(environment: ["NO_COLOR": "1"]))
    }
}
