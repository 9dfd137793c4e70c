"""The content model: platforms, guides, their versions, steps, sources and screenshot files.

A guide's reader text lives in versions. A draft is freely editable; once published, a version's
content never changes again (archived versions stay readable in the guide's history). The only
change allowed on a published or archived version is who verified it and when.
"""

import hashlib
import re
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_comma_separated_integer_list,
)
from django.db import models, transaction
from django.db.models import ExpressionWrapper, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import resolution_order

from . import fragments, images, texts
from .slugs import reserved_platform_slugs

# Bounds that are the same on every database (SQLite stores any 64-bit integer, PostgreSQL's
# smallint ends at 32767), checked by model validation so that editors and packs get a clear error.
MAX_POSITION = 9999
MAX_MINUTES = 240
MAX_VERSION_NUMBER = 9999


def _at_most(limit):
    return [MaxValueValidator(limit)]


def next_position(queryset):
    """The position that puts a new row after every row of `queryset` (the admin's default)."""
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else min(last + 1, MAX_POSITION)


class VersionLocked(Exception):
    """Raised when something tries to change a published or archived version's content."""


class VersionConflict(VersionLocked):
    """Raised when a draft was changed or published by someone else since this copy was read."""


class CannotPublish(Exception):
    """Raised by publish() when the draft does not meet the publishing rules yet."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(str(problem) for problem in self.problems))


class HttpURLField(models.URLField):
    """A link for readers' browsers: http and https only (no javascript:, data: or ftp:)."""

    default_validators = [
        URLValidator(
            schemes=["http", "https"],
            code="not_http",  # "invalid" would be replaced with the field's "Enter a valid URL."
            message=_("Enter a web address that starts with https:// or http://."),
        )
    ]


