"""The editors' groups exist reliably and the admin lets each do exactly its part."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TransactionTestCase
from django.urls import reverse

from guides.groups import ensure_groups
from guides.models import GuideVersion, Platform

from .admin_helpers import AdminTestCase, action_data, change_form_data, change_url
from .helpers import make_guide, make_platform, make_user


def _codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


class GroupsTests(AdminTestCase):
    def test_only_publishers_may_publish_and_manage_platforms(self):
        self.assertIn("publish_guideversion", _codenames("Publisher"))
        self.assertIn("change_platform", _codenames("Publisher"))
        for name in ("Editor", "Translator"):
            self.assertNotIn("publish_guideversion", _codenames(name))
            self.assertNotIn("delete_guideversion", _codenames(name))
            self.assertNotIn("change_platform", _codenames(name))

    def test_translators_may_not_edit_drafts_only_translate_them(self):
        codenames = _codenames("Translator")
        self.assertIn("translate_guideversion", codenames)
        self.assertFalse({"change_guideversion", "add_step", "delete_step"} & codenames)

    def test_ensuring_the_groups_again_changes_nothing(self):
        before = {name: _codenames(name) for name in ("Editor", "Translator", "Publisher")}
        ensure_groups()
        after = {name: _codenames(name) for name in ("Editor", "Translator", "Publisher")}
        self.assertEqual(before, after)
        self.assertEqual(Group.objects.count(), 3)


class GroupsAfterFlushTests(TransactionTestCase):
    def test_groups_come_back_after_the_database_is_flushed(self):
        call_command("flush", interactive=False, verbosity=0)
        self.assertIn("publish_guideversion", _codenames("Publisher"))


class PermissionsInAdminTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.translator = make_user(groups=["Translator"])
        cls.publisher = make_user(groups=["Publisher"])
        platform = make_platform()
        cls.published = make_guide(platform=platform).versions.get()
        cls.draft = cls.published.new_draft()

    def post_draft(self, user, **changes):
        self.client.force_login(user)
        data = change_form_data(self.client.get(change_url(self.draft)))
        data.update(changes)
        return self.client.post(change_url(self.draft), data)

    def test_translator_changes_translations_but_not_the_german_source(self):
        response = self.post_draft(
            self.translator,
            title_de="Deutsch geändert",
            title_fr="Guide en français",
            minutes="30",
            deep_link="https://evil.example/",
            **{"steps-0-instruction_de": "Geändert", "steps-0-instruction_fr": "Ouvrez"},
        )
        self.assertRedirects(response, change_url(self.draft))
        self.draft.refresh_from_db()
        step = self.draft.steps.first()
        self.assertEqual(
            (self.draft.title_fr, step.instruction_fr), ("Guide en français", "Ouvrez")
        )
        self.assertNotEqual(self.draft.title_de, "Deutsch geändert")
        self.assertNotEqual(self.draft.minutes, 30)
        self.assertNotEqual(self.draft.deep_link, "https://evil.example/")
        self.assertNotEqual(step.instruction_de, "Geändert")

    def test_translator_sees_german_fields_read_only_and_cannot_add_or_remove_steps(self):
        self.client.force_login(self.translator)
        page = self.client.get(change_url(self.draft))
        self.assertContains(page, 'name="title_en"')
        self.assertContains(page, 'name="steps-0-instruction_it"')
        self.assertNotContains(page, 'name="title_de"')
        self.assertNotContains(page, 'name="minutes"')
        self.assertNotContains(page, 'name="steps-0-instruction_de"')
        self.assertNotContains(page, 'name="steps-0-position"')
        self.assertNotContains(page, 'name="steps-0-DELETE"')
        self.assertNotContains(page, 'name="sources-0-url"')
        self.assertNotContains(page, 'value="new_draft"')

    def test_translator_cannot_remove_a_step(self):
        self.post_draft(self.translator, **{"steps-0-DELETE": "on"})
        self.assertEqual(self.draft.steps.count(), 2)

    def test_editor_changes_german_text_and_steps(self):
        response = self.post_draft(self.editor, title_de="Neu", **{"steps-1-DELETE": "on"})
        self.assertRedirects(response, change_url(self.draft))
        self.draft.refresh_from_db()
        self.assertEqual((self.draft.title_de, self.draft.steps.count()), ("Neu", 1))

    def test_editor_publish_is_refused_and_changes_nothing(self):
        self.client.force_login(self.editor)
        self.client.post(change_url(self.draft), action_data(self.draft, "publish"))
        self.client.post(
            reverse("admin:guides_guideversion_changelist"),
            {"action": "publish", "_selected_action": [self.draft.pk]},
        )
        self.draft.refresh_from_db()
        self.published.refresh_from_db()
        self.assertEqual((self.draft.status, self.published.status), ("draft", "published"))

    def test_only_publishers_add_platforms(self):
        url = reverse("admin:guides_platform_add")
        data = {"name": "Mastodon", "slug": "mastodon", "position": "0"}
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.publisher)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertTrue(Platform.objects.filter(slug="mastodon").exists())

    def test_no_group_may_edit_a_published_version(self):
        revision = self.published.revision
        for user in (self.editor, self.translator, self.publisher):
            self.client.force_login(user)
            page = self.client.get(change_url(self.published))
            self.assertNotContains(page, 'name="title_en"')
            self.assertNotContains(page, 'name="_save"')
        self.assertEqual(GuideVersion.objects.get(pk=self.published.pk).revision, revision)
