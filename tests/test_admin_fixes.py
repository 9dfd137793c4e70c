"""Fixes found when the admin was tried as an editor would: menu paths and new rows' positions."""

from datetime import date

import time_machine
from django.urls import reverse

from guides.models import Guide, GuideVersion, Platform, Region, Step

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import add_step, make_guide, make_platform, make_user


class MenuPathTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(published=False, steps=1)
        cls.draft = cls.guide.draft

    def test_a_path_typed_with_greater_than_signs_becomes_separate_labels(self):
        step = add_step(self.draft, position=2, menu_path_en="Settings>Data privacy > Ads")
        step.refresh_from_db()
        self.assertEqual(step.menu_path_en, "Settings › Data privacy › Ads")
        self.assertEqual(step.menu_items("en"), ["Settings", "Data privacy", "Ads"])

    def test_the_admin_stores_a_path_typed_with_greater_than_signs_normalised(self):
        self.client.force_login(self.editor)
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["steps-0-menu_path_de"] = "Einstellungen  >Datenschutz>   Werbung"
        response = self.client.post(change_url(self.draft), data)
        self.assertEqual(response.status_code, 302)
        step = self.draft.steps.get()
        self.assertEqual(step.menu_path_de, "Einstellungen › Datenschutz › Werbung")

    def test_the_menu_path_field_is_wide_in_the_admin(self):
        self.client.force_login(self.editor)
        css = self.client.get("/static/admin-extra/admin.css")
        self.assertIn('input[class*="mt-field-menu_path-"]', b"".join(css).decode())
        response = self.client.get(change_url(self.draft))
        self.assertContains(response, "mt-field-menu_path-de")

    def test_shell_and_reader_agree_on_the_labels(self):
        step = self.draft.steps.get()
        self.assertEqual(
            Step.normalize_menu_path(" Settings › Data privacy>Ads "),
            "Settings › Data privacy › Ads",
        )
        self.assertEqual(step.menu_items("de"), ["Einstellungen", "Datenschutz"])


class NewRowsGoToTheEndTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)
        cls.platform = make_platform(position=3)
        make_platform(name="Other", position=7)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_new_platform_is_offered_the_position_after_the_last(self):
        response = self.client.get(reverse("admin:guides_platform_add"))
        self.assertEqual(response.context["adminform"].form["position"].value(), 8)

    def test_a_new_platform_saved_with_the_offered_position_is_listed_last(self):
        data = change_form_data(self.client.get(reverse("admin:guides_platform_add")))
        data.update(name="Xing", slug="xing")
        response = self.client.post(reverse("admin:guides_platform_add"), data)
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        self.assertEqual(list(Platform.objects.values_list("slug", flat=True))[-1], "xing")

    def test_new_guides_and_regions_are_offered_the_end_too(self):
        make_guide(platform=self.platform).__class__.objects.update(position=4)
        Region.objects.create(code="ch", name="Schweiz", position=2)
        guide_form = self.client.get(reverse("admin:guides_guide_add")).context["adminform"]
        region_form = self.client.get(reverse("admin:guides_region_add")).context["adminform"]
        self.assertEqual(guide_form.form["position"].value(), 5)
        self.assertEqual(region_form.form["position"].value(), 3)

    def test_the_first_platform_starts_at_position_zero(self):
        Guide.objects.all().delete()
        Platform.objects.all().delete()
        response = self.client.get(reverse("admin:guides_platform_add"))
        self.assertEqual(response.context["adminform"].form["position"].value(), 0)


class NewStepsGoToTheEndTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(published=False, steps=3)
        cls.draft = cls.guide.draft

    def test_a_new_step_row_is_offered_the_position_after_the_last_step(self):
        self.client.force_login(self.editor)
        response = self.client.get(change_url(self.draft))
        steps = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Step)
        self.assertEqual(steps.formset.empty_form["position"].value(), 4)


class StepVerificationTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(steps=0, published=False)
        draft = cls.guide.draft
        add_step(draft, position=1, instruction_en="Open settings")
        add_step(draft, position=2, device=Step.Device.APP, instruction_en="Tap privacy")
        add_step(draft, position=3, device=Step.Device.DESKTOP, instruction_en="Click privacy")
        draft.publish()
        cls.version = draft
        cls.steps = list(draft.steps.all())

    def check(self, step, device):
        self.client.force_login(self.editor)
        url = reverse("admin:guides_step_verify", args=[self.version.pk, step.pk])
        return self.client.post(url, {"device": device}, follow=True)

    @time_machine.travel("2026-11-30 12:00 +01:00", tick=False)
    def test_an_editor_marks_one_step_of_a_published_version_checked_on_the_app(self):
        response = self.check(self.steps[1], "app")
        self.assertContains(response, "Step App 2 checked on App today.")
        step = Step.objects.get(pk=self.steps[1].pk)
        self.assertEqual(
            (step.verified_on, step.verified_device, step.verified_by),
            (date(2026, 11, 30), "app", self.editor),
        )
        self.assertEqual(self.guide.versions.count(), 1)  # no new draft

    @time_machine.travel("2026-11-30 12:00 +01:00", tick=False)
    def test_readers_see_when_and_on_which_device_a_step_was_checked(self):
        self.check(self.steps[1], "app")
        page = self.client.get(self.guide.get_absolute_url().replace("/de/", "/en/"))
        self.assertContains(
            page, 'Step checked in the app on <time datetime="2026-11-30">', count=1
        )

    def test_a_step_for_the_desktop_cannot_be_checked_on_the_app(self):
        response = self.check(self.steps[2], "app")
        self.assertContains(response, "This step is for the Desktop only.")
        self.assertIsNone(Step.objects.get(pk=self.steps[2].pk).verified_on)

    def test_the_change_page_offers_a_check_button_per_device_of_the_step(self):
        self.client.force_login(self.editor)
        response = self.client.get(change_url(self.version))
        self.assertContains(response, 'name="device" value="app"', count=2)
        self.assertContains(response, 'name="device" value="desktop"', count=2)

    def test_a_draft_shows_the_last_check_without_buttons_that_would_lose_input(self):
        self.check(self.steps[1], "app")
        draft = self.version.new_draft()
        response = self.client.get(change_url(draft))
        self.assertContains(response, "App, ")
        self.assertNotContains(response, 'name="device" value="app"')

    def test_verifying_the_whole_guide_still_works(self):
        self.version.mark_verified(by=self.editor)
        self.assertIsNotNone(GuideVersion.objects.get(pk=self.version.pk).verified_on)


class AdminStepNumbersTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(steps=0, published=False)
        draft = cls.guide.draft
        add_step(draft, position=1, instruction_en="Open settings")
        add_step(draft, position=2, device=Step.Device.APP, instruction_en="Tap privacy")
        add_step(draft, position=3, device=Step.Device.DESKTOP, instruction_en="Click privacy")
        cls.draft = draft

    def test_the_admin_numbers_steps_as_readers_see_them_per_device(self):
        self.client.force_login(self.editor)
        response = self.client.get(change_url(self.draft))
        self.assertContains(response, "App 1 · Desktop 1. Open settings")
        self.assertContains(response, "App 2. Tap privacy")
        self.assertContains(response, "Desktop 2. Click privacy")


class ConflictMessageTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.anna = make_user("anna", groups=["Editor"])
        cls.ben = make_user("ben", groups=["Editor"])
        cls.draft = make_guide(published=False).draft

    def post_after_anna_saved(self, language):
        self.client.force_login(self.ben)
        form = change_form_data(self.client.get(change_url(self.draft)))
        with time_machine.travel("2026-11-30 00:39 +01:00", tick=False):
            draft = GuideVersion.objects.get(pk=self.draft.pk)
            draft.updated_by = self.anna
            draft.title_de = "Annas Titel"
            draft.save()
        form["title_de"] = "Bens Titel"
        return self.client.post(change_url(self.draft), form, HTTP_ACCEPT_LANGUAGE=language)

    def test_the_conflict_is_worded_plainly_in_german_without_the_form_error_header(self):
        response = self.post_after_anna_saved("de")
        self.assertContains(response, "Anna hat diesen Entwurf am 30. November 2026 um 00:39 Uhr")
        self.assertContains(response, "An Ihrer Eingabe ist nichts falsch")
        self.assertNotContains(response, 'class="errornote"')
        self.assertContains(response, 'value="Bens Titel"')

    def test_the_conflict_is_worded_plainly_in_english(self):
        response = self.post_after_anna_saved("en")
        self.assertContains(response, "Anna saved this draft on ")
        self.assertContains(response, "Nothing is wrong with what you typed")
        self.assertNotContains(response, "Please correct the error below")