class StoredTexts(models.Model):
    """Every text field, in every language, follows guides.texts' rule.

    Validation (the admin's forms, content packs, full_clean in a shell) turns CRLF and CR into
    LF and refuses invisible control characters, naming the field; saving normalises line endings
    too, so that a draft saved unchanged from a browser stays unchanged.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._normalize_newlines(self._text_fields())
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        fields = [field for field in self._text_fields() if field.name not in exclude]
        self._normalize_newlines(fields)
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in fields:
            value = self.__dict__.get(field.attname)
            if field.name not in errors and isinstance(value, str):
                try:
                    texts.check(value, field.verbose_name)
                except ValidationError as error:
                    errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def _text_fields(self):
        text_types = (models.CharField, models.TextField)
        return [field for field in self._meta.concrete_fields if isinstance(field, text_types)]

    def _normalize_newlines(self, fields):
        # Straight from __dict__: modeltranslation's descriptor on an untranslated name (`title`)
        # would read and write the current language's column instead.
        for field in fields:
            value = self.__dict__.get(field.attname)
            if isinstance(value, str) and "\r" in value:
                self.__dict__[field.attname] = texts.normalize_newlines(value)


class Region(StoredTexts):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=_at_most(MAX_POSITION)
    )

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Platform(StoredTexts):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    website = HttpURLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=_at_most(MAX_POSITION)
    )

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old = Platform.objects.filter(pk=self.pk).values("slug", "name").first() or {}
            super().save(*args, **kwargs)
            FormerAddress.record(old.get("slug"), "", self, None)
            if old and old["name"] != self.name:  # the name is searched with every guide
                from .search import index_guide

                for guide_id in self.guides.published().values_list("pk", flat=True):
                    index_guide(guide_id)

    def get_absolute_url(self):
        return reverse("guides:platform", kwargs={"platform": self.slug})

    def clean(self):
        if self.slug in reserved_platform_slugs():
            message = _("“%(slug)s” is the address of a page of this site; choose another slug.")
            raise ValidationError({"slug": message % {"slug": self.slug}})


class GuideQuerySet(models.QuerySet):
    def published(self):
        """Guides a reader may see: those with a published version."""
        return self.filter(published_version__isnull=False)


class Guide(StoredTexts):
    class Topic(models.TextChoices):
        AI_TRAINING = "ai-training", _("AI training")
        ADVERTISING = "advertising", _("Advertising")
        DATA_SHARING = "data-sharing", _("Data sharing")
        RESEARCH = "research", _("Research")
        OTHER = "other", _("Other")

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="guides", verbose_name=_("platform")
    )
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("Part of the guide's address; never change it.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic, default=Topic.OTHER)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="guides",
        verbose_name=_("regions"),
        help_text=_("Where the setting exists and this guide applies (readers see “Applies to”)."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=_at_most(MAX_POSITION)
    )
    published_version = models.OneToOneField(
        "GuideVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ("platform__position", "position", "slug")
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        constraints = [
            models.UniqueConstraint(fields=("platform", "slug"), name="guide_unique_slug"),
        ]

    def __str__(self):
        if self.published_version_id:
            return self.published_version.title
        return f"{self.platform.name}: {self.slug}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old = Guide.objects.filter(pk=self.pk).values_list("platform__slug", "slug").first()
            super().save(*args, **kwargs)
            FormerAddress.record(*(old or (None, None)), self.platform, self)

    def get_absolute_url(self):
        return reverse("guides:guide", kwargs={"platform": self.platform.slug, "slug": self.slug})

    @property
    def draft(self):
        return self.versions.filter(status=GuideVersion.Status.DRAFT).first()

    def new_draft(self, by=None, based_on=None):
        """Open the guide's draft, creating it from `based_on` (default: the published version).

        There is at most one draft per guide: if one exists it is returned unchanged.
        """
        with transaction.atomic():
            guide = Guide.objects.select_for_update().get(pk=self.pk)
            existing = guide.draft
            if existing:
                return existing
            source = based_on or guide.published_version
            if source is None:
                return GuideVersion.objects.create(guide=guide, created_by=by, updated_by=by)
            return source._copy_as_draft(by=by)


def _lock_guide(guide_id):
    """Make other writers of this guide's versions wait until the current transaction ends.

    Every write to a version or its steps takes this lock first, so they queue in one order
    (guide, then version) and cannot deadlock. PostgreSQL locks the guide's row; on SQLite the
    IMMEDIATE transaction (settings.py) already holds the database's write lock.
    """
    Guide.objects.select_for_update().filter(pk=guide_id).exists()


# A published guide is listed as due for checking this many days before its check falls due.
DUE_SOON_DAYS = 14


class GuideVersionQuerySet(models.QuerySet):
    def public(self):
        """Versions readers may open: the published one and the archived ones."""
        return self.filter(status__in=(GuideVersion.Status.PUBLISHED, GuideVersion.Status.ARCHIVED))

    def stale(self, today=None):
        """Versions whose check fell due before today (see GuideVersion.check_due_on())."""
        return self.filter(_check_due_before(today or timezone.localdate()))

    def due_for_checking(self, today=None):
        """Published versions that are stale or fall due within DUE_SOON_DAYS from today."""
        soon = (today or timezone.localdate()) + timedelta(days=DUE_SOON_DAYS + 1)
        return self.filter(_check_due_before(soon), status=GuideVersion.Status.PUBLISHED)

    def waiting_for_publisher(self):
        return self.filter(status=GuideVersion.Status.DRAFT, review=GuideVersion.Review.READY)

    def sent_back(self):
        return self.filter(status=GuideVersion.Status.DRAFT, review=GuideVersion.Review.SENT_BACK)

    def sent_back_for(self, user):
        """Sent-back drafts that concern `user`, each with `to_user`.

        True: sent back to them, the editor who asked for the review; a draft whose asker's
        account is gone is sent back to everyone, so that it is not lost. False: they sent it
        back, and it waits for its editor.
        """
        to_user = Q(review_requested_by=user) | Q(review_requested_by__isnull=True)
        return (
            self.sent_back()
            .filter(to_user | Q(sent_back_by=user))
            .annotate(to_user=ExpressionWrapper(to_user, output_field=models.BooleanField()))
        )


def _check_due_before(day):
    """Never checked, or with its check due before `day`: the rule of check_due_on() in SQL."""
    last_fresh = day - timedelta(days=settings.STALE_AFTER_DAYS)
    return Q(verified_on__isnull=True) | Q(verified_on__lt=last_fresh)


def _copyable_fields(model, skip):
    """attnames of the concrete fields that carry content, in every language.

    The untranslated base field of a translated field (e.g. `title` next to `title_de`) is
    skipped: reading it returns the current language with fallback, so copying it could write
    German text into an empty English field.
    """
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = set()
    return [
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "translated_field", field).name not in skip
        and field.name not in translated
        and not field.primary_key
    ]


def _user_stamp(verbose_name):
    """Who did something to a version; kept as empty when that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class GuideVersion(StoredTexts):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Review(models.TextChoices):
        NONE = "", _("in progress")
        READY = "ready", _("ready for review")
        SENT_BACK = "sent_back", _("sent back")

    # Bookkeeping, not content: where a version sits in its guide's history and who did what
    # when. The workflow methods set them; copying a draft leaves them behind, content packs
    # compare versions without them, and the admin shows them read-only.
    LIFECYCLE = (
        "guide", "number", "status", "based_on", "created_by", "created_at",
        "published_by", "published_at", "verified_on", "verified_by",
        "revision", "updated_by", "updated_at",
        "review", "review_requested_by", "review_requested_at",
        "sent_back_by", "sent_back_at", "sent_back_note", "upstream_number",
    )  # fmt: skip
    # What may still change once a version is published or archived.
    CHANGEABLE_WHEN_LOCKED = frozenset({"verified_on", "verified_by"})
    # A new draft starts with an empty change note: it describes that draft's own changes.
    NOT_COPIED = frozenset(LIFECYCLE) | {"change_note"}

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="versions", verbose_name=_("guide")
    )
    number = models.PositiveIntegerField(
        _("version"),
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VERSION_NUMBER)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("copied from"),
    )

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    context = models.TextField(
        _("context"),
        blank=True,
        help_text=_(
            "What readers need to know before acting: why it matters, which data is and is not "
            "affected, dates, legal basis. Separate paragraphs with a blank line."
        ),
    )
    deep_link = HttpURLField(
        _("settings link"),
        max_length=500,
        blank=True,
        help_text=_("Direct link to the setting on the platform."),
    )
    check_text = models.TextField(_("how to check it worked"), blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes it takes"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)],
        help_text=_("About how long the steps take."),
    )
    change_note = models.TextField(
        _("change note"), blank=True, help_text=_("What changed since the previous version.")
    )
    needs_confirmation = models.TextField(
        _("needs confirmation"),
        blank=True,
        help_text=_(
            "Shown to readers as “Not yet confirmed”: facts in this version that could not be "
            "confirmed, in plain words for readers."
        ),
    )

    created_by = _user_stamp(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    published_by = _user_stamp(_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)
    verified_by = _user_stamp(_("verified by"))
    # Raised with every save of the draft (fields, steps, sources), so that a save based on an
    # older state can be refused instead of silently undoing a colleague's work.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    updated_by = _user_stamp(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    # The review hand-off of a draft: an editor asks for review, a publisher publishes or sends
    # it back with a note. Only drafts have a review state (a constraint); publishing clears it.
    review = models.CharField(
        _("review"), max_length=10, choices=Review, default=Review.NONE, blank=True, editable=False
    )
    review_requested_by = _user_stamp(_("review asked for by"))
    review_requested_at = models.DateTimeField(
        _("review asked for at"), null=True, blank=True, editable=False
    )
    sent_back_by = _user_stamp(_("sent back by"))
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True, editable=False)
    sent_back_note = models.TextField(
        _("note for the editor"), max_length=2000, blank=True, editable=False
    )
    # Provenance: the number this version has on the upstream instance it was pulled from
    # (packs/); this instance numbers its own versions.
    upstream_number = models.PositiveIntegerField(
        _("upstream version"),
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VERSION_NUMBER)],
    )

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        # The column, not "guide": that would order by Guide's own ordering and join platform
        # and guide into every query for a guide's versions.
        ordering = ("guide_id", "-number")
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        get_latest_by = "number"
        permissions = [
            ("publish_guideversion", _("Can publish and discard drafts")),
            ("translate_guideversion", _("Can translate drafts")),
        ]
        constraints = [
            models.UniqueConstraint(fields=("guide", "number"), name="version_unique_number"),
            models.UniqueConstraint(
                fields=("guide",),
                condition=Q(status="draft"),
                name="version_one_draft_per_guide",
            ),
            models.UniqueConstraint(
                fields=("guide",),
                condition=Q(status="published"),
                name="version_one_published_per_guide",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(review=""), name="version_review_only_for_drafts"
            ),
            models.CheckConstraint(
                condition=~Q(review="ready") | Q(review_requested_at__isnull=False),
                name="version_review_requested_when",
            ),
            models.CheckConstraint(
                condition=~Q(review="sent_back")
                | (Q(sent_back_at__isnull=False) & ~Q(sent_back_note="")),
                name="version_sent_back_with_a_note",
            ),
        ]
        indexes = [models.Index(fields=("status", "guide"), name="version_status_guide")]

    def __str__(self):
        return f"{self.title} (v{self.number}, {self.get_status_display()})"

    def save(self, *args, **kwargs):
        """Save; a draft's content only when this copy holds the stored revision.

        Raises VersionLocked for a published or archived version (except who verified it and
        when), VersionConflict when someone saved or published the draft since this copy was
        read. Check and write are one transaction, so no other process writes in between.
        """
        with transaction.atomic():
            _lock_guide(self.guide_id)
            if self._state.adding and not self.number:
                self.number = (self.guide.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            elif not self._state.adding:
                changed = kwargs.get("update_fields")
                if changed is None or not set(changed) <= self.CHANGEABLE_WHEN_LOCKED:
                    self._claim_next_revision()
                    if changed is not None:
                        kwargs["update_fields"] = {*changed, "revision"}
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.status == self.Status.PUBLISHED:
            return self.guide.get_absolute_url()
        return reverse(
            "guides:version",
            kwargs={
                "platform": self.guide.platform.slug,
                "slug": self.guide.slug,
                "number": self.number,
            },
        )

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise VersionLocked(_("Only a draft can be deleted."))
        return super().delete(*args, **kwargs)

    def _claim_next_revision(self):
        stored = GuideVersion.objects.select_for_update().filter(pk=self.pk)
        stored = stored.values("status", "revision").first()
        if stored is None:
            return
        if stored["status"] != self.Status.DRAFT and self.status == self.Status.DRAFT:
            raise VersionConflict(
                _("Version %(number)s was published after you opened it; make a new draft.")
                % {"number": self.number}
            )
        if stored["status"] != self.Status.DRAFT:
            raise VersionLocked(
                _("Version %(number)s is no longer a draft; make a new draft to change it.")
                % {"number": self.number}
            )
        if stored["revision"] != self.revision:
            raise VersionConflict(
                _("Someone changed version %(number)s after you opened it; reload it first.")
                % {"number": self.number}
            )
        self.revision += 1

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def new_draft(self, by=None):
        """The guide's draft; created as a copy of this version when the guide has none."""
        return self.guide.new_draft(by=by, based_on=self)

    def _copy_as_draft(self, by):
        draft = GuideVersion(guide=self.guide, based_on=self, created_by=by, updated_by=by)
        for attname in _copyable_fields(GuideVersion, self.NOT_COPIED):
            setattr(draft, attname, getattr(self, attname))
        draft.save()
        step_fields = _copyable_fields(Step, {"version"})
        Step.objects.bulk_create(
            Step(version=draft, **{f: getattr(step, f) for f in step_fields})
            for step in self.steps.all()
        )
        # Steps keep their key in the copy, so each stamp still names its step.
        TranslationStamp.objects.bulk_create(
            TranslationStamp(
                version=draft,
                step_key=stamp.step_key,
                field=stamp.field,
                language=stamp.language,
                german_sha256=stamp.german_sha256,
            )
            for stamp in self.translation_stamps.all()
            if stamp.field not in self.NOT_COPIED
        )
        source_fields = _copyable_fields(Source, {"version"})
        Source.objects.bulk_create(
            Source(version=draft, **{f: getattr(source, f) for f in source_fields})
            for source in self.sources.all()
        )
        return draft

    def publish(self, by=None, published_at=None, verified_on=None):
        """Make this draft the guide's published version and archive the previous one.

        Publishes the draft as stored, and only when this copy holds the stored revision: a
        draft that someone else changed or published since it was read raises VersionConflict.
        A draft that does not meet publish_problems() raises CannotPublish. `published_at` and
        `verified_on` default to now; a content pack passes the dates of its history.

        One transaction: readers see either the old version or the new one, never a mix.
        """
        with transaction.atomic():
            guide = Guide.objects.select_for_update().get(pk=self.guide_id)
            stored = GuideVersion.objects.select_for_update().get(pk=self.pk)
            if stored.status != self.Status.DRAFT:
                raise VersionConflict(
                    _("Version %(number)s was already published; make a new draft to change it.")
                    % {"number": self.number}
                )
            if stored.revision != self.revision:
                raise VersionConflict(
                    _("Someone changed version %(number)s after you opened it; reload it first.")
                    % {"number": self.number}
                )
            problems = stored.publish_problems()
            if problems:
                raise CannotPublish(problems)
            guide.versions.filter(status=self.Status.PUBLISHED).update(status=self.Status.ARCHIVED)
            published_at = published_at or timezone.now()
            GuideVersion.objects.filter(pk=self.pk).update(
                status=self.Status.PUBLISHED,
                published_at=published_at,
                published_by=by,
                verified_on=verified_on or timezone.localdate(published_at),
                verified_by=by,
                review=self.Review.NONE,
            )
            guide.published_version_id = self.pk
            guide.save(update_fields=["published_version"])
            from .search import index_guide  # guides.search builds on this module

            index_guide(guide.pk)
        self.refresh_from_db()
        if GuideVersion.guide.is_cached(self):
            self.guide.published_version_id = self.pk

    def publish_problems(self, steps=None):
        """Why this version may not be published yet, as sentences for editors; [] when ready.

        The one set of publishing rules: publish() enforces it for the admin, content packs
        and the shell alike. `steps` defaults to the stored ones; a content pack's checker
        passes the pack's, before anything is stored.
        """
        problems = []
        steps = list(self.steps.all()) if steps is None else steps
        if not self.title_de:
            problems.append(_("It needs a German title."))
        if not steps:
            problems.append(_("It needs at least one step."))
        if self.number > 1 and not self.change_note_de:
            problems.append(_("It needs a German change note: tell readers what changed."))
        for step in steps:
            if not step.instruction_de:
                problems.append(
                    _("Step %(position)s needs a German instruction.") % {"position": step.position}
                )
            for message in step.placeholder_problems().values():
                problems.append(
                    _("Step %(position)s: %(problem)s")
                    % {"position": step.position, "problem": message}
                )
            for code in step.screenshot_languages_without_description():
                problems.append(
                    _("Step %(position)s needs a description of its screenshot (%(language)s).")
                    % {"position": step.position, "language": code}
                )
        return problems

    def request_review(self, by=None):
        """An editor hands this draft to the publishers ("ready for review")."""
        self._hand_off(
            review=self.Review.READY, review_requested_by=by, review_requested_at=timezone.now()
        )

    def send_back(self, by=None, note=""):
        """A publisher returns this draft to its editor with a note on what to change."""
        note = note.strip()
        if not note:
            raise ValidationError(
                _("Say in a note what the editor should change."), code="note_required"
            )
        self._hand_off(
            review=self.Review.SENT_BACK,
            sent_back_by=by,
            sent_back_at=timezone.now(),
            sent_back_note=note,
        )

    def _hand_off(self, **fields):
        # An UPDATE of drafts only: a version published meanwhile is refused, and the draft's
        # revision stays, so a colleague's open form can still be saved.
        if not GuideVersion.objects.filter(pk=self.pk, status=self.Status.DRAFT).update(**fields):
            raise VersionLocked(
                _("Version %(number)s is no longer a draft.") % {"number": self.number}
            )
        for name, value in fields.items():
            setattr(self, name, value)

    def discard(self):
        """Delete this draft with its steps and sources."""
        self.delete()

    def mark_verified(self, by=None, on=None):
        self.verified_on = on or timezone.localdate()
        self.verified_by = by
        self.save(update_fields=["verified_on", "verified_by"])

    def check_due_on(self):
        """The last day this version counts as checked recently; None when never checked.

        The one rule for "due": is_stale(), is_due_soon() and the QuerySet's stale() and
        due_for_checking() (the dashboard, the admin's filter, the guide page) derive from it.
        """
        if self.verified_on is None:
            return None
        return self.verified_on + timedelta(days=settings.STALE_AFTER_DAYS)

    def stale_from(self):
        """The first day on which the version is stale: the day after its check fell due."""
        due = self.check_due_on()
        return date.min if due is None else due + timedelta(days=1)

    def is_stale(self, today=None):
        """True when the check fell due before today (or was never done)."""
        return self.stale_from() <= (today or timezone.localdate())

    def is_due_soon(self, today=None):
        """True when stale, or when the check falls due within DUE_SOON_DAYS from today."""
        soon = (today or timezone.localdate()) + timedelta(days=DUE_SOON_DAYS)
        due = self.check_due_on()
        return due is None or due <= soon

    def missing_languages(self):
        """Language codes in which the title, summary or a step instruction is empty."""
        steps = list(self.steps.all())
        missing = []
        for code, _name in settings.LANGUAGES:
            texts = [getattr(self, f"title_{code}"), getattr(self, f"summary_{code}")]
            texts += [getattr(step, f"instruction_{code}") for step in steps]
            if not all(texts):
                missing.append(code)
        return missing

    # Translation freshness ---------------------------------------------------------------------

    def _translated_parts(self):
        """(step key or None, object) for the version and each step; from prefetches if present."""
        return [(None, self), *((step.key, step) for step in self.steps.all())]

    def translation_gaps(self):
        """{language: [TranslationGap, ...]} for each translated language, in site order.

        A translation is missing when the German text is set and the translation empty, and
        outdated when the German text changed since the translation was last confirmed (its
        stamp holds the SHA-256 of another German text). Two queries, none with prefetches.
        """
        stamps = {
            (s.step_key, s.field, s.language): s.german_sha256
            for s in self.translation_stamps.all()
        }
        gaps = {code: [] for code in translated_languages()}
        for key, part in self._translated_parts():
            for name in translated_text_fields(type(part)):
                german = getattr(part, f"{name}_{SOURCE_LANGUAGE}")
                if not german:
                    continue
                digest = german_sha256(german)
                for code, found in gaps.items():
                    if not getattr(part, f"{name}_{code}"):
                        found.append(TranslationGap(part, name, TranslationState.MISSING))
                    elif stamps.get((key, name, code)) != digest:
                        found.append(TranslationGap(part, name, TranslationState.OUTDATED))
        return gaps

    def translation_status(self):
        """{language: TranslationState} for each translated language: the worst of its gaps."""
        return {
            code: max((gap.state for gap in found), default=TranslationState.COMPLETE, key=_rank)
            for code, found in self.translation_gaps().items()
        }

    def indexed_languages(self):
        """The site languages this version has a title of its own in, in site order.

        Its page in any other language shows the title in a fallback language and names that
        language's page as the one to index (canonical); the sitemap and the page's hreflang
        links list only these.
        """
        return [code for code, _name in settings.LANGUAGES if getattr(self, f"title_{code}")]

    def is_outdated_in(self, language):
        """True when a text of `language` was translated from an older German text."""
        gaps = self.translation_gaps().get(language, [])
        return any(gap.state == TranslationState.OUTDATED for gap in gaps)

    def translation_texts(self):
        """{(step key, field, language): text} of every translated text, as stored now."""
        return {
            (key, name, code): getattr(part, f"{name}_{code}")
            for key, part in self._translated_parts()
            for name in translated_text_fields(type(part))
            for code, _name in settings.LANGUAGES
        }

    def confirm_translations(self, languages=None, before=None, minor=False):
        """Stamp translations as valid for the current German text; in one transaction.

        Without `before`, every non-empty translation in `languages` (default: all) is
        confirmed. With `before` (translation_texts() read before an edit), only those that
        changed; `minor=True` also confirms every translation of a German text that changed,
        for an edit that did not change the meaning.
        """
        languages = set(languages or translated_languages())
        after = self.translation_texts()
        confirm = set()
        for (key, name, code), text in after.items():
            if code not in languages or not text:
                continue
            german = after[(key, name, SOURCE_LANGUAGE)]
            if not german:
                continue
            if before is None or before.get((key, name, code)) != text:
                confirm.add((key, name, code))
            elif minor and before.get((key, name, SOURCE_LANGUAGE)) != german:
                confirm.add((key, name, code))
        if not confirm:
            return 0
        with transaction.atomic():
            for key, name, code in confirm:
                TranslationStamp.objects.update_or_create(
                    version=self,
                    step_key=key,
                    field=name,
                    language=code,
                    defaults={"german_sha256": german_sha256(after[(key, name, SOURCE_LANGUAGE)])},
                )
        return len(confirm)


SOURCE_LANGUAGE = "de"


class TranslationState(models.TextChoices):
    COMPLETE = "complete", _("complete")
    OUTDATED = "outdated", _("outdated")
    MISSING = "missing", _("missing")


def _rank(state):
    return list(TranslationState).index(state)


class TranslationGap:
    """One translated field of a version or step that is missing or outdated in a language."""

    def __init__(self, part, field, state):
        self.step = part if isinstance(part, Step) else None
        self.field = field
        self.state = state

    def __repr__(self):
        return f"TranslationGap({self.step!r}, {self.field!r}, {self.state!r})"

    @property
    def label(self):
        model = Step if self.step else GuideVersion
        name = model._meta.get_field(self.field).verbose_name
        if self.step is None:
            return str(name)
        return _("step %(position)s: %(field)s") % {"position": self.step.position, "field": name}


def translated_languages():
    """The language codes translated from German, in site order."""
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def translated_text_fields(model):
    """Names of the model's translated text fields, from modeltranslation's registry."""
    from modeltranslation.translator import translator

    return [
        name
        for name in translator.get_options_for_model(model).all_fields
        if not model._meta.get_field(name).is_relation
    ]


def german_sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


class KeptPartQuerySet(models.QuerySet):
    """Steps, sources and screenshots: what a published version renders from them is kept for
    good (guides/fragments.py). update(), and bulk_update() which runs it, sends no signal and
    skips DraftPart's check, so it makes the kept parts fresh itself."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            fragments.parts_changed()
        return rows


class DraftPartQuerySet(KeptPartQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Bypasses DraftPart.save(): rows added to a published or archived version show at once.
        objs = super().bulk_create(objs, *args, **kwargs)
        versions = GuideVersion.objects.filter(pk__in={part.version_id for part in objs})
        if versions.exclude(status=GuideVersion.Status.DRAFT).exists():
            fragments.parts_changed()
        return objs


class DraftPart(StoredTexts):
    """A part of a version (a step, a source): it changes only while its version is a draft."""

    objects = DraftPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():  # no publish between the check and the write
            self._check_draft()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self._check_draft()
            return super().delete(*args, **kwargs)

    def _check_draft(self):
        version = GuideVersion.objects.filter(pk=self.version_id).values("guide").first()
        _lock_guide(version and version["guide"])
        drafts = GuideVersion.objects.filter(status=GuideVersion.Status.DRAFT)
        if not drafts.filter(pk=self.version_id).exists():
            raise VersionLocked(
                _("This version is no longer a draft; make a new draft to change it.")
            )


def number_steps(steps):
    """The steps as readers see them: [(device, [(number, step), …]), …], numbered from 1.

    Steps for one device split the list into App and Desktop, each numbered from 1, and a
    step for "both" appears in both; without any device-specific step there is one list.
    """
    steps = list(steps)
    if all(step.device == Step.Device.BOTH for step in steps):
        devices = [Step.Device.BOTH] if steps else []
    else:
        devices = [
            device
            for device in (Step.Device.APP, Step.Device.DESKTOP)
            if any(step.device in (device, Step.Device.BOTH) for step in steps)
        ]
    return [
        (device, list(enumerate((s for s in steps if s.device in (device, Step.Device.BOTH)), 1)))
        for device in devices
    ]


def step_labels(steps):
    """{step pk: "App 2 · Desktop 2"} (or just "2"): the numbers readers see, for the admin."""
    labels = {}
    for device, numbered in number_steps(steps):
        for number, step in numbered:
            part = str(number) if device == Step.Device.BOTH else f"{device.label} {number}"
            labels.setdefault(step.pk, []).append(part)
    return {pk: " · ".join(str(part) for part in parts) for pk, parts in labels.items()}


class Step(DraftPart):
    class Device(models.TextChoices):
        BOTH = "both", _("App and desktop")
        APP = "app", _("App")
        DESKTOP = "desktop", _("Desktop")

    MENU_SEPARATOR = "›"
    # Editors type ">" as often as "›"; both separate labels and are stored as " › ".
    MENU_SEPARATORS = re.compile(r"\s*[›>]\s*")
    # An instruction names labels by placeholders, so that they read in the reader's app
    # language: {1}, {2} … the labels of the menu path, {target} the value to set. "{{" and "}}"
    # write a brace itself.
    PLACEHOLDERS = re.compile(r"\{\{|\}\}|\{(\d+|target)\}")
    TARGET = "target"
    # How the instruction's language quotes a label it names.
    QUOTES = {"de": ("„", "“"), "en": ("“", "”"), "fr": ("«\u00a0", "\u00a0»"), "it": ("«", "»")}

    version = models.ForeignKey(
        GuideVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("version")
    )
    # The same step keeps its key in every version it is copied into, so versions can be
    # compared step by step.
    key = models.UUIDField(_("step identity"), default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=_at_most(MAX_POSITION)
    )
    device = models.CharField(_("device"), max_length=10, choices=Device, default=Device.BOTH)
    instruction = models.TextField(
        _("instruction"),
        help_text=_(
            "Name the step's labels by placeholders, not by typing them: {1}, {2} … the labels of "
            "the menu path, {target} the value to set. Readers see them in the labels language "
            "they chose, with quotation marks."
        ),
    )
    menu_path = models.CharField(
        _("menu path"),
        max_length=300,
        blank=True,
        help_text=_(
            "The labels exactly as the platform shows them in this language, separated by › "
            "(e.g. Settings › Data privacy)."
        ),
    )
    target_value = models.CharField(
        _("set to"), max_length=100, blank=True, help_text=_("e.g. Off / Aus")
    )
    needs_confirmation = models.BooleanField(
        _("needs confirmation"),
        default=False,
        help_text=_("Readers see that this step could not be confirmed yet."),
    )
    screenshot = models.ForeignKey(
        "Screenshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screenshot"),
    )
    screenshot_alt = models.CharField(
        _("screenshot description"),
        max_length=300,
        blank=True,
        help_text=_("What the screenshot shows, for people who cannot see it."),
    )
    # Who last checked this one step on the platform, on which device and when. Like the
    # version's verification, it may change on a published version (see mark_verified).
    verified_on = models.DateField(_("step checked on"), null=True, blank=True, editable=False)
    verified_device = models.CharField(
        _("step checked on device"), max_length=10, choices=Device, blank=True, editable=False
    )
    verified_by = _user_stamp(_("step checked by"))

    class Meta:
        # "version_id", not "version": that would order by the version's ordering and so join
        # version, guide and platform into every query for a version's steps.
        ordering = ("version_id", "position", "id")
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=("version", "key"), name="step_unique_key"),
        ]

    def __str__(self):
        # The admin sets reader_label (step_labels) so editors see the readers' numbers.
        number = getattr(self, "reader_label", None) or self.position
        return f"{number}. {self.instruction[:60]}"

    def save(self, *args, **kwargs):
        self.normalize_menu_paths()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.normalize_menu_paths()
        super().clean_fields(exclude)

    def mark_verified(self, by=None, device=None, on=None):
        """Record that `by` checked this step on `device` (app or desktop) on `on` (today).

        Allowed on a published or archived version too, like GuideVersion.mark_verified: it
        changes who checked the step, never what readers are told to do.
        """
        device = device or (self.device if self.device != self.Device.BOTH else None)
        if device not in (self.Device.APP, self.Device.DESKTOP):
            raise ValidationError(_("Say on which device you checked the step: app or desktop."))
        if self.device not in (device, self.Device.BOTH):
            raise ValidationError(
                _("This step is for the %(device)s only.") % {"device": self.get_device_display()}
            )
        self.verified_on = on or timezone.localdate()
        self.verified_device = device
        self.verified_by = by
        with transaction.atomic():
            _lock_guide(self.version.guide_id)
            # An update, not save(): allowed on a published version, and DraftPartQuerySet
            # makes the kept step lists fresh (guides/fragments.py).
            Step.objects.filter(pk=self.pk).update(
                verified_on=self.verified_on, verified_device=device, verified_by=by
            )

    @classmethod
    def normalize_menu_path(cls, path):
        """`path` with its labels separated by " › ", whether typed with "›" or ">"."""
        labels = (label.strip() for label in cls.MENU_SEPARATORS.split(path or ""))
        return f" {cls.MENU_SEPARATOR} ".join(label for label in labels if label)

    def normalize_menu_paths(self):
        # Straight from __dict__, like StoredTexts: every language's column, not the current one.
        for code, _name in settings.LANGUAGES:
            value = self.__dict__.get(f"menu_path_{code}")
            if isinstance(value, str):
                self.__dict__[f"menu_path_{code}"] = self.normalize_menu_path(value)

    def clean(self):
        errors = {
            f"screenshot_alt_{code}": _("Describe the screenshot for screen readers.")
            for code in self.screenshot_languages_without_description()
        }
        errors.update(self.placeholder_problems())
        if errors:
            raise ValidationError(errors)

    def _localized(self, name, language):
        """(language, value) of the field in `language` or its first fallback that has it."""
        for code in resolution_order(language):
            value = getattr(self, f"{name}_{code}")
            if value:
                return code, value
        return language, ""

    @classmethod
    def placeholders(cls, text):
        """The placeholders in `text`, in order: "1", "2" … and "target"."""
        return [match[1] for match in cls.PLACEHOLDERS.finditer(text or "") if match[1]]

    def label_for(self, placeholder, labels):
        """(language, label) that `placeholder` stands for in the `labels` language (with its
        fallback), or None when it points to no label."""
        if placeholder == self.TARGET:
            code, value = self._localized("target_value", labels)
            return (code, value) if value else None
        code, path = self._localized("menu_path", labels)
        items = self.menu_items(code) if path else []
        number = int(placeholder)
        return (code, items[number - 1]) if 1 <= number <= len(items) else None

    def placeholder_problems(self):
        """{instruction field: message} for each placeholder that points to no label in some
        labels language; {} when every placeholder can be shown in every language."""
        problems = {}
        for code, _name in settings.LANGUAGES:
            for placeholder in self.placeholders(getattr(self, f"instruction_{code}")):
                missing = [
                    labels
                    for labels, _name in settings.LANGUAGES
                    if self.label_for(placeholder, labels) is None
                ]
                if missing and f"instruction_{code}" not in problems:
                    problems[f"instruction_{code}"] = self._placeholder_problem(
                        placeholder, missing[0]
                    )
        return problems

    def _placeholder_problem(self, placeholder, labels):
        language = dict(settings.LANGUAGES)[labels]
        if placeholder == self.TARGET:
            return _(
                "{target} stands for the value to set, but “set to” is empty (%(language)s)."
            ) % {"language": language}
        code, path = self._localized("menu_path", labels)
        return _(
            "{%(number)s} stands for label %(number)s of the menu path, but the menu path "
            "(%(language)s) has %(count)s labels."
        ) % {"number": placeholder, "language": language, "count": len(self.menu_items(code))}

    def instruction_parts(self, language, labels=None):
        """The instruction in `language` (with fallback) as (language, [(text, lang), …]).

        Each placeholder becomes its label in the `labels` language (default: `language`, each
        with its fallback), quoted the way the instruction's language quotes; a placeholder
        that points to no label stays as typed. The parts say which language each piece is in.
        """
        code, text = self._localized("instruction", language)
        opening, closing = self.QUOTES.get(code, ("“", "”"))
        pieces, start = [], 0
        for match in self.PLACEHOLDERS.finditer(text):
            pieces.append((text[start : match.start()], code))
            start = match.end()
            # A placeholder no labels language can show (stored before validation) falls back
            # to the instruction's own language.
            label = match[1] and (
                self.label_for(match[1], labels or language) or self.label_for(match[1], code)
            )
            if label is None:
                pieces.append((match[0][0] if not match[1] else match[0], code))
            else:
                pieces += [(opening, code), (label[1], label[0]), (closing, code)]
        pieces.append((text[start:], code))
        merged = []
        for piece, lang in pieces:
            if merged and merged[-1][1] == lang:
                merged[-1] = (merged[-1][0] + piece, lang)
            elif piece:
                merged.append((piece, lang))
        return code, merged

    def rendered_instruction(self, language, labels=None):
        """The instruction as plain text, its placeholders replaced (see instruction_parts)."""
        return "".join(piece for piece, _lang in self.instruction_parts(language, labels)[1])

    def screenshot_languages_without_description(self):
        """Language codes in which the step shows a screenshot but has no description of it."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if getattr(self, f"screenshot_{code}_id")
            and not getattr(self, f"screenshot_alt_{code}")
        ]

    def menu_items(self, language=None):
        """The menu path as a list of labels, in `language` (default: the current one)."""
        path = getattr(self, f"menu_path_{language}") if language else self.menu_path
        labels = self.MENU_SEPARATORS.split(path or "")
        return [label.strip() for label in labels if label.strip()]


