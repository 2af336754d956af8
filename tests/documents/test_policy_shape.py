"""Every part's policy has one shape (visible_to / can / require) and agrees with itself: for drafts, issued
documents, deliveries, meetings and materials, `visible_to` holds exactly what `can(…, "view", …)` allows, for
each persona; a page asks the visibility question once however many actions and materials it shows; grants on
confidential documents and materials go through guardian and the audit trail, and the admin revokes them."""

from __future__ import annotations

import ast
import datetime
import inspect
import pathlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.core import grants
from documents.core.models import AuditEvent, Delivery, Document, DocumentUserObjectPermission, Secrecy
from documents.meetings import policy as meetings_policy
from documents.meetings import services as meetings_services
from documents.meetings.models import Meeting, MeetingMaterial, MeetingMaterialUserObjectPermission
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.models import OutgoingDraft
from tests.conftest import client_as
from tests.documents.conftest import unit, user
from tests.documents.meeting_builders import meeting_data, with_material
from tests.documents.outgoing_builders import drafted
from tests.helpers import module_rows

PERSONAS = [
    "chutich",
    "pct.kinhte",
    "vanthu.ubnd",
    "truong.vp",
    "cv1.vp",
    "truong.tuphap",
    "pho.tuphap",
    "vanthu.tuphap",
    "cv1.tuphap",
    "vanthu.canhhien",
    "truong.canhhien",
    "cv1.canhhien",
    "cv1.noivu",
]
CLOCK = datetime.datetime(2030, 3, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _world_rows():
    """A confidential and an ordinary draft, issued; a restricted and an ordinary meeting with materials, one
    confidential and granted to the invited unit's clerk."""
    from documents.outgoing import services as outgoing

    with time_machine.travel(CLOCK, tick=False):
        for secrecy in (Secrecy.MAT, Secrecy.NONE):
            draft = drafted(secrecy=secrecy)
            draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
            draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
            draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
            outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft, attach_pdf=False)
        drafted()  # one still being written
        for restricted in (True, False):
            meeting = meetings_services.create_meeting(
                organiser=user("truong.tuphap"),
                data=meeting_data(
                    title="Họp",
                    chair=user("truong.tuphap"),
                    restricted=restricted,
                    invited_units=[unit("xa-canh-hien")],
                ),
            )
            with_material(meeting, "chung.pdf", by="truong.tuphap")
            secret = with_material(meeting, "mat.pdf", confidential=True, by="truong.tuphap")
            meetings_services.grant_material(
                user=user("truong.tuphap"), material=secret, people=[user("vanthu.canhhien")]
            )


world_rows = module_rows(_world_rows)  # made once for the module: the tests read them, or change them and roll back


@pytest.fixture
def world(world_rows, db):
    with time_machine.travel(CLOCK, tick=False):
        yield


KINDS = [OutgoingDraft, Document, Delivery, Meeting, MeetingMaterial]
PARTS = {
    OutgoingDraft: outgoing_policy,
    Document: outgoing_policy,
    Delivery: outgoing_policy,
    Meeting: meetings_policy,
    MeetingMaterial: meetings_policy,
}


@pytest.mark.parametrize("username", PERSONAS)
def test_visible_to_agrees_with_can_view_for_every_kind(world, username):
    person = user(username)
    for model in KINDS:
        part = PARTS[model]
        objects = list(model.objects.all())
        assert objects, model
        listed = set(part.visible_to(person, model).values_list("pk", flat=True))
        for obj in objects:
            assert part.can(person, "view", obj) is (obj.pk in listed), (username, model.__name__, obj.pk)
            if obj.pk not in listed:
                with pytest.raises(Http404):
                    part.require(person, "view", obj)


