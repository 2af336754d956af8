"""Export jobs: ask for one, run it in the worker, let its requester see its progress and download the file."""

from __future__ import annotations

import hashlib
import json
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from documents.core import files
from idesk.exports.kinds import KINDS
from idesk.models import ACTIVE_EXPORT, ExportJob, ExportStatus

log = logging.getLogger(__name__)

TASK = "idesk.tasks.run_export"


def request_key(user: User, kind: str, params: dict) -> str:
    return hashlib.sha256(json.dumps([user.pk, kind, params], sort_keys=True).encode()).hexdigest()


def request(*, user: User, kind: str, params: dict) -> ExportJob:
    """The job making this export for this person: the one already pending or running for the same request, or
    a new one queued for the worker once the transaction commits."""
    export = KINDS[kind]
    key = request_key(user, kind, params)
    running = ExportJob.objects.filter(key=key, status__in=ACTIVE_EXPORT).first()
    if running is not None:
        return running
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                requester=user,
                kind=kind,
                params=params,
                key=key,
                title=export.title(user, params)[:255],
                filename=export.filename(user, params)[:200],
                unit_label=export.unit_label,
            )
    except IntegrityError:  # the same request, a moment earlier from another tab
        return ExportJob.objects.get(key=key, status__in=ACTIVE_EXPORT)

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(TASK, job.pk, task_name=f"export {job.pk}")

    transaction.on_commit(enqueue)
    return job


def run(job_id: int) -> str:
    """Make the file (the worker): progress stored as it goes, the PDF stored by content, the requester told.
    A job already finished is left as it is (a retried task); a failure is kept on the job for its page."""
    job = ExportJob.objects.select_related("requester", "requester__unit").filter(pk=job_id).first()
    if job is None or not job.active:
        return "nothing to do"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        content = KINDS[job.kind].make(job.requester, job.params, progress)
        blob = files.store(SimpleUploadedFile(job.filename, content, content_type="application/pdf"))
    except Exception as error:  # the page says it failed; asking again makes a new job
        log.exception("export job %s (%s) failed", job.pk, job.kind)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, blob=blob, finished_at=timezone.now())
    notify_ready(job)
    return f"{job.filename}: {len(content)} bytes"


def notify_ready(job: ExportJob) -> None:
    from idesk.notifications import Message, deliver

    deliver(
        [
            Message(
                recipient_id=job.requester_id,
                kind=NotificationKind.EXPORT,
                title=_("Bản PDF đã sẵn sàng: %(title)s") % {"title": job.title},
                dedup_key=f"export:{job.pk}",
                url=reverse("export_job", args=[job.pk]),
            )
        ]
    )


def job_of(user: User, pk: int) -> ExportJob | None:
    """A job its requester may see (and download): nobody else's, not even an administrator's to read."""
    return ExportJob.objects.select_related("blob").filter(pk=pk, requester=user).first()
