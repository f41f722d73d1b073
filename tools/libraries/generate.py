#!/usr/bin/env python3
"""Generate sunset's client-library table (rules/libraries/*.toml).

For every release of every library listed in tools/libraries/libraries.toml
this script downloads the package, runs sunset's own extractor over its
source (`sunset audit --format json --include-active`), runs a Python `ast`
pass over the same files (tools/libraries/pyfacts.py) to know which function
or method each line belongs to, and maps every public function and method to
the endpoint paths it reaches: directly, through constants of the package,
through registries keyed by an action name, and through the functions it
calls. Releases with the same facts are folded into version ranges.

Commands (run from the repository root; see docs/libraries.md):

  python3 tools/libraries/generate.py lock [--library NAME]
      Ask the registry for every release, download each one and record
      (library, version, file, sha256) in tools/libraries/inputs.toml.

  python3 tools/libraries/generate.py build [--library NAME] [--sunset BIN]
      Download each release recorded in inputs.toml (the sha256 must match),
      map it and write rules/libraries/NAME.toml.

  python3 tools/libraries/generate.py map --library NAME --version V [--sunset BIN] [--config TOML] DIR
      The mapping step alone, on an unpacked package in DIR; prints the
      library's TOML for that one release. No network. The tests run this.

Downloads go to $SUNSET_LIBRARY_CACHE (default ~/.cache/sunset-libraries).
Old releases whose setup.py only runs under Python 2 are downloaded with a
Python 2 pip when one is found ($SUNSET_PYTHON2, or python2.7 on PATH, or
~/.pyenv/versions/2.7*); their sources are parsed with it too.
"""

import argparse
import functools
import glob
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    sys.exit("generate.py needs Python 3.11 or later (tomllib)")

try:
    from packaging.version import Version, InvalidVersion
except ImportError:  # pip vendors packaging
    from pip._vendor.packaging.version import Version, InvalidVersion

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIG = os.path.join(HERE, "libraries.toml")
INPUTS = os.path.join(HERE, "inputs.toml")
OUT_DIR = os.path.join(ROOT, "rules", "libraries")
PYFACTS = os.path.join(HERE, "pyfacts.py")

# A Qualys endpoint path inside a string: the FO API, the portal (QPS) REST
# API, PCRS, CAR, the v1 /msp/ scripts. Host and query are dropped.
QUALYS_PATH = re.compile(
    r"(?:^|(?<=[/\"' ]))/?("
    r"api/\d+\.\d+/fo/[A-Za-z0-9_{}][A-Za-z0-9_./{}-]*"
    r"|qps/rest/\d+\.\d+/[A-Za-z0-9_{}]+/[A-Za-z0-9_{}][A-Za-z0-9_./{}-]*"
    r"|pcrs/\d+\.\d+/[A-Za-z0-9_{}][A-Za-z0-9_./{}-]*"
    r"|sm/v\d+/[A-Za-z0-9_{}][A-Za-z0-9_./{}-]*"
    r"|msp/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.php"
    r")"
)
ACTION_QUERY = re.compile(r"[?&]action=([A-Za-z_]+)")
EXCLUDED_DIRS = {"tests", "test", "testing", "docs", "doc", "examples", "example", "samples"}


# ---------------------------------------------------------------------------
# Configuration and inputs.
# ---------------------------------------------------------------------------


def load_config(path=None):
    with open(path or CONFIG, "rb") as f:
        return {lib["name"]: lib for lib in tomllib.load(f)["library"]}


def load_inputs():
    if not os.path.exists(INPUTS):
        return []
    with open(INPUTS, "rb") as f:
        return tomllib.load(f).get("package", [])


