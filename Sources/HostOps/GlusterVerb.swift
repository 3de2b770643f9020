/// The `gluster` CLI commands a volume plan runs. Changes run with `--mode=script` (a prompt would hang the
/// runner); the reads are the plain commands an operator types.
package enum GlusterVerb: Sendable, Hashable {
    /// Adds `host` to the trusted pool.
    case peerProbe(host: String)
    /// Every peer must be 'Peer in Cluster (Connected)'.
    case peerStatus
    /// `layout`: the words after the name (`stripe 2 replica 2`, the bricks, `force`).
    case volumeCreate(volume: String, layout: [String])
    case volumeStart(volume: String)
    case volumeSet(volume: String, option: String, value: String)
    /// Read back the layout (`GlusterVolumeInfo.parse`).
    case volumeInfo(volume: String)
    /// Bricks online, ports, self-heal daemons (`GlusterVolumeStatus.parse`).
    case volumeStatus(volume: String)

    /// The words after `gluster` (and its options).
    package var words: [String] {
        switch self {
        case .peerProbe(let host): return ["peer", "probe", host]
        case .peerStatus: return ["peer", "status"]
        case let .volumeCreate(volume, layout): return ["volume", "create", volume] + layout
        case .volumeStart(let volume): return ["volume", "start", volume]
        case let .volumeSet(volume, option, value): return ["volume", "set", volume, option, value]
        case .volumeInfo(let volume): return ["volume", "info", volume]
        case .volumeStatus(let volume): return ["volume", "status", volume]
        }
    }

    /// False for the reads, which are safe to repeat.
    package var changesHost: Bool {
        switch self {
        case .peerStatus, .volumeInfo, .volumeStatus: return false
        default: return true
        }
    }

    package var command: RemoteCommand {
        RemoteCommand((changesHost ? ["gluster", "--mode=script"] : ["gluster"]) + words)
    }

    /// Exits 0 when the change is in place; a read is its own probe.
    package var probe: RemoteCommand {
        switch self {
        case .peerProbe(let host):
            return .script(#"gluster peer status | grep -qixF "Hostname: $1""#, arguments: [host])
        case .volumeCreate(let volume, _):
            return RemoteCommand(["gluster", "volume", "info", volume])
        case .volumeStart(let volume):
            return .script(#"gluster volume info "$1" | grep -qx "Status: Started""#, arguments: [volume])
        case let .volumeSet(volume, option, value):
            return .script(#"gluster volume info "$1" | grep -qxF "$2: $3""#, arguments: [volume, option, value])
        case .peerStatus, .volumeInfo, .volumeStatus:
            return command
        }
    }

    /// `peer-probe`, `volume-create`.
    package var word: String { words.prefix(2).joined(separator: "-") }
}
