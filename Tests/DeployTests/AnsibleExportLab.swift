import Foundation
import LabHosts
import Synchronization
@testable import Deploy

/// Runs `ovirt-wizard export ansible` and the venv's `ansible-playbook` against lab hosts, and reads what the
/// steps left on a host, so that an Ansible run can be compared with `apply` on another host of the same kind.
struct AnsibleExportLab {
    let lab: LabDeployment
    /// The vault password file the tests name (outside every exported folder).
    var vaultPasswordFile: String { lab.cluster.root + "/vault-password" }

    init(_ lab: LabDeployment) throws {
        self.lab = lab
        try "lab-vault-password-1\n".write(toFile: vaultPasswordFile, atomically: true, encoding: .utf8)
        chmod(vaultPasswordFile, 0o600)
    }

    /// `ovirt-wizard export ansible` with the lab's SSH files; `arguments` names the answers (or plan) and more.
    func export(_ arguments: [String], to directory: String, sshConfig: String? = nil) throws -> LabDeployment.Result {
        var args = ["export", "ansible"] + arguments + ["--output", directory, "--vault-password-file", vaultPasswordFile,
                                                        "--ansible-vault", try TestVenv.executable("ansible-vault")]
        args += ["--known-hosts", lab.cluster.knownHostsPath, "--ssh-config", sshConfig ?? lab.cluster.root + "/no-ssh-config",
                 "-i", lab.cluster.clientKey, "--remote-dir", lab.remoteBase]
        return try lab.wizard(args)
    }

    /// `ansible-playbook site.yml` in `directory` (the exported project's own ansible.cfg and inventory).
    func playbook(_ directory: String, extra: [String] = []) throws -> LabDeployment.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestVenv.executable("ansible-playbook"))
        process.arguments = ["site.yml", "-e", "ovw_poll_seconds=1"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = lab.binaryEnvironment
        let control = try makeShortDirectory()
        env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = control
        env["ANSIBLE_LOCAL_TEMP"] = lab.cluster.root + "/ansible-tmp"
        // This machine's PATH has pyenv shims that interpreter discovery would pick up on the lab hosts.
        env["ANSIBLE_PYTHON_INTERPRETER"] = "/usr/bin/python3"
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_FORCE_COLOR"] = "0"
        env["ANSIBLE_LOG_PATH"] = directory + "-ansible.log"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while it runs (a full pipe would stop ansible-playbook).
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: control)
        return LabDeployment.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                    stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// ssh's control sockets need a short path (the lab's root may be long).
    private func makeShortDirectory() throws -> String {
        var template = Array("/tmp/ovw-cp-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    /// The `changed=` counts of PLAY RECAP, by host.
    static func changed(_ output: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") where line.contains(" ok=") && line.contains("changed=") {
            let host = String(line.split(separator: " ").first ?? "")
            if let range = line.range(of: "changed="), let n = Int(line[range.upperBound...].prefix { $0.isNumber }) { counts[host] = n }
        }
        return counts
    }

    /// Every file under `root` (relative path → mode and content), with `replacing` applied to paths and contents,
    /// the wizard's markers reduced to "marker" (their digests name the host's own paths) and `skipping` left out.
    static func snapshot(_ root: String, replacing: [(String, String)], skipping: (String) -> Bool = { _ in false }) -> [String: String] {
        func normal(_ text: String) -> String { replacing.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
        var out: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let name = normal(relative)
            if skipping(name) { continue }
            let mode = String(info.st_mode & 0o7777, radix: 8)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(binary)"
            out[name] = "mode \(mode): " + (("/" + relative).contains("/done/") ? "marker" : normal(text))
        }
        return out
    }

    /// The calls of the fixture commands that change a host (`programs`), in order, without their times.
    func calls(_ index: Int, of programs: Set<String>) -> [String] {
        lab.runs(index).compactMap { line in
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2, let program = words[1].split(separator: " ").first.map(String.init), programs.contains(program) else { return nil }
            return words[1]
        }
    }

    /// Every regular file under `directory` whose text holds `secret`, except the vault files.
    static func filesHolding(_ secret: String, under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".vault") { continue }
            guard let data = FileManager.default.contents(atPath: directory + "/" + relative) else { continue }
            if String(decoding: data, as: UTF8.self).contains(secret) { found.append(relative) }
        }
        return found
    }
}

/// Runs a blocking body (a process that runs for minutes) on a thread of its own, so that the test's wait leaves
/// the Swift concurrency pool to the other tests (on 2 cores a blocked pool thread stalls half the suite).
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Data handed from a reader thread.
final class LockedData: Sendable {
    private let data = Mutex<Data?>(nil)
    func set(_ value: Data) { data.withLock { $0 = value } }
    var isSet: Bool { data.withLock { $0 != nil } }
    var value: Data { data.withLock { $0 ?? Data() } }
}