def toml_str(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_list(items):
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


def write_inputs(packages):
    lines = [
        "# The package files the library table is generated from: one entry per",
        "# release, with the sha256 of the exact file read. Written by",
        "# `python3 tools/libraries/generate.py lock`; `build` refuses a file whose",
        "# sha256 differs. See docs/libraries.md.",
        "",
    ]
    for p in sorted(packages, key=lambda p: (p["library"], sort_key(p["version"]))):
        lines += [
            "[[package]]",
            "library = " + toml_str(p["library"]),
            "ecosystem = " + toml_str(p["ecosystem"]),
            "version = " + toml_str(p["version"]),
            "file = " + toml_str(p["file"]),
            "sha256 = " + toml_str(p["sha256"]),
            "",
        ]
    with open(INPUTS, "w") as f:
        f.write("\n".join(lines))


def sort_key(version):
    try:
        return (0, Version(version), version)
    except InvalidVersion:
        return (1, Version("0"), version)


# ---------------------------------------------------------------------------
# Downloading (network).
# ---------------------------------------------------------------------------


def cache_dir():
    d = os.environ.get("SUNSET_LIBRARY_CACHE") or os.path.expanduser("~/.cache/sunset-libraries")
    os.makedirs(d, exist_ok=True)
    return d


@functools.lru_cache(maxsize=None)
def python2():
    cands = [os.environ.get("SUNSET_PYTHON2")]
    cands += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/2.7*/bin/python")))
    cands += [shutil.which("python2.7"), shutil.which("python2")]
    for c in cands:
        if not c or not os.path.exists(c):
            continue
        # A pyenv shim exists but may refuse to run: try it.
        r = subprocess.run([c, "-c", "import sys; assert sys.version_info[0] == 2"], capture_output=True)
        if r.returncode == 0:
            return c
    return None


def registry_versions(name):
    out = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "--ignore-requires-python", "--pre", name],
        capture_output=True, text=True, check=True,
    ).stdout
    m = re.search(r"Available versions: (.*)", out)
    if not m:
        raise SystemExit("no versions found for %s:\n%s" % (name, out))
    return sorted((v.strip() for v in m.group(1).split(",")), key=sort_key)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def pip_download(name, version, dest, kind=None):
    """Download NAME==VERSION into dest; returns the file's path. `kind`
    ("wheel" or "sdist") forces the file type recorded in inputs.toml."""
    spec = "%s==%s" % (name, version)
    flags = ["--no-deps", "-d", dest]
    if kind == "wheel":
        flags += ["--only-binary", ":all:"]
    elif kind == "sdist":
        flags += ["--no-binary", ":all:"]
    before = set(os.listdir(dest))
    attempts = [[sys.executable, "-m", "pip", "download", "--ignore-requires-python"] + flags + [spec]]
    py2 = python2()
    if py2:
        # Old sdists whose setup.py is Python 2 code: pip must run it to
        # download them at all.
        attempts.append([py2, "-m", "pip", "download"] + flags + [spec])
    errors = []
    for cmd in attempts:
        r = subprocess.run(cmd, capture_output=True, text=True)
        new = sorted(set(os.listdir(dest)) - before)
        if r.returncode == 0 or new:
            got = [f for f in os.listdir(dest) if is_release_file(f, name, version)]
            if got:
                return os.path.join(dest, sorted(got)[0])
        errors.append(r.stderr[-2000:])
    raise RuntimeError("cannot download %s:\n%s" % (spec, "\n".join(errors)))


def normalize_name(s):
    return re.sub(r"[-_.]+", "_", s).lower()


def is_release_file(filename, name, version):
    base = normalize_name(filename)
    return base.startswith(normalize_name(name) + "_" + normalize_name(version) + "_") or base.startswith(
        normalize_name(name) + "_" + normalize_name(version) + "_tar"
    ) or normalize_name(filename) in (
        normalize_name("%s-%s.tar.gz" % (name, version)),
        normalize_name("%s-%s.zip" % (name, version)),
    )