def test_require_is_404_when_hidden_and_403_when_only_the_action_is_refused(world):
    meeting = Meeting.objects.get(restricted=True)
    with pytest.raises(Http404):
        meetings_policy.require(user("cv1.tuphap"), "edit", meeting)
    with pytest.raises(PermissionDenied):
        meetings_policy.require(user("vanthu.canhhien"), "edit", meeting)
    meetings_policy.require(user("pho.tuphap"), "edit", meeting)
    with pytest.raises(ValueError):
        meetings_policy.can(user("pho.tuphap"), "edti", meeting)  # a mistyped action is an error, not a "no"


def test_material_grants_are_guardian_rows_and_audited(world):
    material = MeetingMaterial.objects.get(meeting__restricted=True, confidential=True)
    assert MeetingMaterialUserObjectPermission.objects.filter(
        content_object=material, user=user("vanthu.canhhien"), permission__codename="view_confidential"
    ).exists()
    assert list(grants.holders(material)) == [user("vanthu.canhhien")]
    assert meetings_policy.can(user("vanthu.canhhien"), meetings_policy.READ, material)
    grants.revoke(user("truong.tuphap"), user("vanthu.canhhien"), material, on=material.meeting)
    assert not meetings_policy.can(user("vanthu.canhhien"), meetings_policy.READ, material)
    assert AuditEvent.objects.filter(
        object_type="meeting", object_id=material.meeting_id, verb="grant_revoked"
    ).exists()


def test_the_flows_document_grants_are_guardian_rows_and_audited(world):
    document = Document.objects.get(secrecy=Secrecy.MAT, register__isnull=False)
    holders = set(grants.holders(document).values_list("username", flat=True))
    assert {"vanthu.ubnd", "cv1.vp", "chutich"} <= holders
    assert AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="granted").exists()


def test_the_admin_revokes_a_grant_through_the_audit_trail(world, admin_client):
    document = Document.objects.get(secrecy=Secrecy.MAT, register__isnull=False)
    row = DocumentUserObjectPermission.objects.get(content_object=document, user=user("cv1.vp"))
    listing = admin_client.get(reverse("admin:documents_documentuserobjectpermission_changelist"))
    assert listing.status_code == 200
    url = reverse("admin:documents_documentuserobjectpermission_delete", args=[row.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not grants.has(user("cv1.vp"), document)
    assert AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="grant_revoked").exists()
    assert (
        admin_client.get(reverse("admin:documents_meetingmaterialuserobjectpermission_changelist")).status_code == 200
    )


def test_the_admins_grant_pages_read_vietnamese_and_revoking_says_what_it_did(world, admin_client):
    document = Document.objects.get(secrecy=Secrecy.MAT, register__isnull=False)
    row = DocumentUserObjectPermission.objects.get(content_object=document, user=user("chutich"))
    listing_url = reverse("admin:documents_documentuserobjectpermission_changelist")
    listing = admin_client.get(listing_url).content.decode()
    assert "Người được xem" in listing and "Văn bản" in listing
    assert 'rel="icon"' in listing and "favicon.svg" in listing  # the site's icon, not a /favicon.ico 404
    assert "Content object" not in listing and ">User<" not in listing
    detail = admin_client.get(reverse("admin:documents_documentuserobjectpermission_change", args=[row.pk]))
    text = detail.content.decode()
    assert str(user("chutich")) in text and "Quyền xem văn bản mật" in text
    assert "view_confidential" not in text and "Content object" not in text and "Permission:" not in text

    response = admin_client.post(listing_url, {"action": "revoke_selected", "_selected_action": [row.pk]}, follow=True)
    assert "Đã thu hồi 1 quyền xem." in response.content.decode()
    assert not grants.has(user("chutich"), document)
    assert AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="grant_revoked").exists()


def _meeting_page(client, meeting) -> list[dict]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(meeting.get_absolute_url()).status_code == 200
    return ctx.captured_queries


