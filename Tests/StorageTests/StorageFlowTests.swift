import HostOps
import Foundation
import OtopiKit
import SSHKit
import Testing
@testable import WizardCore

/// Screens/gluster.yaml and Screens/export-domain.yaml through the flow engine, and their answers
/// turned into planner and metadata requests.
@Suite struct StorageFlowTests {
    static let screens = ExportDomainOverSSHTests.screens

    static func flow(_ name: String) throws -> Flow {
        try FlowLoader.load(path: "\(screens)/\(name).yaml")
    }

    struct Seen {
        var prompts: [String] = []
        var notes: [String] = []
        var errors: [String] = []
        var aborted: String?
    }

    /// Answers questions in flow order, one typed line each, as the plain dialog and the TUI do.
    static func answer(_ session: inout FlowSession, _ lines: [String]) -> Seen {
        var seen = Seen()
        var lines = lines[...]
        while let question = session.nextQuestion(), let line = lines.popFirst() {
            var exchange = session.exchange(for: question)
            seen.prompts.append(exchange.prompt.text)
            seen.notes += exchange.prompt.notes
            switch exchange.submit(line, checker: OfflineChecker(), answers: session.answers) {
            case .accepted(_, let values, let unchecked): session.accept(values, unchecked: unchecked)
            case .ask(let messages): seen.errors += messages.map(\.text)
            case .abort(_, let message): seen.aborted = message; return seen
            }
        }
        return seen
    }

    static let seedHosts = "gs1.example.com gs2.example.com gs3.example.com gs4.example.com"