def fetch(entry):
    """The cached file of an inputs.toml entry, downloaded if needed and
    checked against its sha256."""
    d = os.path.join(cache_dir(), entry["library"])
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, entry["file"])
    if not os.path.exists(path):
        kind = "wheel" if entry["file"].endswith(".whl") else "sdist"
        got = pip_download(entry["library"], entry["version"], d, kind)
        if os.path.basename(got) != entry["file"]:
            raise SystemExit("%s: registry served %s, inputs.toml records %s" % (entry["version"], got, entry["file"]))
    digest = sha256_of(path)
    if digest != entry["sha256"]:
        raise SystemExit("%s: sha256 %s does not match inputs.toml (%s)" % (path, digest, entry["sha256"]))
    return path


def cmd_lock(args):
    config = load_config()
    inputs = load_inputs()
    known = {(p["library"], p["version"]) for p in inputs}
    names = [args.library] if args.library else list(config)
    for name in names:
        lib = config[name]
        if lib["ecosystem"] != "pypi":
            raise SystemExit("%s: only pypi packages can be downloaded" % name)
        d = os.path.join(cache_dir(), name)
        os.makedirs(d, exist_ok=True)
        for version in registry_versions(name):
            if (name, version) in known:
                continue
            try:
                path = pip_download(name, version, d)
            except RuntimeError as e:
                print("skip %s %s: %s" % (name, version, str(e).splitlines()[0]), file=sys.stderr)
                continue
            inputs.append({
                "library": name, "ecosystem": "pypi", "version": version,
                "file": os.path.basename(path), "sha256": sha256_of(path),
            })
            known.add((name, version))
            print("locked %s %s %s" % (name, version, os.path.basename(path)), file=sys.stderr)
            write_inputs(inputs)
    write_inputs(inputs)


# ---------------------------------------------------------------------------
# Unpacking.
# ---------------------------------------------------------------------------


def unpack(path, dest):
    """Unpack a wheel or sdist into dest; returns the directory holding the
    package's top-level modules. Members that would land outside dest are
    skipped."""
    dest = os.path.realpath(dest)

    def safe(member):
        target = os.path.realpath(os.path.join(dest, member))
        return target.startswith(dest + os.sep)

    if path.endswith((".whl", ".zip", ".egg")):
        with zipfile.ZipFile(path) as z:
            for m in z.namelist():
                if safe(m) and not m.endswith("/"):
                    z.extract(m, dest)
    else:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and safe(m.name):
                    t.extract(m, dest, set_attrs=False)
    entries = [e for e in os.listdir(dest) if not e.endswith((".dist-info", ".data"))]
    # An sdist has one top directory NAME-VERSION/ holding the sources.
    if len(entries) == 1 and os.path.isdir(os.path.join(dest, entries[0])) and path.endswith(
        (".tar.gz", ".tgz", ".tar.bz2", ".zip")
    ):
        return os.path.join(dest, entries[0])
    return dest


# ---------------------------------------------------------------------------
# The mapping step.
# ---------------------------------------------------------------------------


def python_files(root, modules):
    """Source files of the library's modules, without tests and examples."""
    out = []
    for top in modules:
        base = os.path.join(root, top)
        cands = []
        if os.path.isdir(base):
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS and not d.startswith("."))
                for f in sorted(filenames):
                    if f.endswith(".py"):
                        cands.append(os.path.join(dirpath, f))
        elif os.path.isfile(base + ".py"):
            cands.append(base + ".py")
        for c in cands:
            name = os.path.basename(c)
            if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
                continue
            out.append(os.path.relpath(c, root))
    return out


def run_pyfacts(root, files):
    """Facts of every file: Python 3 first, Python 2 for what it rejects."""
    facts = {}
    errors = {}
    if not files:
        return facts, errors
    r = subprocess.run([sys.executable, PYFACTS, root] + files, capture_output=True, text=True, check=True)
    doc = json.loads(r.stdout)
    for f in doc["files"]:
        facts[f["path"]] = f
    failed = [e["path"] for e in doc["errors"]]
    py2 = python2()
    if failed and py2:
        r = subprocess.run([py2, PYFACTS, root] + failed, capture_output=True, text=True, check=True)
        doc2 = json.loads(r.stdout)
        for f in doc2["files"]:
            facts[f["path"]] = f
        for e in doc2["errors"]:
            errors[e["path"]] = e["error"]
    else:
        for e in doc["errors"]:
            errors[e["path"]] = e["error"]
    return facts, errors


