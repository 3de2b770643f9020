import Foundation

/// A fake oVirt engine for tests: `Tests/EngineAPITests/Fixture/fake_engine.py` (run by the test venv's Python,
/// which has the oVirt SDK it checks v4 bodies with) serving HTTPS on a 127.0.0.x address and a free high port,
/// with a CA and a server certificate for `fqdn` generated per fixture with `openssl`. Started and stopped by PID.
package final class LabEngine: @unchecked Sendable {
    package enum API: String, Sendable { case v3, v4 }

    package let api: API
    package let fqdn: String
    package let address: String
    package let port: Int
    package let directory: String
    /// The CA that signed the server certificate (what a client pins), PEM.
    package let caPath: String
    /// Another CA and a server certificate it signed for the same FQDN, for tests of refused trust.
    package let foreignCAPath: String
    package let user: String
    package let password: String
    package let logPath: String
    private var process: LabChild?
    private let lock = NSLock()

    package static let fixtureScript = TestVenv.repository
        .appendingPathComponent("Tests/EngineAPITests/Fixture/fake_engine.py").path

    /// Generates the PKI and starts the engine. `certificateName` is the name the server certificate is issued
    /// to (default `fqdn`; another name tests hostname verification). `scenario` is the fixture's JSON.
    package init(api: API, fqdn: String = "engine.test", user: String = "admin@internal",
                 password: String = "engine-admin-pw", scenario: [String: Any] = [:],
                 certificateName: String? = nil, signedByForeignCA: Bool = false) throws {
        self.api = api
        self.fqdn = fqdn
        self.user = user
        self.password = password
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("labengine-\(getpid())-\(UUID().uuidString.prefix(8))")
        directory = base.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        caPath = directory + "/ca.pem"
        foreignCAPath = directory + "/foreign-ca.pem"
        logPath = directory + "/engine.log"
        address = "127.0.0.\(10 + (Int(getpid()) * 3 + Int.random(in: 0..<240)) % 240)"
        port = try LabProcess.freePort(address: address)

        try Self.makeCA(directory + "/ca", subject: "/C=US/O=engine.test/CN=\(fqdn).\(Int.random(in: 10000..<99999))")
        try Self.makeCA(directory + "/foreign-ca", subject: "/C=US/O=elsewhere/CN=another CA")
        let signer = signedByForeignCA ? directory + "/foreign-ca" : directory + "/ca"
        try Self.makeServerCertificate(directory + "/server", name: certificateName ?? fqdn, ca: signer)

        let passwordFile = directory + "/password"
        _ = FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        let scenarioFile = directory + "/scenario.json"
        try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: scenarioFile))
        let python = try TestVenv.executable("python")
        let child = try LabProcess.spawn(python, [
            Self.fixtureScript, "--api", api.rawValue, "--listen", address, "--port", String(port),
            "--cert", directory + "/server.pem", "--key", directory + "/server.key", "--ca", caPath,
            "--user", user, "--password-file", passwordFile, "--scenario", scenarioFile,
        ], log: logPath)
        let deadline = Date().addingTimeInterval(30)
        while !LabProcess.accepts(address: address, port: port) {
            guard child.isRunning, Date() < deadline else {
                kill(child.pid, SIGKILL)
                child.wait()
                throw LabProcess.Failure(description: "the fake engine did not start on \(address):\(port): \(log)")
            }
            usleep(50_000)
        }
        process = child
    }

    deinit { stop() }

    /// The fake engine's PID while it runs.
    package var pid: Int32? { lock.withLock { process?.pid } }

    /// Its output so far (Python tracebacks of a fixture bug end up here).
    package var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops it by PID (SIGTERM, then waits) and removes its files.
    package func stop() {
        lock.withLock {
            guard let child = process else { return }
            kill(child.pid, SIGTERM)
            child.wait()
            process = nil
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func makeCA(_ prefix: String, subject: String) throws {
        try LabProcess.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256",
                                                "-keyout", prefix + ".key", "-out", prefix + ".pem", "-days", "2",
                                                "-subj", subject,
                                                "-addext", "basicConstraints=critical,CA:TRUE",
                                                "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    static func makeServerCertificate(_ prefix: String, name: String, ca: String) throws {
        try LabProcess.run("/usr/bin/openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256",
                                                "-keyout", prefix + ".key", "-out", prefix + ".csr", "-subj", "/CN=\(name)"])
        let extensions = prefix + ".ext"
        try "subjectAltName=DNS:\(name)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        try LabProcess.run("/usr/bin/openssl", ["x509", "-req", "-in", prefix + ".csr", "-CA", ca + ".pem",
                                                "-CAkey", ca + ".key", "-CAcreateserial", "-out", prefix + ".pem",
                                                "-days", "2", "-sha256", "-extfile", extensions])
    }
}
