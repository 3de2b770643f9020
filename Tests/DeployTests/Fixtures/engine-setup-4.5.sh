# Sourced by the fixture engine-setup on an EL8/EL9 lab host: replays a first install of oVirt 4.5
# (ovirt-engine 4.5.6, otopi 1.10) with the answers of --config-append. Like the real tool run without a
# terminal, it stops at the first question the file does not answer, printing that question, so a test
# proves the wizard's file makes it ask nothing. ENGINE_SETUP_MODE=fail fails in Misc configuration.
log="$root/var/log/ovirt-engine/setup/ovirt-engine-setup-20251114093012-k2x9qa.log"
mkdir -p "$(dirname "$log")"
echo "2025-11-14 09:30:12,345+0000 DEBUG otopi.context context._executeMethod:127 Stage boot METHOD otopi.plugins.otopi.dialog.human.Plugin._init" > "$log"
fail_stage() {
  error "Failed to execute stage '$1': $2"
  info "Stage: Clean up"
  note "Log file is located at $log"
  info "Stage: Pre-termination"
  info "Stage: Termination"
  error "Execution of setup failed"
  exit 1
}
has() { grep -qs "^$1=" "$conf"; }
is_true() { [ "$(key "$1")" = True ]; }
# need KEY PROMPT: the tool would ask PROMPT unless KEY is answered.
need() { has "$1" && return 0; printf '          %s' "$2"; echo; fail_stage "Environment customization" "End of file"; }
info "Stage: Initializing"
info "Stage: Environment setup"
note "Configuration files: /etc/ovirt-engine-setup.conf.d/10-packaging-jboss.conf, /etc/ovirt-engine-setup.conf.d/10-packaging.conf, $conf"
note "Log file: $log"
note "Version: otopi-1.10.4 (otopi-1.10.4-1.el9)"
info "Stage: Environment packages setup"
info "Stage: Programs detection"
info "Stage: Environment setup (late)"
info "Stage: Environment customization"
title "PRODUCT OPTIONS"
need OVESETUP_CL_DB/enable "Configure Cinderlib integration (Currently in tech preview) (Yes, No) [No]: "
need OVESETUP_ENGINE_CORE/enable "Configure Engine on this host (Yes, No) [Yes]: "
engine=$(key OVESETUP_ENGINE_CORE/enable)
[ "$engine" = True ] && need OVESETUP_OVN/ovirtProviderOvn "Configure ovirt-provider-ovn (Yes, No) [Yes]: "
need OVESETUP_CONFIG/websocketProxyConfig "Configure WebSocket Proxy on this host (Yes, No) [Yes]: "
need OVESETUP_DWH_CORE/enable "Configure Data Warehouse on this host (Yes, No) [Yes]: "
[ "$engine" = True ] && need OVESETUP_CONFIG/keycloakEnable "Configure Keycloak on this host (Yes, No) [Yes]: "
[ "$engine" = True ] && need OVESETUP_VMCONSOLE_PROXY_CONFIG/vmconsoleProxyConfig "Configure VM Console Proxy on this host (Yes, No) [Yes]: "
need OVESETUP_GRAFANA_CORE/enable "Configure Grafana on this host (Yes, No) [Yes]: "
title "PACKAGES"
info "Checking for product updates..."
info "No product updates found"
title "NETWORK CONFIGURATION"
need OVESETUP_CONFIG/fqdn "Host fully qualified DNS name of this server [$(hostname -f)]: "
fqdn=$(key OVESETUP_CONFIG/fqdn)
# Without a firewall manager on the host, setup decides "no" silently; with firewalld it asks.
if command -v firewall-cmd >/dev/null 2>&1; then
  need OVESETUP_CONFIG/updateFirewall "Do you want Setup to configure the firewall? (Yes, No) [Yes]: "
  is_true OVESETUP_CONFIG/updateFirewall && info "firewalld will be configured as firewall manager."
