import OtopiKit

extension ComposedAnswerFile {
    /// The parts `text(base:basePath:reDeploying:)` writes, for a composer that runs elsewhere (the Ansible export
    /// puts the file together on its controller): the comment and section header that open the file, and each
    /// added line as the writer renders it (without its final newline), by key. The base's own lines are taken
    /// as they are and sorted with these by key, as the writer sorts.
    package struct Lines: Sendable {
        /// The comment lines and `[environment:default]`, each ending in a newline.
        package var header: String
        package var additions: [String: String]
        package var onReDeployment: [String: String]
    }

    package func lines() throws -> Lines {
        func rendered(_ values: [String: OtopiValue]) throws -> [String: String] {
            var out: [String: String] = [:]
            for (key, value) in values {
                let text: String
                do {
                    text = try AnswerFileWriter.render([key: value])
                } catch {
                    throw Problem(description: "the answer file for \(runStep) cannot be written: \(error)")
                }
                // One section header, then the one line (a multi-line string keeps its continuation lines).
                var line = String(text.dropFirst("[\(EnvironmentSection.default.sectionName)]\n".count))
                if line.hasSuffix("\n") { line.removeLast() }
                out[key] = line
            }
            return out
        }
        let header: String
        do {
            header = try AnswerFileWriter.render([String: OtopiValue](), comments: [comment])
        } catch {
            throw Problem(description: "the answer file for \(runStep) cannot be written: \(error)")
        }
        return Lines(header: header, additions: try rendered(additions), onReDeployment: try rendered(onReDeployment))
    }
}
