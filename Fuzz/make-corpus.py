#!/usr/bin/env python3
"""Rebuilds the seed corpora of the fuzzers from the test files (run from the repository root).

answer-file:  every Swift string literal in Tests/ that holds an `[environment:` section or is handed to
              the answer-file parser in Tests/OtopiKitTests (the malformed cases included).
otopi-output: the console lines the fixture engine-setup / hosted-engine scripts print, whole and in
              pieces, the lines of the OtopiKit console tests, and the seed's prompts as trailing partial lines.
"""
import hashlib, pathlib, re

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Fuzz" / "corpus"
MAX = 4096  # small seeds keep libFuzzer fast; it grows longer inputs itself

def unescape(s):
    s = re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda m: chr(int(m.group(1), 16)), s)
    return (s.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")
             .replace('\\"', '"').replace("\\0", "\0").replace("\\\\", "\\"))

def literals(text):
    """Swift string literals: multi-line ones dedented by their closing delimiter, then one-line ones."""
    out = []
    for m in re.finditer(r'"""\n(.*?)\n([ \t]*)"""', text, re.S):
        indent = m.group(2)
        body = "\n".join(l[len(indent):] if l.startswith(indent) else l.lstrip() for l in m.group(1).split("\n"))
        out.append(unescape(body) + "\n")
    rest = re.sub(r'""".*?"""', "", text, flags=re.S)
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', rest):
        out.append(unescape(m.group(1)))
    return out

def write(kind, data):
    data = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not data or len(data) > MAX:
        return
    d = OUT / kind
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)

# answer-file
for path in sorted(ROOT.glob("Tests/**/*.swift")):
    text = path.read_text()
    otopi_tests = "OtopiKitTests" in path.parts
    for lit in literals(text):
        if "[environment:" in lit or "[DEFAULT]" in lit or (otopi_tests and "AnswerFile" in path.name and ("=" in lit or ":" in lit)):
            write("answer-file", lit)
for lit in literals((ROOT / "Tests/OtopiKitTests/OtopiValueTests.swift").read_text()):
    if ":" in lit:
        write("answer-file", "[environment:default]\nKEY=" + lit + "\n")
# The byte-level malformed cases of AnswerFileTests (BOM, invalid UTF-8).
write("answer-file", b"\xef\xbb\xbf[environment:default]\nA=str:1\n")
write("answer-file", b"[environment:default]\nA=str:caf\xe9\n")
write("answer-file", b"[environment:default]\nA=str:\xf0\x9f\x98\n")

# otopi-output
prefix = {"info": "[ INFO  ] ", "warn": "[WARNING] ", "error": "[ ERROR ] ", "note": "          "}
for name in ["engine-setup", "hosted-engine"]:
    lines = []
    for line in (ROOT / "Tests/DeployTests/Fixtures" / name).read_text().splitlines():
        for m in re.finditer(r'\b(info|warn|error|note|title|blank)\b(?: "((?:[^"\\]|\\.)*)")?', line):
            kind, arg = m.group(1), unescape(m.group(2) or "")
            if kind == "blank":
                lines.append("         ")
            elif kind == "title":
                lines += ["         ", "          --== " + arg + " ==--", "         "]
            elif m.group(2) is not None:
                lines.append(prefix[kind] + arg)
    write("otopi-output", "\n".join(lines) + "\n")
    for i in range(0, len(lines), 25):
        write("otopi-output", "\n".join(lines[i:i + 25]) + "\n")
for lit in literals((ROOT / "Tests/OtopiKitTests/OtopiConsoleParserTests.swift").read_text()):
    if lit.strip():
        write("otopi-output", lit + "\n")   # a complete line
        write("otopi-output", lit)          # the same as a trailing partial line (a prompt)
for name in ["engine-setup", "hosted-engine"]:
    for line in (ROOT / "Tests/Fixtures/seed" / (name + "-3.4.prompts")).read_text().splitlines():
        if line.strip():
            write("otopi-output", "[ INFO  ] Stage: Environment customization\n          " + line)
