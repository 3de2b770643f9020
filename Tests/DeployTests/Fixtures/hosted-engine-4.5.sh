# Sourced by the fixture hosted-engine on an EL8/EL9 lab host: replays oVirt 4.5's hosted-engine --deploy
# (ovirt-hosted-engine-setup 2.7, otopi 1.10, the Ansible flow) as reference hosted-engine-45.md §3, §5 and its
# transcript T1 show it, with the answers of --config-append. Like the real tool run without a terminal, it stops
# at the first question the file does not answer, printing that question, so a test proves the file makes it ask
# nothing. HE45_MODE (fixture.env): success (default); fatal (engine-setup's package task fails, §9 P2);
# lockpause (the host comes up non_operational and the deploy waits for its lock file, §5.5); drop (the SSH
# sessions of this host are killed when the host is added, as the ovirtmgmt bridge does to the connection).
log="$root/var/log/ovirt-hosted-engine-setup/ovirt-hosted-engine-setup-20251114101500-7l1ean.log"
mkdir -p "$(dirname "$log")"
echo "2025-11-14 10:15:00,123+0000 DEBUG otopi.context context._executeMethod:127 Stage boot METHOD otopi.plugins.otopi.dialog.human.Plugin._init" > "$log"
has() { grep -qs "^$1=" "$conf"; }
is_true() { [ "$(key "$1")" = True ]; }
ansible_log() { echo "$root/var/log/ovirt-hosted-engine-setup/ovirt-hosted-engine-setup-ansible-$1-20251114101$2.log"; }
task() { info "TASK [ovirt.ovirt.hosted_engine_setup : $1]"; info "${2:-ok}: [localhost]"; }
end_failed() {
  info "Stage: Clean up"
  info "Cleaning temporary resources"
  answers="$root/var/lib/ovirt-hosted-engine-setup/answers/answers-20251114103344.conf"
  mkdir -p "$(dirname "$answers")"
  { echo "[environment:default]"; grep '^OVEHOSTED_' "$conf" | grep -v -e Password -e Pwd -e bridgeIf -e host_name -e skipTTYCheck; } > "$answers"
  info "Generating answer file '$answers'"
  info "Stage: Pre-termination"
  info "Stage: Termination"
  error "Hosted Engine deployment failed${1:+: $1}"
  note "Log file is located at $log"
  exit 1
}
fail_stage() {
  error "Failed to execute stage '$1': $2"
  end_failed ""
}
# need KEY PROMPT: the tool would ask PROMPT unless KEY is answered; without a terminal that is end of file.
need() { has "$1" && return 0; printf '          %s' "$2"; echo; fail_stage "Environment customization" "End of file"; }

info "Stage: Initializing"
info "Stage: Environment setup"
if [ -n "$SSH_CLIENT" ] && [ -z "$TERM" ] && ! is_true OVEHOSTED_CORE/skipTTYCheck; then
  error "It has been detected that this program is executed through an SSH connection without pseudo-tty allocation."
  error "Please run again ssh adding -t option"
  fail_stage "Environment setup" "Aborted due to missing requirement"
fi
note "During customization use CTRL-D to abort."
need OVEHOSTED_CORE/deployProceed "Are you sure you want to continue? (Yes, No)[Yes]: "
is_true OVEHOSTED_CORE/deployProceed || fail_stage "Environment setup" "Aborted by user"
if [ -n "$SSH_CLIENT" ] && [ "$TERM" != screen ]; then
  need OVEHOSTED_CORE/screenProceed "Do you want to continue anyway? (Yes, No)[No]: "
  is_true OVEHOSTED_CORE/screenProceed || fail_stage "Environment setup" "Aborted by user"
