import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

@Suite("Authentication against a real sshd", .serialized)
struct AuthTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    @Test func keyFile() throws {
        let connection = try connect(cluster)
        #expect(connection.authenticatedWith == "publickey (\(cluster.clientKey))")
        #expect(try connection.capture(RemoteCommand("id", "-un")).stdout == ResolvedTarget.localUser() + "\n")
    }

    @Test func agentComesFirst() throws {
        let agent = try cluster.startAgent()
        var options = labOptions(cluster, agent: agent.socketPath)
        options.identityFiles = []   // and no defaults exist under the lab's home
        let connection = try connect(cluster, options: options)
        #expect(connection.authenticatedWith.hasPrefix("publickey (agent"))
    }

    @Test func wrongKeyFailsNamingWhatWasTried() throws {
        let other = try cluster.makeClientKey(name: "unauthorized")
        #expect {
            try connect(cluster, options: labOptions(cluster, key: other))
        } throws: { error in
            guard case let .authenticationFailed(_, _, tried, hint) = error as? SSHError else { return false }
            return tried == ["key \(other)"] && hint == nil
        }
    }

    @Test func rsaKeyGetsTheLibssh2Hint() throws {
        let rsa = try cluster.makeClientKey(name: "rsa_key", type: "rsa")
        try cluster.authorize(keyAt: rsa)
        #expect {
            try connect(cluster, options: labOptions(cluster, key: rsa))
        } throws: { error in
            let text = "\(error)"
            return text.contains("RSA") && text.contains("ed25519") && text.contains("ECDSA")
        }
    }

    @Test func passphraseIsAskedAndNeverShown() throws {
        let key = try cluster.makeClientKey(name: "locked", passphrase: "s3cret-phrase")
        try cluster.authorize(keyAt: key)
        var options = labOptions(cluster, key: key)
        let asked = Counter()
        options.credentials = { request in
            asked.add()
            return request == .keyPassphrase(path: key) ? Secret("s3cret-phrase") : nil
        }
        _ = try connect(cluster, options: options)
        #expect(asked.value == 1)

        options.credentials = { _ in Secret("wrong-phrase-xyz") }
        #expect {
            try connect(cluster, options: options)
        } throws: { error in
            !"\(error)".contains("wrong-phrase-xyz") && "\(error)".contains(key)
        }
    }

    @Test func missingExplicitKeyIsNamed() throws {
        #expect {
            try connect(cluster, options: labOptions(cluster, key: cluster.root + "/nope"))
        } throws: { error in
            "\(error)" == "\(cluster.root)/nope: identity file does not exist"
        }
    }

    @Test func stoppedHostIsRefused() throws {
        cluster.hosts[0].stop()
        #expect {
            try connect(cluster)
        } throws: { error in
            if case .connectFailed = error as? SSHError { return "\(error)".contains("refused") }
            return false
        }
    }

    @Test func frozenHostTimesOutInTheHandshake() throws {
        cluster.hosts[0].pause()
        defer { cluster.hosts[0].resume() }
        var options = labOptions(cluster)
        options.connectTimeout = 1
        #expect {
            try connect(cluster, options: options)
        } throws: { error in
            if case .timedOut = error as? SSHError { return true }
            return false
        }
    }

    @Test func sshConfigSuppliesHostNamePortAndKey() throws {
        let host = cluster.hosts[0]
        let config = cluster.root + "/ssh_config"
        try """
            Host lab-alias
                HostName \(host.address)
                Port \(host.port)
                IdentityFile \(cluster.clientKey)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        var options = labOptions(cluster)
        options.identityFiles = []
        options.configPath = config
        let connection = try SSHConnection.connect(SSHTarget(parsing: "lab-alias"), options: options)
        #expect(connection.target.hostName == host.address)
        #expect(connection.target.port == host.port)
    }
}
