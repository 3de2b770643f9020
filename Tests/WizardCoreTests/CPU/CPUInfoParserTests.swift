import Testing
@testable import WizardCore

@Suite("/proc/cpuinfo parser")
struct CPUInfoParserTests {
    @Test func readsTopologyAndIdentity() throws {
        // vdsm's sample: 2 sockets × 6 cores, 24 logical CPUs.
        let cpu = try CPUInfo(parsing: try CPUFixtures.text("westmere-xeon-e5649-vdsm.txt"))
        #expect(cpu.vendor == .intel)
        #expect(cpu.modelName == "Intel(R) Xeon(R) CPU E5649 @ 2.53GHz")
        #expect(cpu.family == 6 && cpu.model == 44 && cpu.stepping == 2)
        #expect(cpu.sockets == 2 && cpu.coresPerSocket == 6 && cpu.logicalCPUs == 24)
        #expect(cpu.threadsPerCore == 2)
        #expect(cpu.flags.contains("aes") && !cpu.flags.contains("sep"))
    }

    @Test func entriesWithoutBlankLinesAndSpacePadding() throws {
        // ansible's capture pads with spaces and runs entries together.
        let cpu = try CPUInfo(parsing: try CPUFixtures.text("opteron-g2-2216-ansible.txt"))
        #expect(cpu.logicalCPUs == 4 && cpu.sockets == 2 && cpu.coresPerSocket == 2)
        #expect(cpu.vendor == .amd && cpu.modelName == "Dual-Core AMD Opteron(tm) Processor 2216")
    }

    @Test func crlfAndNoTrailingNewline() throws {
        let text = "processor\t: 0\r\nvendor_id\t: GenuineIntel\r\nflags\t\t: fpu vmx nx lm"
        let cpu = try CPUInfo(parsing: text)
        #expect(cpu.flags == ["fpu", "vmx", "nx", "lm"])
        #expect(cpu.sockets == nil && cpu.coresPerSocket == nil && cpu.threadsPerCore == nil)
    }

    @Test func flagsAllEntriesShareAndTheOnesTheyDisagreeOn() throws {
        let text = """
            processor : 0
            vendor_id : AuthenticAMD
            flags : fpu svm lwp

            processor : 1
            vendor_id : AuthenticAMD
            flags : fpu svm
            """
        let cpu = try CPUInfo(parsing: text)
        #expect(cpu.flags == ["fpu", "svm"])
        #expect(cpu.inconsistentFlags == ["lwp"])
    }

    @Test func wrappedFlagsLineIsAnErrorWithItsLine() throws {
        // ansible's damaged x86_64-2cpu-1core-cpuinfo: the flags line breaks mid-word.
        #expect(throws: CPUInfoParseError.self) {
            try CPUInfo(parsing: try CPUFixtures.text("broken-wrapped-flags-ansible.txt"))
        }
        do {
            _ = try CPUInfo(parsing: try CPUFixtures.text("broken-wrapped-flags-ansible.txt"))
        } catch let error as CPUInfoParseError {
            #expect(error.line == 21)
            #expect(error.message.hasPrefix("expected 'key : value'"))
        }
    }

    @Test func nonX86AndEmptyTextAreRefused() {
        let power = "processor\t: 0\ncpu\t\t: POWER8E (raw), altivec supported\nclock\t\t: 3425.000000MHz\n"
        #expect {
            try CPUInfo(parsing: power)
        } throws: { error in
            let e = error as? CPUInfoParseError
            return e?.line == 2 && e?.message.contains("not an x86") == true
        }
        #expect(throws: CPUInfoParseError.self) { try CPUInfo(parsing: "\n\n") }
    }
}
