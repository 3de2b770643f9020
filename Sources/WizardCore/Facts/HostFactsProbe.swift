/// Finds out the host facts the flows' questions depend on, with one POSIX shell script run on the target host.
///
/// The script prints `name=value` lines (lists comma-separated), then `/proc/cpuinfo` after a marker line;
/// `parse` turns that into `HostFacts`. What the script cannot tell is left out, and the seed's value stays.
package enum HostFactsProbe {
    package static let cpuinfoMarker = "--- ovirt-wizard cpuinfo ---"

    /// The script, for `sh -c` (it only reads: no file is changed on the host).
    package static let script = #"""
        exists() { command -v "$1" >/dev/null 2>&1; }
        flag() { if "$@" >/dev/null 2>&1; then echo true; else echo false; fi; }
        active() { if exists systemctl; then systemctl is-active --quiet "$1"; else service "$1" status; fi; }
        echo "host_fqdn=$(hostname -f 2>/dev/null || hostname)"
        os=""
        if [ -r /etc/os-release ]; then os=$(. /etc/os-release; echo "$ID"); fi
        if [ -z "$os" ] && [ -r /etc/redhat-release ]; then
          case "$(cat /etc/redhat-release)" in CentOS*) os=centos;; Fedora*) os=fedora;; *) os=redhat;; esac
        fi
        case "$os" in rhel|ol|almalinux|rocky) os=redhat;; esac
        major=""
        if exists rpm; then
          major=$(rpm -E '%{?rhel}' 2>/dev/null)
          if [ -n "$major" ]; then case "$os" in centos|redhat) ;; *) os=redhat;; esac
          else f=$(rpm -E '%{?fedora}' 2>/dev/null); [ -n "$f" ] && { major=$f; os=fedora; }; fi
        fi
        [ -z "$major" ] && [ -r /etc/os-release ] && major=$(. /etc/os-release; echo "${VERSION_ID%%.*}")
        [ -z "$major" ] && [ -r /etc/redhat-release ] && major=$(sed -n 's/.* release \([0-9][0-9]*\).*/\1/p' /etc/redhat-release | head -n 1)
        echo "os_family=$os"
        echo "os_major=$major"
        [ -r /etc/os-release ] && echo "os_variant=$(. /etc/os-release; echo "${VARIANT_ID:-}")"
        [ -r /etc/redhat-release ] && echo "os_release=$(head -n 1 /etc/redhat-release)"
        m=""; a=""
        if exists iptables && { [ -e /etc/init.d/iptables ] || [ -e /usr/lib/systemd/system/iptables.service ]; }; then
          m="iptables"; active iptables >/dev/null 2>&1 && a="iptables"
        fi
        if exists firewall-cmd; then
          m="${m:+$m,}firewalld"; active firewalld >/dev/null 2>&1 && a="${a:+$a,}firewalld"
        fi
        echo "firewall_managers=$m"
        echo "active_firewall_managers=$a"
        echo "new_database=$(flag test ! -e /etc/ovirt-engine/engine.conf.d/10-setup-database.conf)"
        case "$os" in redhat|centos|fedora) echo "postgres_provisioning_supported=true";;
          *) echo "postgres_provisioning_supported=false";; esac
        echo "engine_ca_exists=$(flag test -e /etc/pki/ovirt-engine/ca.pem)"
        echo "apache_configured=$(flag grep -qs 'OVESETUP_APACHE/configured=bool:True' /etc/ovirt-engine-setup.conf.d/20-setup-ovirt-post.conf)"
        echo "websocket_proxy_pki_exists=$(flag test -e /etc/pki/ovirt-engine/keys/websocket-proxy.key.nopass)"
        echo "nfs_service_present=$(flag sh -c 'test -e /etc/init.d/nfs || test -e /usr/lib/systemd/system/nfs-server.service')"
        echo "engine_service_running=$(flag active ovirt-engine)"
        awk '/^MemTotal:/ { printf "memory_mb=%d\n", $2 / 1024 }' /proc/meminfo 2>/dev/null
        echo "ovirtmgmt_exists=$(flag test -e /sys/class/net/ovirtmgmt)"
        n=""
        for d in /sys/class/net/*; do
          i=${d##*/}
          [ "$i" = lo ] && continue
          [ -e "$d/bridge" ] && continue
          [ -e "$d/master" ] && continue
          n="${n:+$n,}$i"
        done
        echo "nics=$n"
        awk 'NR > 1 && $2 == "00000000" { g = $3; printf "gateway=%d.%d.%d.%d\n", ("0x" substr(g,7,2)) + 0, ("0x" substr(g,5,2)) + 0, ("0x" substr(g,3,2)) + 0, ("0x" substr(g,1,2)) + 0; exit }' /proc/net/route 2>/dev/null
        p=$( (sshd -T 2>/dev/null || /usr/sbin/sshd -T 2>/dev/null) | awk '$1 == "port" { print $2; exit }')
        echo "sshd_port=${p:-22}"
        echo "ha_broker_conf=$(flag test -e /etc/ovirt-hosted-engine-ha/broker.conf)"
        echo "ssh_without_screen=false"
        echo "storage_domain_exists=false"
        echo "iso_domain_exists=false"
        echo "package_updates=false"
        echo "\#(cpuinfoMarker)"
        cat /proc/cpuinfo 2>/dev/null
        """#

    /// How each fact is typed; facts not named here are kept as text.
    static let lists: Set<String> = ["firewall_managers", "active_firewall_managers", "nics"]
    static let bools: Set<String> = [
        "new_database", "postgres_provisioning_supported", "engine_ca_exists", "apache_configured",
        "websocket_proxy_pki_exists", "nfs_service_present", "engine_service_running", "ovirtmgmt_exists",
        "ha_broker_conf", "ssh_without_screen", "storage_domain_exists", "iso_domain_exists", "package_updates",
    ]
    static let ints: Set<String> = ["memory_mb", "sshd_port"]

    /// Parses the script's output. `description` says where the facts came from ("probed on gs1 over SSH").
    /// gawk's `("0x" …) + 0` gives 0 for hex on some awks; a gateway of 0.0.0.0 is therefore dropped.
    package static func parse(_ output: String, description: String) -> HostFacts {
        var facts = HostFacts(description: description)
        let parts = output.components(separatedBy: "\n" + cpuinfoMarker + "\n")
        for line in parts[0].split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<eq])
            let value = String(line[line.index(after: eq)...])
            if lists.contains(name) {
                facts[name] = .list(value.split(separator: ",").map(String.init))
            } else if bools.contains(name) {
                guard value == "true" || value == "false" else { continue }
                facts[name] = .bool(value == "true")
            } else if ints.contains(name) {
                guard let i = Int(value) else { continue }
                facts[name] = .int(i)
            } else if !value.isEmpty {
                facts[name] = .string(value)
            }
        }
        if case .string(let g)? = facts["gateway"], g == "0.0.0.0" { facts["gateway"] = nil }
        if parts.count > 1, case .success(let report) = CPUProbe.report(text: parts[1], source: description) {
            facts = facts.overlaid(with: HostFacts.cpu(report, description: description))
        }
        return facts
    }
}