class Source(DraftPart):
    version = models.ForeignKey(
        GuideVersion, on_delete=models.CASCADE, related_name="sources", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=_at_most(MAX_POSITION)
    )
    url = HttpURLField(_("address"), max_length=500)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("e.g. netzpolitik.org, 2025-10-29")
    )

    class Meta:
        ordering = ("version_id", "position", "id")  # the column: no joins, as for steps
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title or self.url


def _screenshot_path(screenshot, filename):
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"screenshots/{screenshot.sha256[:2]}/{screenshot.sha256}.{extension}"


class Screenshot(StoredTexts):
    """An image file, stored once under a name derived from its content.

    Steps of many versions and languages point to the same row; copying a version never copies
    the file.
    """

    class Kind(models.TextChoices):
        SCREENSHOT = "screenshot", _("Screenshot")
        ILLUSTRATION = "illustration", _("Schematic illustration")

    FORMATS = images.FORMATS

    file = models.ImageField(_("file"), upload_to=_screenshot_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    source_sha256 = models.CharField(
        _("SHA-256 of the upload"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("The file as it was uploaded, before it was cleaned; that file is not kept."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SCREENSHOT)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("For editors, to find it again.")
    )
    # Comma-separated, not a JSONField: that field's system check opens a database connection,
    # which would create a missing SQLite file before migrate_on_start can refuse to.
    variants = models.CharField(
        _("variant widths"),
        max_length=100,
        blank=True,
        editable=False,
        validators=[validate_comma_separated_integer_list],
        help_text=_("Widths in pixels of the smaller and WebP copies made for readers."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Widths of the copies readers' browsers choose from (only those smaller than the image).
    VARIANT_WIDTHS = (480, 960, 1600)

    objects = KeptPartQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")
        permissions = [("replace_screenshot", _("Can replace a screenshot everywhere"))]

    def __str__(self):
        return self.label or self.file.name

    @property
    def variant_widths(self):
        """The widths made for readers, smallest first; empty until make_variants() ran."""
        return [int(width) for width in self.variants.split(",") if width]

    @variant_widths.setter
    def variant_widths(self, widths):
        self.variants = ",".join(str(width) for width in widths)

    @property
    def format(self):
        """Pillow's name of the file's format ("PNG", "JPEG", "WEBP")."""
        extension = self.file.name.rsplit(".", 1)[-1].lower()
        return {ext: name for name, ext in self.FORMATS.items()}[extension]

    def variant_names(self, widths=None):
        """{(width, format): name} of the copies made from the file (the file itself not among
        them). Named from the content hash, so a name never holds other bytes."""
        if widths is None:
            widths = self.variant_widths
        folder = self.file.name.rsplit("/", 1)[0]
        return {
            (width, image_format): f"{folder}/{self.sha256}-{width}w.{self.FORMATS[image_format]}"
            for width in widths
            for image_format in dict.fromkeys(("WEBP", self.format))
            if (width, image_format) != (self.width, self.format)
        }

    def make_variants(self):
        """Write the smaller and WebP copies once (skipping those already there) and note their
        widths on the row, so that pages list them without looking at the storage."""
        widths = [width for width in self.VARIANT_WIDTHS if width < self.width] + [self.width]
        storage = self.file.storage
        missing = {
            size: name
            for size, name in self.variant_names(widths).items()
            if not storage.exists(name)
        }
        if missing:
            with self.file.storage.open(self.file.name, "rb") as file:
                data = file.read()
            for width, image_format, content in images.variants(data, missing):
                storage.save(missing[width, image_format], ContentFile(content))
        self.variant_widths = widths
        self.save(update_fields=["variants"])

    def srcset(self, image_format=None):
        """The srcset of the copies in `image_format` (the file's own by default), widest last."""
        image_format = image_format or self.format
        names = self.variant_names()
        url = self.file.storage.url
        return ", ".join(
            f"{url(names.get((width, image_format), self.file.name))} {width}w"
            for width in self.variant_widths
        )

    def webp_srcset(self):
        return self.srcset("WEBP") if self.format != "WEBP" else ""

    def file_names(self):
        """The stored file and every copy that may have been made of it."""
        widths = [width for width in self.VARIANT_WIDTHS if width < self.width] + [self.width]
        return [self.file.name, *self.variant_names(widths).values()]

    def delete_files(self):
        storage = self.file.storage
        for name in self.file_names():
            if storage.exists(name):
                storage.delete(name)

    @classmethod
    def referencing_columns(cls):
        """Every Step column that points to a screenshot: the field and each language's copy
        (from modeltranslation's registry)."""
        from modeltranslation.translator import translator

        translated = translator.get_options_for_model(Step).all_fields["screenshot"]
        return ["screenshot", *sorted(field.name for field in translated)]

    @classmethod
    def referenced_ids(cls):
        """Ids of the screenshots any step of any version (draft, published, archived) shows."""
        ids = set()
        for column in cls.referencing_columns():
            # rewrite(False): modeltranslation would read "screenshot" as the active language's.
            steps = Step.objects.rewrite(False).filter(**{f"{column}__isnull": False})
            ids.update(steps.values_list(f"{column}_id", flat=True))
        return ids

    def replace_everywhere(self, new, by, reason):
        """Point every step of every version to `new` instead, then delete this image.

        The one deliberate exception to "published versions never change": an image that
        leaks personal data must go from archived and published versions too. One transaction;
        the files go once it has committed. Returns the ScreenshotReplacement logged.
        """
        if new.pk == self.pk:
            raise ValidationError(
                _("The replacement is the same image; nothing would change."), code="same"
            )
        with transaction.atomic():
            for column in self.referencing_columns():
                Step.objects.rewrite(False).filter(**{column: self}).update(**{column: new})
            replacement = ScreenshotReplacement.objects.create(
                old_sha256=self.sha256, new=new, new_sha256=new.sha256, by=by, reason=reason
            )
            transaction.on_commit(self.delete_files)
            self.delete()
        return replacement

    @classmethod
    def stored_copy(cls, fileobj):
        """The Screenshot stored from (or as) these exact bytes, or None. Leaves `fileobj` at 0.

        Raises ValidationError, without reading it, when the file is larger than images accepted.
        """
        digest = hashlib.sha256(images.read_limited(fileobj)).hexdigest()
        fileobj.seek(0)
        return cls.stored_copy_of(digest)

    @classmethod
    def stored_copy_of(cls, digest):
        """The Screenshot stored as, or cleaned from, the bytes with this SHA-256, or None."""
        return cls.objects.filter(Q(sha256=digest) | Q(source_sha256=digest)).first()

    @classmethod
    def store(cls, fileobj, redactions=(), **fields):
        """The Screenshot for this upload: the existing one if the same image was stored before.

        Only the cleaned image is stored (guides.images.clean_image: no metadata, upright, sRGB,
        `redactions` blacked out) and named by its own hash; the upload itself never reaches
        storage. The upload's hash is kept too, so that the same file (a content pack's image,
        named by the hash of the pack's file) finds its stored copy again.

        Raises ValidationError when the bytes are not a PNG, JPEG or WebP image within the limits
        of guides.images, or a redaction box is not a rectangle.
        """
        data = images.read_limited(fileobj)
        source = hashlib.sha256(data).hexdigest()
        if not redactions:
            existing = cls.stored_copy_of(source)
            if existing:
                return existing
        cleaned, checked = images.clean_image(data, redactions)
        digest = hashlib.sha256(cleaned).hexdigest()
        existing = cls.objects.filter(sha256=digest).first()
        if existing:
            return existing
        screenshot = cls(
            sha256=digest,
            source_sha256="" if redactions else source,
            width=checked.width,
            height=checked.height,
            **fields,
        )
        name = _screenshot_path(screenshot, f"{digest}.{checked.extension}")
        if screenshot.file.storage.exists(name):
            # Left behind by an earlier attempt; same name means same bytes.
            screenshot.file.name = name
        else:
            screenshot.file.save(name, ContentFile(cleaned), save=False)
        screenshot.save()
        screenshot.make_variants()
        return screenshot

    def reencode(self):
        """Clean a file stored before uploads were cleaned: store the cleaned bytes under their
        own hash and point this row to them, keeping the old hash as the upload's. The old file
        is deleted only after the row points to the new one. Returns the row that now holds the
        image (another one, with every reference moved to it, if it was stored already)."""
        old_names = self.file_names()
        with self.file.storage.open(self.file.name, "rb") as file:
            data = file.read()
        cleaned, checked = images.clean_image(data)
        digest = hashlib.sha256(cleaned).hexdigest()
        if digest == self.sha256:
            self.make_variants()
            return self
        existing = Screenshot.objects.filter(sha256=digest).first()
        if existing:
            reason = "clean_screenshots: the same image as another once both were cleaned"
            self.replace_everywhere(existing, by=None, reason=reason)
            return existing
        name = _screenshot_path(Screenshot(sha256=digest), f"x.{checked.extension}")
        if not self.file.storage.exists(name):
            name = self.file.storage.save(name, ContentFile(cleaned))
        self.source_sha256 = self.source_sha256 or self.sha256
        self.sha256, self.width, self.height = digest, checked.width, checked.height
        self.file.name, self.variant_widths = name, []
        self.save()
        self.make_variants()
        storage = self.file.storage
        for old in old_names:
            if storage.exists(old):
                storage.delete(old)
        return self


class ScreenshotReplacement(models.Model):
    """A screenshot replaced everywhere it was shown (data protection), and by whom and why."""

    at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    reason = models.TextField(_("reason"))
    old_sha256 = models.CharField(_("SHA-256 of the removed image"), max_length=64)
    new_sha256 = models.CharField(_("SHA-256 of the replacement"), max_length=64)
    new = models.ForeignKey(
        Screenshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement"),
    )

    class Meta:
        ordering = ("-at",)
        verbose_name = _("screenshot replacement")
        verbose_name_plural = _("screenshot replacements")

    def __str__(self):
        return f"{self.old_sha256[:12]} → {self.new_sha256[:12]}"


class FormerAddress(models.Model):
    """An address a platform or guide had before its slug changed; readers are sent on (301).

    Recorded by Platform.save() and Guide.save(). A platform's former address has no guide slug
    and covers every page under it. A live platform or guide always wins: taking a former slug
    for another platform or guide deletes the redirect, and the old address shows the new one.
    """

    platform_slug = models.SlugField(_("former platform slug"), max_length=50)
    guide_slug = models.SlugField(_("former guide slug"), max_length=80, blank=True)
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="+", verbose_name=_("platform")
    )
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("guide"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            models.UniqueConstraint(
                fields=("platform_slug", "guide_slug"), name="former_address_unique"
            ),
        ]

    def __str__(self):
        return "/".join(part for part in (self.platform_slug, self.guide_slug) if part)

    @classmethod
    def record(cls, old_platform_slug, old_guide_slug, platform, guide):
        """Remember the old address of `guide` (or of `platform` when guide is None)."""
        current = (platform.slug, guide.slug if guide else "")
        cls.objects.filter(platform_slug=current[0], guide_slug=current[1]).delete()
        if old_platform_slug is None or (old_platform_slug, old_guide_slug or "") == current:
            return
        cls.objects.update_or_create(
            platform_slug=old_platform_slug,
            guide_slug=old_guide_slug or "",
            defaults={"platform": platform, "guide": guide},
        )

    @classmethod
    def find(cls, platform_slug, guide_slug=""):
        """(platform, guide) now at the old address, or None; guide is None for a platform."""
        former = cls.objects.select_related("platform", "guide").filter(platform_slug=platform_slug)
        exact = former.filter(guide_slug=guide_slug).first()
        if exact:
            return exact.platform, exact.guide
        moved = former.filter(guide_slug="").first()
        if moved is None:
            if not guide_slug:
                return None
            # The platform kept its slug (or has a new one) and the guide was renamed.
            guide_moved = (
                cls.objects.select_related("platform", "guide")
                .filter(guide_slug=guide_slug, platform__slug=platform_slug)
                .first()
            )
            return (guide_moved.platform, guide_moved.guide) if guide_moved else None
        if not guide_slug:
            return moved.platform, None
        guide = Guide.objects.filter(platform=moved.platform, slug=guide_slug).first()
        if guide is None:
            return cls.find(moved.platform.slug, guide_slug)
        return moved.platform, guide


class TranslationStamp(models.Model):
    """A translation confirmed as valid for the German text with this SHA-256.

    `step_key` names the step (Step.key stays the same in every version's copy); it is
    empty for the version's own fields. GuideVersion.translation_gaps() reads these.
    """

    version = models.ForeignKey(
        GuideVersion, on_delete=models.CASCADE, related_name="translation_stamps"
    )
    step_key = models.UUIDField(_("step identity"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=50)
    language = models.CharField(_("language"), max_length=10)
    german_sha256 = models.CharField(_("SHA-256 of the German text"), max_length=64)

    class Meta:
        verbose_name = _("translation stamp")
        verbose_name_plural = _("translation stamps")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "step_key", "field", "language"],
                condition=Q(step_key__isnull=False),
                name="one_stamp_per_step_field_language",
            ),
            models.UniqueConstraint(
                fields=["version", "field", "language"],
                condition=Q(step_key__isnull=True),
                name="one_stamp_per_version_field_language",
            ),
        ]

    def __str__(self):
        return f"{self.version_id} {self.step_key or '-'} {self.field} {self.language}"


class SearchWord(models.Model):
    """A word of a published version's reader text in one language, for guides.search.

    Written when a version is published (GuideVersion.publish) and by `manage.py
    rebuild_search_index`; `weight` is the most important place the word appears in.
    """

    class Weight(models.IntegerChoices):
        TITLE = 5, _("title")
        SUMMARY = 4, _("summary or platform")
        TEXT = 3, _("context, check or caveat")
        STEPS = 2, _("steps")
        OTHER = 1, _("sources or labels in another language")

    MAX_LENGTH = 60

    version = models.ForeignKey(
        GuideVersion,
        on_delete=models.CASCADE,
        related_name="search_words",
        verbose_name=_("version"),
    )
    language = models.CharField(_("language"), max_length=10)
    word = models.CharField(_("word"), max_length=MAX_LENGTH)
    weight = models.PositiveSmallIntegerField(_("weight"), choices=Weight)

    class Meta:
        ordering = ("version", "language", "word")
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [
            models.UniqueConstraint(
                fields=("version", "language", "word"), name="search_word_once_per_version"
            ),
        ]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever
            # the database's collation; other databases ignore opclasses. Version and weight
            # are in the index too, so that search reads the index alone: a short word start
            # matches thousands of rows in a large catalogue.
            models.Index(
                fields=("language", "word", "version", "weight"),
                name="search_word_prefix_covering",
                opclasses=("varchar_pattern_ops", "varchar_pattern_ops", "int8_ops", "int2_ops"),
            ),
        ]

    def __str__(self):
        return f"{self.word} ({self.language}, {self.version_id})"