    @Test func glusterFlowNamesEveryDiskAndHostBeforeTheyAreWiped() throws {
        var session = FlowSession(flow: try Self.flow("gluster"), offline: true, randomSeed: 1)
        let all = ["/dev/sdb", "/dev/sdc"].flatMap { disk in Self.seedHosts.split(separator: " ").map { "\($0):\(disk)" } }
        let seen = Self.answer(&session, [Self.seedHosts, "", "disk", "/dev/sdb /dev/sdc=/bricks/c", "5GB", "", "distributed-replicate",
                                          "", "", "", "", "gs1.example.com:/dev/sdb",
                                          (all + ["gs5.example.com:/dev/sdb"]).joined(separator: " "),
                                          all.reversed().joined(separator: ",")])
        #expect(seen.notes.contains("  disks: /dev/sdb /dev/sdc=/bricks/c"))
        #expect(seen.notes.contains("  on every one of these hosts: \(Self.seedHosts)"))
        #expect(seen.prompts.last == "To confirm, type every disk as HOST:/dev/DISK, separated by spaces: ")
        // One disk of eight, then one too many: asked again each time, naming what is wrong.
        #expect(seen.errors == [
            "not confirmed: " + all.dropFirst().joined(separator: " ") + "; every disk on every host must be named",
            "gs5.example.com:/dev/sdb is not a disk of these bricks (\(all.joined(separator: " ")))",
        ])
        #expect(session.nextQuestion()?.key == "GLUSTER/confirmSettings")

        let answers = try GlusterFlowAnswers { session.value(for: $0) }
        let plan = try GlusterVolumePlanner.plan(answers.request)
        #expect(Set(plan.requiredConfirmations) == Set(all))
        #expect(try plan.runnableSteps(confirmed: answers.confirmations) == plan.steps)
        #expect(throws: GlusterPlanError.self) { try plan.runnableSteps(confirmed: ["gs1.example.com:/dev/sdb"]) }
    }

    @Test func aBadConfirmationWordIsAskedAgain() throws {
        var session = FlowSession(flow: try Self.flow("gluster"), offline: true, randomSeed: 1)
        let seen = Self.answer(&session, [Self.seedHosts, "", "disk", "/dev/sdb", "", "", "distribute", "", "", "", "yes please"])
        #expect(seen.errors == ["yes: write each disk as HOST:/dev/DISK"])
    }

    @Test func stripeNeedsTheOperatorsYesAndAbortsOnNo() throws {
        var session = FlowSession(flow: try Self.flow("gluster"), offline: true, randomSeed: 1)
        let seen = Self.answer(&session, [Self.seedHosts, "", "directory", "/gluster_brick0", "", "", "stripe", "No"])
        #expect(seen.notes.contains { $0.hasPrefix("GlusterFS 6 and later removed stripe volumes") })
        #expect(seen.aborted == "Stripe volume not accepted; run again and choose another volume type")
    }

    /// The seed's volume: 4 hosts × 2 bricks × 5 GB, stripe 2 replica 2 → 20 GB, no replica pair on one host.
    @Test func seedAnswersGiveTheSeedsVolume() throws {
        var session = FlowSession(flow: try Self.flow("gluster"), offline: true, randomSeed: 1)
        let seen = Self.answer(&session, [Self.seedHosts, "gs1.example.com=192.168.10.101 gs2.example.com=192.168.10.102",
                                          "directory", "/gluster_brick0 /gluster_brick1", "5GB", "",
                                          "distributed-striped-replicate", "Yes", "", "", "", "Yes", "sysvinit", "Yes"])
        #expect(seen.errors.isEmpty && seen.aborted == nil, "\(seen)")
        #expect(session.nextQuestion() == nil)
        let answers = try GlusterFlowAnswers { session.value(for: $0) }
        let plan = try GlusterVolumePlanner.plan(answers.request)
        #expect(plan.capacity?.usable.description == "20 GB")
        #expect(plan.glusterTypeName == "Distributed-Striped-Replicate" && plan.numberOfBricks == "2 x 2 x 2 = 8")
        #expect(!plan.reordered)
        for set in plan.redundancySets { #expect(Set(set.map(\.host)).count == set.count, "\(set)") }
        #expect(plan.commands.contains { $0.verb.words.suffix(2) == ["gs4.example.com:/gluster_brick1", "force"] })
        #expect(plan.hostSetup[0].operations.first == .appendLineIfAbsent(path: "/etc/hosts", line: "192.168.10.101\tgs1.example.com"))
    }

    @Test func inconsistentAnswersNameTheKey() {
        let base: [String: OtopiValue] = [
            "GLUSTER/hosts": .string("a b"), "GLUSTER/brickKind": .string("directory"), "GLUSTER/brickSources": .string("/dev/sdb"),
            "GLUSTER/volumeName": .string("v"), "GLUSTER/volumeType": .string("stripe"), "GLUSTER/stripeCount": .int(2),
        ]
        #expect(throws: GlusterFlowAnswersError.invalid("GLUSTER/brickSources", "/dev/sdb are disks but GLUSTER/brickKind is directory")) {
            try GlusterFlowAnswers { base[$0] }
        }
        var directories = base
        directories["GLUSTER/brickSources"] = .string("/b")
        #expect(throws: GlusterFlowAnswersError.invalid("GLUSTER/stripeAccepted", "a stripe volume needs the answer True: GlusterFS 6 and later cannot create stripe volumes")) {
            try GlusterFlowAnswers { directories[$0] }
        }
        directories["GLUSTER/hosts"] = nil
        #expect(throws: GlusterFlowAnswersError.missing("GLUSTER/hosts")) { try GlusterFlowAnswers { directories[$0] } }
    }

    @Test func planStepsKeepThePhaseOrderAndMarkWhatMustBeConfirmed() throws {
        let request = GlusterVolumeRequest(volumeName: "v", type: .replicate,
                                           bricks: try ["a:/dev/sdb", "b:/dev/sdb"].map { try GlusterBrickSpec(parsing: $0) },
                                           replicaCount: 2, addresses: ["a": "10.0.0.1", "b": "10.0.0.2"])
        let plan = try GlusterVolumePlanner.plan(request)
        let steps = plan.steps
        let phases = steps.map(\.phase)
        #expect(phases == phases.sorted { GlusterPlanStep.Phase.allCases.firstIndex(of: $0)! < GlusterPlanStep.Phase.allCases.firstIndex(of: $1)! })
        #expect(Set(phases) == Set(GlusterPlanStep.Phase.allCases))
        for step in steps {
            #expect((step.phase == .brickPreparation) == (step.requiredConfirmation != nil), "\(step)")
            if let token = step.requiredConfirmation { #expect(token == "\(step.host):/dev/sdb") }
        }
        #expect(steps.contains { $0.phase == .brickPreparation && $0.host == "b" && $0.operation == .run(argv: ["mkfs.xfs", "-f", "-i", "size=512", "/dev/sdb1"]) })
        // The /etc/hosts line goes through a script with the values as positional parameters.
        let hostsLine = try #require(steps.first)
        #expect(hostsLine.operation == .appendLineIfAbsent(path: "/etc/hosts", line: "10.0.0.1\ta"))
        let argv = hostsLine.operation.commands[0].argv
        #expect(argv.first == "sh" && argv.suffix(2) == ["10.0.0.1\ta", "/etc/hosts"])
        let reads = steps.filter { !$0.changesHost }
        #expect(reads.map(\.readBack) == [.peerStatus, .volumeInfo, .volumeStatus])
        #expect(steps.filter { $0.readBack != nil }.allSatisfy { !$0.changesHost })
        #expect(throws: GlusterPlanError.unconfirmedDevices(["b:/dev/sdb"])) { try plan.runnableSteps(confirmed: ["a:/dev/sdb"]) }
        #expect(throws: GlusterPlanError.unknownConfirmations(["c:/dev/sdb"])) {
            try plan.runnableSteps(confirmed: ["a:/dev/sdb", "b:/dev/sdb", "c:/dev/sdb"])
        }
    }

    @Test func exportDomainFlowGeneratesAReproducibleVersion4UUID() throws {
        let flow = try Self.flow("export-domain")
        let question = try #require(flow.question(forKey: "EXPORT_DOMAIN/sdUUID"))
        let a = FlowSession(flow: flow, offline: true, randomSeed: 42).defaultAnswer(for: question)?.text
        let b = FlowSession(flow: flow, offline: true, randomSeed: 42).defaultAnswer(for: question)?.text
        let c = FlowSession(flow: flow, offline: true, randomSeed: 43).defaultAnswer(for: question)?.text
        #expect(a != nil && a == b && a != c)
        let uuid = try #require(a)
        #expect(StorageValidators.exportDomainUUID(uuid) == nil)
        #expect(UUID(uuidString: uuid) != nil && uuid == uuid.lowercased())
        let chars = Array(uuid)
        #expect(chars[14] == "4" && "89ab".contains(chars[19]), "\(uuid)")
    }

    @Test func exportDomainAnswersBecomeTheSeedsMetadata() throws {
        var session = FlowSession(flow: try Self.flow("export-domain"), offline: true, randomSeed: 1)
        let seen = Self.answer(&session, ["192.168.1.108", "", "", "37e0e64b-5445-4bc3-8675-ceff4637e8e3", "Yes"])
        #expect(seen.errors.isEmpty && session.nextQuestion() == nil, "\(seen)")
        let answers = try ExportDomainFlowAnswers { session.value(for: $0) }
        #expect(answers.exportPath == "/home/nfs_exports")
        #expect(try answers.request.metadata().metadata.checksum == "5737f1270bf93fdd660fea819655b01a34c315b9")
    }

    @Test func exportDomainQuestionsRefuseBadValues() throws {
        var session = FlowSession(flow: try Self.flow("export-domain"), offline: true, randomSeed: 1)
        let seen = Self.answer(&session, ["nfs server", "nfs1", "relative/path", "/exports", String(repeating: "x", count: 51), "Export", "not-a-uuid"])
        #expect(seen.errors.count == 4, "\(seen.errors)")
        #expect(seen.errors[1].contains("relative/path"))
        #expect(seen.errors[2].contains("51 characters"))
    }

    @Test func storageValidatorsAreNamed() {
        for name in ["gluster_volume_name", "gluster_hosts", "gluster_brick_sources", "gluster_device_confirmations",
                     "gluster_addresses", "byte_size", "export_domain_uuid", "export_path", "export_domain_description"] {
            #expect(Validators.names.contains(name))
        }
        let v = { (name: String, value: String) in Validators.validate(name, value, context: .local) }
        #expect(v("gluster_hosts", "gs1 gs2,gs3") == .ok)
        #expect(v("gluster_hosts", "gs1 GS1") == .error("gs1 is named twice"))
        #expect(v("gluster_brick_sources", "/gluster_brick0 /dev/sdb=/bricks/b") == .ok)
        #expect(v("gluster_brick_sources", "gluster_brick0") == .error("brick \"gluster_brick0\": \"gluster_brick0\" is not an absolute path"))
        #expect(v("gluster_addresses", "gs1=192.168.10.101") == .ok)
        #expect(v("gluster_addresses", "gs1=300.1.1.1") == .error("gs1=300.1.1.1: 300.1.1.1 is not an IP address"))
        #expect(v("byte_size", "") == .ok)
        #expect(v("byte_size", "5 parsecs") != .ok)
        #expect(v("export_path", "/home/nfs_exports") == .ok)
        #expect(v("export_path", "home") != .ok)
        #expect(v("gluster_volume_name", "all") != .ok)
    }

    @Test func remoteCheckFindsWrongModesOwnersAndSizes() throws {
        let layout = try ExportDomainLayout(request: ExportDomainMetadataRequest(sdUUID: "37e0e64b-5445-4bc3-8675-ceff4637e8e3", remotePath: "h:/e"))
        let operations = layout.operations(exportRoot: "/e")
        let paths = ExportDomainRemoteCheck.paths(of: operations)
        #expect(ExportDomainRemoteCheck.statArgv(paths: paths).suffix(paths.count) == paths[...])
        // What a correct domain looks like to stat.
        var lines: [String] = operations.map { operation in
            switch operation {
            case let .createDirectory(_, mode, uid, gid): return "\(String(mode, radix: 8)) \(uid) \(gid) 4096 directory"
            case let .writeFile(_, contents, mode, uid, gid):
                return "\(String(mode, radix: 8)) \(uid) \(gid) \(contents.count) \(contents.isEmpty ? "regular empty file" : "regular file")"
            default: return ""
            }
        }
        #expect(ExportDomainRemoteCheck.problems(operations: operations, statOutput: lines.joined(separator: "\n") + "\n") == [])
        let leases = try #require(paths.firstIndex { $0.hasSuffix("/leases") })
        lines[leases] = "644 0 0 0 regular empty file"
        lines[1] = "755 36 36 4096 symbolic link"
        #expect(ExportDomainRemoteCheck.problems(operations: operations, statOutput: lines.joined(separator: "\n")) == [
            "\(paths[1]): is a symbolic link, not a directory",
            "\(paths[leases]): mode is 0644, expected 0660",
            "\(paths[leases]): owner is 0:0, expected 36:36",
            "\(paths[leases]): 0 bytes, expected 512",
        ])
        #expect(ExportDomainRemoteCheck.problems(operations: operations, statOutput: lines.dropLast().joined(separator: "\n")).last
                == "\(paths.last!): stat printed nothing for it")
    }

    /// `plain --flow gluster` with piped answers writes the file `gluster plan --answers` reads.
    @Test func plainThenPlanThroughTheBinary() throws {
        let dir = NSTemporaryDirectory() + "gluster-flow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/gluster.conf"
        let lines = [Self.seedHosts, "", "directory", "/gluster_brick0 /gluster_brick1", "5GB", "",
                     "distributed-striped-replicate", "Yes", "", "", "", "Yes", "sysvinit", "Yes"]
        let plain = try StorageCLI.run(["plain", "--flow", "gluster", "--offline", "--screens", Self.screens, "--output", file],
                                       input: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
        #expect(plain.stdout.contains("Use it with: ovirt-wizard gluster plan --answers \(file)"))
        let plan = try StorageCLI.run(["gluster", "plan", "--answers", file])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Capacity: 20 GB usable of 40 GB raw"))
        #expect(plan.stdout.contains("volume create gluster-vol1 stripe 2 replica 2 gs1.example.com:/gluster_brick0 gs2.example.com:/gluster_brick0"))
        // One printer: `plan --answers` lists the same steps, read-back, warnings and disks, line for line.
        let dry = try StorageCLI.run(["plan", "--answers", file, "--no-probe"])
        #expect(dry.status == 0, "\(dry.stderr)")
        func steps(_ text: String) -> [String] {
            text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") && !$0.hasPrefix("  connect:") }
        }
        let planned = steps(dry.stdout)
        #expect(planned.count > 20 && planned.contains { $0.hasPrefix("  gluster volume status gluster-vol1") })
        #expect(Array(steps(plan.stdout).suffix(planned.count)) == planned)
        let mixed = try StorageCLI.run(["gluster", "plan", "--answers", file, "--type", "replicate"])
        #expect(mixed.status != 0 && mixed.stderr.contains("not both"))
    }
}