def run_sunset(sunset, root, files):
    """Endpoint uses sunset finds in the files: {path: {line: {endpoint}}},
    only `call` findings (docstrings and comments are mentions)."""
    if not files:
        return {}
    r = subprocess.run(
        [sunset, "audit", "--format", "json", "--include-active", "--no-ignore", "--hidden"]
        + [os.path.join(root, f) for f in files],
        capture_output=True, text=True,
    )
    if r.returncode not in (0, 1):
        raise SystemExit("sunset audit failed (%d):\n%s" % (r.returncode, r.stderr))
    doc = json.loads(r.stdout)
    out = {}
    real_root = os.path.realpath(root)
    for f in doc["findings"]:
        if f.get("kind") != "call":
            continue
        rel = os.path.relpath(os.path.realpath(f["path"]), real_root).replace(os.sep, "/")
        out.setdefault(rel, {}).setdefault(f["line"], set()).add(f["endpoint"])
    return out


def clean_path(text):
    """A Qualys path in `text`, as the library calls it: leading slash, no
    host, no query. None when there is none."""
    m = QUALYS_PATH.search(text)
    if not m:
        return None
    path = "/" + m.group(1)
    return path.split("?")[0].split("#")[0]


def route(routes, value):
    """A wrapper argument turned into a path by the library's routes."""
    v = value.lstrip("/").split("?")[0]
    if not v or any(c.isspace() for c in v):
        return None
    for r in routes:
        if (
            ("suffix" in r and v.endswith(r["suffix"]))
            or ("prefix" in r and v.startswith(r["prefix"]))
            or ("contains" in r and r["contains"] in v)
        ):
            # Only a whole endpoint, never a base or a bare suffix.
            path = r["base"] + v
            return path if clean_path(path) == path else None
    return None


class Fact(object):
    """What a function, constant or registry entry reaches."""

    def __init__(self):
        self.endpoints = set()
        self.actions = set()
        self.http = set()
        self.note = None

    def add(self, other):
        n = (len(self.endpoints), len(self.actions), len(self.http))
        self.endpoints |= other.endpoints
        self.actions |= other.actions
        self.http |= other.http
        return n != (len(self.endpoints), len(self.actions), len(self.http))


def resolve_module(current, target):
    """`.x.y` relative to module `current` (a package's __init__ or a module)."""
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    rest = target.lstrip(".")
    parts = current.split(".")
    base = parts[: len(parts) - level] if level <= len(parts) else []
    return ".".join(base + ([rest] if rest else []))