fi
need OVEHOSTED_CORE/forceIpProceed "Do you want to continue anyway? (Yes, No)[No]: "
[ "$(key OVEHOSTED_CORE/forceIpProceed)" = no ] && fail_stage "Environment setup" "Aborted by user"
note "Configuration files: $conf"
note "Log file: $log"
note "Version: otopi-1.10.4 (otopi-1.10.4-1.el9)"
info "Stage: Environment packages setup"
info "Stage: Programs detection"
info "Stage: Environment setup (late)"
info "Stage: Environment customization"
title "STORAGE CONFIGURATION"
title "HOST NETWORK CONFIGURATION"
need OVEHOSTED_NETWORK/gateway "Please indicate the gateway IP address [192.0.2.1]: "
info "Checking available network interfaces:"
task "Execute just a specific set of steps"
task "Force facts gathering"
task "Get all active network interfaces"
task "Filter bonds with bad naming"
task "Generate output list"
need OVEHOSTED_NETWORK/bridgeIf "Please indicate a nic to set ovirtmgmt bridge on (eth0) [eth0]: "
need OVEHOSTED_NETWORK/network_test "Please specify which way the network connectivity should be checked (ping, dns, tcp, none) [dns]: "
if [ "$(key OVEHOSTED_NETWORK/network_test)" = tcp ]; then
  need OVEHOSTED_NETWORK/network_test_tcp_address "Please specify the desired destination IP address of the TCP connection test: "
  need OVEHOSTED_NETWORK/network_test_tcp_port "Please specify the desired destination TCP port of the TCP connection test: "
fi
title "VM CONFIGURATION"
need OVEHOSTED_ENGINE/datacenterName "Data center [Default]: "
need OVEHOSTED_ENGINE/clusterName "Cluster [Default]: "
need OVEHOSTED_CORE/enableKeycloak "Configure Keycloak integration on the engine(Yes, No) [Yes]: "
need OVEHOSTED_VM/ovfArchive "Appliance image path []: "
need OVEHOSTED_VM/vmVCpus "Please specify the number of virtual CPUs for the VM. The default is the appliance OVF value [4]: "
need OVEHOSTED_VM/vmMemSizeMB "Please specify the memory size of the VM in MB. The default is the appliance OVF value [16384]: "
info "Detecting host timezone."
need OVEHOSTED_VM/cloudinitInstanceHostName "Engine VM FQDN: "
fqdn=$(key OVEHOSTED_VM/cloudinitInstanceHostName)
need OVEHOSTED_VM/cloudinitInstanceDomainName "Engine VM domain [${fqdn#*.}]: "
need OVEHOSTED_VM/cloudinitRootPwd "Enter root password that will be used for the engine appliance: "
need OVEHOSTED_VM/rootSshPubkey "SSH public key []: "
[ -z "$(key OVEHOSTED_VM/rootSshPubkey)" ] && warn "Skipping appliance root ssh public key"
need OVEHOSTED_VM/rootSshAccess "Do you want to enable ssh access for the root user? (yes, no, without-password) [yes]: "
need OVEHOSTED_VM/applyOpenScapProfile "Do you want to apply an OpenSCAP security profile? (Yes, No) [No]: "
is_true OVEHOSTED_VM/applyOpenScapProfile && need OVEHOSTED_VM/OpenScapProfileName "Please provide the security profile you would like to use (stig, pci-dss) [stig]: "
[ "$(key OVEHOSTED_VM/OpenScapProfileName)" = stig ] || need OVEHOSTED_VM/enableFips "Do you want to enable FIPS? (Yes, No) [No]: "
need OVEHOSTED_VM/vmMACAddr "Please specify a unicast MAC address for the VM, or accept a randomly generated default [00:16:3e:5a:21:7c]: "
need OVEHOSTED_VM/cloudinitVMStaticCIDR "How should the engine VM network be configured? (DHCP, Static)[DHCP]: "
[ "$(key OVEHOSTED_VM/cloudinitVMStaticCIDR)" = False ] || need OVEHOSTED_VM/cloudinitVMDNS "Engine VM DNS (leave it empty to skip) [192.0.2.53]: "
need OVEHOSTED_VM/cloudinitVMETCHOSTS "Add lines to /etc/hosts? (Yes, No)[Yes]: "
title "HOSTED ENGINE CONFIGURATION"
need OVEHOSTED_NOTIF/smtpServer "Please provide the name of the SMTP server through which we will send notifications [localhost]: "
need OVEHOSTED_NOTIF/smtpPort "Please provide the TCP port number of the SMTP server [25]: "
need OVEHOSTED_NOTIF/sourceEmail "Please provide the email address from which notifications will be sent [root@localhost]: "
need OVEHOSTED_NOTIF/destEmail "Please provide a comma-separated list of email addresses which will get notifications [root@localhost]: "
need OVEHOSTED_ENGINE/adminPassword "Enter engine admin password: "
info "Stage: Setup validation"
need OVEHOSTED_NETWORK/host_name "Please provide the hostname of this host on the management network [$(hostname -f)]: "
host_name=$(key OVEHOSTED_NETWORK/host_name)
info "Stage: Transaction setup"
info "Stage: Misc configuration (early)"
info "Stage: Package installation"
info "Stage: Misc configuration"
info "Stage: Transaction commit"
info "Stage: Closing up"
info "Cleaning previous attempts"
task "Execute just a specific set of steps"
task "Stop libvirt service" changed
task "Drop vdsm config statements" changed
task "Restore initial abrt config files" changed
task "Start libvirt" changed
task "Check for leftover local Hosted Engine VM"
task "Destroy leftover local Hosted Engine VM" skipping
info "Starting local VM"
task "Install ovirt-engine-appliance rpm" skipping
task "Register appliance PATH" ok
task "Create local VM" changed
task "Get local VM IP"
task "Add an entry for this host on /etc/hosts for the local VM" changed
task "Wait for the local VM"
info "TASK [ovirt.ovirt.engine_setup : Install oVirt Engine package]"
if [ "$HE45_MODE" = fatal ]; then
  error "fatal: [localhost -> 192.168.222.71]: FAILED! => {\"changed\": false, \"msg\": \"Failed to download metadata for repo 'centos-ceph-pacific': Cannot prepare internal mirrorlist: Curl error (6): Couldn't resolve host name for http://mirrorlist.centos.org/?release=8-stream&arch=x86_64&repo=storage-ceph-pacific [Could not resolve host: mirrorlist.centos.org]\", \"rc\": 1, \"results\": []}"
  task "Sync on engine machine" changed
  task "Fetch logs from the engine VM"
  info "TASK [ovirt.ovirt.hosted_engine_setup : Notify the user about a failure]"
  error "fatal: [localhost]: FAILED! => {\"changed\": false, \"msg\": \"There was a failure deploying the engine on the local engine VM. The system may not be provisioned according to the playbook results: please check the logs for the issue, fix accordingly or re-deploy from scratch.\\n\"}"
  error "b'[DEPRECATION WARNING]: Encryption using the Python crypt module is deprecated. \\n'"
  fail_stage "Closing up" "Failed executing ansible-playbook"
