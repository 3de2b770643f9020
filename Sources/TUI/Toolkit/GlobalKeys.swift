/// The keys that mean the same on every screen.
package enum GlobalAction: Hashable, Sendable {
    case help, save, quit, redraw
}

package enum GlobalKeys {
    /// The global action of a key, or nil. `?` means help only when no text field has the focus
    /// (there it is a character to type).
    package static func action(for key: Key, textFieldFocused: Bool) -> GlobalAction? {
        switch key {
        case .function(1): return .help
        case .character("?") where !textFieldFocused: return .help
        case .control("s"): return .save
        case .control("c"): return .quit
        case .control("l"): return .redraw
        default: return nil
        }
    }
}

/// What lies over a screen and takes the keys first: the help text or a modal dialog. `Purpose` says
/// what the dialog was opened for, so `update` knows what the chosen button means.
package enum Overlay<Purpose: Hashable & Sendable>: Hashable, Sendable {
    case help(title: String, text: String)
    case dialog(Dialog, purpose: Purpose)

    /// The standard "really quit?" dialog for Ctrl-C; a second Ctrl-C chooses Quit.
    package static func quitConfirmation(purpose: Purpose, detail: String) -> Overlay {
        var dialog = Dialog(title: "Quit", message: detail, buttons: ["Quit", "Stay"], selected: 1)
        dialog.ctrlCChooses = 0
        return .dialog(dialog, purpose: purpose)
    }

    package enum Response: Hashable, Sendable {
        /// The overlay took the key and stays open.
        case open
        /// The help was closed.
        case closed
        case chose(button: Int, purpose: Purpose)
        case cancelled(Purpose)
    }

    /// Passes a key to the overlay; the caller removes it unless the answer is `.open`.
    package mutating func handle(_ key: Key) -> Response {
        switch self {
        case .help:
            return key == .resize ? .open : .closed
        case .dialog(var dialog, let purpose):
            let response = dialog.handle(key)
            self = .dialog(dialog, purpose: purpose)
            switch response {
            case .none: return .open
            case .chose(let i): return .chose(button: i, purpose: purpose)
            case .cancelled: return .cancelled(purpose)
            }
        }
    }

    package func render(into frame: inout Frame) {
        switch self {
        case .help(let title, let text): HelpOverlay.render(into: &frame, title: title, text: text)
        case .dialog(let dialog, _): dialog.render(into: &frame, area: frame.bounds)
        }
    }
}

extension TooSmallScreen {
    /// A view guarded by the minimum size: the "enlarge the terminal" screen below it, else `body`'s frame.
    package static func guarded(size: Size, minimum: Size = .minimum, body: (inout Frame) -> Void) -> Frame {
        guard size.fits(minimum) else { return render(size: size, minimum: minimum) }
        var frame = Frame(size: size)
        body(&frame)
        return frame
    }
}
