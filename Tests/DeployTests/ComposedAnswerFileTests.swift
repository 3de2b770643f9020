import Foundation
import OtopiKit
import Testing
@testable import Deploy

/// An additional host's answer file: the first host's generated answers.conf with the wizard's lines over it.
@Suite struct ComposedAnswerFileTests {
    let composed = ComposedAnswerFile(
        baseHost: "gs1", baseStep: "fetch-results",
        additions: ["OVEHOSTED_STORAGE/hostID": .int(2), "OVEHOSTED_ENGINE/appHostName": .string("hosted_engine_2")],
        onReDeployment: ["OVEHOSTED_CORE/additionalHostReDeployment": .bool(true)], runStep: "run-hosted-engine",
        comment: "for gs2", shown: "")
    let base = Data("""
        [environment:default]
        OVEHOSTED_ENGINE/appHostName=str:hosted_engine_1
        OVEHOSTED_STORAGE/sdUUID=str:6b1d
        OVEHOSTED_NETWORK/bridgeIf=none:None

        """.utf8)

    @Test func theWizardsLinesWinAndTheFirstHostsStay() throws {
        let text = try composed.text(base: base, basePath: "answers.conf", reDeploying: false)
        #expect(text == """
            # for gs2
            [environment:default]
            OVEHOSTED_ENGINE/appHostName=str:hosted_engine_2
            OVEHOSTED_NETWORK/bridgeIf=none:None
            OVEHOSTED_STORAGE/hostID=int:2
            OVEHOSTED_STORAGE/sdUUID=str:6b1d

            """)
        let again = try composed.text(base: base, basePath: "answers.conf", reDeploying: true)
        #expect(again.contains("OVEHOSTED_CORE/additionalHostReDeployment=bool:True\n"))
    }

    @Test func anEmptyOrBrokenBaseIsRefusedNamingTheHost() {
        #expect(throws: ComposedAnswerFile.Problem.self) { try composed.text(base: Data("[environment:default]\n".utf8), basePath: "a.conf", reDeploying: false) }
        do {
            _ = try composed.text(base: Data("not an answer file\n".utf8), basePath: "a.conf", reDeploying: false)
            Issue.record("a broken file was taken")
        } catch {
            #expect("\(error)".contains("the answer file gs1 generated (a.conf) cannot be read"))
        }
    }
}