fi
info "ok: [localhost -> 192.168.222.71]"
info "TASK [ovirt.ovirt.engine_setup : Run engine-setup with answerfile]"
info "changed: [localhost -> 192.168.222.71]"
info "TASK [ovirt.ovirt.engine_setup : Make sure ovirt-engine service is running]"
info "ok: [localhost -> 192.168.222.71]"
task "Wait for the engine to reach a stable condition" ok
task "Open a port on firewalld" changed
task "Expose engine VM webui over a local port via ssh port forwarding" changed
info "The bootstrap engine is temporarily accessible via https://$host_name:6900/ovirt-engine/"
task "Ensure the resolved address resolves only on the selected interface"
task "Add host" changed
if [ "$HE45_MODE" = drop ] && [ ! -e "$state/he45-dropped" ]; then
  touch "$state/he45-dropped"
  # The wizard follows this output with tail; once it does, its connection goes down as the bridge takes the
  # host's address: every SSH session of this lab host is killed (the listener stays, as the host stays up).
  hostdir=$(dirname "$root")
  out=$(readlink /proc/$$/fd/1)
  n=0
  while ! ps -eo args= | grep -F -- "$out" | grep -q '^tail '; do n=$((n + 1)); [ "$n" -gt 300 ] && break; sleep 0.1; done
  listener=$(ps -eo pid=,args= | awk -v c="$hostdir/sshd_config" 'index($0, "-f " c " ") && /sshd/ { print $1 }' | head -n 1)
  [ -n "$listener" ] && for s in $(ps -eo pid=,ppid= | awk -v p="$listener" '$2 == p { print $1 }'); do kill -KILL "$s" 2>/dev/null; done
