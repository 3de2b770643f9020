import Foundation
import LabHosts
import Testing
@testable import SSHKit

/// Answers in sequence, counting questions and the most that were on the "terminal" at once.
final class ScriptedOperator: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [String]
    private var open = 0
    private(set) var asked = 0
    private(set) var mostAtOnce = 0
    init(answers: [String]) { self.answers = answers }
    func ask(_ request: CredentialRequest) -> Secret? {
        let answer: String? = lock.withLock {
            asked += 1
            open += 1
            mostAtOnce = max(mostAtOnce, open)
            return answers.isEmpty ? nil : answers.removeFirst()
        }
        Thread.sleep(forTimeInterval: 0.2)   // an operator typing; overlapping questions would show here
        lock.withLock { open -= 1 }
        return answer.map(Secret.init)
    }
}

@Suite("Typed passwords are asked once and reused (real sshd, throwaway account)", .serialized,
       .enabled(if: LabAccount.isAvailable, labAccountSkipReason))
struct CredentialCacheTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1, authentication: .password) }
    var account: LabAccount { cluster.account! }

    func options(_ cache: CredentialCache, mayAsk: Bool = true) -> ConnectOptions {
        var options = accountOptions(cluster, log: nil)
        options.useCredentials(cache, mayAsk: mayAsk)
        return options
    }

    @Test func aSecondConnectionReusesTheAnswer() throws {
        let human = ScriptedOperator(answers: [account.password])
        let cache = CredentialCache(asking: human.ask)
        _ = try connectAsAccount(cluster, options: options(cache))
        let again = try connectAsAccount(cluster, options: options(cache, mayAsk: false))
        #expect(again.authenticatedWith == "password")
        #expect(human.asked == 1)
    }

    @Test func replayOnlyNeverAsks() throws {
        let human = ScriptedOperator(answers: [account.password])
        let cache = CredentialCache(asking: human.ask)
        #expect(throws: SSHError.self) { try connectAsAccount(cluster, options: options(cache, mayAsk: false)) }
        #expect(human.asked == 0)
    }

    @Test func aRejectedAnswerIsForgottenAndAskedAgain() throws {
        let human = ScriptedOperator(answers: ["Wrong-first-try", account.password])
        let cache = CredentialCache(asking: human.ask)
        #expect(throws: SSHError.self) { try connectAsAccount(cluster, options: options(cache)) }
        let connection = try connectAsAccount(cluster, options: options(cache))
        #expect(connection.authenticatedWith == "password")
        #expect(human.asked == 2)
        #expect(cache.replay(.password(user: account.name, host: cluster.hosts[0].address)) != nil)
    }

    @Test func parallelConnectionsAskOnceAndNeverAtTheSameTime() throws {
        let human = ScriptedOperator(answers: [account.password])
        let cache = CredentialCache(asking: human.ask)
        let failures = Counter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            let opts = options(cache)
            Thread {
                defer { group.leave() }
                do { _ = try connectAsAccount(cluster, options: opts) } catch { failures.add() }
            }.start()
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(human.asked == 1)
        #expect(human.mostAtOnce == 1)
    }
}
