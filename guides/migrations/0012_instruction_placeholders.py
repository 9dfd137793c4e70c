"""Instructions name labels by placeholders ({1}, {target}) from now on.

Existing instructions keep reading as they did: their braces become "{{" and "}}". Where an
instruction quotes a label of its own step exactly as its language quotes (German „…“, English
“…”), the quote becomes the placeholder, so that it follows the reader's labels language. On
the page language's labels the text reads exactly as before. Translation stamps of a German
instruction converted this way move to its new text, so translations stay as fresh as they were.
"""

import hashlib
import re

from django.db import migrations, models

# Frozen here, not read from the models: these are the rules as they stood in this migration.
LANGUAGES = ("de", "en", "fr", "it")
QUOTES = {"de": ("„", "“"), "en": ("“", "”"), "fr": ("«\u00a0", "\u00a0»"), "it": ("«", "»")}
HELP = (
    "Name the step's labels by placeholders, not by typing them: {1}, {2} … the labels of the "
    "menu path, {target} the value to set. Readers see them in the labels language they chose, "
    "with quotation marks."
)
SEPARATORS = re.compile(r"\s*[›>]\s*")


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


FALLBACKS = {"de": ("de",), "en": ("en", "de"), "fr": ("fr", "en", "de"), "it": ("it", "en", "de")}


def _labels(path):
    return [label.strip() for label in SEPARATORS.split(path or "") if label.strip()]


def _resolved(step, name, language):
    for code in FALLBACKS[language]:
        value = getattr(step, f"{name}_{code}")
        if value:
            return value
    return ""


def with_placeholders(text, step, language):
    """`text` with braces escaped and each exactly quoted label of the step replaced, where
    the placeholder finds a label in every labels language."""
    text = text.replace("{", "{{").replace("}", "}}")
    opening, closing = QUOTES[language]
    labels = _labels(getattr(step, f"menu_path_{language}"))
    shortest = min(len(_labels(_resolved(step, "menu_path", code))) for code in LANGUAGES)
    names = {
        f"{opening}{label}{closing}": f"{{{n}}}"
        for n, label in enumerate(labels[:shortest], 1)
    }
    target = getattr(step, f"target_value_{language}")
    if target and all(_resolved(step, "target_value", code) for code in LANGUAGES):
        names.setdefault(f"{opening}{target}{closing}", "{target}")
    # Longest first, so that a label inside a longer label is not replaced within it.
    for quoted in sorted(names, key=len, reverse=True):
        if "{" not in quoted and "}" not in quoted:
            text = text.replace(quoted, names[quoted])
    return text


def convert(apps, schema_editor):
    Step = apps.get_model("guides", "Step")
    TranslationStamp = apps.get_model("guides", "TranslationStamp")
    for step in Step.objects.iterator():
        changed = {}
        for code in LANGUAGES:
            text = getattr(step, f"instruction_{code}")
            if not text:
                continue
            new = with_placeholders(text, step, code)
            if new != text:
                changed[f"instruction_{code}"] = new
        if not changed:
            continue
        # update(), not save(): published versions are locked against saves, and what they
        # tell readers does not change.
        Step.objects.filter(pk=step.pk).update(**changed)
        if "instruction_de" in changed:
            TranslationStamp.objects.filter(
                version_id=step.version_id,
                step_key=step.key,
                field="instruction",
                german_sha256=_sha(step.instruction_de),
            ).update(german_sha256=_sha(changed["instruction_de"]))


class Migration(migrations.Migration):
    dependencies = [("guides", "0011_upstream_provenance")]

    operations = [
        *(
            migrations.AlterField(
                model_name="step",
                name=name,
                field=models.TextField(help_text=HELP, verbose_name="instruction", **null),
            )
            for name, null in [("instruction", {})]
            + [(f"instruction_{code}", {"null": True}) for code in LANGUAGES]
        ),
        migrations.RunPython(convert, migrations.RunPython.noop, elidable=True),
    ]
