import Foundation
import Testing
@testable import Deploy

/// `apply --plain --skip`: in plain mode nobody is asked at a failure, so a step the plan lets be skipped is named
/// on the command line. The case it is for: hosted-engine 4.5's NFS export checked on a server the wizard cannot
/// log in to (a NAS).
@Suite(.serialized, .timeLimit(.minutes(5)))
struct PlainSkipTests {
    @Test func aCheckOnAServerWithoutSSHIsSkippedWhenNamedAndTheDeployGoesOn() throws {
        let lab = try LabDeployment(hosts: 1)
        try HostedEngine45Tests.prepare(lab)
        let file = try HostedEngine45Tests.writeAnswers(lab, storage: "nfs.lab.test:/exports/he")
        let host = lab.cluster.hosts[0].address

        let stopped = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(stopped.status == 1, "\(stopped.stdout)\n\(stopped.stderr)")
        #expect(stopped.stdout.contains("may be skipped"), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("apply --plain --resume --skip nfs.lab.test:check-nfs-export"), "\(stopped.stdout)")
        #expect(lab.runCount(0, "hosted-engine") == 0, "the deploy waits for the check")

        // --skip of a step the plan does not let be skipped is refused at that step, and the host stops.
        let refused = try lab.wizard(["apply", "--plain", "--resume", "--skip", "nfs.lab.test:check-nfs-export", "--skip", "\(host):check-root",
                                      "--answers", file] + lab.sshArguments)
        #expect(refused.status == 0, "check-root passes here, so --skip never applies to it: \(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stdout.contains("[nfs.lab.test] skipping check-nfs-export as --skip says"), "\(refused.stdout)")
        #expect(lab.runCount(0, "hosted-engine") == 1)

        let panes = try lab.wizard(["apply", "--skip", "x", "--answers", file] + lab.sshArguments)
        #expect(panes.status == 2 && panes.stderr.contains("--skip goes with --plain"), "\(panes.stderr)")
    }
}
