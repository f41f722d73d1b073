# -*- coding: utf-8 -*-
"""The Python `ast` pass of the library table generator.

Reads Python files of one unpacked package and prints, as one JSON document,
what `generate.py` needs to map an endpoint found on a line to the public
functions and methods that reach it:

- every function and method: its module, class, name, line span, and what its
  body names (identifiers, attribute names, string literals, calls);
- every module- or class-level assignment (a constant): its name and span;
- every registry entry: a string key of a dict literal, or the first string
  of a list/tuple literal, with the span of the value it labels (the
  `{'list_scans': {'endpoint': '/api/2.0/fo/scan/'}}` and
  `['list_reports', '/api/2.0/fo/report/?action=list', ...]` shapes);
- every class: its name, bases and span.

Written to run under Python 2.7 as well as Python 3: old releases of some
packages are Python 2 code that a Python 3 parser rejects, and the generator
re-runs this script with a Python 2 interpreter for those files.

Usage: pyfacts.py ROOT FILE... (paths relative to ROOT); prints JSON.
"""

from __future__ import print_function

import ast
import codecs
import io
import json
import os
import re
import sys

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

try:
    STRING_TYPES = (str, unicode)  # noqa: F821 (Python 2)
except NameError:
    STRING_TYPES = (str,)


def const_str(node):
    """The value of a string literal node, or None."""
    if node is None:
        return None
    # Python 3.8+: ast.Constant; earlier: ast.Str.
    if hasattr(ast, "Constant") and isinstance(node, ast.Constant):
        if isinstance(node.value, STRING_TYPES):
            return node.value
        return None
    if hasattr(ast, "Str") and isinstance(node, getattr(ast, "Str")):
        return node.s
    return None


def end_line(node):
    """The last line of a node (Python 2's ast has no end_lineno)."""
    end = getattr(node, "end_lineno", None)
    if end is not None:
        return end
    last = getattr(node, "lineno", 0)
    for child in ast.walk(node):
        line = getattr(child, "lineno", None)
        if line is not None and line > last:
            last = line
    return last


def docstring_nodes(tree):
    """Ids of the nodes that are docstrings or bare string statements."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and const_str(node.value) is not None:
            out.add(id(node.value))
    return out


def dotted(node):
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def http_methods_of(node):
    """HTTP verbs written as a string or a list of strings."""
    values = []
    s = const_str(node)
    if s is not None:
        values = [s]
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [const_str(e) for e in node.elts]
    out = []
    for v in values:
        if v is not None and v.upper() in HTTP_METHODS:
            out.append(v.upper())
    return out


class Body(object):
    """What a function body names."""

    def __init__(self):
        self.names = set()
        self.attrs = set()
        self.qualified = set()
        self.strings = []
        self.calls = []
        self.actions = set()
        self.http = set()

    def to_json(self):
        return {
            "names": sorted(self.names),
            "attrs": sorted(self.attrs),
            "qualified": sorted(self.qualified),
            "strings": self.strings,
            "calls": sorted(set(self.calls)),
            "actions": sorted(self.actions),
            "http": sorted(self.http),
        }


def lookup_strings(nodes):
    """Ids of strings used to look something up (`d["key"]`, dict keys):
    they name a field, they are not a value the function passes on."""
    out = set()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Subscript):
                s = getattr(node.slice, "value", node.slice)
                out.add(id(s))
            elif isinstance(node, ast.Dict):
                for k in node.keys:
                    out.add(id(k))
            elif isinstance(node, ast.Compare):
                # `if endpoint == "get_kb_qvs":` tests a name, it does not
                # call it.
                for operand in [node.left] + list(node.comparators):
                    out.add(id(operand))
                    if isinstance(operand, (ast.Tuple, ast.List, ast.Set)):
                        for e in operand.elts:
                            out.add(id(e))
    return out


def scan_body(nodes, docstrings):
    body = Body()
    skip = lookup_strings(nodes)
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Name):
                body.names.add(node.id)
            elif isinstance(node, ast.Attribute):
                body.attrs.add(node.attr)
                d = dotted(node)
                if d is not None:
                    body.qualified.add(d)
            elif isinstance(node, ast.Call):
                d = dotted(node.func)
                if d is not None:
                    body.calls.append(d)
                for kw in node.keywords:
                    if kw.arg == "action":
                        v = const_str(kw.value)
                        if v is not None:
                            body.actions.add(v)
                    elif kw.arg in ("method", "http_method"):
                        body.http.update(http_methods_of(kw.value))
            elif isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    key = const_str(k)
                    if key == "action":
                        value = const_str(v)
                        if value is not None:
                            body.actions.add(value)
            elif isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Subscript):
                        key = const_str(getattr(t.slice, "value", t.slice))
                        if key == "action":
                            value = const_str(node.value)
                            if value is not None:
                                body.actions.add(value)
            s = const_str(node)
            if s is not None and id(node) not in docstrings and id(node) not in skip:
                body.strings.append([s, getattr(node, "lineno", 0)])
    return body


NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def registries(tree, docstrings):
    """Registry entries: a key string and the span of what it labels. A key
    is a name (`list_scans`), never a path or a sentence; the list form is
    a short record (`["list_reports", "/api/…", [...]]`), not a list of
    paths."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                key = const_str(k)
                if key is None or v is None or not NAME.match(key):
                    continue
                entry = {
                    "key": key,
                    "start": v.lineno,
                    "end": end_line(v),
                    "container": isinstance(v, (ast.Dict, ast.List, ast.Tuple)),
                }
                if isinstance(v, ast.Dict):
                    for k2, v2 in zip(v.keys, v.values):
                        if const_str(k2) in ("method", "http_method", "methods"):
                            entry["http"] = http_methods_of(v2)
                out.append(entry)
        elif isinstance(node, (ast.List, ast.Tuple)) and 2 <= len(node.elts) <= 6:
            key = const_str(node.elts[0])
            if key is None or id(node.elts[0]) in docstrings or not NAME.match(key):
                continue
            rest = node.elts[1:]
            out.append(
                {
                    "key": key,
                    "start": rest[0].lineno,
                    "end": end_line(node),
                    "container": True,
                }
            )
    return out


