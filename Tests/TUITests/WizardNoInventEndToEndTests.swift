import Foundation
import Testing

/// The real binary in tmux at 80x24 (TERM=xterm and tmux-256color) against a target host that cannot be probed
/// (nothing listens on 127.0.0.1 port 1): a banner that stays on screen says why host checks were not run, no
/// value of the seed's lab is offered, and the preview, the answer-file lines and the saved file hold none.
@Suite(.serialized) final class WizardNoInventEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("noinvent-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }

    /// Waits for `prompt`, replaces the field's text with `text` (nil: keeps the default) and presses Enter.
    func answer(_ tmux: TmuxSession, _ prompt: String, _ text: String? = nil) throws {
        try tmux.waitFor(prompt)
        if let text {
            try tmux.send("C-u")
            try tmux.type(text)
        }
        try tmux.send("Enter")
    }

    static let storage = "nfs.corp.example:/exports/ovirt/hosted-engine/storage-domain-number-one"

    @Test(arguments: ["xterm", "tmux-256color"])
    func hostedEngineAgainstAnUnreachableHostInventsNothing(term: String) throws {
        let answers = directory.appendingPathComponent("he-\(term).conf").path
        let known = directory.appendingPathComponent("known_hosts").path
        let tmux = try TmuxSession(command: "\(binary) --flow hosted-engine --answers \(answers) --known-hosts \(known)",
                                   environment: ["TERM": term, "HOME": directory.path, "SSH_AUTH_SOCK": ""])
        let hub = try tmux.waitFor("TARGET HOST")
        #expect(hub.contains("Answers: \(answers)"), "the first screen names the answer file: \(hub)")
        #expect(hub.contains("contacted over SSH"))
        try tmux.send("Enter")
        try answer(tmux, "First host to run hosted-engine --deploy on", "127.0.0.1")
        try answer(tmux, "SSH user")
        try answer(tmux, "SSH port", "1")
        try answer(tmux, "SSH private key")
        let banner = try tmux.waitFor("No value is taken from the seed's example", timeout: 30)
        #expect(banner.contains("Host checks were not run: 127.0.0.1"), "\(banner)")
        try answer(tmux, "Are you sure you want to continue")
        try answer(tmux, "(nfs3, nfs4)")
        try answer(tmux, "shared storage connection path", Self.storage)
        try answer(tmux, "storage domain name")
        try answer(tmux, "local datacenter name")
        try answer(tmux, "iptables was detected", "no")
        let gateway = try tmux.waitFor("pingable gateway IP address")
        #expect(SeedLab.found(in: gateway).isEmpty, "no gateway of the seed's lab: \(gateway)")
        #expect(gateway.contains("not probed"))
        try answer(tmux, "pingable gateway IP address", "10.20.0.1")
        try answer(tmux, "device to boot the VM from")
        let cpu = try tmux.waitFor("CPU type to be used by the VM")
        #expect(!cpu.contains("[model_"), "no CPU model is offered as the default: \(cpu)")
        try tmux.type("model_Nehalem")
        try tmux.send("Enter")
        try answer(tmux, "path to installation media", "/var/tmp/c6.iso")
        try answer(tmux, "number of virtual CPUs")
        try answer(tmux, "disk size of the VM")
        try answer(tmux, "MAC address for the VM")
        try answer(tmux, "memory size of the VM", "4096")
        try answer(tmux, "console type")
        try answer(tmux, "Administrator Portal [")
        try answer(tmux, "Enter 'admin@internal' user password", "He-adm1n-pw")
        try answer(tmux, "Confirm 'admin@internal' user password", "He-adm1n-pw")
        try answer(tmux, "Engine FQDN", "he.corp.example")
        try answer(tmux, "name of the SMTP server")
        try answer(tmux, "TCP port number of the SMTP server")
        try answer(tmux, "email address from which")
        try answer(tmux, "list of email addresses")
        try answer(tmux, "Additional hosts of the hosted engine")
        // The engine is set up in the VM by hand here (the VM's login would be one more host to reach).
        try tmux.waitFor("set up the engine inside the VM")
        try tmux.type("no")
        try tmux.send("Enter")
        try answer(tmux, "Lines to add to /etc/hosts")
        try answer(tmux, "Installation ISO on this jump host")
        // The selected row's detail is drawn below the list: once it shows, the whole preview is on screen.
        let preview = try tmux.waitFor("Engine FQDN: he.corp.example")
        #expect(SeedLab.found(in: preview).isEmpty, "\(preview)")
        #expect(!preview.contains("[detected]"))
        #expect(preview.contains("Host checks were not run"), "the banner stays: \(preview)")
        #expect(preview.contains("CONFIGURATION PREVIEW"), "\(preview)")
        #expect(preview.contains("[typed]"))
        // The answer-file lines: a cut line is marked, and →/← scroll sideways.
        try tmux.send("a")
        let top = try tmux.waitFor("… marks a cut line")
        #expect(top.contains("←→"), "\(top)")
        try tmux.send("End")
        let lines = try tmux.waitFor("OVEHOSTED_STORAGE/storageDomainConnection=str:nfs.corp.example")
        let cut = lines.components(separatedBy: "\n").first { $0.contains("storageDomainConnection") } ?? ""
        #expect(cut.trimmingCharacters(in: .whitespaces).hasSuffix("…"), "a cut line ends in …: \(cut)")
        #expect(SeedLab.found(in: lines).isEmpty)
        try tmux.send("Right", "Right")
        let scrolled = try tmux.waitFor("storage-domain-number-one")
        #expect(scrolled.contains("…"), "\(scrolled)")
        try tmux.send("Escape")
        try tmux.waitFor("CONFIGURATION PREVIEW")
        let file = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(SeedLab.found(in: file).isEmpty, "\(file)")
        #expect(file.contains("OVEHOSTED_NETWORK/gateway=str:10.20.0.1"))
        #expect(file.contains("OVIRT_WIZARD/provenance=str:typed="))
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func plainAgainstAnUnreachableHostSaysWhyAndUsesNoSeedValue() throws {
        let out = directory.appendingPathComponent("plain-es.conf").path
        let known = directory.appendingPathComponent("known_hosts").path
        let tmux = try TmuxSession(command: "\(binary) plain --flow engine-setup --output \(out) --known-hosts \(known)",
                                   environment: ["HOME": directory.path, "SSH_AUTH_SOCK": ""])
        try tmux.waitFor("Host to run engine-setup on")
        try tmux.type("127.0.0.1")
        try tmux.send("Enter")
        try tmux.waitFor("SSH user")
        try tmux.send("Enter")
        try tmux.waitFor("SSH port")
        try tmux.type("1")
        try tmux.send("Enter")
        try tmux.waitFor("SSH private key")
        try tmux.send("Enter")
        let said = try tmux.waitFor("Host fully qualified DNS name of this server", timeout: 30)
        #expect(said.contains("[WARNING] Host checks were not run: 127.0.0.1"), "\(said)")
        #expect(said.contains("No value is taken from the seed's example"))
        #expect(said.contains("Host fully qualified DNS name of this server: "), "an address gives no FQDN default")
        #expect(SeedLab.found(in: said).isEmpty)
        try tmux.type("engine.corp.example")
        try tmux.send("Enter")
        let org = try tmux.waitFor("Do you want Setup to configure the firewall")
        #expect(SeedLab.found(in: org).isEmpty)
        try tmux.send("C-c")
        _ = try tmux.waitForExit()
        let file = try String(contentsOfFile: out, encoding: .utf8)
        #expect(SeedLab.found(in: file).isEmpty, "\(file)")
        #expect(file.contains("OVESETUP_CONFIG/fqdn=str:engine.corp.example"))
    }
}

/// Strings of the seed's lab (the tutorial's hosts, network and CPU).
enum SeedLab {
    static let strings = ["lofyer", "gs1", "192.168.10.", "192.168.1.108", "model_Conroe"]
    static func found(in text: String) -> [String] { strings.filter { text.contains($0) } }
}