def map_release(lib, root, sunset):
    """The facts of one unpacked release: (methods, actions, notes)."""
    files = python_files(root, lib["modules"])
    facts, errors = run_pyfacts(root, files)
    found = run_sunset(sunset, root, sorted(facts))
    routes = []
    for w in lib.get("wrapper", []):
        routes.extend(w.get("routes", []))

    def endpoints_of_string(s):
        out = set()
        p = clean_path(s)
        if p:
            out.add(p)
        elif routes:
            r = route(routes, s)
            if r:
                out.add(r)
        return out

    def actions_of_string(s):
        return set(ACTION_QUERY.findall(s))

    wrappers = {(w.get("class"), w.get("method") or w.get("function")) for w in lib.get("wrapper", [])}

    def is_wrapper(fn):
        return (fn["class"], fn["name"]) in wrappers or (None, fn["name"]) in wrappers and fn["class"] is None

    functions = []  # (file facts, function)
    by_key = {}
    constants = {}  # (module, class, name) -> Fact
    registry = {}  # key -> Fact
    for path, ff in sorted(facts.items()):
        lines = found.get(path, {})
        mod = ff["module"]
        spans = []  # (size, kind, ref, start, end)
        for fn in ff["functions"]:
            spans.append((fn["end"] - fn["start"], "function", fn, fn["start"], fn["end"]))
        for c in ff["constants"]:
            spans.append((c["end"] - c["start"], "constant", c, c["start"], c["end"]))
        for r in ff["registries"]:
            spans.append((r["end"] - r["start"], "registry", r, r["start"], r["end"]))
        for fn in ff["functions"]:
            fn["fact"] = Fact()
            fn["module"] = mod
            fn["file"] = ff
            functions.append(fn)
            by_key.setdefault((mod, fn["class"], fn["name"]), []).append(fn)
            for s, line in fn["body"]["strings"]:
                e = endpoints_of_string(s)
                fn["fact"].endpoints |= e
                if e:
                    fn["fact"].actions |= actions_of_string(s)
        for c in ff["constants"]:
            fact = constants.setdefault((mod, c["class"], c["name"]), Fact())
            if c.get("value"):
                fact.endpoints |= endpoints_of_string(c["value"])
                fact.actions |= actions_of_string(c["value"])
        # Lines with an endpoint: what sunset found, plus literal paths it
        # does not know (endpoints outside its rule table).
        hits = {}
        for line, endpoints in lines.items():
            hits.setdefault(line, [set(), set()])[0].update(endpoints)
        for value, line in ff["strings"]:
            p = clean_path(value)
            if p:
                hit = hits.setdefault(line, [set(), set()])
                hit[0].add(p)
                hit[1].update(actions_of_string(value))
        # Each line goes to its innermost function; outside functions, to
        # the registry entry labelling it, else to its constant.
        for line, (endpoints, acts) in sorted(hits.items()):
            inside = sorted((sp for sp in spans if sp[3] <= line <= sp[4]), key=lambda sp: sp[0])
            fn = next((sp for sp in inside if sp[1] == "function"), None)
            if fn is not None:
                fn[2]["fact"].endpoints |= endpoints
                fn[2]["fact"].actions |= acts
                continue
            regs = [sp for sp in inside if sp[1] == "registry"]
            record = [sp for sp in regs if sp[2].get("container")]
            label = record[0] if record else (regs[0] if regs else None)
            if label is not None:
                fact = registry.setdefault(label[2]["key"], Fact())
                fact.endpoints |= endpoints
                fact.actions |= acts
                fact.http |= set(label[2].get("http", []))
            const = next((sp for sp in inside if sp[1] == "constant"), None)
            # A registry's endpoints are reached through its keys, not by
            # every function that reads the registry.
            if const is not None and label is None:
                c = const[2]
                fact = constants.setdefault((mod, c["class"], c["name"]), Fact())
                fact.endpoints |= endpoints
                fact.actions |= acts

    # Resolution helpers.
    classes = {}
    for ff in facts.values():
        for c in ff["classes"]:
            classes.setdefault(c["name"], []).append((ff["module"], c))

    def class_chain(mod, name, seen=None):
        seen = seen or set()
        out = []
        for m, c in classes.get(name, []):
            if (m, name) in seen:
                continue
            seen.add((m, name))
            out.append((m, name))
            for b in c["bases"]:
                out += class_chain(m, b.split(".")[-1], seen)
        return out

    by_name = {}
    for fn in functions:
        by_name.setdefault(fn["name"], []).append(fn)

    def module_of_import(ff, name):
        target = ff["imports"].get(name)
        if target is None:
            return None
        return resolve_module(ff["module"], target)

    def callees(fn):
        ff = fn["file"]
        out = []
        for call in fn["body"]["calls"]:
            parts = call.split(".")
            if parts[0] in ("self", "cls") and len(parts) == 2 and fn["class"]:
                for m, c in class_chain(fn["module"], fn["class"]):
                    out += by_key.get((m, c, parts[1]), [])
                continue
            if len(parts) == 1:
                local = by_key.get((fn["module"], None, parts[0]), [])
                if local:
                    out += local
                    continue
                target = module_of_import(ff, parts[0])
                if target and "." in target:
                    m, n = target.rsplit(".", 1)
                    out += by_key.get((m, None, n), [])
                    out += by_key.get((target, None, n), [])
                continue
            target = module_of_import(ff, parts[0])
            if target is not None and len(parts) == 2:
                out += by_key.get((target, None, parts[1]), [])
                continue
            # obj.method(): a method of the package only when the name is
            # unique in it.
            cands = [f for f in by_name.get(parts[-1], []) if f["class"]]
            if len(cands) == 1 and parts[-1] != "__init__":
                out += cands
        return out

    def referenced_constants(fn):
        ff = fn["file"]
        out = []
        body = fn["body"]
        for n in body["names"]:
            c = constants.get((fn["module"], None, n))
            if c is not None:
                out.append(c)
                continue
            target = module_of_import(ff, n)
            if target and "." in target:
                m, name = target.rsplit(".", 1)
                c = constants.get((m, None, name))
                if c is not None:
                    out.append(c)
        for q in body["qualified"]:
            parts = q.split(".")
            if len(parts) != 2:
                continue
            head, attr = parts
            if head in ("self", "cls") and fn["class"]:
                for m, c in class_chain(fn["module"], fn["class"]):
                    k = constants.get((m, c, attr))
                    if k is not None:
                        out.append(k)
                continue
            if head in classes:
                for m, c in class_chain(fn["module"], head):
                    k = constants.get((m, c, attr))
                    if k is not None:
                        out.append(k)
                continue
            target = module_of_import(ff, head)
            if target is not None:
                k = constants.get((target, None, attr))
                if k is not None:
                    out.append(k)
        return out

    # Constants a function reads, and registry keys it names, reach what
    # they hold; then the `action=` values and HTTP verbs it sends apply.
    for fn in functions:
        for c in referenced_constants(fn):
            fn["fact"].add(c)
        for s, _ in fn["body"]["strings"]:
            r = registry.get(s)
            if r is not None and r.endpoints:
                fn["fact"].add(r)
        if fn["fact"].endpoints:
            fn["fact"].actions |= set(fn["body"]["actions"])
            fn["fact"].http |= set(fn["body"]["http"])

    # Calls: fixpoint over the call graph. A wrapper passes on what its
    # caller names; it reaches nothing by itself. (bounded by the number of facts).
    edges = {id(fn): callees(fn) for fn in functions}
    changed = True
    rounds = 0
    while changed and rounds < 100:
        changed = False
        rounds += 1
        for fn in functions:
            for g in edges[id(fn)]:
                if g is not fn and not is_wrapper(g) and fn["fact"].add(g["fact"]):
                    changed = True

    methods = {}
    for fn in functions:
        if fn["name"].startswith("_") or (fn["class"] or "").startswith("_"):
            continue
        if is_wrapper(fn):
            continue
        if not fn["fact"].endpoints:
            continue
        key = (fn["module"], fn["class"] or "", fn["name"])
        m = methods.setdefault(key, Fact())
        m.add(fn["fact"])
    actions = {k: v for k, v in registry.items() if v.endpoints}
    notes = ["%s: not parsed (%s)" % (p, e.splitlines()[0][:120]) for p, e in sorted(errors.items())]
    return methods, actions, notes