fi
task "Include after_add_host tasks files"
task "Wait for the host to be up"
if [ "$HE45_MODE" = lockpause ] && [ ! -e "$state/he45-paused" ]; then
  touch "$state/he45-paused"
  info "The host has been set in non_operational status, deployment errors:   code 519: Host $host_name does not comply with the cluster Default networks, the following networks are missing on host: 'ovirtmgmt',    code 9000: Failed to verify Power Management configuration for Host $host_name.,"
  info "skipping: [localhost]"
  info "You can now connect to https://$host_name:6900/ovirt-engine/ and check the status of this host and eventually remediate it, please continue only when the host is listed as 'up'"
  lock="$root/tmp/ansible.k8v2qz_he_setup_lock"
  mkdir -p "$(dirname "$lock")"
  : > "$lock"
  info "TASK [ovirt.ovirt.hosted_engine_setup : Create temporary lock file]"
  info "changed: [localhost]"
  info "TASK [ovirt.ovirt.hosted_engine_setup : Pause execution until $lock is removed, delete it once ready to proceed]"
  n=0
  while [ -e "$lock" ]; do
    n=$((n + 1))
    if [ "$n" -gt 3000 ]; then
      error "fatal: [localhost]: FAILED! => {\"changed\": false, \"elapsed\": 300, \"msg\": \"Timeout when waiting for $lock to be absent.\"}"
      fail_stage "Closing up" "Failed executing ansible-playbook"
    fi
    sleep 0.1
  done
  info "ok: [localhost]"
  task "Check if the host is up"
fi
domain=$(key OVEHOSTED_STORAGE/domainType)
need OVEHOSTED_STORAGE/domainType "Please specify the storage you would like to use (glusterfs, iscsi, fc, nfs)[nfs]: "
if [ "$domain" = nfs ]; then
  need OVEHOSTED_STORAGE/nfsVersion "Please specify the nfs version you would like to use (auto, v3, v4, v4_0, v4_1, v4_2)[auto]: "
fi
if [ "$domain" = nfs ] || [ "$domain" = glusterfs ]; then
  need OVEHOSTED_STORAGE/storageDomainConnection "Please specify the full shared storage connection path to use (example: host:/path): "
  need OVEHOSTED_STORAGE/mntOptions "If needed, specify additional mount options for the connection to the hosted-engine storagedomain (example: rsize=32768,wsize=32768) []: "
fi
info "Creating Storage Domain"
task "Execute just a specific set of steps"
task "Add NFS storage domain" changed
task "Activate storage domain" changed
need OVEHOSTED_STORAGE/imgSizeGB "Please specify the size of the VM disk in GiB: [51]: "
info "Creating Target VM"
task "Add HE disks" changed
task "Add VM" changed
task "Copy local VM disk to shared storage" changed
task "Start ovirt-ha-broker service on the host" changed
task "Initialize lockspace volume" changed
task "Start ovirt-ha-agent service on the host" changed
task "Exit HE maintenance mode" changed
task "Check engine VM health" ok
task "Remove ovirt-engine-appliance rpm" changed
error "b'[WARNING]: Consider using the get_url or uri module rather than running \\'curl\\'.\\n'"
info "Stage: Clean up"
info "Cleaning temporary resources"
task "Execute just a specific set of steps"
task "Remove local vm dir" changed
answers="$root/var/lib/ovirt-hosted-engine-setup/answers/answers-20251114104412.conf"
final="$root/etc/ovirt-hosted-engine/answers.conf"
mkdir -p "$(dirname "$answers")" "$(dirname "$final")"
{ echo "[environment:default]"; grep '^OVEHOSTED_' "$conf" | grep -v -e Password -e Pwd -e bridgeIf -e host_name -e skipTTYCheck
  echo "OVEHOSTED_VM/cloudInitISO=str:generate"; echo "OVEHOSTED_NETWORK/bridgeName=str:ovirtmgmt"; } > "$answers"
cp "$answers" "$final"
chmod 600 "$answers" "$final"
info "Generating answer file '$answers'"
info "Generating answer file '$final'"
# The host joined the engine during the deploy: host-deploy left the engine's CA with vdsm's certificates.
if [ -n "${HE45_ENGINE_CA:-}" ]; then
  mkdir -p "$root/etc/pki/vdsm/certs" && cp "$HE45_ENGINE_CA" "$root/etc/pki/vdsm/certs/cacert.pem"
fi
info "Stage: Pre-termination"
info "Stage: Termination"
info "Hosted Engine successfully deployed"
note "Log file is located at $log"
exit 0
