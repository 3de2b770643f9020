import Foundation

/// One otopi answer (or configuration) file, parsed with the rules of Python's `configparser`
/// as otopi sets it up: `=` or `:` between key and value, `#`/`;` comment lines, case-sensitive keys,
/// continuation lines that are indented deeper than their key line, no interpolation (otopi ≥ 1.9.2),
/// and strict mode (a section or key repeated inside one file is an error).
///
/// Every line number is kept, so that errors and provenance can name `FILE:LINE`.
package struct AnswerFile: Sendable, Equatable {
    /// The name used in messages (a path, or `<stdin>`).
    package var path: String
    package var sections: [Section]

    package struct Section: Sendable, Equatable {
        package var name: String
        package var line: Int
        package var entries: [Entry]

        /// The otopi environment section this is, if it is one otopi reads.
        package var environmentSection: EnvironmentSection? { EnvironmentSection(sectionName: name) }

        package func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }
    }

    package struct Entry: Sendable, Equatable {
        package var key: String
        /// The value text after `=`, continuation lines joined with `\n`, as configparser hands it to otopi.
        package var rawValue: String
        /// The typed value; nil in sections otopi does not read (their values need no type).
        package var value: OtopiValue?
        /// The line of the key.
        package var line: Int
    }

    package init(path: String, sections: [Section]) {
        self.path = path
        self.sections = sections
    }

    package func section(_ section: EnvironmentSection) -> Section? {
        sections.first { $0.name == section.sectionName }
    }

    /// The values of one environment section, in file order.
    package func values(in section: EnvironmentSection) -> [(key: String, value: OtopiValue, line: Int)] {
        (self.section(section)?.entries ?? []).compactMap { e in e.value.map { (e.key, $0, e.line) } }
    }
}

/// The four sections otopi reads, in the order it applies them.
package enum EnvironmentSection: String, CaseIterable, Sendable, Comparable {
    /// `setdefault` at init: beats plugin defaults, not the command line.
    case `default`
    /// `[environment:init]`, applied right after `default`: beats the command line too.
    case initial = "init"
    /// At the start of customization: beats what setup detected.
    case override
    /// At the end of customization: beats even answers typed at the prompt.
    case enforce

    package var sectionName: String { "environment:\(rawValue)" }

    package init?(sectionName: String) {
        guard sectionName.hasPrefix("environment:") else { return nil }
        self.init(rawValue: String(sectionName.dropFirst("environment:".count)))
    }

    var rank: Int { EnvironmentSection.allCases.firstIndex(of: self)! }
    package static func < (a: EnvironmentSection, b: EnvironmentSection) -> Bool { a.rank < b.rank }
}

