// swift-tools-version: 6.0
import PackageDescription

// Module graph (imports only point down), see DESIGN.md; every arrow below is a declared dependency:
//   ovirt-wizard → TUI → Deploy → SSHKit → CLibssh2   (and ovirt-wizard → CMalloc: glibc's mallopt at the start)
//                   │       └──► WizardCore → OtopiKit (Foundation only)
//                   └─► WizardCore, OtopiKit, CNcursesw, and SSHKit (the wizard's target-host probe: not yet moved out)
//   WizardCore, SSHKit, Deploy → HostOps (typed host operations and the one shell quoting; Foundation only)
//   Deploy → EngineAPI (the platform's engine steps run through the engine's REST API)
let package = Package(
    name: "ovirt-wizard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ovirt-wizard", targets: ["ovirt-wizard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Already brought by async-http-client; named so EngineAPI can set the TLS trust roots and read bodies.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
    ],
    targets: [
        .target(name: "OtopiKit"),
        // ncursesw without pkgConfig: SwiftPM would drop its -D flags anyway (the shim defines NCURSES_WIDECHAR).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "TUI", dependencies: ["CNcursesw", "WizardCore", "OtopiKit", "Deploy", "SSHKit", "HostOps"]),
        // Drives the TUI layer in a real terminal for the tmux end-to-end tests and Benchmarks/keys.sh; not a product.
        .executableTarget(name: "tui-harness", dependencies: ["TUI"]),
        // Streams installer-like output through the deploy panes for Benchmarks/pane.sh; not a product, no tests use it.
        .executableTarget(name: "pane-bench", dependencies: ["TUI", "Deploy", "SSHKit", "WizardCore"]),
        .systemLibrary(name: "CLibssh2", path: "Sources/CLibssh2",
                       pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        // What is done on a host, as data, and the one place that builds remote command lines.
        .target(name: "HostOps"),
        .target(name: "SSHKit", dependencies: [
            "CLibssh2", "HostOps",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Real OpenSSH sshd processes on loopback for tests and benchmarks; not linked into the product.
        .target(name: "LabHosts"),
        .target(name: "WizardCore", dependencies: [
            "OtopiKit", "HostOps",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Plans, the runner, the journal and host probes: what happens on the hosts.
        .target(name: "Deploy", dependencies: [
            "WizardCore", "OtopiKit", "SSHKit", "HostOps", "EngineAPI",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // A plan as an Ansible project (ovirt-wizard export ansible): builtin modules of ansible-core only.
        .target(name: "AnsibleExport", dependencies: [
            "Deploy", "HostOps", "SSHKit",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The oVirt engine's REST API (v3 on 3.4, v4 on 4.5) over HTTPS pinned to the engine's own CA.
        .target(name: "EngineAPI", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // glibc's mallopt, for the process's allocator policy (ovirt-wizard's entry point).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .executableTarget(name: "ovirt-wizard", dependencies: [
            "CMalloc", "OtopiKit", "WizardCore", "TUI", "SSHKit", "Deploy", "HostOps", "AnsibleExport", "EngineAPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "OtopiKitTests", dependencies: ["OtopiKit"]),
        .testTarget(name: "WizardCoreTests", dependencies: ["WizardCore", "OtopiKit"]),
        .testTarget(name: "CLITests", dependencies: ["ovirt-wizard", "LabHosts"]),
        .testTarget(name: "StorageTests", dependencies: ["WizardCore", "SSHKit", "HostOps", "Deploy", "LabHosts", "ovirt-wizard"], exclude: ["Fixtures"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "tui-harness", "ovirt-wizard", "WizardCore", "OtopiKit", "LabHosts"], exclude: ["Golden"]),
        .testTarget(name: "SSHKitTests", dependencies: ["SSHKit", "HostOps", "LabHosts", "ovirt-wizard"]),
        .testTarget(name: "EngineAPITests", dependencies: ["EngineAPI", "LabHosts", "ovirt-wizard"], exclude: ["Fixture"]),
        .testTarget(name: "DeployTests", dependencies: ["Deploy", "AnsibleExport", "EngineAPI", .product(name: "Yams", package: "Yams"), "LabHosts", "WizardCore", "SSHKit", "HostOps", "OtopiKit", "TUI", "ovirt-wizard"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
