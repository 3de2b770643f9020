import HostOps

/// The read-only checks the 4.5 plans run before anything changes (reference hosted-engine-45.md §7/§9,
/// engine-setup-otopi.md §2.1 #21 and §2.2), and the NFS export checks the platform flow and hosted-engine 4.5 share.
/// Each is a POSIX sh script whose values come only as positional parameters; `$1` is the host's name as the plan
/// knows it, so every message names the host, what was found there, and what to change.
enum HostPreChecks {
    /// A read-only check run as the login user: it runs again on resume (its probe is itself).
    static func step(_ id: String, _ title: String, _ script: StaticString, _ arguments: [String], note: String,
                     skipIsSafe: Bool = false) -> PlanStep {
        let command = RemoteCommand.script(script, arguments: arguments)
        return PlanStep(id: id, title: title, action: .run(command, otopi: false, interactive: false), changesHost: false,
                        probe: .command(command), skipIsSafe: skipIsSafe, skipNote: note, waitsFor: [], timeout: 60, runsAsRoot: false)
    }

    // MARK: - Names

    /// A name that must resolve to addresses of this host, each resolving back to it (P10): hosted-engine's
    /// `host_name`, engine-setup's `fqdn`. `$3` what the name is, `$4` the key that sets it, `$5` `non-loopback` when
    /// an address on the loopback interface does not count, `$6` why the name must be this host's.
    static let nameOfThisHost: StaticString = #"""
        a=$(getent ahosts "$2" | awk '{ print $1 }' | sort -u)
        [ -n "$a" ] || { echo "$1: $3 $2 ($4) did not resolve into an IP address: add it to DNS (forward and reverse)" >&2; exit 1; }
        if [ "$5" = non-loopback ]; then
          mine=$(ip -o addr show 2>/dev/null | awk '$2 != "lo" { sub("/.*", "", $4); print $4 }'); where="a non-loopback interface of this host"
        else
          mine=$(ip -o addr show 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }'); where="this host"
        fi
        for x in $a; do
          found=no; for y in $mine; do [ "$x" = "$y" ] && found=yes; done
          [ "$found" = yes ] || { echo "$1: $3 $2 resolves to $x, which is not an address of $where ($(echo $mine)): $6; fix DNS or change $4" >&2; exit 1; }
          r=$(getent hosts "$x" | awk '{ for (i = 2; i <= NF; i++) print $i }')
          printf '%s\n' "$r" | grep -qxF "$2" || { echo "$1: $2 resolves to $x, but $x resolves back to ${r:-nothing}: add the reverse record (PTR) of $x" >&2; exit 1; }
        done
        echo "$1: $2 resolves to $(echo $a), an address of this host, and back"
        """#

    /// hosted-engine's engine VM name: resolves, not to this host, and back (P10).
    static let engineVMName: StaticString = #"""
        a=$(getent ahosts "$2" | awk '{ print $1 }' | sort -u)
        [ -n "$a" ] || { echo "$1: the engine VM's name $2 did not resolve into an IP address: add it to DNS (forward and reverse)" >&2; exit 1; }
        mine=$(ip -o addr show 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }')
        for x in $a; do for y in $mine; do
          [ "$x" = "$y" ] && { echo "$1: the engine VM's name $2 resolves to $x, an address of this host: it must name the engine VM, not this host" >&2; exit 1; }
        done; done
        for x in $a; do
          r=$(getent hosts "$x" | awk '{ for (i = 2; i <= NF; i++) print $i }')
          printf '%s\n' "$r" | grep -qxF "$2" || { echo "$1: $2 resolves to $x, but $x resolves back to ${r:-nothing}: add the reverse record (PTR) of $x" >&2; exit 1; }
        done
        echo "$1: $2 resolves to $(echo $a), and back"
        """#

    // MARK: - CPU, memory, disk, network

    static let virtualization: StaticString = #"""
        flags=$(cat /proc/cpuinfo | grep -m 1 -E '^flags[[:space:]]*:')
        case " $flags " in
          *" vmx "*) echo "$1: the CPU has Intel VT-x (vmx)"; exit 0 ;;
          *" svm "*) echo "$1: the CPU has AMD-V (svm)"; exit 0 ;;
        esac
        echo "$1: /proc/cpuinfo shows neither vmx (Intel VT-x) nor svm (AMD-V): enable virtualization in the firmware (on a virtual machine: nested virtualization)" >&2
        exit 1
        """#

    /// hosted-engine: the free memory (otopi's MemFree+Buffers+Cached) holds the engine VM's `$2` MB and 512 MB (P13).
    static let freeMemoryForVM: StaticString = #"""
        free=$(cat /proc/meminfo | awk '/^(MemFree|Buffers|Cached):/ { s += $2 } END { print int(s / 1024) }')
        need=$(($2 + 512))
        if [ "$free" -ge "$need" ]; then echo "$1: $free MB free (MemFree+Buffers+Cached): room for the engine VM's $2 MB and 512 MB for the host"; exit 0; fi
        echo "$1: $free MB free (MemFree+Buffers+Cached), but the engine VM's $2 MB (OVEHOSTED_VM/vmMemSizeMB) and 512 MB for the host need $need MB: lower OVEHOSTED_VM/vmMemSizeMB (at least 4096) or free memory on $1" >&2
        exit 1
        """#

    /// engine-setup's memory check (engine-setup-otopi.md §2.1 #21): MemTotal below 90% of the minimum `$2` MB stops
    /// it at a question; below 90% of the recommended `$3` MB it only warns, and so does this check.
    static let totalMemoryForEngine: StaticString = #"""
        total=$(cat /proc/meminfo | awk '/^MemTotal:/ { print int($2 / 1024) }')
        [ -n "$total" ] || { echo "$1: /proc/meminfo shows no MemTotal" >&2; exit 1; }
        if [ $((total * 10)) -lt $(($2 * 9)) ]; then
          echo "$1: $total MB of memory (MemTotal), but the engine needs at least $2 MB (engine-setup stops below 90% of it): add memory to $1, or set OVESETUP_SYSTEM/memCheckEnabled=bool:False to run engine-setup anyway" >&2
          exit 1
        fi
        if [ $((total * 10)) -lt $(($3 * 9)) ]; then
          echo "WARNING: $1: $total MB of memory (MemTotal): enough for the engine's minimum of $2 MB, but less than the $3 MB recommended"
        else
          echo "$1: $total MB of memory (MemTotal): at least the $3 MB recommended for the engine"
        fi
        """#

    static let varTmpSpace: StaticString = #"""
        kb=$(df -Pk /var/tmp | awk 'NR == 2 { print $4 }')
        [ -n "$kb" ] || { echo "$1: df could not read /var/tmp" >&2; exit 1; }
        if [ "$kb" -ge "$2" ]; then echo "$1: $((kb / 1024)) MB available in /var/tmp"; exit 0; fi
        echo "$1: only $((kb / 1024)) MB available in /var/tmp; the engine appliance is unpacked there and needs at least $(($2 / 1024)) MB: free space or grow /var/tmp" >&2
        exit 1
        """#

    /// firewalld running (P11); `$2` says who needs it and what to change.
    static let firewalldActive: StaticString = #"""
        if systemctl is-active -q firewalld; then echo "$1: firewalld is active"; exit 0; fi
        echo "$1: firewalld is not active: $2" >&2
        exit 1
        """#

    static let natNetworkFree: StaticString = #"""
        p=$(printf '%s' "$2" | sed 's/\./\\./g')
        used=$( { ip -o -4 addr show; ip -4 route show; } 2>/dev/null | grep -E "(^|[[:space:]])$p\.[0-9]+" | head -n 3)
        if [ -z "$used" ]; then echo "$1: $2.0/24 is free for the engine VM's temporary NAT network"; exit 0; fi
        echo "$1: $2.0/24 is already in use on this host, and hosted-engine's local engine VM needs it for its NAT network:" >&2
        printf '%s\n' "$used" | sed 's/^/  /' >&2
        echo "give a free one with OVEHOSTED_CORE/ansibleUserExtraVars=str:he_ipv4_subnet_prefix=192.168.N" >&2
        exit 1
        """#

    // MARK: - NFS exports

    /// vdsm (36) must own the export, and a new domain's export must be empty (vdsm refuses one holding a domain).
    static let emptyExportScript: StaticString = #"""
        p=$1
        [ -d "$p" ] || { echo "$p does not exist or is not a directory" >&2; exit 1; }
        owner=$(stat -c %u:%g "$p") || exit 1
        [ "$owner" = 36:36 ] || { echo "$p is owned by $owner, not 36:36 (vdsm:kvm): run chown 36:36 $p" >&2; exit 1; }
        [ -z "$(ls -A "$p")" ] || { echo "$p is not empty: the engine formats a new domain only in an empty export" >&2; exit 1; }
        echo "$p: owned 36:36, empty"
        """#

    /// The probe of an export checked by `emptyExportScript` before a deploy that puts its domain there: still
    /// owned 36:36, and empty or holding storage domains (`*/dom_md/metadata`, made by the deploy since).
    static let exportEmptyOrInUseScript: StaticString = #"""
        p=$1
        [ "$(stat -c %u:%g "$p" 2>/dev/null)" = 36:36 ] || exit 1
        [ -z "$(ls -A "$p")" ] && exit 0
        for m in "$p"/*/dom_md/metadata; do [ -f "$m" ] && exit 0; done
        exit 1
        """#
}
