"""No module of iDesk imports another module's underscore names (issue 13): what one module shares with another is
public in it, so a reader knows what may be relied on. Nor does any dispatch on a name made at run time. Checked on
the source with `ast`, so it fails on the line."""

from __future__ import annotations

import ast

from tests.helpers import APPS as PACKAGES
from tests.helpers import ROOT, source_modules

OURS = (*PACKAGES, "tests")  # the tests share helpers the same way: public in the module that offers them


def private_imports(source: str) -> list[tuple[int, str]]:
    """(line, name) for each `from our.module import _name` (gettext's `_` is a name, not a private one)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OURS:
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("_") and a.name != "_"]
    return found


def _is_our_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_uses(source: str, roots: tuple[str, ...] = OURS) -> list[tuple[int, str]]:
    """(line, name) for each `module._name` where `module` is one of ours (under `roots`) imported whole (`from
    documents.core import grants` … `grants._perm`): the other way to reach into a module's private names."""
    tree = ast.parse(source)
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in roots:
            modules |= {a.asname or a.name for a in node.names if _is_our_module(f"{node.module}.{a.name}")}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.asname and a.name.split(".")[0] in roots}
    return [
        (node.lineno, f"{node.value.id}.{node.attr}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path, source in source_modules(*OURS):
        # A test may reach into the module it tests (a fault injected into backup._copy), not into another test.
        roots = ("tests",) if path.parts[0] == "tests" else OURS
        offenders += [
            f"{path}:{line} uses {name}" for line, name in private_imports(source) + private_uses(source, roots)
        ]
    assert offenders == []


def test_the_check_sees_a_private_import():
    assert private_imports("from documents.signing.pades import Box, _font_path\n") == [(1, "_font_path")]
    assert private_imports("from django.utils.translation import gettext as _\nfrom x import _y\n") == []
    # A module imported whole, then its private name: the issue's own example (services._grant).
    source = "from documents.core import grants\nfrom documents.core.models import Document\ngrants._perm(d)\n"
    assert private_uses(source + "Document._meta\ngrants.__name__\n") == [(3, "grants._perm")]


# --- No dispatch on a name made at run time (issue 13): explicit dicts name what can be called ------------------


def string_dispatch(source: str) -> list[int]:
    """Lines that call what `getattr` found under a computed name (`getattr(self, options["action"])(…)`), look up
    a name built from strings (`getattr(obj, f"do_{x}")`), or reach into `globals()`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        inner = node.func
        if isinstance(inner, ast.Call) and _is_getattr(inner) and not isinstance(inner.args[1], ast.Constant):
            lines.append(node.lineno)
        elif _is_getattr(node) and isinstance(node.args[1], ast.JoinedStr | ast.BinOp):
            lines.append(node.lineno)
        elif isinstance(node.func, ast.Name) and node.func.id == "globals":
            lines.append(node.lineno)
    return lines


def _is_getattr(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "getattr" and len(call.args) >= 2


def test_nothing_is_dispatched_on_a_name_made_at_run_time():
    offenders = [f"{path}:{line}" for path, source in source_modules(*PACKAGES) for line in string_dispatch(source)]
    assert offenders == []


def test_the_check_sees_a_dispatch_on_a_string():
    assert string_dispatch('getattr(self, options["action"])(options)\n') == [1]
    assert string_dispatch('x = getattr(self, f"do_{action}")\n') == [1]
    assert string_dispatch("fn = globals()[name]\n") == [1]
    # Reading a field by its name is not dispatch, nor is a call under a fixed name.
    assert string_dispatch("row = {n: getattr(d, n) for n in FIELDS}\ngetattr(obj, 'save')()\n") == []
