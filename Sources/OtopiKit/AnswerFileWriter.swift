import Foundation

/// Writes answer files the way the writer checklist of the reference demands: `[environment:default]`
/// first, keys sorted, one per line, `bool:True`/`bool:False`, `none:None`, `multi-str` continuation lines
/// indented by one space. A value that otopi could not read back exactly is refused, never silently changed; that
/// includes otopi 1.2's Python 2 reader (`LegacyConfigParserRules`: ` ;` comments, `%(` interpolation).
package enum AnswerFileWriter {
    package struct Unrepresentable: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var reason: String
        package var description: String { "\(key): \(reason)" }
    }

    /// Renders sections (environment section → key → value); empty sections are left out.
    package static func render(_ sections: [EnvironmentSection: [String: OtopiValue]],
                              comments: [String] = []) throws(Unrepresentable) -> String {
        var out = ""
        for comment in comments {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? "#\n" : "# \(line)\n"
            }
        }
        for section in EnvironmentSection.allCases {
            guard let values = sections[section], !values.isEmpty || section == .default else { continue }
            out += "[\(section.sectionName)]\n"
            for key in values.keys.sorted(by: codePointOrder) {
                out += try line(key: key, value: values[key]!)
            }
        }
        return out
    }

    /// Renders one `[environment:default]` section.
    package static func render(_ values: [String: OtopiValue], comments: [String] = []) throws(Unrepresentable) -> String {
        try render([.default: values], comments: comments)
    }

    /// Sorts as Python sorts `str`: by Unicode code point.
    package static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    /// Why `value` cannot be written so that otopi reads it back unchanged; nil when it can.
    package static func problem(with value: OtopiValue) -> String? {
        do {
            _ = try line(key: "K", value: value)
            return nil
        } catch {
            return error.reason
        }
    }

    static func line(key: String, value: OtopiValue) throws(Unrepresentable) -> String {
        let text = try valueLine(key: key, value: value)
        // The value part is what otopi 1.2's Python 2 reader sees after `=`.
        if let misreading = LegacyConfigParserRules.misreading(of: String(text.dropFirst(key.count + 1).dropLast())) {
            throw Unrepresentable(key: key, reason: misreading.description)
        }
        return text
    }

    static func valueLine(key: String, value: OtopiValue) throws(Unrepresentable) -> String {
        try check(key: key)
        switch value {
        case .string(let s):
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try checkLines(lines, key: key, what: "the text")
            return "\(key)=str:\(lines.joined(separator: "\n "))\n"
        case .bool(let b):
            return "\(key)=bool:\(b ? "True" : "False")\n"
        case .int(let i):
            return "\(key)=int:\(i)\n"
        case .none:
            return "\(key)=none:None\n"
        case .multiString(let items):
            if items.isEmpty { return "\(key)=multi-str:\n" }
            if items == [""] {
                throw Unrepresentable(key: key, reason: "a list holding one empty line cannot be written (otopi reads it back as an empty list)")
            }
            for item in items where OtopiValue.pythonSplitLines(item + "x").count != 1 {
                throw Unrepresentable(key: key, reason: "a multi-str item may not contain a line break")
            }
            try checkLines(items, key: key, what: "the list")
            return "\(key)=multi-str:\(items.joined(separator: "\n "))\n"
        }
    }

    static func check(key: String) throws(Unrepresentable) {
        if key.isEmpty { throw Unrepresentable(key: "(empty)", reason: "an empty key cannot be written") }
        if key.contains("=") || key.contains(":") {
            throw Unrepresentable(key: key, reason: "a key may not contain '=' or ':' (configparser ends the key there)")
        }
        if key.unicodeScalars.contains(where: { $0.isPythonWhitespace || $0.properties.generalCategory == .control }) {
            throw Unrepresentable(key: key, reason: "a key may not contain white space or control characters")
        }
        if let first = key.first, "#;[".contains(first) {
            throw Unrepresentable(key: key, reason: "a key may not start with '#', ';' or '['")
        }
    }

    /// Lines of a value must come back unchanged: configparser strips each line and drops comment lines.
    static func checkLines(_ lines: [String], key: String, what: String) throws(Unrepresentable) {
        for (i, line) in lines.enumerated() {
            if line.unicodeScalars.contains(where: { $0 != "\t" && ($0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}") }) {
                throw Unrepresentable(key: key, reason: "\(what) contains a control character, which an answer file cannot hold")
            }
            if let last = line.unicodeScalars.last, last.isPythonWhitespace {
                throw Unrepresentable(key: key, reason: "\(what) ends a line with white space, which otopi strips")
            }
            if i > 0 {
                if let first = line.unicodeScalars.first, first.isPythonWhitespace {
                    throw Unrepresentable(key: key, reason: "\(what) starts a continuation line with white space, which otopi strips")
                }
                let stripped = line.trimmingPythonWhitespace()
                if stripped.hasPrefix("#") || stripped.hasPrefix(";") {
                    throw Unrepresentable(key: key, reason: "\(what) has a line starting with '#' or ';', which otopi reads as a comment")
                }
                if stripped.isEmpty && i == lines.count - 1 {
                    throw Unrepresentable(key: key, reason: "\(what) ends with an empty line, which otopi drops")
                }
            }
        }
    }
}

/// Writes files the way every file of the wizard is written: a temporary file beside the target,
/// mode 0600, fsync, rename over the target, fsync of the directory. A reader sees the old file or the new one.
package enum AtomicFile {
    package struct WriteError: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var reason: String
        package var description: String { "\(path): cannot write: \(reason)" }
    }

    package static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array((directory + "/.\(url.lastPathComponent).tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            if !committed { unlink(tempPath) }
        }
        func fail(_ what: String) -> WriteError {
            WriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        if fchmod(fd, mode) != 0 { let e = fail("chmod"); close(fd); throw e }
        var offset = 0
        let ok = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        if !ok { let e = fail("write"); close(fd); throw e }
        if fsync(fd) != 0 { let e = fail("fsync"); close(fd); throw e }
        if close(fd) != 0 { throw fail("close") }
        if rename(tempPath, path) != 0 { throw fail("rename") }
        committed = true
        let dfd = open(directory, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    package static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        try write(Data(text.utf8), to: path, mode: mode)
    }
}
