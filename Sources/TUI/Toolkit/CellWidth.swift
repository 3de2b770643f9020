import CNcursesw

/// Column widths of text as the terminal shows them, measured with the C library's `wcwidth`.
///
/// `wcwidth` answers by the `LC_CTYPE` locale, so the first use makes sure it is a UTF-8 one
/// (the same fallback the ncurses backend applies before it starts).
package enum CellWidth {
    private static let localeReady: Bool = TerminalLocale.ensureUTF8CharacterType()

    /// Width of one scalar: 0 for combining marks, 2 for wide (CJK) characters, -1 for control characters.
    package static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || v == 0x7F { return -1 }
        _ = localeReady
        return Int(shim_wcwidth(wchar_t(truncatingIfNeeded: v)))
    }

    /// Width of a grapheme cluster: its base scalar's width (1 or 2); non-printables count as 1 (shown as `?`).
    package static func of(_ character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars {
            let w = of(scalar)
            if w < 0 { return 1 }
            width += w
        }
        return min(max(width, 1), 2)
    }

    /// Whether a character can be shown as is (no control characters).
    package static func isPrintable(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { of($0) >= 0 }
    }

    /// Width of a string in terminal columns.
    package static func of(_ text: String) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }
}
