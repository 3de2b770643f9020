/// The environment otopi ends up with after reading answer files, with where each value came from.
///
/// Several files are read into one configparser in order, so for the same section and key a later file
/// replaces an earlier one; then the sections apply by precedence: `enforce` > `override` > `init` > `default`.
/// (`[DEFAULT]` entries are seen in every section present, as configparser's `items()` shows them.)
public struct OtopiEnvironment: Sendable, Equatable {
    public struct Origin: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var section: EnvironmentSection
        public var description: String { "\(path):\(line)" }
    }

    public struct Item: Sendable, Equatable {
        public var value: OtopiValue
        public var origin: Origin
        /// The text after `=` as written (`bool:no`), for spotting spellings otopi reads differently than meant.
        public var raw: String
    }

    public private(set) var items: [String: Item] = [:]

    public init() {}

    public init(files: [AnswerFile]) {
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

    public subscript(key: String) -> Item? { items[key] }

    /// The keys otopi treats as answered: present with a value other than `none`.
    public var answeredKeys: Set<String> {
        Set(items.filter { !$0.value.value.isNone }.keys)
    }
}
