"""The organisation's settings in the admin: one row, validated colours and contact, safe logo."""

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation
from PIL import PngImagePlugin

from branding import colours
from branding.models import SiteSettings

from .admin_helpers import AdminTestCase
from .helpers import TemporaryMediaMixin, image_bytes, make_user

CHANGE_URL = reverse("admin:branding_sitesettings_change", args=[1])


def _png(color="red", size=(120, 40), author=None):
    info = PngImagePlugin.PngInfo()
    if author:
        info.add_text("Author", author)
    return image_bytes(size=size, color=color, pnginfo=info)


def _form_data(**changes):
    """What the admin's settings form posts: every field with the stored or default value."""
    data = {"name": "", "accent": colours.DEFAULT_ACCENT, "contact": "", "_continue": "1"}
    for name in ("intro", "imprint", "privacy"):
        for code, _name in settings.LANGUAGES:
            data[f"{name}_{code}"] = ""
    return {**data, **changes}


class AccentColourTests(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def _refusal(self, colour):
        with self.assertRaises(ValidationError) as refused:
            colours.validate_accent(colour)
        return refused.exception.messages[0]

    def test_dark_colours_are_accepted(self):
        for colour in ("#0b3d91", "#000000", "#6b1d1d", "#0B3D91", "#666666"):
            with self.subTest(colour):
                colours.validate_accent(colour)

    def test_a_light_colour_is_refused_because_white_text_on_it_is_unreadable(self):
        message = self._refusal("#ffff00")
        self.assertIn("White text on #ffff00", message)
        self.assertIn("1.07:1", message)
        self.assertIn("4.5:1", message)

    def test_a_colour_fine_on_white_but_not_on_tinted_backgrounds_is_refused(self):
        # #757575 has 4.6:1 against white, 4.18:1 on the grey header, 4.02:1 on blue notices.
        message = self._refusal("#757575")
        self.assertIn("Links in #757575 on the light blue notices", message)
        self.assertIn("4.02:1", message)

    def test_the_ratio_shown_is_rounded_down_so_a_refusal_never_claims_4_5(self):
        self.assertNotIn("4.50", self._refusal("#767676"))

    def test_anything_but_six_hexadecimal_digits_is_refused(self):
        for value in ("0b3d91", "#0b3d9", "#0b3d91 ", "blue", "#ggg000", "", "#0b3d91;x"):
            with self.subTest(value):
                self.assertIn("six hexadecimal digits", self._refusal(value))

    def test_contrast_follows_the_wcag_formula(self):
        self.assertAlmostEqual(colours.contrast("#000000", "#ffffff"), 21)
        self.assertAlmostEqual(colours.contrast("#767676", "#ffffff"), 4.54, places=2)

    def test_the_checked_colours_are_the_ones_in_the_stylesheet(self):
        css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
        root = css[css.index(":root {") : css.index("}")]
        variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]+);", root))
        full = {name: "#" + "".join(c * 2 for c in v[1:]) if len(v) == 4 else v
                for name, v in variables.items()}  # fmt: skip
        self.assertEqual(full["--accent"], colours.DEFAULT_ACCENT)
        self.assertEqual(full["--accent-text"], colours.ACCENT_TEXT)
        for name, (colour, _label) in colours.BACKGROUNDS.items():
            self.assertEqual(full[name], colour, name)


class ContactTests(SimpleTestCase):
    def test_email_and_web_addresses_are_accepted(self):
        for value in ("betriebsrat@example.org", "https://example.org/kontakt/"):
            with self.subTest(value):
                SiteSettings(contact=value).clean_fields()

    def test_anything_else_is_refused_with_examples(self):
        for value in ("betriebsrat@", "example.org", "javascript:alert(1)", "ftp://example.org",
                      "mailto:x@example.org"):  # fmt: skip
            with self.subTest(value), self.assertRaises(ValidationError) as refused:
                SiteSettings(contact=value).clean_fields()
            self.assertIn("name@example.org", refused.exception.message_dict["contact"][0])

    def test_an_email_contact_becomes_a_mailto_link(self):
        self.assertEqual(SiteSettings(contact="a@example.org").contact_url, "mailto:a@example.org")
        self.assertEqual(SiteSettings(contact="https://x.org/").contact_url, "https://x.org/")


class StoredTextTests(SimpleTestCase):
    def test_control_characters_are_refused_and_line_endings_stored_as_lf(self):
        site = SiteSettings(name="Betriebsrat\x0b", imprint_de="Zeile 1\r\nZeile 2")
        with self.assertRaises(ValidationError) as refused:
            site.clean_fields()
        self.assertEqual(set(refused.exception.message_dict), {"name"})
        self.assertEqual(site.imprint_de, "Zeile 1\nZeile 2")


class SiteSettingsAdminTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)
        cls.editor = make_user(groups=["Editor"])

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_list_goes_straight_to_the_one_settings_page(self):
        response = self.client.get(reverse("admin:branding_sitesettings_changelist"))
        self.assertRedirects(response, CHANGE_URL)

    def test_settings_can_be_neither_added_nor_deleted(self):
        SiteSettings.objects.create()
        add = reverse("admin:branding_sitesettings_add")
        self.assertEqual(self.client.get(add).status_code, 403)
        delete = reverse("admin:branding_sitesettings_delete", args=[1])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertEqual(SiteSettings.objects.count(), 1)

    def test_the_database_refuses_a_second_row(self):
        SiteSettings.objects.create()
        self.assertEqual(SiteSettings.objects.get().pk, 1)
        with self.assertRaises(IntegrityError):
            SiteSettings.objects.bulk_create([SiteSettings(pk=2)])

    def test_editors_without_permission_do_not_see_the_settings(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:branding_sitesettings_changelist"))
        self.assertEqual(response.status_code, 403)

    def test_a_low_contrast_colour_is_a_form_error_and_nothing_is_saved(self):
        response = self.client.post(CHANGE_URL, _form_data(name="Betriebsrat", accent="#ff9900"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "White text on #ff9900")
        self.assertFalse(SiteSettings.objects.filter(name="Betriebsrat").exists())

    def test_name_colour_and_contact_are_saved(self):
        data = _form_data(name="Betriebsrat Beispiel", accent="#6b1d1d", contact="br@example.org")
        response = self.client.post(CHANGE_URL, data)
        self.assertRedirects(response, CHANGE_URL)
        site = SiteSettings.current()
        self.assertEqual((site.name, site.accent, site.contact),
                         ("Betriebsrat Beispiel", "#6b1d1d", "br@example.org"))  # fmt: skip

    def test_the_admin_header_shows_the_site_name(self):
        SiteSettings.objects.create(name="Betriebsrat Beispiel")
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, '<a href="/admin/">Betriebsrat Beispiel</a>', html=True)
        self.assertContains(response, "| Betriebsrat Beispiel</title>")

    def test_a_privacy_statement_with_template_placeholders_is_refused(self):
        text = "[Name of the organisation] runs this site. Write to [e-mail address]."
        response = self.client.post(CHANGE_URL, _form_data(privacy_en=text))
        self.assertContains(response, "[Name of the organisation], [e-mail address]")
        self.assertEqual(SiteSettings.current().privacy_en or "", "")

    def test_a_privacy_statement_of_its_own_is_saved(self):
        text = "Der Betriebsrat Beispiel betreibt diese Seite [siehe Anlage 1]."
        self.assertRedirects(self.client.post(CHANGE_URL, _form_data(privacy_de=text)), CHANGE_URL)
        self.assertEqual(SiteSettings.current(legal_texts=True).privacy_de, text)

    def test_the_page_shows_the_shipped_privacy_template_to_copy(self):
        response = self.client.get(reverse("admin:branding_sitesettings_changelist"), follow=True)
        self.assertContains(response, "[Name der Organisation]")
        self.assertContains(response, "[Name of the organisation]")


class LogoUploadTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def _upload(self, data, name="logo.png"):
        upload = SimpleUploadedFile(name, data, content_type="image/png")
        return self.client.post(CHANGE_URL, _form_data(logo=upload))

    def test_a_logo_is_stored_cleaned_under_its_content_hash(self):
        response = self._upload(_png(author="Erika Mustermann"), name="../../evil.gif")
        self.assertRedirects(response, CHANGE_URL)
        site = SiteSettings.current()
        stored = site.logo.read()
        self.assertNotIn(b"Mustermann", stored)
        self.assertEqual(site.logo.name, f"branding/{hashlib.sha256(stored).hexdigest()}.png")
        self.assertEqual((site.logo_width, site.logo_height), (120, 40))

    def test_the_same_logo_twice_is_stored_once(self):
        self._upload(_png())
        first = SiteSettings.current().logo.name
        self._upload(_png())
        self.assertEqual(SiteSettings.current().logo.name, first)

    def test_a_broken_file_is_a_form_error_and_the_old_logo_stays(self):
        self._upload(_png("blue"))
        old = SiteSettings.current().logo.name
        response = self._upload(_png("green")[:60])
        self.assertContains(response, "This file is not a complete PNG, JPEG or WebP image.")
        self.assertEqual(SiteSettings.current().logo.name, old)
        response = self._upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", name="logo.svg")
        self.assertContains(response, "This file is not a complete PNG, JPEG or WebP image.")
        self.assertEqual(SiteSettings.current().logo.name, old)

    def test_the_logo_can_be_removed(self):
        self._upload(_png())
        self.client.post(CHANGE_URL, _form_data(**{"logo-clear": "on"}))
        site = SiteSettings.current()
        self.assertFalse(site.logo)
        self.assertIsNone(site.logo_width)