# ---------------------------------------------------------------------------
# Folding releases into ranges and writing TOML.
# ---------------------------------------------------------------------------


def fold(releases, per_release):
    """[(key, fact_tuple, first, last)] over consecutive releases."""
    runs = []
    open_runs = {}
    for i, version in enumerate(releases):
        current = per_release.get(version, {})
        for key, value in current.items():
            run = open_runs.get(key)
            if run is not None and run["value"] == value and run["last_index"] == i - 1:
                run["last"] = version
                run["last_index"] = i
            else:
                run = {"key": key, "value": value, "first": version, "last": version, "last_index": i}
                open_runs[key] = run
                runs.append(run)
    return runs


def dedupe(endpoints):
    """One spelling per endpoint: `/x` and `/x/` are the same endpoint
    (the libraries add the slash); the slashed one is kept."""
    out = set(endpoints)
    for e in endpoints:
        if not e.endswith("/") and e + "/" in out:
            out.discard(e)
    return out


def fact_tuple(f):
    return (
        tuple(sorted(dedupe(f.endpoints))),
        tuple(sorted(f.actions)),
        tuple(sorted(f.http)),
        f.note,
    )


def apply_corrections(lib, version, methods):
    """Hand-written facts of libraries.toml for this release: they replace
    what the mapping found for the methods they name."""
    v = Version(version)
    for c in lib.get("correction", []):
        if not (Version(c["first"]) <= v <= Version(c["last"])):
            continue
        for name in c["names"]:
            f = Fact()
            f.endpoints = set(c["endpoints"])
            f.actions = set(c.get("actions", []))
            f.http = set(c.get("http", []))
            f.note = c["note"]
            methods[(c["module"], c.get("class", ""), name)] = f


