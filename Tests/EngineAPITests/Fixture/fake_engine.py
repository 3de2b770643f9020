#!/usr/bin/env python3
"""A fake oVirt engine for the EngineAPI tests: HTTPS on loopback with the test's own CA, in a 3.4 (API v3) or a
4.5 (API v4) personality, with state on a simulated clock and every request body checked against the real model
(v4: the oVirt Python SDK's reader/writer round trip, model_v4.py; v3: the 3.4 schema facts, schema_v3.py).

Paths, headers, fault texts, statuses and event codes follow the engine (see the project's engine-api reference).
The clock advances one tick per authenticated API request; hosts and storage domains move on ticks, never on
wall-clock time. GET /__fixture/state (no auth) returns what the tests inspect: logins, logouts, tokens, refused
bodies. Started and stopped by PID by the Swift tests (LabHosts.LabEngine)."""
import argparse
import base64
import datetime
import json
import os
import re
import ssl
import sys
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # the fixture runs from the source tree: leave no __pycache__ there
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_v3  # noqa: E402

API = "/ovirt-engine/api"
HEALTH = "DB Up!Welcome to Health Status!"


def matches_search(query, name):
    """The engine's `search=name="…"` (case-insensitive, `*` a wildcard); True without a search."""
    search = query.get("search", [None])[0]
    if not search:
        return True
    match = re.match(r'^name\s*=\s*"?([^"]*)"?$', search.strip())
    if not match:
        raise Problem(400, "Operation Failed", "search '%s' is not understood by the fake engine" % search)
    pattern = "^" + re.escape(match.group(1).lower()).replace("\\*", ".*") + "$"
    return re.match(pattern, name.lower()) is not None


