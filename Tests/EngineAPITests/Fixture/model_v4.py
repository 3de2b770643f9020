"""Checks v4 request bodies against the real v4 model: the oVirt Python SDK's own reader and writer.

The SDK's readers skip unknown elements and turn unknown enum values into None, so parsing alone proves nothing.
The check is a round trip (reader, then writer): every element and value of the body must come back; what the
model does not know is lost on the way and named in the problem."""
import xml.etree.ElementTree as ET

from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer
import ovirtsdk4.readers  # noqa: F401  (registers the readers)
import ovirtsdk4.writers  # noqa: F401  (registers the writers)


def _leaves(element, path=""):
    """(path, text) of every leaf element and (path@attr, value) of every attribute."""
    path = path + "/" + element.tag
    out = set()
    for key, value in element.attrib.items():
        out.add((path + "@" + key, value))
    children = list(element)
    if not children:
        out.add((path, (element.text or "").strip()))
    for child in children:
        out |= _leaves(child, path)
    return out


def round_trip(body):
    """(object, problems): the SDK object read from `body`, and what did not survive the round trip."""
    try:
        original = ET.fromstring(body)
    except ET.ParseError as error:
        return None, ["not well-formed XML: %s" % error]
    try:
        obj = Reader.read(body)
    except Exception as error:  # the SDK raises plain Errors for unknown root tags
        return None, ["the v4 model cannot read <%s>: %s" % (original.tag, error)]
    again = ET.fromstring(Writer.write(obj, root=original.tag))
    # Booleans come back lower case; compare them that way.
    def norm(pairs):
        return {(p, v.lower() if v.lower() in ("true", "false") else v) for p, v in pairs}
    lost = sorted(norm(_leaves(original)) - norm(_leaves(again)))
    problems = []
    for path, value in lost:
        problems.append('%s = "%s": not in the v4 model (lost in the SDK round trip)' % (path, value))
    return obj, problems


def write(obj, root=None):
    return Writer.write(obj, root=root)
