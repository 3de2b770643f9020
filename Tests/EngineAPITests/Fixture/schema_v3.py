"""The oVirt 3.4 REST schema facts the fake engine checks v3 bodies against.

Transcribed by hand from the element sequences of ovirt-engine 3.4.0's api.xsd
(backend/manager/modules/restapi/interface/definition/src/main/resources/api.xsd) for the types the wizard sends and
reads. Each type lists its child elements in schema order (an xs:sequence: the engine's JAXB binding reads that
order) with the type of each child: another complex type's name, or a simple type ('string', 'boolean', 'int',
'long', 'dateTime'), or a tuple ('enum', values) for the value sets the 3.4 REST layer maps
(AuthenticationMethod, StorageDomainType, StorageType)."""

BASE = [("actions", "Opaque"), ("name", "string"), ("description", "string"), ("comment", "string"), ("creation_status", "Status"),
        ("link", "Link")]
BASE_ATTRIBUTES = {"id", "href"}

TYPES = {
    "Status": [("state", "string"), ("detail", "string")],
    "Link": [],
    "Version": [],  # attributes only: major, minor, build, revision, full_version
    "Fault": [("reason", "string"), ("detail", "string")],
    "Host": BASE + [
        ("address", "string"), ("certificate", "Opaque"), ("status", "Status"), ("cluster", "Cluster"),
        ("port", "int"), ("type", "string"), ("storage_manager", "Opaque"), ("version", "Version"),
        ("hardware_information", "Opaque"), ("power_management", "Opaque"), ("ksm", "Opaque"),
        ("transparent_hugepages", "Opaque"), ("iscsi", "Opaque"), ("root_password", "string"), ("ssh", "SSH"),
        ("statistics", "Opaque"), ("cpu", "CPU"), ("memory", "long"), ("max_scheduling_memory", "long"),
        ("summary", "Opaque"), ("override_iptables", "boolean"), ("reboot_after_installation", "boolean"),
        ("os", "Opaque"), ("hooks", "Opaque"), ("libvirt_version", "Version"), ("display", "Opaque")],
    "SSH": BASE + [("port", "int"), ("fingerprint", "string"),
                   ("authentication_method", ("enum", {"password", "publickey"})), ("user", "User")],
    "User": BASE + [("domain", "Opaque"), ("external_id", "string"), ("department", "string"),
                    ("logged_in", "boolean"), ("last_name", "string"), ("user_name", "string"),
                    ("password", "string"), ("email", "string"), ("roles", "Opaque"), ("groups", "Opaque")],
    "CPU": [("topology", "Opaque"), ("level", "int"), ("name", "string"), ("speed", "string"),
            ("cpu_tune", "Opaque")],
    "Cluster": BASE + [
        ("cpu", "CPU"), ("data_center", "DataCenter"), ("memory_policy", "Opaque"), ("scheduling_policy", "Opaque"),
        ("version", "Version"), ("supported_versions", "Opaque"), ("error_handling", "Opaque"),
        ("virt_service", "boolean"), ("gluster_service", "boolean"), ("threads_as_cores", "boolean"),
        ("tunnel_migration", "boolean"), ("trusted_service", "boolean"), ("ha_reservation", "boolean"),
        ("ballooning_enabled", "boolean"), ("display", "Opaque"), ("ksm", "Opaque")],
    "DataCenter": BASE + [("storage_type", "string"), ("local", "boolean"), ("storage_format", "string"),
                          ("version", "Version"), ("supported_versions", "Opaque"), ("status", "Status")],
    "StorageDomain": BASE + [
        ("data_center", "DataCenter"), ("type", ("enum", {"data", "iso", "export", "image"})), ("status", "Status"),
        ("master", "boolean"), ("storage", "Storage"), ("host", "Host"), ("format", "boolean"),
        ("destroy", "boolean"), ("available", "long"), ("used", "long"), ("committed", "long"),
        ("storage_format", "string")],
    # BaseStorageConnection (address, type), then FileStorageConnection (path ... nfs_retrans), then host.
    "Storage": BASE + [
        ("address", "string"),
        ("type", ("enum", {"iscsi", "fcp", "nfs", "localfs", "posixfs", "glusterfs", "glance"})),
        ("path", "string"), ("mount_options", "string"), ("vfs_type", "string"), ("nfs_version", "string"),
        ("nfs_timeo", "int"), ("nfs_retrans", "int"), ("host", "Host")],
    # ActionParameterGroup members the wizard could send, in their order; then the response part.
    "Action": BASE + [("async", "boolean"), ("grace_period", "Opaque"), ("host", "Host"),
                      ("network", "Opaque"), ("root_password", "string"), ("image", "string"),
                      ("fence_type", "string"), ("ticket", "Opaque"), ("iscsi", "Opaque"),
                      ("storage_domain", "StorageDomain"), ("cluster", "Cluster"),
                      ("status", "Status"), ("fault", "Fault")],
    "Event": BASE + [("code", "int"), ("severity", "string"), ("time", "dateTime"), ("correlation_id", "string"),
                     ("user", "User"), ("vm", "Opaque"), ("storage_domain", "StorageDomain"), ("host", "Host"),
                     ("template", "Opaque"), ("cluster", "Cluster"), ("data_center", "DataCenter"),
                     ("origin", "string"), ("custom_id", "int"), ("flood_rate", "int"), ("custom_data", "string")],
    "ProductInfo": BASE + [("vendor", "string"), ("version", "Version"), ("full_version", "string")],
    "API": BASE + [("special_objects", "Opaque"), ("product_info", "ProductInfo"), ("summary", "Opaque"),
                   ("time", "dateTime")],
}
# Collections: BaseResources (actions, total, active), then the items.
for _collection, _item, _type in (("Hosts", "host", "Host"), ("DataCenters", "data_center", "DataCenter"),
                                  ("Clusters", "cluster", "Cluster"), ("StorageDomains", "storage_domain", "StorageDomain"),
                                  ("Events", "event", "Event")):
    TYPES[_collection] = [("actions", "Opaque"), ("total", "int"), ("active", "int"), (_item, _type)]

