import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// `QUESTION/<n>/<name>` answers (otopi >= 1.7.6, what engine-setup 4.3+ writes) read as the keys they set.
@Suite struct OtopiQuestionAnswersTests {
    let flow: Flow
    init() throws { flow = try Repo.flow("engine-setup-4.5") }

    func environment(_ lines: String) throws -> OtopiEnvironment {
        OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + lines, path: "gen.conf")])
    }

    @Test func namesAndOccurrencesParse() {
        #expect(OtopiQuestionName("OVESETUP_PKI_ORG") == OtopiQuestionName("1/OVESETUP_PKI_ORG"))
        #expect(OtopiQuestionName("2/OVESETUP_KEYCLOAK_ENABLE")?.key == "QUESTION/2/OVESETUP_KEYCLOAK_ENABLE")
        #expect(OtopiQuestionName("queryEnvKey_input_OVESETUP_CONFIG/keycloakAdminPasswd")?.occurrence == 1)
        #expect(OtopiQuestionName("0/X") == nil)
        #expect(OtopiQuestionName("") == nil)
    }

    @Test func answersAreReadVerbatimAsOtopiDoes() throws {
        let env = OtopiQuestionAnswers.translate(try environment("""
            QUESTION/1/OVESETUP_ENGINE_ENABLE=str:No
            QUESTION/1/ovirt-provider-ovn=str:no
            QUESTION/1/OVESETUP_PROVISIONING_POSTGRES_ENABLED=str:manual
            QUESTION/1/OVESETUP_ENGINE_DB_PORT=str:5433
            QUESTION/1/OVESETUP_CONFIG_APPLICATION_MODE=str:Virt
            QUESTION/1/OVESETUP_DWH_SCALE=str:2
            QUESTION/1/OVESETUP_CONFIG_ADMIN_SETUP=str:s3cret
            QUESTION/2/OVESETUP_CONFIG_ADMIN_SETUP=str:s3cret
            QUESTION/1/OVESETUP_MEMCHECK_ENABLED=str:yes
            OVESETUP_PKI/organization=str:set.example
            QUESTION/1/OVESETUP_PKI_ORG=str:question.example
            """), flow: flow)
        // "No" with a capital N is not the false label "no": otopi counts it as yes
        #expect(env["OVESETUP_ENGINE_CORE/enable"]?.value == .bool(true))
        #expect(env["OVESETUP_OVN/ovirtProviderOvn"]?.value == .bool(false))
        #expect(env["OVESETUP_PROVISIONING/postgresProvisioningEnabled"]?.value == .bool(false))
        #expect(env["OVESETUP_DB/port"]?.value == .int(5433))
        #expect(env["OVESETUP_CONFIG/applicationMode"]?.value == .string("virt"))
        #expect(env["OVESETUP_DWH_CONFIG/scale"]?.value == .string("2"))
        #expect(env["OVESETUP_CONFIG/adminPassword"]?.value == .string("s3cret"))
        // "continue with less memory?" yes turns the check off
        #expect(env["OVESETUP_SYSTEM/memCheckEnabled"]?.value == .bool(false))
        // a key the file sets itself wins, as in otopi
        #expect(env["OVESETUP_PKI/organization"]?.value == .string("set.example"))
        #expect(env["OVESETUP_ENGINE_CORE/enable"]?.origin.line == 2)
    }

    @Test func aGeneratedFileOfQuestionsOnlyAnswersTheWholeFlow() throws {
        let env = OtopiQuestionAnswers.translate(try environment("""
            QUESTION/1/OVESETUP_APACHE_CONFIG_ROOT_REDIRECTION=str:yes
            QUESTION/1/OVESETUP_APACHE_CONFIG_SSL=str:automatic
            QUESTION/1/OVESETUP_CONFIG_ADMIN_SETUP=str:Secr3t-adm1n
            QUESTION/1/OVESETUP_CONFIG_APPLICATION_MODE=str:both
            QUESTION/1/OVESETUP_CONFIG_SAN_WIPE_AFTER_DELETE=str:no
            QUESTION/1/OVESETUP_CONFIG_VMCONSOLE_PROXY=str:yes
            QUESTION/1/OVESETUP_CONFIG_WEBSOCKET_PROXY=str:yes
            QUESTION/1/OVESETUP_DIALOG_CONFIRM_SETTINGS=str:ok
            QUESTION/1/OVESETUP_DWH_ENABLE=str:yes
            QUESTION/1/OVESETUP_DWH_PROVISIONING_POSTGRES_ENABLED=str:automatic
            QUESTION/1/OVESETUP_DWH_PROVISIONING_POSTGRES_LOCATION=str:local
            QUESTION/1/OVESETUP_DWH_SCALE=str:1
            QUESTION/1/OVESETUP_ENGINE_ENABLE=str:yes
            QUESTION/1/OVESETUP_GRAFANA_ENABLE=str:yes
            QUESTION/1/OVESETUP_KEYCLOAK_ENABLE=str:yes
            QUESTION/1/OVESETUP_KEYCLOAK_PROVISIONING_POSTGRES_ENABLED=str:automatic
            QUESTION/1/OVESETUP_KEYCLOAK_PROVISIONING_POSTGRES_LOCATION=str:local
            QUESTION/1/OVESETUP_NETWORK_FQDN_this=str:engine.example.com
            QUESTION/1/OVESETUP_PKI_ORG=str:example.com
            QUESTION/1/OVESETUP_PROVISIONING_POSTGRES_ENABLED=str:automatic
            QUESTION/1/OVESETUP_PROVISIONING_POSTGRES_LOCATION=str:local
            QUESTION/1/OVESETUP_UPDATE_FIREWALL=str:yes
            QUESTION/1/ovirt-cinderlib-enable=str:no
            QUESTION/1/ovirt-provider-ovn=str:yes
            QUESTION/1/KEYCLOAK_USE_ENGINE_ADMIN_PASSWORD=str:yes
            QUESTION/1/GRAFANA_USE_ENGINE_ADMIN_PASSWORD=str:yes
            """), flow: flow)
        var session = FlowSession(flow: flow, offline: true, randomSeed: 0)
        session.load(env)
        let open = session.activeQuestions.filter { !session.answers.isAnswered($0.key) }.map(\.key)
        #expect(open.isEmpty, "\(open)")
    }
}
