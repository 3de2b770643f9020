import ArgumentParser
import Foundation
import OtopiKit
import WizardCore

struct AnswersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers", abstract: "Check or show otopi answer files.",
        subcommands: [Check.self, Show.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a file answers every question of a flow.",
            discussion: """
                Exit 0 when every question that applies is answered validly; 1 with one line `KEY: reason` per \
                missing or invalid answer; 2 with `FILE:LINE: message` when the file cannot be read or parsed. \
                Questions that depend on the host are decided with the flow's seed environment. The wizard's own \
                target-host questions are checked only when the file answers one of them.
                """)

        @Option(help: "The flow to check against (engine-setup, hosted-engine).") var flow: String
        @Flag(name: .customLong("accept-defaults"),
              help: "Read the file as the tool run with --accept-defaults does (also when the file sets DIALOG/autoAcceptDefault=bool:True): a question with a default takes it.")
        var acceptDefaults = false
        @Argument(help: "The answer file.") var file: String
        @OptionGroup var screens: ScreensOptions

        /// What `--accept-defaults` sets (otopi's human dialog answers each question that has a default with it).
        static let autoAcceptKey = "DIALOG/autoAcceptDefault"

        /// Whether the tool's default is read from the host it runs on (its name, its interfaces).
        static func defaultComesFromTheHost(_ question: Question) -> Bool {
            switch question.defaultValue {
            case .fact?, .factOrHostName?: return true
            default: return false
            }
        }

        func run() throws {
            try runReportingErrors {
                let flow = try screens.flow(named: flow)
                let answerFile = try loadAnswerFiles([file])
                // QUESTION/<n>/<name> answers (what 4.3+ engine-setup writes) count as the keys they set.
                // Old spellings the tool still reads (hosted-engine 4.5: domainType=nfs3) count as what it makes of them.
                let environment = OtopiLegacyValues.translate(
                    OtopiQuestionAnswers.translate(OtopiEnvironment(files: answerFile), flow: flow), flow: flow)
                let autoAccept = acceptDefaults || environment[Self.autoAcceptKey]?.value == .bool(true)
                if let named = environment[AnswerFileContract.flowKey]?.value.displayText, named != flow.id {
                    printError("warning: \(file) names the flow '\(named)'; checked against \(flow.id) \(flow.version) as asked")
                }
                let targetKeys = Set(flow.sections.filter(\.isWizard).flatMap(\.questions).map(\.key))
                let namesTarget = environment.items.keys.contains(where: targetKeys.contains)
                var session = FlowSession(flow: flow, offline: !namesTarget, randomSeed: 0)
                session.load(environment)
                var problems: [String] = []
                var hostDefaults = Set<String>()
                var aborts: [String: String] = [:]
                if autoAccept {
                    // otopi answers every question that has a default with it, in the dialog's order: a default may
                    // bring the questions that depend on it, so the walk starts again after each one.
                    var tried = Set<String>()
                    while let question = session.activeQuestions.first(where: { !session.answers.isAnswered($0.key) && !tried.contains($0.key) }) {
                        tried.insert(question.key)
                        guard question.kind != .password, session.rejection(for: question) == nil else { continue }
                        guard let proposed = session.defaultAnswer(for: question) ?? (question.allowEmpty ? ("", .default) : nil) else {
                            if Self.defaultComesFromTheHost(question) {
                                hostDefaults.insert(question.key)
                                printError("note: \(question.key): not in the file; the tool takes its default from the host (\(question.label)), which this check does not read")
                            }
                            continue
                        }
                        var exchange = session.exchange(for: question)
                        switch exchange.submit("", checker: OfflineChecker(reason: "answers check"), answers: session.answers) {
                        case .accepted(_, let values, _):
                            session.accept(values)
                            printError("note: \(question.key): not in the file; the tool takes its default (\(question.label): \(proposed.text.isEmpty ? "empty" : proposed.text))")
                        case .abort(_, let why):
                            aborts[question.key] = "its default (\(proposed.text)) ends the run: \(why); answer it in the file"
                        case .ask:
                            break
                        }
                    }
                }
                for question in session.activeQuestions where !session.answers.isAnswered(question.key) && !hostDefaults.contains(question.key) {
                    if let abort = aborts[question.key] {
                        problems.append("\(question.key): \(abort)")
                        continue
                    }
                    if let rejected = session.rejection(for: question) {
                        problems.append("\(question.key): \(rejected.reason) (\(rejected.origin))")
                    } else if question.key == flow.preview.confirm.key {
                        problems.append("\(question.key): missing (\(flow.tool) will stop at the preview to ask for confirmation)")
                    } else {
                        problems.append("\(question.key): missing (\(flow.tool) will ask: \(question.label))")
                    }
                }
                // Keys no question asks are still read by otopi 1.2: a value it would read differently is a problem too.
                let asked = Set(flow.questions.map(\.key))
                for key in environment.items.keys.sorted(by: AnswerFileWriter.codePointOrder) where !asked.contains(key) {
                    let item = environment[key]!
                    if let misreading = LegacyConfigParserRules.misreading(of: item.raw) {
                        problems.append("\(key): \(misreading) (\(item.origin))")
                    }
                }
                for warning in session.loadWarnings { printError("warning: \(warning)") }
                for line in problems { print(line) }
                if problems.isEmpty {
                    let count = session.activeQuestions.count
                    printError("\(file): answers all \(count) questions of \(flow.id) \(flow.version) that apply (host facts: \(session.facts.description))")
                    return 0
                }
                return 1
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the typed values of answer files (passwords masked).",
            discussion: "Several files are merged as otopi merges them: a later file wins, and [environment:enforce] > override > init > default.")

        @Flag(help: "Print JSON.") var json = false
        @Argument(help: "Answer files, in the order the tool would read them.") var files: [String]
        @OptionGroup var screens: ScreensOptions

        func run() throws {
            try runReportingErrors {
                let environment = OtopiEnvironment(files: try loadAnswerFiles(files))
                // The flow the files name decides which keys are secret; files naming none are judged by key names.
                let flow = (try? screens.catalog()).flatMap { try? AnswerFileContract.flow(of: environment, in: $0) }
                let isSecret = { (key: String) in AnswerFileContract.isSecret(key, flow: flow) }
                let keys = environment.items.keys.sorted(by: AnswerFileWriter.codePointOrder)
                if json {
                    var values: [String: Any] = [:]
                    for key in keys {
                        let item = environment[key]!
                        values[key] = [
                            "type": item.value.typeName,
                            "value": jsonValue(item.value, secret: isSecret(key)),
                            "file": item.origin.path, "line": item.origin.line,
                            "section": item.origin.section.sectionName,
                        ] as [String: Any]
                    }
                    let data = try JSONSerialization.data(withJSONObject: ["values": values],
                                                          options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    let width = min(keys.map(\.count).max() ?? 0, 56)
                    for key in keys {
                        let item = environment[key]!
                        let secret = isSecret(key) && !item.value.isNone
                        let text = secret ? Secrets.mask : item.value.displayText.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 12))
                        print("\(key.padding(width))  \(item.value.typeName.padding(9)) \(text)    (\(item.origin))")
                    }
                }
                return 0
            }
        }

        func jsonValue(_ value: OtopiValue, secret: Bool) -> Any {
            if secret && !value.isNone { return Secrets.mask }
            switch value {
            case .string(let s): return s
            case .bool(let b): return b
            case .int(let i): return i
            case .none: return NSNull()
            case .multiString(let items): return items
            }
        }
    }
}

/// Loads answer files, or fails with every `FILE:LINE: message` on stderr and exit code 2.
func loadAnswerFiles(_ paths: [String]) throws -> [AnswerFile] {
    var files: [AnswerFile] = []
    var problems: [String] = []
    for path in paths {
        do {
            files.append(try AnswerFile.load(path: path))
        } catch {
            problems += error.problems.map(\.description)
        }
    }
    if !problems.isEmpty {
        for p in problems.dropLast() { printError(p) }
        throw CLIError(message: problems.last!, code: .badInput, bare: true)
    }
    return files
}