def render(lib, releases, per_release_methods, per_release_actions, notes):
    name = lib["name"]
    out = [
        "# Generated by `python3 tools/libraries/generate.py build` from the package",
        "# files listed in tools/libraries/inputs.toml (hand-written facts come from",
        "# tools/libraries/libraries.toml, each with its note). Do not edit by hand:",
        "# regenerate (docs/libraries.md).",
        "",
        "[library]",
        "name = " + toml_str(name),
        "ecosystem = " + toml_str(lib["ecosystem"]),
        "modules = " + toml_list(lib["modules"]),
        "summary = " + toml_str(lib["summary"]),
        "",
    ]
    for r in releases:
        out += [
            "[[release]]",
            "version = " + toml_str(r["version"]),
            "file = " + toml_str(r["file"]),
            "sha256 = " + toml_str(r["sha256"]),
        ]
        if notes.get(r["version"]):
            out.append("notes = " + toml_list(notes[r["version"]]))
        out.append("")
    for w in lib.get("wrapper", []):
        out.append("[[wrapper]]")
        if "method" in w:
            out.append("method = " + toml_str(w["method"]))
        if "function" in w:
            out.append("function = " + toml_str(w["function"]))
        if "class" in w:
            out.append("class = " + toml_str(w["class"]))
        out.append("argument = %d" % w["argument"])
        if "keyword" in w:
            out.append("keyword = " + toml_str(w["keyword"]))
        rs = []
        for r in w.get("routes", []):
            (cond, value), = [(k, v) for k, v in r.items() if k != "base"]
            rs.append("{ %s = %s, base = %s }" % (cond, toml_str(value), toml_str(r["base"])))
        out.append("routes = [" + ", ".join(rs) + "]")
        out.append("note = " + toml_str(w["note"]))
        out.append("")
    versions = [r["version"] for r in releases]
    runs = fold(versions, {v: {k: fact_tuple(f) for k, f in ms.items()} for v, ms in per_release_methods.items()})
    runs.sort(key=lambda r: (r["key"][0], r["key"][1], r["key"][2], sort_key(r["first"])))
    for run in runs:
        module, cls, fname = run["key"]
        endpoints, actions, http, note = run["value"]
        out.append("[[method]]")
        out.append("module = " + toml_str(module))
        if cls:
            out.append("class = " + toml_str(cls))
        out.append("name = " + toml_str(fname))
        out.append("first = " + toml_str(run["first"]))
        out.append("last = " + toml_str(run["last"]))
        out.append("endpoints = " + toml_list(endpoints))
        if actions:
            out.append("actions = " + toml_list(actions))
        if http:
            out.append("http = " + toml_list(http))
        if note:
            out.append("note = " + toml_str("hand-written: " + note))
        out.append("")
    aruns = fold(versions, {v: {k: fact_tuple(f) for k, f in acts.items()} for v, acts in per_release_actions.items()})
    aruns.sort(key=lambda r: (r["key"], sort_key(r["first"])))
    for run in aruns:
        endpoints, actions, http, _ = run["value"]
        out.append("[[action]]")
        out.append("name = " + toml_str(run["key"]))
        out.append("first = " + toml_str(run["first"]))
        out.append("last = " + toml_str(run["last"]))
        out.append("endpoints = " + toml_list(endpoints))
        if http:
            out.append("http = " + toml_list(http))
        out.append("")
    # The first release that no longer reaches an endpoint some earlier
    # release reached, with no later release reaching it again.
    reach = []
    for v in versions:
        eps = set()
        for f in per_release_methods.get(v, {}).values():
            eps |= dedupe(f.endpoints)
        reach.append(eps)
    every = set().union(*reach) if reach else set()
    for ep in sorted(every):
        last = max(i for i, eps in enumerate(reach) if ep in eps)
        out.append("[[moved]]")
        out.append("endpoint = " + toml_str(ep))
        out.append("last-reaching = " + toml_str(versions[last]))
        if last + 1 < len(versions):
            out.append("first-without = " + toml_str(versions[last + 1]))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def default_sunset():
    cand = os.path.join(ROOT, "target", "release", "sunset")
    return cand if os.path.exists(cand) else (shutil.which("sunset") or cand)


