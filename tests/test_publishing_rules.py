"""The one set of publishing rules (GuideVersion.publish_problems), enforced on every path."""

from django.test import TestCase
from django.utils.translation import override

from guides.models import CannotPublish, GuideVersion
from tests.admin_helpers import AdminTestCase, action_data, change_url
from tests.helpers import add_step, make_guide, make_platform, make_screenshot, make_user


class PublishingRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform()

    def draft(self, **fields):
        return make_guide(platform=self.platform, published=False, **fields).versions.get()

    def assert_refused(self, draft, *problems):
        with override("en"):  # the problems are sentences in the editor's language
            self.assertEqual([str(p) for p in draft.publish_problems()], list(problems))
            with self.assertRaises(CannotPublish) as refused:
                draft.publish()
            self.assertEqual([str(p) for p in refused.exception.problems], list(problems))
        self.assertEqual(GuideVersion.objects.get(pk=draft.pk).status, "draft")

    def test_a_complete_first_version_may_be_published(self):
        draft = self.draft()
        self.assertEqual(draft.publish_problems(), [])
        draft.publish()
        self.assertEqual(draft.status, "published")

    def test_a_version_without_german_title_or_steps_is_refused(self):
        self.assert_refused(
            self.draft(title_de="", steps=0),
            "It needs a German title.",
            "It needs at least one step.",
        )

    def test_a_second_version_needs_a_german_change_note(self):
        guide = make_guide(platform=self.platform)
        draft = guide.new_draft()
        draft.change_note_en = "Only in English."
        draft.save()
        self.assert_refused(draft, "It needs a German change note: tell readers what changed.")

    def test_every_step_needs_a_german_instruction(self):
        draft = self.draft(steps=1)
        add_step(draft, position=2, instruction_de="", instruction_en="Only English")
        self.assert_refused(draft, "Step 2 needs a German instruction.")

    def test_every_screenshot_needs_its_description(self):
        draft = self.draft(steps=1)
        add_step(draft, position=2, screenshot_en=make_screenshot(), screenshot_alt_en="")
        self.assert_refused(draft, "Step 2 needs a description of its screenshot (en).")


class AdminPublishingRulesTests(AdminTestCase):
    def test_the_admin_shows_every_reason_from_the_model(self):
        draft = make_guide(published=False, steps=1).versions.get()
        add_step(draft, position=2, instruction_de="")
        self.client.force_login(make_user(groups=["Publisher"]))
        response = self.client.post(change_url(draft), action_data(draft, "publish"), follow=True)
        self.assertContains(response, "cannot be published yet: Step 2 needs a German instruction.")
        self.assertEqual(GuideVersion.objects.get(pk=draft.pk).status, "draft")