def esc(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


class Problem(Exception):
    """A fault to answer with: HTTP status, reason, detail."""

    def __init__(self, status, reason, detail):
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


class Engine:
    """The engine's state. All access under `lock`."""

    def __init__(self, api, scenario):
        self.api = api
        self.scenario = scenario
        self.lock = threading.Lock()
        self.tick = 0
        self.events = []
        self.next_event = 1000
        self.dc = {"id": "dc-0001", "name": "Default", "status": "uninitialized",
                   "version": (3, 4) if api == "v3" else (4, 7)}
        self.cluster = {"id": "cl-0001", "name": "Default", "dc": "dc-0001",
                        "cpu": scenario.get("cluster_cpu", "Intel Conroe Family")}
        self.hosts = {}
        self.domains = {}
        self.attached = {}  # sd id -> {"status", "ticks"}
        self.user = "admin@internal" if api == "v3" else "admin@internal-authz"
        # What the tests inspect.
        self.record = {"logins": 0, "logouts": 0, "sessions": [], "tokens_issued": 0, "tokens_revoked": 0,
                       "bearer_requests": 0, "basic_requests": 0, "cookie_requests": 0, "refused_bodies": [],
                       "requests": []}
        self.sessions = set()
        self.tokens = {}  # token -> uses left (None: unlimited)
        for number, host in enumerate(scenario.get("existing_hosts", []), start=1):
            self.hosts[host["id"]] = {"id": host["id"], "name": host["name"], "address": host["address"],
                                      "status": host.get("status", "up"), "detail": host.get("detail"),
                                      "script": [], "cluster": "cl-0001", "spm_id": number,
                                      "he_state": ({"configured": True, "active": True, "score": 3400}
                                                   if host.get("hosted_engine") else None)}

    # -- events --
    def event(self, code, severity, text, host=None, sd=None, correlation=None):
        self.next_event += 1
        self.events.append({"id": self.next_event, "code": code, "severity": severity, "description": text,
                            "host": host, "sd": sd, "correlation": correlation,
                            "time": (datetime.datetime(2026, 1, 1, 12, 0, 0) +
                                     datetime.timedelta(seconds=self.tick)).isoformat() + ".000+00:00"})

    # -- the clock --
    def advance(self):
        self.tick += 1
        for host in self.hosts.values():
            if host["script"]:
                step = host["script"].pop(0)
                host["status"] = step["status"]
                host["detail"] = step.get("detail")
                for code, severity, text in step.get("events", []):
                    self.event(code, severity, text, host=host["id"], correlation=host.get("correlation"))
                if step["status"] == "up" and host.get("he"):
                    self.hosted_engine_deployed(host)
        for sd_id, attachment in self.attached.items():
            if attachment["script"]:
                step = attachment["script"].pop(0)
                attachment["status"] = step["status"]
                for code, severity, text in step.get("events", []):
                    self.event(code, severity, text, sd=sd_id)
                if step["status"] == "active" and self.domains[sd_id]["type"] == "data" and self.dc["status"] != "up":
                    self.dc["status"] = "up"
                    self.event(950, "normal", "Data Center %s was initialized by %s." % (self.dc["name"], self.user))

    # -- hosts --
    def install_script(self, name, hid):
        outcome = self.scenario.get("hosts", {}).get(name, {})
        v3 = self.api == "v3"
        progress = ([(509, "normal", "Installing Host %s. Stage: Initializing." % name),
                     (509, "normal", "Installing Host %s. Stage: Environment packages setup." % name),
                     (509, "normal", "Installing Host %s. Yum Status: Downloading Packages." % name)] if v3 else
                    [(560, "normal", "Ansible host-deploy playbook execution has started on host %s." % name),
                     (559, "normal", "Installing Host %s. Gathering Facts." % name),
                     (559, "normal", "Installing Host %s. Install ovirt-host package." % name)])
        script = [{"status": "installing", "events": progress[:2]}, {"status": "installing", "events": progress[2:]}]
        # A slow install (a host that reboots, a slow mirror): more ticks in `installing`.
        script += [{"status": "installing"} for _ in range(int(outcome.get("installing_ticks", 0)))]
        kind = outcome.get("outcome", "up")
        if kind == "install_failed":
            message = outcome.get("message", "Failed to execute stage 'Package installation'")
            failed = ([(511, "error", "Failed to install Host %s. %s." % (name, message))] if v3 else
                      [(554, "error", "Installing Host %s. %s." % (name, message))])
            log = "" if v3 else (" Please check logs for more details: /var/log/ovirt-engine/host-deploy/"
                                 "ovirt-host-deploy-ansible-%s-%s.log" % (name, hid[:8]))
            script.append({"status": "install_failed", "events": failed + [
                (505, "error", "Host %s installation failed. %s.%s" % (name, message, log))]})
            return script
        if not v3:
            script.append({"status": "installing", "events": [
                (561, "normal", "Ansible host-deploy playbook execution has successfully finished on host %s." % name)]})
        script.append({"status": "initializing", "events": [(504, "normal", "Host %s installed" % name)]})
        if kind == "non_operational":
            reason = outcome.get("reason", "cpu_type_incompatible_with_cluster")
            script.append({"status": "non_operational", "detail": reason, "events": [
                (12, "error", "Host %s moved to Non-Operational state as host CPU type is not supported in this "
                              "cluster compatibility version or is not supported at all" % name
                 if reason == "cpu_type_incompatible_with_cluster" else "Host %s: %s" % (name, reason)),
                (517, "error", "Host %s moved to Non-Operational state." % name)]})
        else:
            script.append({"status": "up", "events": [(13, "normal", "Status of host %s was set to Up." % name)]})
        return script

    def hosted_engine_deployed(self, host):
        """What host-deploy's hosted-engine role leaves on a host added with deploy_hosted_engine=true: its
        /etc/ovirt-hosted-engine/hosted-engine.conf with the Host ID the engine chose (the host's vds_spm_id), the HA
        agent running and reporting. The scenario's `he_conf` names, per address, the lab file standing for it."""
        host["he_state"] = {"configured": True, "active": True, "score": 3400}
        path = self.scenario.get("he_conf", {}).get(host["address"])
        if path:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as conf:
                conf.write("fqdn=%s\nhost_id=%d\n" % (self.scenario.get("fqdn", "engine.test"), host["spm_id"]))

    def add_host(self, body, correlation, deploy_hosted_engine=False):
        name = body.findtext("name")
        address = body.findtext("address")
        missing = [f for f, v in (("name", name), ("address", address)) if not v]
        if missing:
            raise Problem(400, "Incomplete parameters", "Host [%s] required for add" % ", ".join(missing))
        cluster = body.findtext("cluster/name") or "Default"
        if cluster != self.cluster["name"] and body.find("cluster").get("id") != self.cluster["id"]:
            raise Problem(404, "Operation Failed", "Entity not found: Cluster: name=%s" % cluster)
        if any(h["name"] == name for h in self.hosts.values()):
            raise Problem(400 if self.api == "v3" else 409, "Operation Failed",
                          "[Cannot add Host. The Host name is already in use, please choose a unique name and try again.]")
        if any(h["address"] == address for h in self.hosts.values()):
            raise Problem(409, "Operation Failed", "[Cannot add Host. Host with the same address already exists.]")
        if address in self.scenario.get("unreachable_addresses", []):
            raise Problem(409, "Operation Failed",
                          "[Cannot add Host. Connecting to host via SSH has failed, verify that the host is reachable "
                          "(IP address, routable address etc.) You may refer to the engine.log file for further details.]")
        method = body.findtext("ssh/authentication_method")
        password = body.findtext("root_password") or body.findtext("ssh/user/password")
        authenticated = (password == self.scenario.get("root_password", "rootpw")) if password else (
            method == "publickey" and self.key_accepted(name, address))
        if not authenticated:
            # The engine logs in over SSH while validating the add (AddVdsCommand.canConnect): no host is created.
            raise Problem(409, "Operation Failed",
                          "[Cannot add Host. SSH authentication failed, verify authentication parameters are correct "
                          "(Username/Password, public-key etc.) You may refer to the engine.log file for further details.]")
        hid = str(uuid.uuid5(uuid.NAMESPACE_DNS, name))
        taken = {h.get("spm_id") for h in self.hosts.values()}
        spm_id = next(n for n in range(1, 251) if n not in taken)
        host = {"id": hid, "name": name, "address": address, "status": "installing", "detail": None,
                "cluster": self.cluster["id"], "correlation": correlation, "spm_id": spm_id,
                "he": deploy_hosted_engine, "he_state": None}
        host["script"] = self.install_script(name, hid)
        self.hosts[hid] = host
        self.event(42, "normal", "Host %s was added by %s." % (name, self.user), host=hid, correlation=correlation)
        return host

    def key_accepted(self, name, address):
        """Public-key login: the engine's key must be in the host's authorized_keys (a lab host's file, read here as
        the engine's SSH login would find it), or the scenario says which hosts hold it."""
        files = self.scenario.get("authorized_keys", {})
        if address in files:
            try:
                lines = open(files[address]).read().splitlines()
            except OSError:
                return False
            return self.engine_key in lines
        keyed = self.scenario.get("engine_key_installed_on", None)
        return keyed is None or name in keyed

    def reinstall(self, hid, body, correlation):
        host = self.hosts.get(hid)
        if host is None:
            raise Problem(404, "Operation Failed", "Entity not found: %s" % hid)
        password = body.findtext("root_password")
        if password is not None and password != self.scenario.get("root_password", "rootpw"):
            raise Problem(409, "Operation Failed",
                          "[Cannot install Host. SSH authentication failed, verify authentication parameters are correct "
                          "(Username/Password, public-key etc.) You may refer to the engine.log file for further details.]")
        self.scenario.get("hosts", {}).pop(host["name"], None)  # the reinstall goes the way of a good host
        host["status"], host["detail"], host["correlation"] = "installing", None, correlation
        host["he"] = host.get("he") or body.findtext("deploy_hosted_engine") == "true"
        host["script"] = self.install_script(host["name"], hid)

    def set_cluster_cpu(self, cid, body):
        if cid != self.cluster["id"]:
            raise Problem(404, "Operation Failed", "Entity not found: %s" % cid)
        cpu = body.find("cpu")
        name = (cpu.get("id") if self.api == "v3" else cpu.findtext("type")) if cpu is not None else None
        if not name:
            raise Problem(400, "Incomplete parameters", "Cluster [cpu] required for update")
        self.cluster["cpu"] = name
        self.event(811, "normal", "Host cluster %s was updated by %s" % (self.cluster["name"], self.user))
        return self.cluster

    # -- storage --
    def local_export(self, connection, path, kind):
        """What VDSM finds when it mounts an export the lab serves from this machine's file system: the owner
        (36:36 or a permission error) and a domain already there (imported when of the requested type)."""
        if not self.scenario.get("local_exports") or not os.path.isdir(path):
            return {}
        st = os.stat(path)
        if (st.st_uid, st.st_gid) != (36, 36):
            return {"error": "permission"}
        for entry in sorted(os.listdir(path)):
            metadata = os.path.join(path, entry, "dom_md", "metadata")
            if os.path.isfile(metadata):
                fields = dict(line.split("=", 1) for line in open(metadata).read().splitlines() if "=" in line)
                found = {"Backup": "export", "Iso": "iso", "Data": "data"}.get(fields.get("CLASS"), "data")
                if found != kind:
                    return {"error": "not_empty"}
                return {"existing": {"id": fields.get("SDUUID", entry), "name": fields.get("DESCRIPTION", entry),
                                     "type": found}}
        return {}

    def host_by_ref(self, ref):
        hid = ref.get("id") if ref is not None else None
        name = ref.findtext("name") if ref is not None else None
        for host in self.hosts.values():
            if host["id"] == hid or host["name"] == name:
                return host
        raise Problem(404, "Operation Failed", "Entity not found: Hosts: name=%s" % (name or hid))

    def add_domain(self, body):
        v3 = self.api == "v3"
        kind = body.findtext("type")
        storage = body.find("storage")
        missing = [f for f, ok in (("host.id|name", body.find("host") is not None), ("type", bool(kind)),
                                   ("storage", storage is not None)) if not ok]
        if missing:
            raise Problem(400, "Incomplete parameters", "StorageDomain [%s] required for add" % ", ".join(missing))
        stype = storage.findtext("type")
        address, path = storage.findtext("address"), storage.findtext("path")
        if not stype:
            raise Problem(400, "Incomplete parameters", "Storage [type] required for add")
        if not path:
            raise Problem(400, "Incomplete parameters", "HostStorage [path] required for add")
        if stype == "nfs" and not address:
            raise Problem(400, "Incomplete parameters", "HostStorage [address] required for add")
        if stype in ("glusterfs", "posixfs") and not storage.findtext("vfs_type"):
            raise Problem(400, "Incomplete parameters", "HostStorage [vfs_type] required for add")
        host = self.host_by_ref(body.find("host"))
        if host["status"] != "up":
            raise Problem(409, "Operation Failed", "[Cannot add storage server connection when Host status is not up]")
        connection = "%s:%s" % (address, path) if address else path
        if not re.match(r"^[A-Za-z0-9.\-_\[\]:]+:/[^\s]*$", connection):
            raise Problem(400, "Operation Failed", "[Mount path is illegal, please use [IP:/path or FQDN:/path] convention.]")
        existing = self.scenario.get("storage", {}).get(connection) or self.local_export(connection, path, kind)
        error = existing.get("error")
        vdsm = {"permission": ("Permission settings on the specified path do not allow access to the storage.\n"
                               "Verify permission settings on the specified storage path."),
                "mount": "Problem while trying to mount target",
                "not_empty": ("Error in creating a Storage Domain. The selected storage path is not empty (probably "
                              "contains another Storage Domain). Either remove the existing Storage Domain from this "
                              "path, or change the Storage path).")}
        if error:
            self.event(996, "error", "The error message for connection %s returned by VDSM was: %s"
                       % (connection, vdsm[error].split("\n")[0]))
            # 3.4 leaves the REST detail empty for connection failures (AddStorageServerConnectionCommand).
            detail = "[]" if v3 and error in ("permission", "mount") else "[%s]" % vdsm[error]
            raise Problem(400, "Operation Failed", detail)
        name = body.findtext("name")
        imported = existing.get("existing")
        if imported and imported["type"] == kind:
            sid = imported["id"]
            name = imported["name"] if v3 or not name else name
        else:
            if not name:
                raise Problem(400, "Incomplete parameters", "StorageDomain [name] required for add")
            sid = str(uuid.uuid5(uuid.NAMESPACE_URL, connection))
        if any(d["name"] == name for d in self.domains.values()):
            raise Problem(409, "Operation Failed", "[Cannot add Storage. The Storage Domain name is already in use.]")
        domain = {"id": sid, "name": name, "type": kind, "stype": stype, "address": address, "path": path,
                  "vfs_type": storage.findtext("vfs_type"), "mount_options": storage.findtext("mount_options")}
        self.domains[sid] = domain
        self.event(956, "normal", "Storage Domain %s was added by %s" % (name, self.user), sd=sid)
        return domain

    def attach(self, body):
        sid = body.get("id")
        name = body.findtext("name")
        domain = next((d for d in self.domains.values() if d["id"] == sid or (name and d["name"] == name)), None)
        if domain is None:
            if not sid and not name:
                raise Problem(400, "Incomplete parameters", "StorageDomain [id|name] required for add")
            raise Problem(404, "Operation Failed", "Entity not found: %s" % (sid or name))
        if not any(h["status"] == "up" for h in self.hosts.values()):
            raise Problem(409, "Operation Failed",
                          "[Cannot attach Storage. There is no active Host in the Data Center.]")
        if self.dc["status"] == "uninitialized" and domain["type"] != "data":
            raise Problem(409, "Operation Failed",
                          "[Cannot attach Storage Domain.\n-Please attach Data Domain to the Data Center first.]")
        settle = self.scenario.get("settles_in_maintenance", [])
        self.attached[domain["id"]] = {"status": "locked", "script": [
            {"status": "maintenance" if domain["name"] in settle else "active",
             "events": [(962, "normal", "Storage Domain %s was attached to Data Center %s by %s"
                         % (domain["name"], self.dc["name"], self.user))]}]}
        return domain

    def activate(self, sid):
        attachment = self.attached.get(sid)
        if attachment is None:
            raise Problem(404, "Operation Failed", "Entity not found: %s" % sid)
        attachment["status"] = "active"
        self.event(966, "normal", "Storage Domain %s (Data Center %s) was activated by %s"
                   % (self.domains[sid]["name"], self.dc["name"], self.user), sd=sid)
        if self.domains[sid]["type"] == "data":
            self.dc["status"] = "up"


# ---------------------------------------------------------------------------------------------------------------
# Rendering: v4 through the SDK's own types and writers (model-shaped by construction), v3 in 3.4 schema order.

class V4View:
    def __init__(self, engine):
        import ovirtsdk4.types as t
        import model_v4
        self.t, self.m, self.e = t, model_v4, engine

    def version(self, major, minor):
        return self.t.Version(major=major, minor=minor)

    def api_root(self):
        t = self.t
        return self.m.write(t.Api(product_info=t.ProductInfo(
            name="oVirt Engine", vendor="ovirt.org",
            version=t.Version(major=4, minor=5, build=6, revision=0, full_version="4.5.6-1.el8"))))

    def dc(self, dc):
        t = self.t
        return t.DataCenter(id=dc["id"], name=dc["name"],
                            status=t.DataCenterStatus(dc["status"]), version=self.version(*dc["version"]), local=False)

    def cluster(self, c):
        t = self.t
        return t.Cluster(id=c["id"], name=c["name"],
                         cpu=t.Cpu(type=c["cpu"]), data_center=t.DataCenter(id=c["dc"]), version=self.version(4, 7))

    def host(self, h, all_content=False):
        t = self.t
        state = h.get("he_state") if all_content else None
        return t.Host(id=h["id"], name=h["name"], address=h["address"],
                      status=t.HostStatus(h["status"]), status_detail=h.get("detail"),
                      cluster=t.Cluster(id=h["cluster"]),
                      hosted_engine=t.HostedEngine(configured=state["configured"], active=state["active"],
                                                   score=state["score"], local_maintenance=False,
                                                   global_maintenance=False) if state else None)

    def domain(self, d, status=None):
        t = self.t
        return t.StorageDomain(
            id=d["id"], name=d["name"],
            type=t.StorageDomainType(d["type"]),
            status=t.StorageDomainStatus(status) if status else None,
            storage=t.HostStorage(type=t.StorageType(d["stype"]), address=d["address"], path=d["path"],
                                  vfs_type=d["vfs_type"], mount_options=d["mount_options"]))

    def event(self, ev):
        t = self.t
        return t.Event(id=str(ev["id"]), index=ev["id"], code=ev["code"], severity=t.LogSeverity(ev["severity"]),
                       time=datetime.datetime.fromisoformat(ev["time"].replace(".000+00:00", "+00:00")),
                       description=ev["description"], correlation_id=ev["correlation"],
                       host=t.Host(id=ev["host"]) if ev["host"] else None,
                       storage_domain=t.StorageDomain(id=ev["sd"]) if ev["sd"] else None)

    def one(self, obj):
        return self.m.write(obj)

    def many(self, objs, root):
        return self.m.write(objs, root=root)

    def fault(self, reason, detail):
        return self.m.write(self.t.Fault(reason=reason, detail=detail))

    def action(self):
        return self.m.write(self.t.Action(status="complete"))


class V3View:
    def __init__(self, engine):
        self.e = engine

    @staticmethod
    def status(state, detail=None):
        return "<status><state>%s</state>%s</status>" % (esc(state), "<detail>%s</detail>" % esc(detail) if detail else "")

    def api_root(self):
        return ('<api><link href="%s/hosts" rel="hosts"/><link href="%s/storagedomains" rel="storagedomains"/>'
                '<product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor>'
                '<version major="3" minor="4" build="0" revision="0"/><full_version>3.4.0-1.el6</full_version>'
                '</product_info><time>2026-01-01T12:00:00.000+00:00</time></api>' % (API, API))

    def dc(self, dc):
        return ('<data_center href="%s/datacenters/%s" id="%s"><name>%s</name><storage_type>nfs</storage_type>'
                '<local>false</local><version major="%d" minor="%d"/>%s</data_center>'
                % (API, dc["id"], dc["id"], esc(dc["name"]), dc["version"][0], dc["version"][1],
                   self.status(dc["status"])))

    def cluster(self, c):
        return ('<cluster href="%s/clusters/%s" id="%s"><name>%s</name><cpu id="%s"/><data_center id="%s"/>'
                '<version major="3" minor="4"/></cluster>'
                % (API, c["id"], c["id"], esc(c["name"]), esc(c["cpu"]), c["dc"]))

    def host(self, h, all_content=False):
        return ('<host href="%s/hosts/%s" id="%s"><name>%s</name><address>%s</address>%s<cluster id="%s"/>'
                '<port>54321</port><type>rhel</type></host>'
                % (API, h["id"], h["id"], esc(h["name"]), esc(h["address"]), self.status(h["status"], h.get("detail")),
                   h["cluster"]))

    def domain(self, d, status=None):
        storage = "<storage><address>%s</address><type>%s</type><path>%s</path>%s%s</storage>" % (
            esc(d["address"] or ""), d["stype"], esc(d["path"]),
            "<mount_options>%s</mount_options>" % esc(d["mount_options"]) if d["mount_options"] else "",
            "<vfs_type>%s</vfs_type>" % esc(d["vfs_type"]) if d["vfs_type"] else "")
        return ('<storage_domain href="%s/storagedomains/%s" id="%s"><name>%s</name><type>%s</type>%s%s'
                '<storage_format>v1</storage_format></storage_domain>'
                % (API, d["id"], d["id"], esc(d["name"]), d["type"], self.status(status) if status else "", storage))

    def event(self, ev):
        return ('<event href="%s/events/%d" id="%d"><description>%s</description><code>%d</code>'
                '<severity>%s</severity><time>%s</time>%s%s%s</event>'
                % (API, ev["id"], ev["id"], esc(ev["description"]), ev["code"], ev["severity"], ev["time"],
                   "<correlation_id>%s</correlation_id>" % esc(ev["correlation"]) if ev["correlation"] else "",
                   '<storage_domain id="%s"/>' % ev["sd"] if ev["sd"] else "",
                   '<host id="%s"/>' % ev["host"] if ev["host"] else ""))

    def one(self, xml):
        return xml

    def many(self, items, root):
        return "<%s>%s</%s>" % (root, "".join(items), root)

    def fault(self, reason, detail):
        return "<fault><reason>%s</reason><detail>%s</detail></fault>" % (esc(reason), esc(detail))

    def action(self):
        return "<action>%s</action>" % self.status("complete")


# ---------------------------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    @property
    def engine(self):
        return self.server.engine

    def send(self, status, body, content_type="application/xml", headers=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8") if length else ""

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        body = self.read_body()
        engine = self.engine
        with engine.lock:
            engine.record["requests"].append("%s %s" % (method, self.path))
            if path == "/__fixture/state":
                return self.send(200, json.dumps(engine.record), "application/json")
            if path == "/ovirt-engine/services/health":
                return self.send(200, HEALTH, "text/plain")
            if path == "/ovirt-engine/services/pki-resource":
                if query.get("resource") == ["ca-certificate"] and query.get("format") == ["X509-PEM-CA"]:
                    return self.send(200, self.server.ca_pem, "application/x-x509-ca-cert")
                if query.get("resource") == ["engine-certificate"] and query.get("format") == ["OPENSSH-PUBKEY"]:
                    return self.send(200, engine.engine_key + "\n", "text/plain")
                return self.send(400, "Resource '%s' is invalid" % ",".join(query.get("resource", [])), "text/plain")
            if path == "/ovirt-engine/sso/oauth/token" and method == "POST" and engine.api == "v4":
                return self.token(body)
            if path == "/ovirt-engine/services/sso-logout" and method == "POST" and engine.api == "v4":
                return self.revoke(body)
            if path == API or path.startswith(API + "/") or path.startswith(API + ";"):
                return self.api(method, path, query, body)
            return self.send(404, "<html><body><h1>Not Found</h1></body></html>", "text/html")

    # -- v4 SSO --
    def token(self, body):
        engine = self.engine
        if self.headers.get("Accept") != "application/json":
            return self.send(400, json.dumps({"error_code": "invalid_request",
                                              "error": "Missing parameter: 'Accept Header'"}), "application/json")
        form = urllib.parse.parse_qs(body)
        if form.get("grant_type") != ["password"] or "ovirt-app-api" not in " ".join(form.get("scope", [])):
            return self.send(400, json.dumps({"error_code": "invalid_request",
                                              "error": "The request is missing a required parameter."}),
                             "application/json")
        user, password = form.get("username", [""])[0], form.get("password", [""])[0]
        if user != self.server.user or password != self.server.password:
            return self.send(400, json.dumps({
                "error_code": "access_denied",
                "error": "Cannot authenticate user '%s': The username or password is incorrect.." % user}),
                "application/json")
        token = base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")
        engine.tokens[token] = engine.scenario.get("token_uses")
        engine.record["tokens_issued"] += 1
        engine.record["logins"] += 1
        return self.send(200, json.dumps({"access_token": token, "scope": "ovirt-app-api ovirt-ext=token:password-access",
                                          "exp": "9999999999999", "token_type": "bearer"}), "application/json")

    def revoke(self, body):
        engine = self.engine
        form = urllib.parse.parse_qs(body)
        token = form.get("token", [""])[0]
        if token in engine.tokens:
            del engine.tokens[token]
            engine.record["tokens_revoked"] += 1
            engine.record["logouts"] += 1
            return self.send(200, json.dumps({}), "application/json")
        return self.send(200, json.dumps({"error_code": "invalid_grant", "error": "Token not found"}), "application/json")

    # -- API --
    def challenge(self, view):
        realm = "ENGINE" if self.engine.api == "v3" else "RESTAPI"
        return self.send(401, "", "text/html", [("WWW-Authenticate", 'Basic realm="%s"' % realm)])

    def authenticate(self):
        """(ok, headers to add, logout after): per version's rules."""
        engine = self.engine
        auth = self.headers.get("Authorization", "")
        if engine.api == "v4":
            if auth.startswith("Bearer "):
                token = auth[7:]
                if token in engine.tokens:
                    uses = engine.tokens[token]
                    if uses is not None:
                        if uses <= 0:
                            del engine.tokens[token]
                            return False, [], False
                        engine.tokens[token] = uses - 1
                    engine.record["bearer_requests"] += 1
                    return True, [], False
            return False, [], False
        prefer = (self.headers.get("Prefer") or "").strip().lower() == "persistent-auth"
        cookie = self.headers.get("Cookie") or ""
        match = re.search(r"JSESSIONID=([^;\s]+)", cookie)
        if match and match.group(1) in engine.sessions:
            engine.record["cookie_requests"] += 1
            if not prefer:
                engine.sessions.discard(match.group(1))
                engine.record["logouts"] += 1
            return True, [], False
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return False, [], False
            if user == self.server.user and password == self.server.password:
                engine.record["logins"] += 1
                engine.record["basic_requests"] += 1
                if prefer:
                    sid = uuid.uuid4().hex
                    engine.sessions.add(sid)
                    engine.record["sessions"].append(sid)
                    return True, [("Set-Cookie", "JSESSIONID=%s; Path=/ovirt-engine/api; Secure" % sid),
                                  ("JSESSIONID", sid)], False
                engine.record["logouts"] += 1  # without Prefer every request logs in and out again
                return True, [], False
        return False, [], False

    def api(self, method, path, query, body):
        engine = self.engine
        view = engine.view
        ok, extra, _ = self.authenticate()
        if not ok:
            return self.challenge(view)
        correlation = self.headers.get("Correlation-Id")
        if correlation is not None:
            engine.record.setdefault("correlations", []).append(correlation)
            if engine.api == "v3" and not re.match(r"^[0-9a-zA-Z_-]{1,50}$", correlation):
                # 3.4 validates it with the command's parameters (VdcActionParametersBase).
                return self.send(400, engine.view.fault("Operation Failed", "[Correlation ID is invalid: %s]" % correlation),
                                 "application/xml", extra)
        if engine.api == "v4" and correlation:
            extra = extra + [("Correlation-Id", correlation)]
        engine.advance()
        try:
            status, text = self.route(method, path, query, body, view, correlation)
        except Problem as problem:
            status, text = problem.status, view.fault(problem.reason, problem.detail)
        except Exception as error:  # a fixture bug: say it as a fault, never hang the client
            status, text = 500, view.fault("Fake engine error", "%s: %s" % (type(error).__name__, error))
        if engine.api == "v3":
            # What the fake answers must be 3.4-shaped too.
            document = ET.fromstring(text)
            problems = schema_v3.check(document, schema_v3.RESPONSE_ROOTS[document.tag])
            if problems:
                status, text = 500, view.fault("Fake engine error", "response not in the 3.4 schema: " + "; ".join(problems))
        return self.send(status, text, "application/xml", extra)

    def parse(self, body, root, view):
        """The request body as an element, after the model check of the version; refusals are recorded."""
        engine = self.engine
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/xml":
            raise Problem(415, "Unsupported Media Type", "Content-Type must be application/xml")
        try:
            element = ET.fromstring(body)
        except ET.ParseError as error:
            problems = ["not well-formed XML: %s" % error]
            element = None
        else:
            if element.tag != root:
                problems = ['unexpected element (uri:"", local:"%s"). Expected elements are <{}%s>' % (element.tag, root)]
            elif engine.api == "v4":
                import model_v4
                _, problems = model_v4.round_trip(body)
            else:
                problems = schema_v3.check(element, schema_v3.ROOTS[root])
        if problems:
            engine.record["refused_bodies"].append({"path": self.path, "problems": problems})
            raise Problem(400, "Request syntactically incorrect.", "; ".join(problems))
        return element

    def route(self, method, path, query, body, view, correlation):
        engine = self.engine
        rest = path[len(API):]
        matrix = dict(p.split("=", 1) for p in rest.split(";")[1:] if "=" in p)
        rest = rest.split(";")[0].strip("/")
        parts = rest.split("/") if rest else []
        if method == "GET" and not parts:
            return 200, view.api_root()
        if parts == ["datacenters"] and method == "GET":
            return 200, view.many([view.dc(engine.dc)] if matches_search(query, engine.dc["name"]) else [], "data_centers")
        if parts == ["clusters"] and method == "GET":
            return 200, view.many([view.cluster(engine.cluster)] if matches_search(query, engine.cluster["name"]) else [],
                                  "clusters")
        if len(parts) == 2 and parts[0] == "clusters" and method == "PUT":
            cluster = engine.set_cluster_cpu(parts[1], self.parse(body, "cluster", view))
            return 200, view.one(view.cluster(cluster))
        if parts == ["hosts"] and method == "GET":
            return 200, view.many([view.host(h) for h in engine.hosts.values() if matches_search(query, h["name"])], "hosts")
        if len(parts) == 3 and parts[0] == "hosts" and parts[2] == "install" and method == "POST":
            engine.reinstall(parts[1], self.parse(body, "action", view), correlation)
            return 200, view.action()
        if parts == ["hosts"] and method == "POST":
            allowed = {"activate", "deploy_hosted_engine", "undeploy_hosted_engine", "reboot", "correlation_id", "async"}
            unknown = [k for k in query if k not in allowed] if engine.api == "v4" else []
            if unknown:
                raise Problem(400, "Invalid value", "unknown query parameter(s) %s" % ", ".join(unknown))
            deploy = query.get("deploy_hosted_engine") == ["true"]
            if deploy and engine.api == "v3":
                raise Problem(400, "Operation Failed", "3.4 has no deploy_hosted_engine (its additional hosts run hosted-engine --deploy)")
            host = engine.add_host(self.parse(body, "host", view), correlation, deploy_hosted_engine=deploy)
            return 201, view.one(view.host(host))
        if len(parts) == 2 and parts[0] == "hosts" and method == "GET":
            host = engine.hosts.get(parts[1])
            if host is None:
                raise Problem(404, "Operation Failed", "Entity not found: %s" % parts[1])
            return 200, view.one(view.host(host, all_content=query.get("all_content") == ["true"]))
        if parts == ["storagedomains"] and method == "GET":
            return 200, view.many([view.domain(d, None if d["id"] in engine.attached else "unattached")
                                   for d in engine.domains.values() if matches_search(query, d["name"])], "storage_domains")
        if parts == ["storagedomains"] and method == "POST":
            domain = engine.add_domain(self.parse(body, "storage_domain", view))
            return 201, view.one(view.domain(domain, "unattached"))
        if len(parts) == 3 and parts[0] == "datacenters" and parts[2] == "storagedomains":
            if parts[1] != engine.dc["id"]:
                raise Problem(404, "Operation Failed", "Entity not found: %s" % parts[1])
            if method == "GET":
                return 200, view.many([view.domain(engine.domains[s], a["status"]) for s, a in engine.attached.items()],
                                      "storage_domains")
            domain = engine.attach(self.parse(body, "storage_domain", view))
            return 201, view.one(view.domain(domain, "locked"))
        if len(parts) == 4 and parts[0] == "datacenters" and parts[2] == "storagedomains" and method == "GET":
            attachment = engine.attached.get(parts[3])
            if attachment is None:
                raise Problem(404, "Operation Failed", "Entity not found: %s" % parts[3])
            return 200, view.one(view.domain(engine.domains[parts[3]], attachment["status"]))
        if (len(parts) == 5 and parts[0] == "datacenters" and parts[2] == "storagedomains" and parts[4] == "activate"
                and method == "POST"):
            self.parse(body, "action", view)
            engine.activate(parts[3])
            return 200, view.action()
        if parts == ["events"] and method == "GET":
            events = sorted(engine.events, key=lambda e: -e["id"])
            since = query.get("from", [matrix.get("from")])[0]
            if since is not None:
                events = [e for e in events if e["id"] > int(since)]
            limit = matrix.get("max") or query.get("max", [None])[0]
            if limit is not None:
                events = events[:int(limit)]
            return 200, view.many([view.event(e) for e in events], "events")
        raise Problem(404, "Operation Failed", "no fake resource for %s %s" % (method, path))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", choices=["v3", "v4"], required=True)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ca", required=True, help="the CA PEM served at pki-resource")
    parser.add_argument("--user", default="admin@internal")
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--scenario", help="JSON file: outcomes per host, storage errors, token lifetime")
    args = parser.parse_args()
    scenario = json.load(open(args.scenario)) if args.scenario else {}
    engine = Engine(args.api, scenario)
    # The engine's own SSH key pair (engine-setup makes one; the pki-resource serves its public half).
    key = os.path.join(os.path.dirname(os.path.abspath(args.cert)), "engine_id")
    if not os.path.exists(key):
        import subprocess
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ovirt-engine", "-f", key], check=True)
    engine.engine_key = open(key + ".pub").read().strip()
    engine.view = V4View(engine) if args.api == "v4" else V3View(engine)
    server = ThreadingHTTPServer((args.listen, args.port), Handler)
    server.daemon_threads = True
    server.engine = engine
    server.user = args.user
    server.password = open(args.password_file).read().rstrip("\n")
    server.ca_pem = open(args.ca).read()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on %s:%d (%s)" % (args.listen, args.port, args.api), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
