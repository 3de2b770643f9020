import OtopiKit

/// The engine VM of a hosted engine (oVirt 3.4), when the wizard sets up the engine inside it: whether it does,
/// how it reaches the VM over SSH, and the engine-setup answer file the VM receives, made from the hosted-engine
/// answers (the imported engine-setup questions, the engine FQDN and admin password). The only parser of the
/// `OVIRT_WIZARD/engineVM*` keys. Pure: no I/O.
package struct HostedEngineEngineVM: Sendable {
    package static let engineVMKey = "OVIRT_WIZARD/engineVM"
    package static let addressKey = "OVIRT_WIZARD/engineVMAddress"
    package static let userKey = "OVIRT_WIZARD/engineVMSshUser"
    package static let portKey = "OVIRT_WIZARD/engineVMSshPort"
    package static let identityKey = "OVIRT_WIZARD/engineVMSshIdentity"
    package static let keys = [engineVMKey, addressKey, userKey, portKey, identityKey]
    /// hosted-engine's engine FQDN: the VM's name and, by default, its SSH address.
    package static let fqdnKey = "OVEHOSTED_NETWORK/fqdn"
    /// The tool run in the VM.
    package static let engineTool = "engine-setup"

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var message: String
        package var description: String { "\(key): \(message)" }
    }

    /// How the wizard logs in to the VM (as root: the VM is the wizard's to set up).
    package var login: TargetLogin
    /// The engine-setup questions hosted-engine imports, and how its answers become engine-setup's.
    package var engineSetup: FlowImport
    /// The VM's engine-setup answers (its own keys, the login keys the planner reads, the flow it names).
    package var values: [String: OtopiValue]

    /// The VM's name in plans, journals and panes: its SSH address.
    package var name: String { login.host ?? "" }

    /// Nil when the wizard does not set up the engine: the answer is No or absent (a file written before the
    /// question existed, or an offline session), or `flow` imports no engine-setup questions.
    /// `firstLogin`: the first host's login, whose key the VM's login uses when it names none.
    package init?(flow: Flow, value: (String) -> OtopiValue?, firstLogin: TargetLogin) throws(Problem) {
        guard let engineSetup = flow.imports.first(where: { $0.flow.tool == Self.engineTool }) else { return nil }
        switch value(Self.engineVMKey) {
        case nil, .none?, .bool(false)?: return nil
        case .bool(true)?: break
        case let other?: throw Problem(key: Self.engineVMKey, message: "\(other.typeName):\(other.displayText) is not a yes/no answer (use bool:True or bool:False)")
        }
        func text(_ key: String) throws(Problem) -> String? {
            switch value(key) {
            case nil, .none?: return nil
            case .string(let s)?: return s.isEmpty ? nil : s
            case .int(let i)?: return String(i)
            case let other?: throw Problem(key: key, message: "\(other.typeName):\(other.displayText) is not a text (use str:)")
            }
        }
        let given = try text(Self.addressKey)
        let fqdn = try text(Self.fqdnKey)
        guard let address = given ?? fqdn else {
            throw Problem(key: Self.addressKey, message: "missing, and \(Self.fqdnKey) (its default) is missing too: the wizard cannot reach the engine VM")
        }
        let user = try text(Self.userKey)
        let identity = try text(Self.identityKey)
        var login = TargetLogin(host: address, user: user ?? "root", port: 22, identity: identity ?? firstLogin.identity)
        if let port = try text(Self.portKey) {
            guard let n = Int(port), (1...65535).contains(n) else { throw Problem(key: Self.portKey, message: "\(port) is not a port number (1-65535)") }
            login.port = n
        }
        if login.user != "root" {
            throw Problem(key: Self.userKey, message: "\(login.user!): engine-setup runs as root, and the wizard logs in to the engine VM as root only")
        }
        for (theirs, ours) in engineSetup.sameAs where value(ours)?.isNone ?? true {
            throw Problem(key: ours, message: "missing: the engine VM's \(theirs) is taken from it")
        }
        self.login = login
        self.engineSetup = engineSetup
        var values = engineSetup.values(value)
        values[AnswerFileContract.flowKey] = .string(engineSetup.flow.id)
        values[AnswerFileContract.flowVersionKey] = .string(engineSetup.flow.version)
        values[TargetLogin.hostKey] = .string(address)
        values[TargetLogin.userKey] = .string("root")
        values[TargetLogin.portKey] = .int(login.port ?? 22)
        if let identity = login.identity { values[TargetLogin.identityKey] = .string(identity) }
        self.values = values
    }

    /// What engine-setup in the VM receives, and the same with its secrets masked.
    package func answerFile(source: String) throws(AnswerFileWriter.Unrepresentable) -> HostAnswerFile {
        try AnswerFileContract.renderForHost(AnswerFileKind(flow: engineSetup.flow), sections: [.default: values], source: source, host: name)
    }
}
