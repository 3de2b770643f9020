import Testing
@testable import WizardCore

@Suite struct ValidatorTests {
    let context = ValidationContext { path in path == "/exists" ? nil : "\(path) does not exist" }

    func check(_ name: String, ok: [String], bad: [String], warn: [String] = []) {
        for v in ok {
            #expect(Validators.validate(name, v, context: context) == .ok, "\(name) should accept '\(v)'")
        }
        for v in bad {
            if case .error = Validators.validate(name, v, context: context) {} else {
                Issue.record("\(name) should refuse '\(v)'")
            }
        }
        for v in warn {
            if case .warning = Validators.validate(name, v, context: context) {} else {
                Issue.record("\(name) should warn about '\(v)'")
            }
        }
    }

    @Test func fqdnFollowsOtopi34() {
        check("fqdn", ok: ["gs1.lofyer.org", "ha.lofyer.org", "a.b_c.example", "x.y1"],
              bad: ["", "192.168.10.1", "bad host.example.com", "host.-", "host.a", ".example.com", "ho$t.example.com",
                    String(repeating: "a", count: 1001)],
              warn: ["localhost", "engine"])
        #expect(Validators.validate("fqdn", "10.0.0.1", context: context) ==
                .error("10.0.0.1 is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly."))
        #expect(Validators.validate("fqdn", "engine", context: context) == .warning("Host name engine has no domain suffix"))
    }

    @Test func addresses() {
        check("ipv4", ok: ["192.168.10.1", "0.0.0.0", "255.255.255.255"],
              bad: ["256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "a.b.c.d", "", "1.2.3.4 "])
        check("ipv6", ok: ["::1", "fe80::1", "2001:db8::8:800:200c:417a"], bad: ["1.2.3.4", ":::", "fe80::1%eth0", "g::1"])
        check("ip", ok: ["10.1.1.1", "::1"], bad: ["host"])
        check("host_address", ok: ["gs1", "gs1.lofyer.org", "127.0.0.2", "::1", "a-b.c"],
              bad: ["", "-a.b", "a_b.c", "a..b", "host name", "1.2.3.999"])
    }

    @Test func macAddresses() {
        check("unicast_mac", ok: ["00:16:3e:59:9b:e2", "02:AB:cd:00:00:01"],
              bad: ["01:16:3e:59:9b:e2", "00:16:3e:59:9b", "00-16-3e-59-9b-e2", "00:16:3e:59:9b:e", "zz:16:3e:59:9b:e2"])
        check("mac", ok: ["01:16:3e:59:9b:e2"], bad: ["1:16:3e:59:9b:e2"])
    }

    @Test func storageConnections() {
        check("host_path", ok: ["192.168.10.101:/gluster-vol1/ovirt_data/hosted_engine", "nfs.example.com:/he", "[fe80::1]:/x"],
              bad: ["nfs.example.com", "nfs.example.com:/", ":/path", "fe80::1:/x", "bad host:/x", "host:/a b", "[1.2.3.4]:/x"])
    }

    @Test func names() {
        check("storage_domain_name", ok: ["hosted_storage", "a-b_9"], bad: ["", "with space", "dömain", "a.b"])
        check("datacenter_name", ok: ["hosted_datacenter"], bad: ["x/y"])
        #expect(Validators.validate("datacenter_name", "", context: context) ==
                .error("Data center name cannot be empty. It can only consist of alphanumeric characters (that is, letters, numbers, and signs \"-\" and \"_\"). All other characters are not valid in the name."))
        check("ssh_user", ok: ["root", "_svc", "a.b-c"], bad: ["", "9root", "ro ot", String(repeating: "a", count: 33)])
    }

    @Test func mail() {
        check("email", ok: ["root@localhost", "a.b+c=d@mail.example.com"], bad: ["root", "@x", "a@", "a@B.com", "a b@x", "a@x@y"])
        check("email_list", ok: ["root@localhost", "a@x,b@y"], bad: ["a@x, b@y", "a@x,", ",a@x", ""])
        check("smtp_server", ok: ["localhost", "smtp.example.com", "10.0.0.1"], bad: ["SMTP.example.com", "", "a_b"])
    }

    @Test func numbers() {
        check("tcp_port", ok: ["1", "22", "65535", " 25 "], bad: ["0", "65536", "-1", "x", ""])
        check("integer", ok: ["2", "-3", "1_000"], bad: ["2.5", "two", ""])
    }

    @Test func paths() {
        check("absolute_path", ok: ["/tmp/centos.iso"], bad: ["tmp/centos.iso", "", "/a\u{7}b"])
        check("local_file", ok: ["/exists", ""], bad: ["/missing"])
        check("nonempty", ok: ["x"], bad: [""])
        check("hosts_lines", ok: ["", "192.168.10.100 ha.lofyer.org", "192.168.10.101 gs1.lofyer.org gs1,::1 v6.example.com"],
              bad: ["ha.lofyer.org", "192.168.10.100", "300.1.1.1 a.b", "192.168.10.100 bad_name", "1.2.3.4 a,"])
    }

    @Test func localFileCheckUsesTheRealFileSystem() {
        #expect(ValidationContext.local.checkLocalFile("/etc/hostname") == nil)
        #expect(ValidationContext.local.checkLocalFile("/nonexistent/key") == "/nonexistent/key does not exist")
        #expect(ValidationContext.local.checkLocalFile("/tmp") == "/tmp is a directory, not a file")
    }

    @Test func everyNamedValidatorIsImplemented() {
        for name in Validators.names {
            if case .error(let e) = Validators.validate(name, "x", context: context) {
                #expect(!e.hasPrefix("unknown validator"), "\(name)")
            }
        }
    }
}

@Suite struct PasswordStrengthTests {
    @Test func crackLibRules() {
        #expect(PasswordStrength.weakness(of: "abc") == "it is WAY too short")
        #expect(PasswordStrength.weakness(of: "ab1x_") == "it is too short")
        #expect(PasswordStrength.weakness(of: "aaaaaab") == "it does not contain enough DIFFERENT characters")
        #expect(PasswordStrength.weakness(of: "abcdefgh") == "it is too simplistic/systematic")
        #expect(PasswordStrength.weakness(of: "Password1") == "it is based on a dictionary word")
        #expect(PasswordStrength.weakness(of: "S3cret-pw!") == nil)
        #expect(PasswordStrength.weakness(of: "x7#Lq9!mZ") == nil)
    }
}
