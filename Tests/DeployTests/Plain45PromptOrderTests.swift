import Foundation
import Testing
@testable import WizardCore

/// The 4.5 dialogs of `ovirt-wizard plain`, prompt by prompt, against the reference: engine-setup 4.5.x
/// (reference/engine-setup-otopi.md §2.2) and hosted-engine 2.7's Ansible flow (reference/hosted-engine-45.md §3).
/// The real binary runs offline (no host is contacted) with the answers a new operator types, mostly Enter. Every
/// prompt it prints is collected in order; the wizard's own (questions of `wizard: true` sections and the target
/// login, found through the flow file, and the preview confirmation of a tool that has none, which names no otopi
/// query) are left out; the rest must be the tool's prompts, in the tool's order, with the tool's text.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct Plain45PromptOrderTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let screens = repository.appendingPathComponent("Screens").path

    static let adminPassword = "Adm1n-pw-45!kq"
    static let rootPassword = "R00t-pw-45!vm"

    // MARK: - engine-setup 4.5

    /// A first install with everything proposed: local databases set up automatically, DWH, Grafana and Keycloak on.
    static let engineSetupTyped: [String] =
        Array(repeating: "", count: 8)                       // PRODUCT OPTIONS: Cinderlib No, then Engine, OVN, WSP, DWH, Keycloak, VMConsole, Grafana Yes
        + ["engine.lab.test", ""]                            // NETWORK: the engine's FQDN, firewall configured
        + Array(repeating: "", count: 6)                     // DATABASE: DWH, Keycloak, Engine: Local, Automatic
        + [adminPassword, adminPassword, "", ""]             // OVIRT ENGINE: admin password, Both, Keycloak takes it too
        + ["", "", "", ""]                                   // STORAGE, PKI, APACHE (default page, SSL)
        + ["", ""]                                           // MISC: Basic scale, Grafana takes the admin password
        + [""]                                               // the preview confirmed

    /// The prompts of engine-setup 4.5.6 for that path, in its order (the wizard's typed answers are not part of them).
    static let engineSetupExpected: [String] = [
        // reference/engine-setup-otopi.md §2.2, PRODUCT OPTIONS
        "Configure Cinderlib integration (Currently in tech preview) (Yes, No) [No]: ",
        "Configure Engine on this host (Yes, No) [Yes]: ",
        "Configure ovirt-provider-ovn (Yes, No) [Yes]: ",
        "Configure WebSocket Proxy on this host (Yes, No) [Yes]: ",
        "Configure Data Warehouse on this host (Yes, No) [Yes]: ",
        "Configure Keycloak on this host (Yes, No) [Yes]: ",
        "Configure VM Console Proxy on this host (Yes, No) [Yes]: ",
        "Configure Grafana on this host (Yes, No) [Yes]: ",
        // §2.2 PACKAGES: not asked (the wizard runs engine-setup --offline, a fresh host has nothing to update)
        // §2.2 NETWORK (firewall as §2.1 #3; #4 is not asked: firewalld is the one manager and it is active)
        "Host fully qualified DNS name of this server [{host}]: ",
        "Do you want Setup to configure the firewall? (Yes, No) [Yes]: ",
        // §2.2 DATABASE: the observed 4.5 order DWH, Keycloak, (Cinderlib: off), Engine
        "Where is the DWH database located? (Local, Remote) [Local]: ",
        "Would you like Setup to automatically configure postgresql and create DWH database, or prefer to perform that manually? (Automatic, Manual) [Automatic]: ",
        "Where is the Keycloak database located? (Local, Remote) [Local]: ",
        "Would you like Setup to automatically configure postgresql and create Keycloak database, or prefer to perform that manually? (Automatic, Manual) [Automatic]: ",
        "Where is the Engine database located? (Local, Remote) [Local]: ",
        "Would you like Setup to automatically configure postgresql and create Engine database, or prefer to perform that manually? (Automatic, Manual) [Automatic]: ",
        // §2.2 OVIRT ENGINE (no OVN credentials: Keycloak is newly enabled, so its admin credentials are used)
        "Engine admin password: ",
        "Confirm engine admin password: ",
        "Application mode (Virt, Gluster, Both) [Both]: ",
        "Use Engine admin password as initial keycloak admin password (Yes, No) [Yes]: ",
        // §2.2 STORAGE
        "Default SAN wipe after delete (Yes, No) [No]: ",
        // §2.2 PKI: the domain of the FQDN typed above
        "Organization name for certificate [lab.test]: ",
        // §2.2 APACHE (default page, then SSL; texts of §2.1 #17, #16)
        "Do you wish to set the application as the default page of the web server? (Yes, No) [Yes]: ",
        "Do you wish Setup to configure that, or prefer to perform that manually? (Automatic, Manual) [Automatic]: ",
        // §2.2 MISC
        "(1, 2)[1]: ",
        "Use Engine admin password as initial Grafana admin password (Yes, No) [Yes]: ",
        // §2.2 validation: no engine to stop on a fresh host, memory not checked offline; PREVIEW
        "Please confirm installation settings (OK, Cancel) [OK]: ",
    ]

    @Test func engineSetup45AsksTheToolsPromptsInTheToolsOrder() throws {
        try compare(flow: "engine-setup-4.5", typed: Self.engineSetupTyped, expected: Self.engineSetupExpected)
    }

    // MARK: - hosted-engine 4.5

    /// A first host with everything proposed: the engine VM on DHCP, NFS storage.
    static let hostedEngineTyped: [String] =
        ["", "yes"]                                          // proceed; go on without --4/--6
        + ["192.0.2.1", "eth0", ""]                          // HOST NETWORK: gateway and NIC (nothing probed offline), dns test
        + Array(repeating: "", count: 6)                     // VM: data center, cluster, Keycloak, appliance rpm, CPUs, memory
        + ["engine.lab.test", ""]                            // the engine VM's FQDN and domain
        + [rootPassword, rootPassword]                       // the appliance's root password
        + Array(repeating: "", count: 7)                     // no key, root access, no OpenSCAP, no FIPS, the MAC, DHCP, /etc/hosts
        + ["", "", "", "", adminPassword, adminPassword]     // HOSTED ENGINE: SMTP as proposed, the admin password
        + ["host0.lab.test"]                                 // this host on the management network
        + ["", "", "nfs.lab.test:/exports/he", "", ""]       // STORAGE: nfs, auto, the export, no options, 51 GiB
        + [""]                                               // the wizard's preview confirmed

    static let hostedEngineExpected: [String] = [
        // reference/hosted-engine-45.md §3.0 (S2, tmux, is not asked: the wizard holds the SSH channel)
        "Are you sure you want to continue? (Yes, No)[Yes]: ",
        "Do you want to continue anyway? (Yes, No)[No]: ",
        // §3.1 STORAGE CONFIGURATION: the title only
        // §3.2 HOST NETWORK CONFIGURATION
        "Please indicate the gateway IP address [{host}]: ",
        "Please indicate a nic to set ovirtmgmt bridge on ({host}) [{host}]: ",
        "Please specify which way the network connectivity should be checked (ping, dns, tcp, none) [dns]: ",
        // §3.3 VM CONFIGURATION: V1, V2, V3, V4, V5, V6, V7, V8, V9 (twice), V10, V11, V12, V14, V15, V16, V19
        "Data center [Default]: ",
        "Cluster [Default]: ",
        "Configure Keycloak integration on the engine(Yes, No) [Yes]: ",
        "Appliance image path []: ",
        "Please specify the number of virtual CPUs for the VM. The default is the appliance OVF value [4]: ",
        "Please specify the memory size of the VM in MB. The default is the appliance OVF value [16384]: ",
        "Engine VM FQDN: ",
        "Engine VM domain [lab.test]: ",
        "Enter root password that will be used for the engine appliance: ",
        "Confirm appliance root password: ",
        "SSH public key []: ",
        "Do you want to enable ssh access for the root user? (yes, no, without-password) [yes]: ",
        "Do you want to apply an OpenSCAP security profile? (Yes, No) [No]: ",
        "Do you want to enable FIPS? (Yes, No) [No]: ",
        "Please specify a unicast MAC address for the VM, or accept a randomly generated default [{mac}]: ",
        "How should the engine VM network be configured? (DHCP, Static)[DHCP]: ",
        "Add lines to /etc/hosts? (Yes, No)[Yes]: ",
        // §3.4 HOSTED ENGINE CONFIGURATION: E1–E5
        "Please provide the name of the SMTP server through which we will send notifications [localhost]: ",
        "Please provide the TCP port number of the SMTP server [25]: ",
        "Please provide the email address from which notifications will be sent [root@localhost]: ",
        "Please provide a comma-separated list of email addresses which will get notifications [root@localhost]: ",
        "Enter engine admin password: ",
        "Confirm engine admin password: ",
        // §3.5 Stage: Setup validation: H1
        "Please provide the hostname of this host on the management network [{host}]: ",
        // §3.6 Stage: Closing up, NFS: C1, C2, C3, C4, C13 (the 4.5 appliance's 51 GiB)
        "Please specify the storage you would like to use (glusterfs, iscsi, fc, nfs)[nfs]: ",
        "Please specify the nfs version you would like to use (auto, v3, v4, v4_0, v4_1, v4_2)[auto]: ",
        "Please specify the full shared storage connection path to use (example: host:/path): ",
        "If needed, specify additional mount options for the connection to the hosted-engine storagedomain (example: rsize=32768,wsize=32768) []: ",
        "Please specify the size of the VM disk in GiB: [51]: ",
        // §3.7: no CONFIGURATION PREVIEW nor confirmation in 4.5 (the wizard's is left out)
    ]

    @Test func hostedEngine45AsksTheToolsPromptsInTheToolsOrder() throws {
        try compare(flow: "hosted-engine-4.5", typed: Self.hostedEngineTyped, expected: Self.hostedEngineExpected)
    }

    // MARK: - Running and comparing

    func compare(flow id: String, typed: [String], expected: [String]) throws {
        let flow = try FlowLoader.load(path: Self.screens + "/\(id).yaml")
        let run = try Self.plain(flow: id, stdin: typed.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(!run.stdout.contains("[ ERROR ]"), "a typed answer was refused:\n\(run.stdout)")
        #expect(!run.stdout.contains(Self.adminPassword) && !run.stdout.contains(Self.rootPassword), "a password was echoed")

        let patterns = Self.prompts(of: flow)
        var tool: [String] = [], wizard: [String] = []
        for line in run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            guard let prompt = Self.promptText(line),
                  let matching = patterns.filter({ $0.matches(prompt) }).nonEmpty else { continue }
            if matching.contains(where: \.isTools) { tool.append(prompt) } else { wizard.append(prompt) }
        }

        for position in 0..<max(tool.count, expected.count) {
            let printed = position < tool.count ? tool[position] : nil
            let wanted = position < expected.count ? expected[position] : nil
            if let printed, let wanted, Self.matches(printed, wanted) { continue }
            Issue.record("""
                \(id): prompt \(position + 1) differs from the reference
                  reference: \(wanted.map { "«\($0)»" } ?? "(no more prompts)")
                  dialog:    \(printed.map { "«\($0)»" } ?? "(no more prompts)")
                the tool's prompts the dialog printed (\(tool.count), reference \(expected.count)):
                \(tool.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n"))
                the wizard's own, left out: \(wizard)
                """)
            return
        }
    }

    /// One prompt template of the flow file, and whether the tool asks it (not the wizard).
    struct Pattern {
        var key: String
        var isTools: Bool
        var regex: NSRegularExpression

        func matches(_ prompt: String) -> Bool {
            regex.firstMatch(in: prompt, range: NSRange(prompt.startIndex..., in: prompt)) != nil
        }
    }

    /// Every prompt the flow can print (questions, password confirmations and weakness questions, the preview's
    /// confirmation), as patterns: `@VALUES@` and `@DEFAULT@` stand for any text, and a bracketed default or value
    /// list may be absent (plain leaves it out when there is none, as for a host fact offline).
    static func prompts(of flow: Flow) -> [Pattern] {
        var patterns: [Pattern] = []
        func add(_ template: String?, _ key: String, tool: Bool) {
            guard let template else { return }
            var pattern = NSRegularExpression.escapedPattern(for: template)   // escapes [ ( ), not ]
            for (placeholder, optional) in [(#" \[@DEFAULT@]"#, #"( \[[^\]]*\])?"#), (#"\[@DEFAULT@]"#, #"(\[[^\]]*\])?"#),
                                            (#" \(@VALUES@\)"#, #"( \([^)]*\))?"#), (#"\(@VALUES@\)"#, #"(\([^)]*\))?"#),
                                            ("@DEFAULT@", ".*"), ("@VALUES@", ".*")] {
                pattern = pattern.replacingOccurrences(of: placeholder, with: optional)
            }
            patterns.append(Pattern(key: key, isTools: tool, regex: try! NSRegularExpression(pattern: "^" + pattern + "$")))
        }
        for section in flow.sections {
            for question in section.questions {
                for template in [question.prompt, question.confirm?.prompt, question.weak?.prompt, question.minimum?.prompt] {
                    add(template, question.key, tool: !section.isWizard)
                }
            }
        }
        // The preview's confirmation is the tool's when the tool has a query of that name (engine-setup's
        // OVESETUP_DIALOG_CONFIRM_SETTINGS); hosted-engine 4.5 has neither preview nor confirmation.
        let confirm = flow.preview.confirm
        add(confirm.prompt, confirm.key, tool: confirm.otopiQuestion != nil)
        return patterns
    }

    /// The prompt of a dialog line: after plain's 10-space indent, up to its last ": " (the echoed answer follows).
    static func promptText(_ line: String) -> String? {
        let indent = String(repeating: " ", count: 10)
        guard line.hasPrefix(indent), let end = line.range(of: ": ", options: .backwards) else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: 10)..<end.upperBound])
    }

    /// Whether a printed prompt is the reference's. `{host}` marks a value the tool takes from the host: offline
    /// nothing was probed, so the dialog may leave that bracket out. `{mac}` is hosted-engine's random MAC address.
    static func matches(_ printed: String, _ expected: String) -> Bool {
        guard expected.contains("{") else { return printed == expected }
        var pattern = expected.replacingOccurrences(of: " [{host}]", with: "\u{1}")
            .replacingOccurrences(of: " ({host})", with: "\u{2}")
            .replacingOccurrences(of: "{mac}", with: "\u{3}")
        pattern = NSRegularExpression.escapedPattern(for: pattern)
            .replacingOccurrences(of: "\u{1}", with: #"( \[[^\]]+\])?"#)
            .replacingOccurrences(of: "\u{2}", with: #"( \([^)]+\))?"#)
            .replacingOccurrences(of: "\u{3}", with: "00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}")
        let regex = try! NSRegularExpression(pattern: "^" + pattern + "$")
        return regex.firstMatch(in: printed, range: NSRange(printed.startIndex..., in: printed)) != nil
    }

    /// `ovirt-wizard plain --flow ID --offline` with `stdin` piped in, in a directory of its own.
    static func plain(flow: String, stdin: String) throws -> LabDeployment.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ovw-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try LabDeployment.runBinary(["plain", "--flow", flow, "--offline", "--random-seed", "7", "--screens", screens,
                                            "--output", directory.appendingPathComponent("\(flow).conf").path],
                                           stdin: stdin, directory: directory.path, home: directory.path)
    }
}

private extension Array {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