/// What went wrong reading an answer file; each problem names the file and line.
package struct AnswerFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var path: String
        /// 1-based; 0 when the problem concerns the whole file (it cannot be read, say).
        package var line: Int
        package var message: String
        package var description: String { "\(path):\(line): \(message)" }
    }

    package var problems: [Problem]

    package init(_ problems: [Problem]) { self.problems = problems }
    package init(path: String, line: Int, _ message: String) {
        self.problems = [Problem(path: path, line: line, message: message)]
    }

    package var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension AnswerFile {
    /// Longest line accepted. otopi has no limit, but no real answer file comes near it, and refusing
    /// keeps a stray binary or log file from being taken for answers.
    package static let maximumLineLength = 64 * 1024
    /// Largest file accepted, for the same reason.
    package static let maximumFileSize = 32 * 1024 * 1024
    /// Parsing stops after this many problems.
    static let maximumProblems = 20

    /// Reads and parses a file. Every failure is an `AnswerFileError` naming `path:line`.
    package static func load(path: String) throws(AnswerFileError) -> AnswerFile {
        let data: Data
        do {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw AnswerFileError(path: path, line: 0, "is a directory, not an answer file")
            }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch let error as AnswerFileError {
            throw error
        } catch {
            throw AnswerFileError(path: path, line: 0, "cannot read the file: \(describe(error))")
        }
        if data.count > maximumFileSize {
            throw AnswerFileError(path: path, line: 0,
                                  "the file is larger than \(maximumFileSize / 1024 / 1024) MiB; an answer file is a few KiB of text")
        }
        return try parse(data: data, path: path)
    }

    /// Parses raw bytes (UTF-8, as otopi ≥ 1.9 reads them).
    package static func parse(data: Data, path: String) throws(AnswerFileError) -> AnswerFile {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw AnswerFileError(path: path, line: 1,
                                  "the file starts with a UTF-8 byte-order mark, which otopi cannot read; save it without one")
        }
        guard let text = String(validatingUTF8Data: data) else {
            let (line, column, byte) = firstInvalidUTF8(data)
            throw AnswerFileError(path: path, line: line,
                                  String(format: "not UTF-8 text (byte 0x%02X at column %d); is this an answer file?", byte, column))
        }
        return try parse(text: text, path: path)
    }

    /// Parses text with configparser's rules, then types every value of the environment sections.
    package static func parse(text: String, path: String) throws(AnswerFileError) -> AnswerFile {
        var problems: [AnswerFileError.Problem] = []
        func problem(_ line: Int, _ message: String) {
            if problems.count < maximumProblems {
                problems.append(.init(path: path, line: line, message: message))
            }
        }

        var sections: [Section] = []
        var current: Int? = nil            // index into sections
        var currentEntry: Int? = nil       // index into sections[current].entries
        var continuation: [String] = []    // pending continuation lines of currentEntry
        var indentLevel = 0
        var keysSeen: [Int: [String: Int]] = [:]  // section index → key → its line (names may hold any character)
        var sectionIndex: [String: Int] = [:]  // name → index into sections; a linear search is quadratic in headers

        func flush() {
            guard let s = current, let e = currentEntry else { return }
            if !continuation.isEmpty {
                var joined = ([sections[s].entries[e].rawValue] + continuation).joined(separator: "\n")
                while let last = joined.unicodeScalars.last, last.isPythonWhitespace {
                    joined.unicodeScalars.removeLast()
                }
                sections[s].entries[e].rawValue = joined
            }
            continuation = []
        }

        for (index, line) in universalLines(text).enumerated() {
            let lineNumber = index + 1
            if problems.count >= maximumProblems { break }
            if line.utf8.count > maximumLineLength {
                problem(lineNumber, "line is \(line.utf8.count) bytes long; the limit is \(maximumLineLength)")
                continue
            }
            let stripped = line.trimmingPythonWhitespace()
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") {
                continue
            }
            if stripped.isEmpty {
                // configparser keeps empty lines inside a value (empty_lines_in_values)
                if currentEntry != nil { continuation.append("") }
                continue
            }
            let indent = line.unicodeScalars.prefix { $0.isPythonWhitespace }.count
            if currentEntry != nil, indent > indentLevel {
                continuation.append(stripped)
                continue
            }
            indentLevel = indent
            flush()
            if let header = sectionHeader(stripped) {
                currentEntry = nil
                if let existing = sectionIndex[header] {
                    problem(lineNumber, "section [\(header)] appears again (first at line \(sections[existing].line)); merge the two")
                    current = existing
                } else {
                    sections.append(Section(name: header, line: lineNumber, entries: []))
                    current = sections.count - 1
                    sectionIndex[header] = sections.count - 1
                }
                continue
            }
            guard let s = current else {
                problem(lineNumber, "a key before any section header; the file must start with [environment:default]")
                // Everything after this is unreadable too; say it once.
                break
            }
            guard let (key, value) = optionLine(stripped) else {
                problem(lineNumber, "expected KEY=type:value, a [section] header or a # comment, found '\(excerpt(stripped))'")
                currentEntry = nil
                continue
            }
            if key.isEmpty {
                problem(lineNumber, "a value without a key: '\(excerpt(stripped))'")
                currentEntry = nil
                continue
            }
            if let first = keysSeen[s]?[key] {
                problem(lineNumber, "duplicate key \(key) in [\(sections[s].name)] (first at line \(first)); otopi refuses the file")
                currentEntry = nil
                continue
            }
            keysSeen[s, default: [:]][key] = lineNumber
            sections[s].entries.append(Entry(key: key, rawValue: value, value: nil, line: lineNumber))
            currentEntry = sections[s].entries.count - 1
        }
        flush()

        // Type every value in the sections otopi reads, as its config plugin does.
        for s in sections.indices where sections[s].environmentSection != nil || sections[s].name == "DEFAULT" {
            for e in sections[s].entries.indices {
                let entry = sections[s].entries[e]
                do {
                    sections[s].entries[e].value = try OtopiValue.parse(entry.rawValue)
                } catch {
                    problem(entry.line, "\(entry.key): \(error)")
                }
            }
        }
        if !problems.isEmpty { throw AnswerFileError(problems) }
        return AnswerFile(path: path, sections: sections)
    }

    /// configparser's SECTCRE `\[(?P<header>.+)\]`, matched at the start of the stripped line.
    static func sectionHeader(_ stripped: String) -> String? {
        guard stripped.hasPrefix("["), let close = stripped.lastIndex(of: "]") else { return nil }
        let header = stripped[stripped.index(after: stripped.startIndex)..<close]
        // `.` does not match a line break; there are none in a single line.
        return header.isEmpty ? nil : String(header)
    }

    /// configparser's OPTCRE `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the key ends at the first `=` or `:`.
    static func optionLine(_ stripped: String) -> (String, String)? {
        guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        let key = String(stripped[..<delimiter]).trimmingPythonWhitespace()
        let value = String(stripped[stripped.index(after: delimiter)...]).trimmingPythonWhitespace()
        return (key, value)
    }

    /// Lines as Python's universal-newline text mode yields them: split at `\r\n`, `\r` or `\n`.
    static func universalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { lines.append(String(current)); current = .init() }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append(String(current)); current = .init()
                previousWasCR = true
            } else {
                current.append(scalar)
                previousWasCR = false
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    static func excerpt(_ text: String, limit: Int = 60) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
        return printable.count > limit ? String(printable.prefix(limit)) + "…" : printable
    }

    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int, byte: UInt8) {
        var line = 1, lineStart = 0
        var i = 0
        let bytes = [UInt8](data)
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, i - lineStart + 1, b)
            }
            if length > 1 {
                let end = i + length
                if end > bytes.count { return (line, i - lineStart + 1, b) }
                let sequence = Data(bytes[i..<end])
                if String(data: sequence, encoding: .utf8) == nil { return (line, i - lineStart + 1, b) }
            }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += length
        }
        return (line, 1, 0)
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError: return "No such file or directory"
            case NSFileReadNoPermissionError: return "Permission denied"
            default: break
            }
        }
        return ns.localizedDescription
    }
}

extension String {
    /// Strict UTF-8 decoding: nil for any invalid sequence (Foundation's initializer may repair).
    init?(validatingUTF8Data data: Data) {
        var text = ""
        var decoder = UTF8()
        var iterator = data.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): text.unicodeScalars.append(s)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = text
    }
}

extension AnswerFile {
    /// The typed values of each environment section, for writing the file back (`AnswerFileWriter.render`).
    /// Comments, order and other sections are not kept: otopi does not read them.
    package var environmentValues: [EnvironmentSection: [String: OtopiValue]] {
        var out: [EnvironmentSection: [String: OtopiValue]] = [:]
        for section in sections {
            guard let env = section.environmentSection else { continue }
            for entry in section.entries {
                if let value = entry.value { out[env, default: [:]][entry.key] = value }
            }
        }
        return out
    }
}
