import Testing
@testable import TUI

/// The reusable screens, composed the way the wizard composes them, rendered at the three reference
/// sizes and compared with `Golden/*.txt`.
@Suite struct GoldenScreenTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40), Size(columns: 60, rows: 20)]

    static let hub = HubList(items: [
        HubItem(id: "net", title: "Network", status: .done, summary: "fqdn=engine.lab.example.com, firewall=yes"),
        HubItem(id: "db", title: "Database", status: .needsAnswers, summary: "not answered yet"),
        HubItem(id: "pki", title: "PKI (证书)", status: .invalid, summary: "organization name is empty"),
        HubItem(id: "preview", title: "Preview", status: .needsAnswers, summary: "every value and where it came from"),
    ], selected: 1)

    static var form: QuestionForm {
        var form = QuestionForm(fields: [
            QuestionField(id: "fqdn", prompt: "Host fully qualified DNS name of this server:", defaultValue: "localhost"),
            QuestionField(id: "org", prompt: "Organization name for certificate (组织名称):", defaultValue: "示例组织"),
            QuestionField(id: "pw", prompt: "Engine admin password:", kind: .secret),
            QuestionField(id: "fw", prompt: "Configure the firewall?", kind: .yesNo, defaultValue: "yes"),
            QuestionField(id: "st", prompt: "Storage type:", kind: .choice(["nfs3", "nfs4", "glusterfs"]), defaultValue: "nfs4"),
        ])
        for c in "engine lab" { _ = form.handle(.character(c)) }
        form.reject(index: 0, reason: "\"engine lab\" is not a fully qualified name (it needs a dot and no spaces)")
        form.setFocus(2)
        for c in "hunter2-秘密" { _ = form.handle(.character(c)) }
        return form
    }

    static let preview = PreviewList(rows: [
        .heading("--== NETWORK CONFIGURATION ==--"),
        PreviewRow(id: "fqdn", label: "Engine FQDN", value: "engine.lab.example.com", provenance: .answerFile),
        PreviewRow(id: "fw", label: "Firewall manager", value: "iptables", provenance: .detected),
        .heading("--== PKI CONFIGURATION ==--"),
        PreviewRow(id: "org", label: "Organization", value: "", problem: "not answered"),
        PreviewRow(id: "pw", label: "Engine admin password", value: "hunter2", provenance: .operatorTyped, isMasked: true),
        PreviewRow(id: "port", label: "HTTPS port", value: "99999", provenance: .answerFile, problem: "not a port (1-65535)"),
    ], selected: 2)

    static func screen(_ size: Size, title: String, notice: Notice? = nil, _ body: (inout Frame, Rect) -> Void) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let rect = Chrome.render(into: &frame, title: title, location: "engine-setup", notice: notice)
            body(&frame, rect)
        }
    }

    static func render(_ name: String, _ size: Size) -> Frame {
        switch name {
        case "hub":
            return screen(size, title: "ovirt-wizard: engine-setup") { frame, rect in hub.render(into: &frame, rect: rect) }
        case "questions":
            return screen(size, title: "PKI", notice: Notice("Saved 4 answers to answers.conf", kind: .success)) { frame, rect in
                frame.cursor = form.render(into: &frame, rect: rect)
            }
        case "dialog":
            var frame = render("questions", size)
            frame.cursor = nil
            if size.fits(.minimum) {
                Dialog(title: "Confirm", message: "The engine VM should have at least 2 CPUs. Continue with specified CPUs?",
                       selected: 1).render(into: &frame, area: frame.bounds)
            }
            return frame
        case "help":
            var frame = render("hub", size)
            if size.fits(.minimum) {
                HelpOverlay.render(into: &frame, title: "Sections", text: "Choose a section with the arrows and open it with Enter.")
            }
            return frame
        case "preview":
            return screen(size, title: "CONFIGURATION PREVIEW") { frame, rect in preview.render(into: &frame, rect: rect) }
        default:
            return TooSmallScreen.render(size: size)
        }
    }

    @Test(arguments: ["hub", "questions", "dialog", "help", "preview"])
    func screensMatchTheirGoldenText(name: String) {
        for size in Self.sizes {
            let frame = Self.render(name, size)
            Golden.check(frame, "\(name)-\(size)")
            // Nothing ever draws past the frame, and no secret reaches it.
            #expect(frame.size == size)
            #expect(!frame.lines.joined().contains("hunter2"))
        }
    }

    @Test func belowTheMinimumEveryScreenIsTheEnlargeMessage() {
        let small = Size(columns: 60, rows: 20)
        for name in ["hub", "questions", "preview"] {
            #expect(Self.render(name, small).lines.joined(separator: " ").contains("Please enlarge it to at least 80x24 (now 60x20)"))
        }
        Golden.check(TooSmallScreen.render(size: Size(columns: 20, rows: 5)), "too-small-20x5")
    }

    @Test func goldenTextShowsStylesAndADiffOnMismatch() {
        var frame = Frame(size: Size(columns: 4, rows: 1))
        frame.put("ab", row: 0, column: 0, style: .bold)
        let text = Golden.text(of: frame)
        #expect(text.contains("|ab  |"))
        #expect(text.contains("aa\nlegend\na = bold normal"))
        #expect(Golden.diff("x\ny", "x\nz") == "   2 - y\n     + z")
    }
}
