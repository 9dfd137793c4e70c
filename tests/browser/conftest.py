"""Browser tests of the reader site: Chromium through Playwright against pytest-django's live
server (tests/conftest.py serves the collected static files through whitenoise).

Failed tests leave a screenshot in the git-ignored test-artifacts/ (pyproject's addopts).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from guides.models import Step
from tests.helpers import add_step, make_guide, make_platform, make_region, make_screenshot

DEMO = Path(settings.BASE_DIR) / "guides" / "demo"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def temporary_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_content(transactional_db):
    """The LinkedIn demo pack, as `make run` loads it."""
    call_command("import_content", str(DEMO), stdout=StringIO())


@pytest.fixture
def reader_guide(transactional_db):
    """A published LinkedIn guide in two versions, with App, Desktop and shared steps."""
    platform = make_platform()
    guide = make_guide(
        platform=platform,
        slug="ki-training",
        steps=0,
        published=False,
        title_de="KI-Training bei LinkedIn abschalten",
        title_en="Turn off AI training on LinkedIn",
        summary_de="LinkedIn nutzt Profildaten für generative KI.",
        summary_en="LinkedIn uses profile data for generative AI.",
        context_de="Abschalten wirkt nicht rückwirkend.",
        check_text_de="Der Eintrag zeigt jetzt „Aus“.",
        needs_confirmation_de="Nicht bestätigt: sind die Menüs unter iOS und Android gleich?",
    )
    guide.regions.add(make_region())
    draft = guide.draft
    shot = make_screenshot(size=(320, 200), kind="illustration")
    add_step(draft, 1, device=Step.Device.APP, instruction_de="Tippen Sie auf Ihr Profilbild.")
    add_step(draft, 2, device=Step.Device.DESKTOP, instruction_de="Klicken Sie auf „Ich“.")
    add_step(
        draft,
        3,
        instruction_de="Schalten Sie „Daten zur Verbesserung generativer KI“ aus.",
        screenshot_de=shot,
        screenshot_alt_de="Der Schalter steht auf Aus.",
        needs_confirmation=True,
    )
    draft.publish()
    second = guide.new_draft()
    second.change_note_de = "Schritt 3 klarer."
    second.save()
    step = second.steps.get(position=3)
    step.instruction_de = "Schalten Sie den Schalter „Daten zur Verbesserung generativer KI“ aus."
    step.save()
    second.publish()
    return guide


def run_axe(page):
    """axe-core's violations for the page (evaluated, since the CSP blocks injected tags)."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map(
            v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
