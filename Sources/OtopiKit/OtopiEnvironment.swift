/// The environment otopi ends up with after reading answer files, with where each value came from.
///
/// Several files are read into one configparser in order, so for the same section and key a later file
/// replaces an earlier one; then the sections apply by precedence: `enforce` > `override` > `init` > `default`.
/// (`[DEFAULT]` entries are seen in every section present, as configparser's `items()` shows them.)
package struct OtopiEnvironment: Sendable, Equatable {
    package struct Origin: Sendable, Equatable, CustomStringConvertible {
        package var path: String
        package var line: Int
        package var section: EnvironmentSection
        package var description: String { "\(path):\(line)" }
    }

    package struct Item: Sendable, Equatable {
        package var value: OtopiValue
        package var origin: Origin
        /// The text after `=` as written (`bool:no`), for spotting spellings otopi reads differently than meant.
        package var raw: String
    }

    package private(set) var items: [String: Item] = [:]

    package init() {}

    package init(files: [AnswerFile]) {
        // One configparser: later files replace earlier ones per (section, key).
        var bySection: [EnvironmentSection: [String: Item]] = [:]
        var defaults: [String: Item] = [:]
        var present = Set<EnvironmentSection>()
        for file in files {
            for section in file.sections {
                let target: EnvironmentSection?
                if section.name == "DEFAULT" {
                    target = nil
                } else if let env = section.environmentSection {
                    target = env
                    present.insert(env)
                } else {
                    continue
                }
                for entry in section.entries {
                    guard let value = entry.value else { continue }
                    let item = Item(value: value, origin: Origin(path: file.path, line: entry.line, section: target ?? .default),
                                    raw: entry.rawValue)
                    if let target { bySection[target, default: [:]][entry.key] = item } else { defaults[entry.key] = item }
                }
            }
        }
        for section in EnvironmentSection.allCases where present.contains(section) {
            var merged = defaults.mapValues { item -> Item in
                var item = item
                item.origin.section = section
                return item
            }
            merged.merge(bySection[section] ?? [:]) { _, new in new }
            items.merge(merged) { _, new in new }
        }
    }

    package subscript(key: String) -> Item? { items[key] }

    /// An environment made by the wizard rather than read from a file (the engine VM's answers, made from the
    /// hosted-engine ones): every value in `[environment:default]`, its origin `path` with no line.
    package init(values: [String: OtopiValue], path: String) {
        for (key, value) in values {
            items[key] = Item(value: value, origin: Origin(path: path, line: 0, section: .default), raw: value.typeName + ":" + value.displayText)
        }
    }

    /// Adds an item the file answers in another form (a `QUESTION/<n>/<name>` answer read as the key it sets);
    /// a key the file sets itself is kept, as otopi takes environment keys first.
    package mutating func addIfAbsent(_ key: String, _ item: Item) {
        if items[key] == nil { items[key] = item }
    }

    /// Replaces the value of an item the file sets, keeping where it came from (an old spelling read as the
    /// value the tool makes of it).
    package mutating func replaceValue(_ key: String, with value: OtopiValue) {
        items[key]?.value = value
    }

    /// The keys otopi treats as answered: present with a value other than `none`.
    package var answeredKeys: Set<String> {
        Set(items.filter { !$0.value.value.isNone }.keys)
    }
}
