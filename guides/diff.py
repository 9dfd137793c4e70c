"""What changed between two versions of a guide, step by step, for the compare page.

Steps are matched by their `key`, which a step keeps in every version it is copied into; the
words of changed texts are marked with <ins> and <del>.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import reading
from .models import Step

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def diff_words(old, new):
    """HTML of `new` with the words that differ from `old` marked as <del> and <ins>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(b[j1:j2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(parts))  # every part is escaped above


def _paragraphs(text):
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def changed_paragraphs(old, new):
    """Word diffs of only the paragraphs that differ, so a long text's changes stand out."""
    a, b = _paragraphs(old), _paragraphs(new)
    changes = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:
            changes += [diff_words(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            changes.append(diff_words("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2])))
    return changes


@dataclass
class StepChange:
    status: str  # "added", "removed", "changed" or "unchanged"
    old: reading.StepView | None
    new: reading.StepView | None
    instruction: str = ""
    menu: str = ""
    target: str = ""
    screenshot_changed: bool = False
    confirmation_changed: bool = False  # the step's "not yet confirmed" mark came or went

    STATUS_LABELS = {
        "added": _("Added"),
        "removed": _("Removed"),
        "changed": _("Changed"),
        "unchanged": _("Unchanged"),
    }

    @property
    def status_label(self):
        return self.STATUS_LABELS[self.status]


def _menu_text(view):
    return f" {Step.MENU_SEPARATOR} ".join(view.menu) if view else ""


def _step_change(old, new):
    change = StepChange(status="changed", old=old, new=new)
    if old is None:
        change.status = "added"
    elif new is None:
        change.status = "removed"
    change.instruction = diff_words(old and old.instruction, new and new.instruction)
    change.menu = diff_words(_menu_text(old), _menu_text(new))
    change.target = diff_words(old and old.target, new and new.target)
    # An added or removed step shows its screenshot, if any, without an empty other half.
    change.screenshot_changed = bool(old and new) and old.screenshot != new.screenshot
    change.confirmation_changed = bool(old and old.needs_confirmation) != bool(
        new and new.needs_confirmation
    )
    if change.status == "changed":
        same_texts = all(
            getattr(old, name) == getattr(new, name) for name in ("instruction", "menu", "target")
        )
        if same_texts and not (change.screenshot_changed or change.confirmation_changed):
            change.status = "unchanged"
    return change


def _device_changes(old_views, new_views):
    """Changes in the new version's order; a removed step follows the step it followed before."""
    new_by_key = {view.key: view for view in new_views}
    old_keys = {view.key for view in old_views}
    removed_after = {}  # key of the preceding surviving old step (None: at the start) -> views
    previous = None
    for view in old_views:
        if view.key in new_by_key:
            previous = view.key
        else:
            removed_after.setdefault(previous, []).append(view)
    changes = [_step_change(view, None) for view in removed_after.get(None, [])]
    old_by_key = {view.key: view for view in old_views}
    for view in new_views:
        changes.append(_step_change(old_by_key.get(view.key), view))
        if view.key in old_keys:
            changes += [_step_change(gone, None) for gone in removed_after.get(view.key, [])]
    return changes


TEXT_FIELDS = (
    ("title", _("Title")),
    ("summary", _("Summary")),
    ("needs_confirmation", _("Not yet confirmed")),
    ("context", _("Before you start")),
    ("check_text", _("How to check it worked")),
)


def _minutes_text(version):
    return ngettext("about %(minutes)s minute", "about %(minutes)s minutes", version.minutes) % {
        "minutes": version.minutes
    }


def _text_changes(old, new, language):
    """The changed texts, the time needed and the settings link, each with its marked words."""
    old_text, new_text = reading.guide_text(old, language), reading.guide_text(new, language)
    texts = [
        {
            "label": label,
            "paragraphs": changed_paragraphs(getattr(old_text, name), getattr(new_text, name)),
        }
        for name, label in TEXT_FIELDS
        if getattr(old_text, name) != getattr(new_text, name)
    ]
    if old.minutes != new.minutes:
        minutes = diff_words(_minutes_text(old), _minutes_text(new))
        texts.append({"label": _("Takes"), "paragraphs": [minutes]})
    if old.deep_link != new.deep_link:
        link = diff_words(old.deep_link, new.deep_link)
        texts.append({"label": _("Settings link"), "paragraphs": [link]})
    return texts


@dataclass
class SourceChange:
    status: str  # "added", "removed" or "changed" (same address, new title: words marked)
    url: str
    title: str

    @property
    def status_label(self):
        return StepChange.STATUS_LABELS[self.status]


def source_changes(old_sources, new_sources):
    """Sources added, removed or retitled, matched by address, in the new version's order."""
    old_by_url = {source.url: source for source in old_sources}
    new_urls = {source.url for source in new_sources}
    changes = []
    for source in new_sources:
        before = old_by_url.get(source.url)
        if before is None:
            changes.append(SourceChange("added", source.url, source.title))
        elif before.title != source.title:
            title = diff_words(before.title or before.url, source.title or source.url)
            changes.append(SourceChange("changed", source.url, title))
    changes += [
        SourceChange("removed", source.url, source.title)
        for source in old_sources
        if source.url not in new_urls
    ]
    return changes


def compare_versions(old, new, language):
    """Changed texts, sources and, per device, the step changes from `old` to `new`."""
    old_devices = reading.device_steps(old.steps.all(), language, language)
    new_devices = reading.device_steps(new.steps.all(), language, language)
    if [d.device for d in old_devices] != [d.device for d in new_devices]:
        # The versions split their steps by device differently: compare per device.
        split = [Step.Device.APP, Step.Device.DESKTOP]
        old_devices = [_as_device(old_devices, d) for d in split]
        new_devices = [_as_device(new_devices, d) for d in split]
    devices = [
        {"device": n.device, "label": n.label, "changes": _device_changes(o.steps, n.steps)}
        for o, n in zip(old_devices, new_devices, strict=True)
    ]
    return {
        "texts": _text_changes(old, new, language),
        "sources": source_changes(old.sources.all(), new.sources.all()),
        "devices": devices,
    }


def _as_device(device_lists, device):
    """The list for `device`; a single "both" list serves every device."""
    for item in device_lists:
        if item.device in (device, Step.Device.BOTH):
            return reading.DeviceSteps(device=device.value, label=device.label, steps=item.steps)
    return reading.DeviceSteps(device=device.value, label=device.label)