fi
title "DATABASE CONFIGURATION"
# need_db PREFIX NAME PROVISIONING_KEY: a database is answered when provisioned, or with every credential
need_db() {
  need "$3" "Where is the $2 database located? (Local, Remote) [Local]: "
  is_true "$3" && { need "$1/host" "$2 database host [localhost]: "; need "$1/port" "$2 database port [5432]: "; return; }
  for k in host port secured database user password; do need "$1/$k" "$2 database $k: "; done
}
is_true OVESETUP_DWH_CORE/enable && need_db OVESETUP_DWH_DB DWH OVESETUP_DWH_PROVISIONING/postgresProvisioningEnabled
is_true OVESETUP_CONFIG/keycloakEnable && need_db OVESETUP_KEYCLOAK_DB Keycloak OVESETUP_KEYCLOAK_PROVISIONING/postgresProvisioningEnabled
[ "$engine" = True ] && need_db OVESETUP_DB Engine OVESETUP_PROVISIONING/postgresProvisioningEnabled
title "OVIRT ENGINE CONFIGURATION"
if [ "$engine" = True ]; then
  need OVESETUP_CONFIG/adminPassword "Engine admin password: "
  need OVESETUP_CONFIG/applicationMode "Application mode (Virt, Gluster, Both) [Both]: "
  if is_true OVESETUP_CONFIG/keycloakEnable && ! has OVESETUP_CONFIG/keycloakAdminPasswd; then
    need QUESTION/1/KEYCLOAK_USE_ENGINE_ADMIN_PASSWORD "Use Engine admin password as initial keycloak admin password (Yes, No) [Yes]: "
    note "Use Engine admin password as initial keycloak admin password (Yes, No) [Yes]: provided answer: $(key QUESTION/1/KEYCLOAK_USE_ENGINE_ADMIN_PASSWORD)"
    [ "$(key QUESTION/1/KEYCLOAK_USE_ENGINE_ADMIN_PASSWORD)" = yes ] || need OVESETUP_CONFIG/keycloakAdminPasswd "Keycloak [admin] password: "
  fi
  if is_true OVESETUP_OVN/ovirtProviderOvn && ! is_true OVESETUP_CONFIG/keycloakEnable && ! has OVESETUP_OVN/ovirtProviderOvnUser; then
    need QUESTION/1/ovirt-provider-ovn-default-credentials "Use default credentials (admin@internal) for ovirt-provider-ovn (Yes, No) [Yes]: "
  fi
fi
title "STORAGE CONFIGURATION"
[ "$engine" = True ] && need OVESETUP_CONFIG/sanWipeAfterDelete "Default SAN wipe after delete (Yes, No) [No]: "
title "PKI CONFIGURATION"
[ "$engine" = True ] && need OVESETUP_PKI/organization "Organization name for certificate [${fqdn#*.}]: "
title "APACHE CONFIGURATION"
need OVESETUP_APACHE/configureRootRedirection "Do you wish to set the application as the default page of the web server? (Yes, No) [Yes]: "
need OVESETUP_APACHE/configureSsl "Do you wish Setup to configure that, or prefer to perform that manually? (Automatic, Manual) [Automatic]: "
title "SYSTEM CONFIGURATION"
title "MISC CONFIGURATION"
is_true OVESETUP_DWH_CORE/enable && need OVESETUP_DWH_CONFIG/scale "(1, 2)[1]: "
if is_true OVESETUP_GRAFANA_CORE/enable && ! has OVESETUP_GRAFANA_CONFIG/adminPassword; then
  need QUESTION/1/GRAFANA_USE_ENGINE_ADMIN_PASSWORD "Use Engine admin password as initial Grafana admin password (Yes, No) [Yes]: "
  note "Use Engine admin password as initial Grafana admin password (Yes, No) [Yes]: provided answer: $(key QUESTION/1/GRAFANA_USE_ENGINE_ADMIN_PASSWORD)"
  [ "$(key QUESTION/1/GRAFANA_USE_ENGINE_ADMIN_PASSWORD)" = yes ] || need OVESETUP_GRAFANA_CONFIG/adminPassword "Grafana admin password: "