CODING = re.compile(br"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def without_unknown_codec(source):
    """The source with a coding declaration whose codec Python does not
    have (`# -*- coding: future_fstrings -*-`, a backport shim for
    f-strings) blanked out: the text itself is UTF-8."""
    lines = source.split(b"\n", 2)
    for i in range(min(2, len(lines))):
        m = CODING.match(lines[i])
        if m:
            try:
                codecs.lookup(m.group(1).decode("ascii"))
            except LookupError:
                lines[i] = b"#"
            break
    return b"\n".join(lines)


def module_name(rel):
    parts = rel.replace(os.sep, "/").split("/")
    if parts[-1] == "__init__.py":
        parts = parts[:-1]
    else:
        parts[-1] = parts[-1][: -len(".py")]
    return ".".join(parts)


def file_facts(root, rel):
    path = os.path.join(root, rel)
    with io.open(path, "rb") as f:
        source = f.read()
    tree = ast.parse(without_unknown_codec(source), filename=rel)
    docstrings = docstring_nodes(tree)
    functions = []
    constants = []
    classes = []

    def visit(node, cls):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                bases = [dotted(b) for b in child.bases]
                classes.append(
                    {
                        "name": child.name,
                        "bases": [b for b in bases if b],
                        "start": child.lineno,
                        "end": end_line(child),
                    }
                )
                visit(child, child.name)
            elif isinstance(child, (ast.FunctionDef, getattr(ast, "AsyncFunctionDef", ast.FunctionDef))):
                body = scan_body(child.body, docstrings)
                args = child.args
                params = [a.arg if hasattr(a, "arg") else getattr(a, "id", None) for a in args.args]
                defaults = {}
                for name, default in zip(params[len(params) - len(args.defaults):], args.defaults):
                    value = const_str(default)
                    if name and value is not None:
                        defaults[name] = value
                functions.append(
                    {
                        "class": cls,
                        "name": child.name,
                        "start": child.lineno,
                        "end": end_line(child),
                        "params": [p for p in params if p],
                        "defaults": defaults,
                        "body": body.to_json(),
                    }
                )
                # Nested functions belong to their outer function: their
                # lines are inside its span, and they are not public API.
            elif isinstance(child, (ast.Assign, getattr(ast, "AnnAssign", ast.Assign))):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                for t in targets:
                    if isinstance(t, ast.Name):
                        constants.append(
                            {
                                "class": cls,
                                "name": t.id,
                                "start": child.lineno,
                                "end": end_line(child),
                                "value": const_str(child.value),
                            }
                        )
            elif isinstance(child, (ast.If, ast.Try if hasattr(ast, "Try") else ast.If)):
                visit(child, cls)

    visit(tree, None)
    imports = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            for alias in node.names:
                imports[alias.asname or alias.name] = (
                    "." * (node.level or 0) + (base + "." if base else "") + alias.name
                )
    strings = []
    for node in ast.walk(tree):
        value = const_str(node)
        if value is not None and id(node) not in docstrings:
            strings.append([value, getattr(node, "lineno", 0)])
    return {
        "path": rel.replace(os.sep, "/"),
        "strings": strings,
        "module": module_name(rel),
        "functions": functions,
        "constants": constants,
        "classes": classes,
        "registries": registries(tree, docstrings),
        "imports": imports,
    }


def main(argv):
    root = argv[1]
    out = {"files": [], "errors": []}
    for rel in argv[2:]:
        try:
            out["files"].append(file_facts(root, rel))
        except (SyntaxError, ValueError, TypeError) as e:
            out["errors"].append({"path": rel, "error": str(e)})
    sys.stdout.write(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
