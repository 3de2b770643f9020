import Foundation
import OtopiKit

/// An answer file put together while the plan runs: the answer file another host's tool generated (fetched to
/// this machine by that host's `fetch-results` step), with the wizard's own lines over it. hosted-engine 3.4's
/// additional hosts need the first host's `answers.conf` (the storage, VM and CPU answers, and the UUIDs that
/// host generated); the wizard fetches it over its own SSH connection instead of letting the tool scp it.
package struct ComposedAnswerFile: Sendable {
    /// The host whose generated answer file is the base, and the step that fetched it.
    package var baseHost: String
    package var baseStep: String
    /// Lines set over the base (a key of the base that is also here takes this value).
    package var additions: [String: OtopiValue]
    /// Added when this host's `runStep` was started in an earlier run: the tool then finds its own Host ID in
    /// the storage's metadata and would ask whether this is a re-deployment.
    package var onReDeployment: [String: OtopiValue]
    package var runStep: String
    /// The comment at the top of the file.
    package var comment: String
    /// The additions as shown (secrets masked), for plans, the journal's digest and the preview.
    package var shown: String

    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// The file's text from the base file's content. Only the base's `[environment:default]` values are taken
    /// (hosted-engine writes no other section).
    package func text(base: Data, basePath: String, reDeploying: Bool) throws -> String {
        let file: AnswerFile
        do {
            file = try AnswerFile.parse(data: base, path: basePath)
        } catch {
            throw Problem(description: "the answer file \(baseHost) generated (\(basePath)) cannot be read: \(error)")
        }
        var values: [String: OtopiValue] = [:]
        for entry in file.values(in: .default) { values[entry.key] = entry.value }
        guard !values.isEmpty else {
            throw Problem(description: "the answer file \(baseHost) generated (\(basePath)) holds no answers")
        }
        for (key, value) in additions { values[key] = value }
        if reDeploying { for (key, value) in onReDeployment { values[key] = value } }
        do {
            return try AnswerFileWriter.render(values, comments: [comment])
        } catch {
            throw Problem(description: "the answer file for \(runStep) cannot be written: \(error)")
        }
    }
}
