"""How a guide version reads in one language: translated texts with their fallbacks.

modeltranslation's descriptors already fall back (fr -> en -> de), but they do not say which
language a text came from. Readers need to know (a notice) and so do screen readers (a `lang`
attribute), so the reader pages resolve translated fields here.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from modeltranslation.utils import resolution_order

from .models import Step, number_steps

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Text(str):
    """A string that knows the language it is written in."""

    lang: str

    def __new__(cls, value, lang):
        text = super().__new__(cls, value)
        text.lang = lang
        return text

    def __reduce__(self):  # kept parts are pickled (guides/fragments.py)
        return Text, (str(self), self.lang)


def localized(obj, name, language):
    """The field `name` of `obj` in `language`, or in the first fallback language that has it."""
    for code in resolution_order(language):
        value = getattr(obj, f"{name}_{code}")
        if value:
            return Text(value, code)
    return Text("", language)


def label_languages(version):
    """Languages in which the version's steps show menu labels or screenshots, in site order."""
    return [
        code
        for code in LANGUAGE_CODES
        if any(
            getattr(step, f"menu_path_{code}") or getattr(step, f"screenshot_{code}_id")
            for step in version.steps.all()
        )
    ]


@dataclass
class StepView:
    """One numbered step as a reader sees it: instruction in the page language, labels and
    screenshot in the platform language the reader chose."""

    step: Step
    number: int
    instruction: Text
    instruction_html: str
    menu: list
    menu_lang: str
    target: Text
    screenshot: object = None
    screenshot_alt: Text = None
    caption: Text = None

    @property
    def key(self):
        return self.step.key

    @property
    def needs_confirmation(self):
        return self.step.needs_confirmation

    @property
    def quotes_labels(self):
        """True when the instruction names no label by placeholder although the step has
        labels: it may still quote them in its own language (written before placeholders)."""
        return bool(self.menu or self.target) and not Step.placeholders(
            getattr(self.step, f"instruction_{self.instruction.lang}")
        )

    @property
    def verified_on(self):
        return self.step.verified_on

    @property
    def verified_in_app(self):
        return self.step.verified_device == Step.Device.APP


def instruction_html(lang, parts):
    """The instruction's parts as HTML: labels in another language than the instruction are
    marked with their `lang`, so that screen readers pronounce them right."""
    return format_html_join(
        "",
        "{}",
        ((format_html('<span lang="{}">{}</span>', code, piece) if code != lang else piece,)
         for piece, code in parts),
    )  # fmt: skip


def _caption(screenshot, shown_in, language):
    """The figure's caption for an illustration, in the page language; it names the language
    of the labels drawn in it when that is not the page's."""
    if screenshot.kind != screenshot.Kind.ILLUSTRATION:
        return None
    if shown_in == language:
        return Text(gettext("Schematic illustration"), language)
    caption = gettext("Schematic illustration (labels: %(language)s)")
    return Text(caption % {"language": dict(settings.LANGUAGES)[shown_in]}, language)


def _step_view(step, number, language, labels):
    menu_path = localized(step, "menu_path", labels)
    lang, parts = step.instruction_parts(language, labels)
    view = StepView(
        step=step,
        number=number,
        instruction=Text("".join(piece for piece, _code in parts), lang),
        instruction_html=instruction_html(lang, parts),
        menu=step.menu_items(menu_path.lang) if menu_path else [],
        menu_lang=menu_path.lang,
        target=localized(step, "target_value", labels),
    )
    for code in resolution_order(labels):
        screenshot = getattr(step, f"screenshot_{code}")
        if screenshot is not None:
            view.screenshot = screenshot
            view.screenshot_alt = Text(getattr(step, f"screenshot_alt_{code}"), code)
            view.caption = _caption(screenshot, code, language)
            break
    return view


@dataclass
class DeviceSteps:
    device: str  # "app", "desktop" or "both" when no step is specific to one device
    label: str
    steps: list = field(default_factory=list)


def device_steps(steps, language, labels):
    """The steps split into an App and a Desktop list, each numbered from 1.

    A step for "both" appears in both lists; a device without any step gets no list. When no
    step is specific to a device, there is one list for both.
    """
    lists = []
    for device, numbered in number_steps(steps):
        views = [_step_view(s, n, language, labels) for n, s in numbered]
        lists.append(DeviceSteps(device=device.value, label=device.label, steps=views))
    return lists


@dataclass
class GuideText:
    """The version's own texts in one language, and which fallback languages they needed."""

    title: Text
    summary: Text
    context: Text
    check_text: Text
    needs_confirmation: Text
    change_note: Text
    fallbacks: list = field(default_factory=list)

    @property
    def other_fallbacks(self):
        """Fallback languages besides the title's, for "some parts are shown in …"."""
        return [code for code in self.fallbacks if code != self.title.lang]


@dataclass
class CardText:
    """What a list of guides shows of a version in one language."""

    title: Text
    summary: Text


# The version's columns card_text reads: lists of guides load no others.
CARD_FIELDS = [f"{name}_{code}" for name in ("title", "summary") for code in LANGUAGE_CODES]


def card_text(version, language):
    return CardText(localized(version, "title", language), localized(version, "summary", language))


def guide_text(version, language, step_languages=()):
    """The version's texts in `language`; `step_languages` (those of the steps' instructions as
    shown) count for the fallbacks too."""
    names = [f.name for f in fields(GuideText) if f.name != "fallbacks"]
    texts = {name: localized(version, name, language) for name in names}
    used = [text.lang for text in texts.values() if text]
    used += step_languages
    fallbacks = [code for code in LANGUAGE_CODES if code in used and code != language]
    return GuideText(**texts, fallbacks=fallbacks)