def cmd_build(args):
    config = load_config()
    inputs = load_inputs()
    names = [args.library] if args.library else list(config)
    os.makedirs(OUT_DIR, exist_ok=True)
    for name in names:
        lib = config[name]
        entries = sorted((p for p in inputs if p["library"] == name), key=lambda p: sort_key(p["version"]))
        if not entries:
            print("%s: no release in inputs.toml (run `lock`)" % name, file=sys.stderr)
            continue
        per_methods, per_actions, notes = {}, {}, {}
        for e in entries:
            path = fetch(e)
            with tempfile.TemporaryDirectory() as tmp:
                root = unpack(path, tmp)
                methods, actions, n = map_release(lib, root, args.sunset)
            apply_corrections(lib, e["version"], methods)
            per_methods[e["version"]] = methods
            per_actions[e["version"]] = actions
            if n:
                notes[e["version"]] = n
            print("mapped %s %s: %d methods, %d actions" % (name, e["version"], len(methods), len(actions)), file=sys.stderr)
        text = render(lib, entries, per_methods, per_actions, notes)
        with open(os.path.join(OUT_DIR, name + ".toml"), "w") as f:
            f.write(text)


def cmd_map(args):
    config = load_config(args.config)
    lib = config[args.library]
    methods, actions, notes = map_release(lib, args.dir, args.sunset)
    apply_corrections(lib, args.version, methods)
    release = {"version": args.version, "file": args.file or "(unpacked)", "sha256": args.sha256 or "0" * 64}
    sys.stdout.write(render(lib, [release], {args.version: methods}, {args.version: actions}, {args.version: notes} if notes else {}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    lock = sub.add_parser("lock")
    lock.add_argument("--library")
    build = sub.add_parser("build")
    build.add_argument("--library")
    build.add_argument("--sunset", default=default_sunset())
    m = sub.add_parser("map")
    m.add_argument("--library", required=True)
    m.add_argument("--version", required=True)
    m.add_argument("--file")
    m.add_argument("--sha256")
    m.add_argument("--sunset", default=default_sunset())
    m.add_argument("--config", help="a libraries.toml other than tools/libraries/libraries.toml")
    m.add_argument("dir")
    args = p.parse_args()
    {"lock": cmd_lock, "build": cmd_build, "map": cmd_map}[args.cmd](args)


if __name__ == "__main__":
    main()
