import Foundation
import OtopiKit

package enum ValidationResult: Sendable, Equatable {
    case ok
    /// Shown as `[WARNING]`; the answer is kept.
    case warning(String)
    /// Shown as `[ ERROR ]`; the question is asked again.
    case error(String)
}

/// What validators may look at outside the answer itself. Handed in, so that WizardCore stays pure.
package struct ValidationContext: Sendable {
    /// Whether a local path names a readable regular file (after `~` expansion); nil when it is fine.
    package var checkLocalFile: @Sendable (String) -> String?
    /// The text of an earlier answer (nil: not answered), for the few validators that compare answers
    /// (the Gluster disk confirmation). The session fills it in; elsewhere nothing is answered.
    package var answer: @Sendable (String) -> String?
    /// The key of the question being answered, for validators that compare it with the answers asked before it.
    package var asking: String?

    package init(checkLocalFile: @escaping @Sendable (String) -> String?,
                answer: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.checkLocalFile = checkLocalFile
        self.answer = answer
    }

    /// Looks at this machine's file system.
    package static let local = ValidationContext { path in
        let expanded = (path as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else {
            return "\(path) does not exist"
        }
        if isDirectory.boolValue { return "\(path) is a directory, not a file" }
        if !FileManager.default.isReadableFile(atPath: expanded) { return "\(path) is not readable" }
        return nil
    }
}

/// The validators a flow names. Each takes the answer as typed (after the default was applied).
package enum Validators {
    package static let names: Set<String> = [
        "fqdn", "host_address", "ipv4", "ipv6", "ip", "unicast_mac", "mac", "host_path", "storage_domain_name",
        "datacenter_name", "email", "email_list", "smtp_server", "tcp_port", "integer", "nonempty", "ssh_user",
        "absolute_path", "local_file", "hosts_lines",
        // storage (StorageValidators)
        "gluster_volume_name", "gluster_hosts", "gluster_brick_sources", "gluster_device_confirmations", "gluster_addresses", "byte_size",
        "export_domain_uuid", "export_path", "export_domain_description",
        // hosted-engine's additional hosts (HostedEngineAdditionalHosts)
        "he_additional_hosts", "he_host_ids", "he_host_names",
        // the platform flow (PlatformValidators)
        "platform_hosts", "platform_host_names", "engine_user", "platform_domain_name", "platform_optional_domain_name",
        "platform_domain_path", "engine_fqdn", "engine_name",
    ]

    package static func validate(_ name: String, _ value: String, context: ValidationContext) -> ValidationResult {
        switch name {
        case "fqdn": return fqdn(value)
        case "host_address": return hostAddress(value)
        case "ipv4": return isIPv4(value) ? .ok : .error("\(value) is not a valid IPv4 address")
        case "ipv6": return isIPv6(value) ? .ok : .error("\(value) is not a valid IPv6 address")
        case "ip": return isIPv4(value) || isIPv6(value) ? .ok : .error("\(value) is not a valid IP address")
        case "unicast_mac": return unicastMAC(value)
        case "mac": return mac(value)
        case "host_path": return hostPath(value)
        case "storage_domain_name": return domainName(value, what: "Storage domain name")
        case "datacenter_name": return domainName(value, what: "Data center name")
        case "email": return isEmail(value) ? .ok : .error("\(value) is not an e-mail address (name@host)")
        case "email_list": return emailList(value)
        case "smtp_server": return smtpServer(value)
        case "tcp_port": return tcpPort(value)
        case "integer": return OtopiValue.pythonInt(value) != nil ? .ok : .error("\(value) is not a whole number")
        case "nonempty": return value.isEmpty ? .error("Please specify a value") : .ok
        case "ssh_user": return sshUser(value)
        case "absolute_path": return absolutePath(value)
        case "hosts_lines": return hostsLines(value)
        case "local_file":
            if value.isEmpty { return .ok }
            return context.checkLocalFile(value).map { .error($0) } ?? .ok
        case "gluster_volume_name": return storage(StorageValidators.glusterVolumeName(value))
        case "gluster_hosts": return storage(StorageValidators.glusterHosts(value))
        case "gluster_brick_sources": return storage(StorageValidators.glusterBrickSources(value))
        case "gluster_device_confirmations":
            return storage(StorageValidators.glusterDeviceConfirmations(value, hosts: context.answer(GlusterFlowAnswers.hostsKey),
                                                                        brickSources: context.answer(GlusterFlowAnswers.brickSourcesKey)))
        case "gluster_addresses": return storage(StorageValidators.glusterAddresses(value))
        // Empty: the size is not known (the plan then shows no capacity).
        case "byte_size": return value.isEmpty ? .ok : storage(StorageValidators.byteSize(value))
        case "export_domain_uuid": return storage(StorageValidators.exportDomainUUID(value))
        case "export_path": return storage(StorageValidators.exportPath(value))
        case "export_domain_description": return storage(StorageValidators.exportDomainDescription(value))
        case "he_additional_hosts", "he_host_ids", "he_host_names": return additionalHosts(name, value, context: context)
        case "platform_hosts": return storage(PlatformValidators.hosts(value))
        case "platform_host_names": return storage(PlatformValidators.hostNames(value, hosts: context.answer(PlatformFacts.hostsKey)))
        case "engine_user": return storage(PlatformValidators.engineUser(value))
        case "engine_fqdn": return storage(PlatformAnswers.fqdnProblem(value))
        case "engine_name": return storage(PlatformValidators.engineName(value, what: context.asking == PlatformFacts.clusterKey ? "cluster" : "data center"))
        case "platform_domain_name", "platform_optional_domain_name":
            // The key is the one whose name this is: the first of the platform's domains not answered yet.
            return storage(PlatformValidators.domainName(value, key: context.asking ?? "", optional: name == "platform_optional_domain_name",
                                                         answer: context.answer))
        case "platform_domain_path":
            return storage(PlatformValidators.domainPath(value, key: context.asking ?? "", answer: context.answer))
        default: return .error("unknown validator \(name)")
        }
    }

    /// The additional hosts of a hosted engine: their list (not the first host, none twice), then one Host ID
    /// and one name per host, in the same order.
    static func additionalHosts(_ name: String, _ value: String, context: ValidationContext) -> ValidationResult {
        func words(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
        }
        let hostCount = words(context.answer(HostedEngineAdditionalHosts.hostsKey)).count
        switch name {
        case "he_additional_hosts":
            return storage(HostedEngineAdditionalHosts.hostsProblem(words(value), firstHost: context.answer(TargetLogin.hostKey)))
        case "he_host_ids": return storage(HostedEngineAdditionalHosts.idsProblem(words(value), hostCount: hostCount))
        default: return storage(HostedEngineAdditionalHosts.namesProblem(words(value), hostCount: hostCount))
        }
    }

    static func storage(_ message: String?) -> ValidationResult {
        message.map { .error($0) } ?? .ok
    }

    /// otopi 3.4's offline FQDN rules (`base/network/hostname.py`), plus the 4.x character check,
    /// since a name with other characters can never resolve.
    static func fqdn(_ value: String) -> ValidationResult {
        if value.isEmpty { return .error("Please specify host FQDN") }
        if isIPv4(value) {
            return .error("\(value) is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly.")
        }
        if value.utf8.count > 1000 { return .error("FQDN has invalid length") }
        if !value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) {
            return .error("\(value) contains characters that are not allowed in a host name")
        }
        guard let dot = value.firstIndex(of: ".") else {
            return .warning("Host name \(value) has no domain suffix")
        }
        if dot == value.startIndex { return .error("\(value) has an empty host part") }
        let domain = value[value.index(after: dot)...]
        // ^[\w.\-_]+\w+$ : at least two characters, ending in a word character
        guard domain.count >= 2, let last = domain.last, last.isASCII && (last.isLetter || last.isNumber || last == "_"),
              domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
            return .error("Host name \(value) has an invalid domain name")
        }
        return .ok
    }

    /// A host name (RFC 1123 labels), an IPv4 address, or an IPv6 address.
    static func hostAddress(_ value: String) -> ValidationResult {
        if value.isEmpty { return .error("Please specify a host name or address") }
        if isIPv4(value) || isIPv6(value) { return .ok }
        if isHostName(value) { return .ok }
        return .error("\(value) is not a host name or an IP address")
    }

    package static func isHostName(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 253 else { return false }
        let labels = value.hasSuffix(".") ? value.dropLast().split(separator: ".", omittingEmptySubsequences: false)
                                          : value.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != "-", label.last != "-" else { return false }
            return label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        } && !(labels.last?.allSatisfy(\.isNumber) ?? true)
    }

    package static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let n = Int(part) else { return false }
            return n <= 255
        }
    }

    package static func isIPv6(_ value: String) -> Bool {
        guard value.contains(":"), !value.contains("%") else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, value, &address) == 1
    }

    /// hosted-engine 1.2+'s unicast rule: the second hex digit even.
    static func unicastMAC(_ value: String) -> ValidationResult {
        guard case .ok = mac(value) else { return .error("Invalid unicast MAC address specified: '\(value)'") }
        let second = value[value.index(after: value.startIndex)]
        guard let nibble = second.hexDigitValue, nibble % 2 == 0 else {
            return .error("Invalid unicast MAC address specified: '\(value)' (a multicast address; the first byte must be even)")
        }
        return .ok
    }

    /// hosted-engine 3.4's rule: six `:`-separated fields of exactly two hex digits.
    static func mac(_ value: String) -> ValidationResult {
        let fields = value.split(separator: ":", omittingEmptySubsequences: false)
        let ok = fields.count == 6 && fields.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
        return ok ? .ok : .error("Invalid mac address specified: \(value)")
    }

    /// `host:/path` as hosted-engine and vdsm take NFS connections; an IPv6 host goes in brackets.
    static func hostPath(_ value: String) -> ValidationResult {
        let invalid = ValidationResult.error("'\(value)' is not a storage connection path of the form host:/path")
        guard let separator = value.range(of: ":/", options: .backwards) else { return invalid }
        var host = String(value[..<separator.lowerBound])
        let path = value[value.index(after: separator.lowerBound)...]
        guard path.count > 1 else { return invalid }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            return isIPv6(host) ? .ok : .error("\(host) in '\(value)' is not a valid IPv6 address")
        }
        if host.contains(":") {
            return .error("an IPv6 address in a connection path must be in brackets: [\(host)]:\(path)")
        }
        guard isIPv4(host) || isHostName(host) else {
            return .error("\(host) in '\(value)' is not a host name or an IP address")
        }
        if path.contains(where: { $0.isWhitespace }) { return .error("the path in '\(value)' contains white space") }
        return .ok
    }

    static func domainName(_ value: String, what: String) -> ValidationResult {
        let ok = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return ok ? .ok : .error("\(what) cannot be empty. It can only consist of alphanumeric characters (that is, letters, numbers, and signs \"-\" and \"_\"). All other characters are not valid in the name.")
    }

    /// hosted-engine's pattern `[a-zA-Z0-9_.+\-=]+@[a-z0-9.-]+`, matched over the whole value.
    package static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.+-=".contains($0)) }
            && parts[1].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".-".contains($0)) }
    }

    static func emailList(_ value: String) -> ValidationResult {
        let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for item in items where !isEmail(item) {
            if item.hasPrefix(" ") || item.hasSuffix(" ") {
                return .error("'\(item)' in the list has spaces; separate addresses with a comma only")
            }
            return .error("'\(item)' is not an e-mail address (name@host)")
        }
        return .ok
    }

    static func smtpServer(_ value: String) -> ValidationResult {
        let ok = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".-".contains($0)) }
        return ok ? .ok : .error("\(value) is not an SMTP server name (lower-case letters, digits, '.' and '-')")
    }

    static func tcpPort(_ value: String) -> ValidationResult {
        guard let port = OtopiValue.pythonInt(value), (1...65535).contains(port) else {
            return .error("\(value) is not a TCP port number (1-65535)")
        }
        return .ok
    }

    static func sshUser(_ value: String) -> ValidationResult {
        guard let first = value.first, first.isASCII, first.isLetter || first == "_", value.count <= 32,
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else {
            return .error("\(value) is not a user name")
        }
        return .ok
    }

    /// `/etc/hosts` lines, comma-separated: an address, then one or more names (`192.168.10.100 ha.lofyer.org`).
    static func hostsLines(_ value: String) -> ValidationResult {
        if value.isEmpty { return .ok }
        for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
            let words = entry.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2 else {
                return .error("'\(entry.trimmingCharacters(in: .whitespaces))' is not an /etc/hosts line: write the address, then the names")
            }
            guard isIPv4(words[0]) || isIPv6(words[0]) else { return .error("\(words[0]) is not an IP address") }
            for name in words.dropFirst() where !isHostName(name) {
                return .error("\(name) is not a host name")
            }
        }
        return .ok
    }

    static func absolutePath(_ value: String) -> ValidationResult {
        guard value.hasPrefix("/") else { return .error("\(value) is not an absolute path (it must start with /)") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .error("the path contains control characters")
        }
        return .ok
    }
}