def test_the_meeting_page_runs_as_many_queries_with_six_materials_as_with_two(db):
    with time_machine.travel(CLOCK, tick=False):
        meeting = meetings_services.create_meeting(
            organiser=user("truong.tuphap"),
            data=meeting_data(
                title="Họp", chair=user("truong.tuphap"), restricted=True, invited_units=[unit("xa-canh-hien")]
            ),
        )
        first = with_material(meeting, "a.pdf", confidential=True, by="truong.tuphap")
        meetings_services.grant_material(user=user("truong.tuphap"), material=first, people=[user("vanthu.canhhien")])
        # One of each kind from the start: ordinary materials read the paper rule once (their paper decisions),
        # confidential ones need none; neither may cost a query per material.
        ordinary = with_material(meeting, "o.pdf", confidential=False, by="truong.tuphap")
        for who in ("vanthu.canhhien", "truong.tuphap"):
            client = client_as(user(who))
            _meeting_page(client, meeting)  # warm: sessions, content types
            one = _meeting_page(client, meeting)
            for i in range(4):
                extra = with_material(meeting, f"b{i}.pdf", confidential=bool(i % 2), by="truong.tuphap")
                if i % 2:
                    meetings_services.grant_material(
                        user=user("truong.tuphap"), material=extra, people=[user("vanthu.canhhien")]
                    )
            five = _meeting_page(client, meeting)
            assert len(five) == len(one), (who, [q["sql"] for q in five][len(one) :])
            MeetingMaterial.objects.filter(meeting=meeting).exclude(pk__in=[first.pk, ordinary.pk]).delete()