fi
title "END OF CONFIGURATION"
info "Stage: Setup validation"
title "CONFIGURATION PREVIEW"
note "Application mode                        : $(key OVESETUP_CONFIG/applicationMode)"
note "Default SAN wipe after delete           : $(key OVESETUP_CONFIG/sanWipeAfterDelete)"
note "Host FQDN                               : $fqdn"
note "Keycloak installation                   : $(key OVESETUP_CONFIG/keycloakEnable)"
note "Engine database host                    : $(key OVESETUP_DB/host)"
note "Engine installation                     : $engine"
note "PKI organization                        : $(key OVESETUP_PKI/organization)"
note "DWH installation                        : $(key OVESETUP_DWH_CORE/enable)"
note "Grafana integration                     : $(key OVESETUP_GRAFANA_CORE/enable)"
need OVESETUP_DIALOG/confirmSettings "Please confirm installation settings (OK, Cancel) [OK]: "
info "Stage: Transaction setup"
info "Stopping engine service"
info "Stopping ovirt-fence-kdump-listener service"
info "Stopping dwh service"
info "Stopping vmconsole-proxy service"
info "Stopping websocket-proxy service"
info "Stage: Misc configuration (early)"
info "Stage: Package installation"
info "Stage: Misc configuration"
info "Upgrading CA"
info "Initializing PostgreSQL"
[ "$ENGINE_SETUP_MODE" = fail ] && fail_stage "Misc configuration" "Command '/usr/bin/postgresql-setup' failed to execute"
[ -n "$ENGINE_SETUP_SLEEP" ] && sleep "$ENGINE_SETUP_SLEEP"
info "Creating PostgreSQL 'engine' database"
info "Configuring PostgreSQL"
info "Creating PostgreSQL 'ovirt_engine_history' database"
info "Creating PostgreSQL 'ovirt_engine_keycloak' database"
info "Creating CA: /etc/pki/ovirt-engine/ca.pem"
info "Creating/refreshing DWH database schema"
info "Creating/refreshing Engine database schema"
info "Configuring WebSocket Proxy"
info "Generating post install configuration file '/etc/ovirt-engine-setup.conf.d/20-setup-ovirt-post.conf'"
info "Stage: Transaction commit"
info "Stage: Closing up"
info "Starting engine service"
info "Starting dwh service"
info "Starting Grafana service"
info "Restarting ovirt-vmconsole proxy service"
title "SUMMARY"
note "Please use the user 'admin@ovirt' and password specified in order to login"
note "Web access is enabled at:"
note "    http://$fqdn:80/ovirt-engine"
note "    https://$fqdn:443/ovirt-engine"
note "Internal CA SHA256 Fingerprint=58:1D:6B:35:9C:0E:4F:B2:7A:61:0C:93:E2:48:A7:5D:16:F0:9B:C4:2E:88:D1:3A:67:05:B9:FC:44:21:8E:D3"
note "SSH fingerprint: SHA256:q8Vx3F7nJ2kLmP0rT5yW9zA1bC4dE6gH8iK0lN2oQ4s"
note "Web access for grafana is enabled at:"
note "    https://$fqdn/ovirt-engine-grafana/"
title "END OF SUMMARY"
info "Stage: Clean up"
note "Log file is located at $log"
answers="$root/var/lib/ovirt-engine/setup/answers/20251114093512-setup.conf"
mkdir -p "$(dirname "$answers")"
{ echo "# OTOPI answer file, generated by human dialog"; echo "[environment:default]"; grep '^QUESTION/' "$conf" | grep -iv password; } > "$answers"
chmod 600 "$answers"
info "Generating answer file '$answers'"
info "Stage: Pre-termination"
info "Stage: Termination"
info "Execution of setup completed successfully"
exit 0
