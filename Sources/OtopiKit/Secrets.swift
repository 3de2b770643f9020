/// How secrets look wherever they are shown: answer previews, prompts echoed back, host output, plans.
package enum Secrets {
    /// The one mask shown instead of any secret, whatever its length.
    package static let mask = "********"

    /// For keys no flow describes (files that name no flow, keys a flow does not ask): judged by their name.
    package static func looksSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        // `pwd`: hosted-engine's cloudinitRootPwd, which a file naming no flow (oVirt's system tests) holds in clear.
        return k.contains("password") || k.contains("passwd") || k.hasSuffix("pwd") || k.hasSuffix("/secret") || k.contains("privatekey")
    }
}
