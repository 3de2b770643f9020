import Foundation

/// Quoting of argv words for a POSIX shell, used to print (and later send) remote command lines.
/// A word made only of characters no shell treats specially is left as it is; anything else is
/// wrapped in single quotes, with each embedded `'` written as `'\''`.
public enum ShellQuote {
    /// Characters that never need quoting in `sh`, `bash` or `dash`.
    static let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-".unicodeScalars)

    public static func word(_ word: String) -> String {
        if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The argv as one command line that a shell splits back into exactly these words.
    public static func line(_ argv: [String]) -> String {
        argv.map(word).joined(separator: " ")
    }
}