def test_the_draft_page_asks_the_drafts_visibility_once(db):
    draft = drafted()
    client = client_as(user("cv1.vp"))
    client.get(draft.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(draft.get_absolute_url()).status_code == 200
    drafts = [q["sql"] for q in ctx.captured_queries if 'FROM "documents_outgoingdraft"' in q["sql"]]
    # The visibility (the secrecy rule is in it) once, apart from the page's read of the draft by its pk.
    asks = [sql for sql in drafts if '"secrecy"' in sql.split(" WHERE ", 1)[-1]]
    assert len(asks) == 1, drafts


# --- Role predicates in one place --------------------------------------------------------------------------------

# A comparison of someone's role (or Django's staff flags) outside documents/core/roles.py and the policies.
_INLINE_ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\bRole\.[A-Z_]+|\bis_superuser\b|\bis_staff\b")


_ROOT = pathlib.Path(__file__).resolve().parents[2]


def _modules_that_ask_the_policy() -> list[pathlib.Path]:
    """Every module of documents that is not a policy, roles.py itself or a migration (services, selectors, views,
    template tags and the service modules beside them), and the site's desk and navigation."""
    found = [_ROOT / "idesk" / "desk.py", _ROOT / "idesk" / "navigation.py"]
    for path in sorted((_ROOT / "documents").rglob("*.py")):
        rel = path.relative_to(_ROOT).as_posix()
        if "/migrations/" in rel or path.name == "policy.py" or rel == "documents/core/roles.py":
            continue
        found.append(path)
    return found


def test_no_service_selector_or_view_compares_roles_itself():
    """Role predicates live in documents/core/roles.py, rules in the parts' policies: a view or a service that
    compared user.role itself would drift from the policy's answer (and from the permission matrix)."""
    offenders = [
        f"{path.relative_to(_ROOT)}:{number}: {line.strip()}"
        for path in _modules_that_ask_the_policy()
        # (Other modules compare roles to choose people, e.g. a unit's clerks to deliver to: see the next test.)
        if path.parent.name == "idesk" or path.name in ("services.py", "selectors.py", "views.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        # (An assignment's role, chủ trì or phối hợp, is the task's, not the person's.)
        if _INLINE_ROLE_CHECK.search(line) and "AssignmentRole" not in line
    ]
    assert len(_modules_that_ask_the_policy()) > 10
    assert offenders == []


# Calls of a role predicate that are not a permission decision, by (module, function): each with why.
_NOT_A_PERMISSION = {
    ("documents/incoming/services.py", "submit"): "validates the leader the step names (SUBMIT is asked above)",
    ("documents/incoming/services.py", "forward"): "validates the leader the step names (FORWARD is asked above)",
    ("documents/incoming/services.py", "open_record"): "which assignments the read receipt stamps (VIEW asked first)",
    ("documents/meetings/services.py", "_check"): "validates the chair the form names",
    ("documents/outgoing/services.py", "_check_draft"): "validates the signer the form names",
    ("documents/outgoing/copies.py", "make_copy"): "validates the signer the form names (COPY is asked below)",
    ("documents/outgoing/selectors.py", "default_tab"): "which tab opens first; every tab's rows come from visible_to",
    ("idesk/desk.py", "landing_url"): "where signing in leads (a district leader to Chờ xử lý); the page asks again",
    ("idesk/desk.py", "empty_text"): "the wording of an empty desk, by role",
}


def _role_predicates() -> set[str]:
    """The predicates of documents/core/roles.py over one person (not the Q builders over people)."""
    from documents.core import roles

    return {
        name
        for name, fn in inspect.getmembers(roles, inspect.isfunction)
        if fn.__module__ == roles.__name__ and next(iter(inspect.signature(fn).parameters), None) == "user"
    }


def _predicate_calls(path: pathlib.Path, predicates: set[str]) -> list[tuple[str, int, str]]:
    """(enclosing function, line, call) of each `roles.<predicate>(…)` or imported `<predicate>(…)` in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "documents.core.roles"
        for alias in node.names
    }
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            func = getattr(child, "func", None) if isinstance(child, ast.Call) else None
            by_module = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "roles"
                and func.attr in predicates
            )
            by_name = isinstance(func, ast.Name) and func.id in imported and func.id in predicates
            if by_module or by_name:
                found.append((function, child.lineno, ast.unparse(func)))
            visit(child, inner)

    visit(tree, None)
    return found


def test_no_module_outside_the_policies_decides_by_a_role_predicate():
    """Who may do what is the policy's (`can`/`require`, or `can_for_unit`/`require_for_unit` where there is no
    object yet): a service, view or tag that asked roles.is_clerk_of(…) itself let a reminder through on a
    recalled document the policy refuses. Only the uses above, which decide nothing about permission, remain."""
    predicates = _role_predicates()
    assert {"is_clerk", "is_clerk_of", "leads_unit", "sees_unit_register", "may_organise"} <= predicates
    seen, offenders = set(), []
    for path in _modules_that_ask_the_policy():
        rel = path.relative_to(_ROOT).as_posix()
        for function, number, call in _predicate_calls(path, predicates):
            if (rel, function) in _NOT_A_PERMISSION:
                seen.add((rel, function))
            else:
                offenders.append(f"{rel}:{number} in {function}(): {call}(…)")
    assert offenders == []
    assert seen == set(_NOT_A_PERMISSION), "an allow-list entry no longer needed"


def test_visibility_kept_for_a_request_still_reads_the_database(world):
    """Within a request (the policy memo on) visible_to and the inbox tabs are built once and handed out as fresh
    copies: a list read once does not hide what the same request then adds."""
    from documents.core import memo
    from documents.incoming import selectors as incoming

    clerk = user("vanthu.canhhien")
    memo.start(clerk)
    try:
        first = meetings_policy.visible_to(clerk, MeetingMaterial)
        before = set(first.values_list("pk", flat=True))
        meeting = MeetingMaterial.objects.filter(pk__in=before, confidential=True).first().meeting
        added = with_material(meeting, "them.pdf", by="truong.tuphap")
        again = meetings_policy.visible_to(clerk, MeetingMaterial)

        assert again is not first and again.query is not first.query
        assert set(again.values_list("pk", flat=True)) == before | {added.pk}
        listed = list(incoming.tab(clerk, "so"))
        assert incoming.tab(clerk, "so")._result_cache is None  # not the copy just read
        assert list(incoming.tab(clerk, "so")) == listed
    finally:
        memo.forget(clerk)