# The documents the fake engine answers with, by root element.
RESPONSE_ROOTS = {"api": "API", "cluster": "Cluster", "hosts": "Hosts", "data_centers": "DataCenters", "clusters": "Clusters",
                  "storage_domains": "StorageDomains", "events": "Events", "host": "Host",
                  "storage_domain": "StorageDomain", "action": "Action", "fault": "Fault"}

ROOTS = {"host": "Host", "storage_domain": "StorageDomain", "action": "Action", "cluster": "Cluster",
         "data_center": "DataCenter"}


def check(element, type_name, path=""):
    """Problems of `element` against `type_name`, as texts naming the element path; [] when it conforms."""
    path = path + "/" + element.tag
    if type_name == "Opaque":
        return []  # a type the wizard never sends: not transcribed, refused by the caller's allow-list instead
    allowed_attributes = set(BASE_ATTRIBUTES)
    if type_name == "Version":
        allowed_attributes |= {"major", "minor", "build", "revision", "full_version"}
    if type_name == "CPU":
        allowed_attributes = {"id"}
    if type_name == "Link":
        allowed_attributes = {"href", "rel"}
    problems = ["%s: attribute %s is not in the 3.4 schema" % (path, a) for a in element.attrib
                if a not in allowed_attributes]
    sequence = TYPES[type_name]
    names = [n for n, _ in sequence]
    position = 0
    for child in element:
        if child.tag not in names:
            problems.append('%s: unexpected element (uri:"", local:"%s") (not in the 3.4 schema of %s)'
                            % (path, child.tag, type_name))
            continue
        index = names.index(child.tag)
        if index < position and names[position] != child.tag:
            problems.append("%s: <%s> comes after <%s>; the 3.4 schema's sequence has it before"
                            % (path, child.tag, names[position]))
        position = max(position, index)
        child_type = sequence[index][1]
        text = (child.text or "").strip()
        if isinstance(child_type, tuple):
            if text not in child_type[1]:
                problems.append("%s/%s: '%s' is not one of %s" % (path, child.tag, text, ", ".join(sorted(child_type[1]))))
        elif child_type == "boolean":
            if text.lower() not in ("true", "false", "0", "1"):
                problems.append("%s/%s: '%s' is not a boolean" % (path, child.tag, text))
        elif child_type in ("int", "long"):
            if not text.lstrip("-").isdigit():
                problems.append("%s/%s: '%s' is not an integer" % (path, child.tag, text))
        elif child_type in ("string", "dateTime"):
            if len(child):
                problems.append("%s/%s: holds elements, the schema has text" % (path, child.tag))
        else:
            problems += check(child, child_type, path)
    return problems
