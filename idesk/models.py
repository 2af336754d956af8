from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Notice(models.Model):
    """Thông báo on the public page (founding letter R5), posted by an administrator."""

    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    published_at = models.DateTimeField(_("ngày đăng"), default=timezone.now)
    attachment = models.FileField(_("tệp đính kèm"), upload_to="notices/%Y/", blank=True)
    is_published = models.BooleanField(_("công khai"), default=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:notice", args=[self.pk])
