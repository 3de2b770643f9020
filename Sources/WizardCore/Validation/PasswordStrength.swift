/// A weak-password check in the spirit of cracklib's `FascistCheck`, which engine-setup 3.4 calls:
/// the same rules and messages, except the dictionary, of which only a short list of common words is kept.
package enum PasswordStrength {
    static let commonWords: Set<String> = [
        "password", "passw0rd", "admin", "administrator", "root", "ovirt", "redhat", "centos", "engine", "qwerty",
        "letmein", "welcome", "changeme", "secret", "abc123", "iloveyou", "monkey", "dragon", "master", "123456",
    ]

    /// Why the password is weak, in cracklib's words; nil when it passes.
    package static func weakness(of password: String) -> String? {
        let scalars = Array(password.unicodeScalars)
        if scalars.count < 4 { return "it is WAY too short" }
        if scalars.count < 6 { return "it is too short" }
        if Set(scalars).count < 5 { return "it does not contain enough DIFFERENT characters" }
        if scalars.allSatisfy({ $0.properties.isWhitespace }) { return "it is all whitespace" }
        // A run such as "abcdef" or "987654": most neighbours one apart.
        var steps = 0
        for i in 1..<scalars.count {
            let d = Int(scalars[i].value) - Int(scalars[i - 1].value)
            if abs(d) == 1 { steps += 1 }
        }
        if steps * 2 > scalars.count { return "it is too simplistic/systematic" }
        let lowered = password.lowercased()
        let stripped = String(lowered.drop { $0.isNumber }.reversed().drop { $0.isNumber || $0.isPunctuation || $0.isSymbol }.reversed())
        if commonWords.contains(lowered) || commonWords.contains(stripped) || commonWords.contains(String(lowered.reversed())) {
            return "it is based on a dictionary word"
        }
        return nil
    }
}
