import CNcursesw

/// The process locale: ncursesw emits UTF-8 and `wcwidth` measures it only under a UTF-8 `LC_CTYPE`.
package enum TerminalLocale {
    /// Applies the environment's locale (`setlocale(LC_CTYPE, "")`); if its character set is not UTF-8
    /// (for example `LANG=C`), switches the character type to `C.UTF-8`, which glibc always has.
    /// Returns whether the character type is UTF-8 afterwards.
    @discardableResult
    package static func ensureUTF8CharacterType() -> Bool {
        setlocale(LC_CTYPE, "")
        if isUTF8 { return true }
        setlocale(LC_CTYPE, "C.UTF-8")
        return isUTF8
    }

    /// Whether the current `LC_CTYPE` encodes UTF-8.
    package static var isUTF8: Bool {
        guard let codeset = shim_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
