"""Bad-input corpus, part 2: the editors' admin (texts, numbers, links, actions, image uploads).

An editor's mistake, a pasted text full of control characters or a hand-edited POST gets a form
error or a message, never a 500, and changes no row and no file.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from .admin_helpers import EnglishClient, change_form_data, change_url
from .bad_input_helpers import (
    assert_no_server_error,
    snapshot,
)
from .helpers import black_png, make_guide, make_platform, padded_png

HUGE = str(10**30)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    client = EnglishClient(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    return client


@pytest.fixture
def draft(db):
    guide = make_guide(platform=make_platform(), slug="ai-training")
    return guide.new_draft()


def _refused(client, url, data):
    """POST `data`; the answer is a form error, the conflict notice (a tampered revision) or a
    4xx, and nothing was written."""
    before = snapshot()
    response = client.post(url, data)
    assert_no_server_error(response)
    if response.status_code == 200:
        refusals = (b'class="errornote"', b'<li class="warning">')
        assert any(refusal in response.content for refusal in refusals), "no form error shown"
    else:
        assert 400 <= response.status_code < 500, f"accepted ({response.status_code})"
    assert snapshot() == before


DRAFT_FIELDS = [
    pytest.param("title_de", "KI\x0baus\x01", id="title-vertical-tab-and-soh"),
    pytest.param("title_de", "KI\x00aus", id="title-nul"),
    pytest.param("summary_de", "\x1b[31mrot\x1b[0m", id="summary-escape-sequence"),
    pytest.param("context_en", "bell\x07", id="context-bell"),
    pytest.param("change_note_fr", "retour\x08", id="change-note-backspace"),
    pytest.param("check_text_it", "\x7f", id="check-text-delete"),
    pytest.param("title_de", "x" * 201, id="title-overlong"),
    pytest.param("summary_de", "x" * 10_000, id="summary-overlong"),
    pytest.param("title_de", "", id="title-empty"),
    pytest.param("minutes", "99999", id="minutes-99999"),
    pytest.param("minutes", "-1", id="minutes-negative"),
    pytest.param("minutes", HUGE, id="minutes-10^30"),
    pytest.param("minutes", "abc", id="minutes-not-a-number"),
    pytest.param("minutes", "1e3", id="minutes-exponent"),
    pytest.param("deep_link", "javascript:alert(1)", id="link-javascript"),
    pytest.param("deep_link", "data:text/html,<script>alert(1)</script>", id="link-data"),
    pytest.param("deep_link", "https://example.com/" + "a" * 600, id="link-overlong"),
    pytest.param("deep_link", "https://exa mple.com/", id="link-with-space"),
    pytest.param("loaded_revision", "abc", id="revision-not-a-number"),
    pytest.param("loaded_revision", HUGE, id="revision-10^30"),
    pytest.param("steps-0-instruction_de", "Klick\x01", id="step-soh"),
    pytest.param("steps-0-menu_path_en", "Me \x1c Settings", id="menu-path-fs"),
    pytest.param("steps-0-position", "99999", id="step-position-99999"),
    pytest.param("steps-0-position", HUGE, id="step-position-10^30"),
    pytest.param("steps-0-position", "-1", id="step-position-negative"),
    pytest.param("steps-0-device", "tablet", id="step-device-unknown"),
    pytest.param("steps-0-menu_path_de", "x" * 301, id="step-menu-path-overlong"),
    pytest.param("steps-0-screenshot_de", "abc", id="step-screenshot-not-a-number"),
    pytest.param("steps-0-screenshot_de", HUGE, id="step-screenshot-10^30"),
    pytest.param("steps-TOTAL_FORMS", "abc", id="steps-management-form-tampered"),
    pytest.param("sources-0-url", "javascript:alert(1)", id="source-javascript"),
    pytest.param("sources-0-url", "file:///etc/passwd", id="source-file-url"),
    pytest.param("sources-0-title", "Que\x0clle", id="source-title-form-feed"),
    pytest.param("sources-0-position", HUGE, id="source-position-10^30"),
]


@pytest.mark.parametrize(("name", "value"), DRAFT_FIELDS)
def test_bad_value_in_a_draft_is_a_form_error(editor, draft, name, value):
    data = change_form_data(editor.get(change_url(draft)))
    data[name] = value

    _refused(editor, change_url(draft), data)


def test_crlf_from_a_browser_is_stored_as_lf(editor, draft):
    data = change_form_data(editor.get(change_url(draft)))
    data["context_de"] = "Absatz eins.\r\n\r\nAbsatz zwei.\r\n"

    response = editor.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.context_de == "Absatz eins.\n\nAbsatz zwei."


def test_an_oversized_form_gets_400(editor, draft):
    data = change_form_data(editor.get(change_url(draft)))
    data["context_de"] = "x" * (3 * 1024 * 1024)

    _refused(editor, change_url(draft), data)


def test_a_form_with_thousands_of_fields_gets_400(editor, draft):
    data = change_form_data(editor.get(change_url(draft)))
    data.update({f"extra-{n}": "x" for n in range(1500)})

    _refused(editor, change_url(draft), data)


@pytest.mark.parametrize("model", ["platform", "guide", "region"])
def test_the_add_forms_of_the_corpus_are_valid_without_the_bad_value(editor, model):
    response = editor.post(reverse(f"admin:guides_{model}_add"), _add_form_data(model))

    assert response.status_code == 302


def test_the_draft_form_of_the_corpus_saves_without_the_bad_value(editor, draft):
    data = change_form_data(editor.get(change_url(draft)))

    assert editor.post(change_url(draft), data).status_code == 302


ADD_FORMS = [
    pytest.param("platform", {"slug": "search"}, id="platform-reserved-slug"),
    pytest.param("platform", {"slug": "../x"}, id="platform-slug-with-dots"),
    pytest.param("platform", {"website": "javascript:alert(1)"}, id="platform-website-javascript"),
    pytest.param("platform", {"name": "Linked\x01In"}, id="platform-name-soh"),
    pytest.param("platform", {"position": "99999"}, id="platform-position-99999"),
    pytest.param("platform", {"position": HUGE}, id="platform-position-10^30"),
    pytest.param("guide", {"slug": "über"}, id="guide-slug-not-ascii"),
    pytest.param("guide", {"slug": "x" * 81}, id="guide-slug-overlong"),
    pytest.param("guide", {"topic": "bogus"}, id="guide-topic-unknown"),
    pytest.param("guide", {"platform": HUGE}, id="guide-platform-10^30"),
    pytest.param("guide", {"regions": ["abc"]}, id="guide-region-not-a-number"),
    pytest.param("guide", {"position": "-1"}, id="guide-position-negative"),
    pytest.param("guide", {"position": HUGE}, id="guide-position-10^30"),
    pytest.param("region", {"code": "EU EEA"}, id="region-code-with-space"),
    pytest.param("region", {"position": HUGE}, id="region-position-10^30"),
]


def _add_form_data(model):
    if model == "platform":
        return {"name": "Beispiel", "slug": "example", "position": "0"}
    if model == "guide":
        platform = make_platform("Example")
        return {"platform": str(platform.pk), "slug": "ads", "topic": "other", "position": "0"}
    return {"code": "ch", "name_de": "Schweiz", "position": "0"}


@pytest.mark.parametrize(("model", "changes"), ADD_FORMS)
def test_bad_value_in_an_add_form_is_a_form_error(editor, model, changes):
    data = {**_add_form_data(model), **changes}

    _refused(editor, reverse(f"admin:guides_{model}_add"), data)


def _action_targets(draft):
    published = draft.guide.published_version
    return {
        "guideversion": change_url(published),
        "guide": change_url(draft.guide),
        "versions": reverse("admin:guides_guideversion_changelist"),
        "guides": reverse("admin:guides_guide_changelist"),
    }


def _tampered(target, action, value, label):
    return pytest.param(target, action, value, id=f"{target}-{action}-{label}")


TAMPERED_ACTIONS = [
    _tampered(target, action, value, label)
    for target, action in [
        ("guideversion", "publish"),
        ("guideversion", "new_draft"),
        ("guideversion", "mark_verified"),
        ("guide", "new_draft"),
        ("versions", "publish"),
        ("versions", "new_draft"),
        ("versions", "mark_verified"),
        ("guides", "new_draft"),
    ]
    for value, label in [(HUGE, "10^30"), ("abc", "abc")]
]


@pytest.mark.parametrize(("target", "action", "value"), TAMPERED_ACTIONS)
def test_tampered_action_post_changes_nothing(editor, draft, target, action, value):
    url = _action_targets(draft)[target]
    if target in ("guideversion", "guide"):
        data = {"_selected_action": value, "CHANGE_FORM-action": action}
    else:
        data = {"_selected_action": value, "action": action, "index": "0"}
    before = snapshot()

    response = editor.post(url, data)

    assert_no_server_error(response)
    assert snapshot() == before


@pytest.mark.parametrize("pk", [HUGE, "abc", "-1"])
def test_change_page_of_a_bad_id_redirects_with_a_message(editor, pk):
    response = editor.get(reverse("admin:guides_guideversion_change", args=[pk]))

    assert response.status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("status=bogus", id="filter-unknown-choice"),
        pytest.param("verified_on__gte=not-a-date", id="filter-not-a-date"),
        pytest.param("o=abc", id="ordering-not-a-number"),
        pytest.param(f"p={HUGE}", id="page-10^30"),
        pytest.param("q=%00", id="search-nul"),
        pytest.param("q=" + "x" * 5000, id="search-overlong"),
    ],
)
def test_bad_changelist_parameters_change_nothing(editor, draft, query):
    before = snapshot()

    response = editor.get(reverse("admin:guides_guideversion_changelist") + "?" + query)

    assert_no_server_error(response)
    assert snapshot() == before


def _image(format, color="green"):
    data = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(data, format)
    return data.getvalue()


def _upload_cases():
    png = _image("PNG")
    return [
        pytest.param("notes.png", b"not an image at all", id="not-an-image"),
        pytest.param("cut.png", png[: len(png) // 2], id="truncated-png"),
        pytest.param("crc.png", png[:40] + bytes([png[40] ^ 0xFF]) + png[41:], id="corrupt-png"),
        pytest.param("header.png", png[:33], id="png-signature-and-header-only"),
        pytest.param("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param("anim.gif", _image("GIF"), id="gif"),
        pytest.param("old.bmp", _image("BMP"), id="bmp"),
        pytest.param("page.png", b"<!doctype html><script>alert(1)</script>", id="html-as-png"),
        pytest.param("empty.png", b"", id="zero-bytes"),
        pytest.param("bomb.png", black_png(30_000, 30_000), id="30000x30000-bomb"),
        pytest.param("big.png", black_png(8_000, 6_000), id="48-megapixels"),
        pytest.param("fat.png", padded_png(11 * 1024 * 1024), id="11-megabytes"),
    ]


@pytest.mark.parametrize(("name", "content"), _upload_cases())
def test_bad_upload_is_a_form_error(editor, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    data = {"upload": upload, "kind": "screenshot", "label": ""}

    _refused(editor, reverse("admin:guides_screenshot_add"), data)


def test_upload_label_with_control_characters_is_a_form_error(editor):
    upload = SimpleUploadedFile("ok.png", _image("PNG", "blue"), content_type="image/png")
    data = {"upload": upload, "kind": "screenshot", "label": "Men\x01"}

    _refused(editor, reverse("admin:guides_screenshot_add"), data)
