import Foundation
import Testing
@testable import WizardCore

@Suite("CPU facts for the flows")
struct HostCPUFactsTests {
    @Test func core2GivesTheSeedsCPUModelsFact() throws {
        let facts = HostFacts.cpu(try CPUFixtures.report("conroe-core2-quad-launchpad-1757323.txt"), description: "probed")
        // Screens/hosted-engine-3.4.yaml seeds `cpu_models: [model_Conroe]` for the tutorial's Core 2 host.
        #expect(facts.list("cpu_models") == ["model_Conroe"])
        #expect(facts.string("cpu_vendor") == "GenuineIntel")
        #expect(facts["cpu_hardware_virtualization"] == .bool(true))
    }

    @Test func westmereFactListsEveryModelVdsmWouldReport() throws {
        let facts = HostFacts.cpu(try CPUFixtures.report("westmere-xeon-e5649-vdsm.txt"), description: "probed")
        #expect(facts.list("cpu_models") == ["model_Conroe", "model_Penryn", "model_Nehalem", "model_Westmere"])
    }
}
