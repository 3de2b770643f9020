import Foundation
import LabHosts
import SSHKit
import Testing
@testable import Deploy

/// `apply --plan FILE --plain`: a generic plan (commands, stdin, uploads) run by the real binary on lab hosts.
@Suite("generic plan files", .serialized, .timeLimit(.minutes(5)))
struct PlanFileTests {
    /// A plan for every lab host: a command, one fed on stdin, an upload, a failing step when `failAt` is set.
    func writePlan(_ lab: LabDeployment, failMarker: String? = nil) throws -> (plan: String, upload: String) {
        let upload = lab.directory + "/payload.bin"
        var bytes = [UInt8](repeating: 0, count: 300_000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: upload))
        let hosts = lab.cluster.hosts.map { h -> [String: Any] in
            ["name": "h\(h.index)", "target": h.target, "identity": lab.cluster.clientKey, "knownHosts": lab.cluster.knownHostsPath]
        }
        var steps: [[String: Any]] = [
            ["id": "hello", "run": ["sh", "-c", "echo hello from {host}"]],
            ["id": "feed", "run": ["sh", "-c", "cat > \(lab.cluster.root)/fed-{host}.txt"], "stdin": "line one\nline two\n"],
            ["id": "send", "upload": "payload.bin", "to": lab.cluster.root + "/got-{host}.bin", "mode": "600"],
        ]
        if let failMarker {
            // Fails until the marker file exists: lets the test fail a run and then resume it.
            steps.append(["id": "gate", "run": ["test", "-e", failMarker]])
        }
        steps.append(["id": "last", "run": ["touch", lab.cluster.root + "/last-{host}"], "probe": ["test", "-e", lab.cluster.root + "/last-{host}"]])
        let path = lab.directory + "/plan.json"
        try JSONSerialization.data(withJSONObject: ["hosts": hosts, "steps": steps]).write(to: URL(fileURLWithPath: path))
        return (path, upload)
    }

    func apply(_ lab: LabDeployment, _ plan: String, _ extra: [String] = []) throws -> LabDeployment.Result {
        try lab.wizard(["apply", "--plan", plan, "--plain", "--ssh-config", lab.cluster.root + "/no-ssh-config"] + extra)
    }

    @Test func runsCommandsStdinAndUploadsOnEveryHost() throws {
        let lab = try LabDeployment(hosts: 2)
        let (plan, upload) = try writePlan(lab)
        let r = try apply(lab, plan, ["--jobs", "2"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        for host in lab.cluster.hosts {
            let name = "h\(host.index)"
            let fed = try String(contentsOfFile: lab.cluster.root + "/fed-\(name).txt", encoding: .utf8)
            #expect(fed == "line one\nline two\n")
            let got = try Data(contentsOf: URL(fileURLWithPath: lab.cluster.root + "/got-\(name).bin"))
            #expect(got == (try Data(contentsOf: URL(fileURLWithPath: upload))))
            let log = try String(contentsOfFile: plan + ".deploy/logs/\(name).log", encoding: .utf8)
            #expect(log.contains("hello from \(name)"))
            #expect(FileManager.default.fileExists(atPath: lab.cluster.root + "/last-\(name)"))
        }
        let ended = Journal.read(path: plan + ".deploy/journal.jsonl").records.filter { $0.kind == .stepEnded }
        #expect(ended.count == 8)
        #expect(ended.allSatisfy { $0.status == .done })
        #expect(r.stdout.contains("[h0] finished"))
        #expect(r.stdout.contains("[h1] finished"))
    }

    /// Every step of a host goes through one runner shell: sshd sees one exec request for the whole plan.
    @Test func stepsShareOneRunnerShellPerHost() throws {
        let lab = try LabDeployment(hosts: 1)
        let (plan, _) = try writePlan(lab)
        let host = lab.cluster.hosts[0]
        let before = host.log.components(separatedBy: "request exec").count
        let r = try apply(lab, plan)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let execs = host.log.components(separatedBy: "request exec").count - before
        #expect(execs == 1, "sshd saw \(execs) exec requests")
        let log = try String(contentsOfFile: plan + ".deploy/logs/h0.log", encoding: .utf8)
        #expect(log.contains("command runner started on the host"))
        #expect(try String(contentsOfFile: lab.cluster.root + "/fed-h0.txt", encoding: .utf8) == "line one\nline two\n")
    }

    /// A runner shell killed while a step runs fails that step with a clear reason and does not run it again;
    /// the resumed run works on a fresh runner.
    @Test func runnerKilledDuringAStepFailsItClearly() throws {
        let lab = try LabDeployment(hosts: 1)
        let marker = lab.cluster.root + "/runner-may-live"
        let hosts = lab.cluster.hosts.map { h -> [String: Any] in
            ["name": "h\(h.index)", "target": h.target, "identity": lab.cluster.clientKey, "knownHosts": lab.cluster.knownHostsPath]
        }
        let steps: [[String: Any]] = [
            ["id": "hello", "run": ["echo", "hello"]],
            // Kills the runner shell among its ancestors until the marker exists, and counts its runs.
            ["id": "killer", "run": ["sh", "-c", """
                echo run >> \(lab.cluster.root)/killer-runs; test -e \(marker) && exit 0
                p=$PPID; while [ "$p" -gt 1 ]; do
                  if tr '\\0' ' ' < /proc/$p/cmdline | grep -q "ovirt-wizard-runne[r]"; then kill -KILL "$p"; sleep 2; exit 0; fi
                  p=$(ps -o ppid= -p "$p" | tr -d ' ')
                done; exit 3
                """]],
            ["id": "last", "run": ["echo", "last"]],
        ]
        let plan = lab.directory + "/plan.json"
        try JSONSerialization.data(withJSONObject: ["hosts": hosts, "steps": steps]).write(to: URL(fileURLWithPath: plan))
        let first = try apply(lab, plan)
        #expect(first.status == 1)
        #expect(first.stdout.contains("the command runner failed while the command ran"), "\(first.stdout)")
        #expect(first.stdout.contains("it is not run again"), "\(first.stdout)")
        #expect(try String(contentsOfFile: lab.cluster.root + "/killer-runs", encoding: .utf8) == "run\n")

        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        let resumed = try apply(lab, plan, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(try String(contentsOfFile: lab.cluster.root + "/killer-runs", encoding: .utf8) == "run\nrun\n")
    }

    @Test func failureStopsTheHostAndResumeContinuesThere() throws {
        let lab = try LabDeployment(hosts: 1)
        let marker = lab.cluster.root + "/open-the-gate"
        let (plan, _) = try writePlan(lab, failMarker: marker)
        let first = try apply(lab, plan)
        #expect(first.status == 1)
        #expect(first.stdout.contains("FAILED step 4/5 gate (exit code 1)"), "\(first.stdout)")
        #expect(!FileManager.default.fileExists(atPath: lab.cluster.root + "/last-h0"))

        let again = try apply(lab, plan)
        #expect(again.status == 2)
        #expect(again.stderr.contains("records an earlier run: continue it with --resume"))

        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        let resumed = try apply(lab, plan, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        // Step 1 has no probe, so it runs again, and so does everything after it (the runner trusts a journal
        // entry only while every earlier step verified); the upload finds its file by hash and sends nothing.
        #expect(resumed.stdout.contains("[h0] step 1/5 hello: sh -c"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("[h0] step 3/5 done in 0s (already on the host (sha256 matches))"), "\(resumed.stdout)")
        #expect(FileManager.default.fileExists(atPath: lab.cluster.root + "/last-h0"))
    }

    @Test func unknownHostKeyIsRefusedWithoutAnyStepRun() throws {
        let lab = try LabDeployment(hosts: 1)
        let (plan, _) = try writePlan(lab)
        // An empty known_hosts: the key is unknown and --plain cannot ask through a pipe.
        let empty = lab.directory + "/empty_known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))) as? [String: Any])
        var hosts = try #require(json["hosts"] as? [[String: Any]])
        hosts[0]["knownHosts"] = empty
        json["hosts"] = hosts
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: plan))
        let r = try apply(lab, plan)
        #expect(r.status != 0)
        #expect(r.stdout.contains("cannot connect"), "\(r.stdout)\n\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: lab.cluster.root + "/fed-h0.txt"))
    }

    @Test(arguments: [
        (#"{"hosts": [], "steps": [{"id": "a", "run": ["true"]}]}"#, "\"hosts\" is empty"),
        (#"{"hosts": [{"target": "127.0.0.1:22"}], "steps": [{"id": "a"}]}"#, "steps[0] (a): has neither \"run\" nor \"upload\""),
        (#"{"hosts": [{"target": "127.0.0.1:22"}], "steps": [{"id": "a", "upload": "x"}]}"#, "needs \"to\""),
        (#"{"hosts": [{"target": "127.0.0.1:22"}], "steps": [{"id": "a", "run": ["true"]}, {"id": "a", "run": ["true"]}]}"#, "the id is used twice"),
        (#"{"hosts": [{"target": "127.0.0.1:22"}], "steps": [{"id": "a", "upload": "x", "to": "/y", "mode": "9z"}]}"#, "not an octal file mode"),
        (#"{"hosts": [{"target": "127.0.0.1:22"}]"#, "not valid JSON"),
        (#"{"hosts": [{"name": "x"}], "steps": []}"#, "has no \"target\""),
    ])
    func wrongPlanFilesAreNamed(text: String, message: String) {
        do {
            _ = try PlanFile.parse(Data(text.utf8), path: "/tmp/p.json", options: ConnectOptions())
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".hasPrefix("/tmp/p.json: "))
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
