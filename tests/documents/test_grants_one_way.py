"""Confidential grants are written one way (issue 13): documents/core/grants.py, through guardian's API, with an
audit event each. Elsewhere the grant tables are only read (a hand-over's former holders, a notice's recipients)
or administered (the admin's revoke goes through grants.revoke)."""

from __future__ import annotations

import ast

from tests.helpers import APPS, source_modules

GRANT_TABLES = {"DocumentUserObjectPermission", "MeetingMaterialUserObjectPermission", "UserObjectPermission"}
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "delete", "save"}
GUARDIAN_WRITES = {"assign_perm", "remove_perm", "assign_perm_to_many", "bulk_assign_perm", "bulk_remove_perm"}


def grant_writes(source: str) -> list[int]:
    """Lines that write a grant table (`Table.objects.….create(…)`, `.delete()` …) or call guardian's writers."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if name in GUARDIAN_WRITES:
            lines.append(node.lineno)
        elif name in WRITES and any(isinstance(n, ast.Name) and n.id in GRANT_TABLES for n in ast.walk(node.func)):
            lines.append(node.lineno)
    return lines


def test_only_the_grants_module_writes_grants():
    offenders = [
        f"{path}:{n}"
        for path, source in source_modules(*APPS)
        if path.as_posix() != "documents/core/grants.py"
        for n in grant_writes(source)
    ]
    assert offenders == []


def test_the_check_sees_a_grant_written_beside_the_grants_module():
    source = (
        "DocumentUserObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)\n"
        "assign_perm('documents.view_confidential', user, doc)\n"
        "DocumentUserObjectPermission.objects.filter(user=u).values_list('content_object_id')\n"
    )
    assert grant_writes(source) == [1, 2]
