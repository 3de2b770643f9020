import OtopiKit
import Testing
@testable import WizardCore

/// The schema additions for the storage flows: `random_uuid`, `@ANSWER:KEY@`, and the flow's `use` line.
@Suite struct FlowSchemaExtensionTests {
    static let yaml = """
        flow: x
        title: X
        tool: x-tool
        version: '1'
        use: "ovirt-wizard x --answers @FILE@"
        seed_facts: {}
        sections:
          - id: a
            wizard: true
            questions:
              - {key: X/name, prompt: 'Name: '}
              - {key: X/adminPassword, kind: password, prompt: 'Password: '}
              - key: X/id
                notes: ["for @ANSWER:X/name@ and @ANSWER:X/other@", "not @ANSWER:X/adminPassword@"]
                prompt: 'Id of @ANSWER:X/name@ [@DEFAULT@]: '
                default: {compute: random_uuid}
        preview: {title: P, width: 10, items: [], confirm: {key: X/ok, prompt: 'ok? '}}
        """

    @Test func randomUUIDAnswerPlaceholdersAndUse() throws {
        let flow = try FlowLoader.parse(yaml: Self.yaml, path: "x.yaml")
        #expect(flow.usage(answerFile: "/tmp/a.conf") == "ovirt-wizard x --answers /tmp/a.conf")
        var session = FlowSession(flow: flow, offline: false, randomSeed: 7)
        session.accept(["X/name": Answer(.string("导出"), .operator), "X/adminPassword": Answer(.string("s3cret"), .operator)])
        let question = try #require(flow.question(forKey: "X/id"))
        let prompt = session.exchange(for: question).prompt
        let uuid = try #require(prompt.defaultText)
        #expect(prompt.text == "Id of 导出 [\(uuid)]: ")
        #expect(prompt.notes == ["for 导出 and (X/other not answered)", "not ********"])
        #expect(uuid.count == 36 && uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(FlowSession(flow: flow, offline: false, randomSeed: 7).defaultAnswer(for: question)?.text == uuid)
    }

    @Test func withoutUseTheToolReadsTheFileWithConfigAppend() throws {
        let flow = try FlowLoader.parse(yaml: Self.yaml.replacingOccurrences(of: "use: \"ovirt-wizard x --answers @FILE@\"\n", with: ""), path: "x.yaml")
        #expect(flow.use == nil)
        #expect(flow.usage(answerFile: "a.conf") == "x-tool --config-append=a.conf")
    }

    @Test func anUnknownComputedDefaultListsRandomUUID() {
        do {
            _ = try FlowLoader.parse(yaml: Self.yaml.replacingOccurrences(of: "random_uuid", with: "random_guid"), path: "x.yaml")
            Issue.record("random_guid was accepted")
        } catch {
            #expect("\(error)".contains("unknown computed default 'random_guid' (domain_of, random_mac, random_uuid,"))
        }
    }

    /// Adding UUIDs must not change the MAC the hosted-engine flow offers for a seed (replayed dialogs).
    @Test func theHostedEngineMACForASeedIsUnchanged() throws {
        let flow = try Repo.flow("hosted-engine-3.4")
        let question = try #require(flow.question(forKey: "OVEHOSTED_VM/vmMACAddr"))
        var rng = SplitMix64(seed: 5)
        let bytes = [UInt8(rng.next() % 0x80), UInt8(rng.next() % 0x100), UInt8(rng.next() % 0x100)]
        let expected = "00:16:3e" + bytes.map { ":" + String($0, radix: 16).leftPadded() }.joined()
        #expect(FlowSession(flow: flow, offline: true, randomSeed: 5).defaultAnswer(for: question)?.text == expected)
    }
}

private extension String {
    func leftPadded() -> String { count == 1 ? "0" + self : self }
}
