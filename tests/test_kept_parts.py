"""What the reader pages render is kept (guides/fragments.py), even with the page cache off, and
never shows a reader anything out of date: the guide page's parts of a published version, the
home and platform pages' lists, search results' cards."""

import datetime
from io import StringIO
from unittest import mock

import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.test import TestCase, override_settings

from branding.models import SiteSettings
from guides import fragments
from guides.models import Guide, Screenshot, Step

from .helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_guide_showing,
    make_platform,
    make_region,
    make_screenshot,
    make_user,
    publish_draft,
    published_copies,
)

PAGE = "/{language}/linkedin/ki/"
NOTICE = "has not been checked against the current German original"
STALE = "Über 30 Tage nicht geprüft"


def _rendered_in_place(parts, render):
    # Instead of fragments.kept_page: every tag of the page called where it stands, nothing kept.
    html = render(None)
    return None if html is None else fragments.KeptPage(html, fragments.PerRequestParts())


def _steps_of(guide, **fields):
    """Publish a new version of `guide` whose first step says `fields` instead."""
    draft = guide.new_draft()
    step = draft.steps.get(position=1)
    for name, value in fields.items():
        setattr(step, name, value)
    step.save()
    return publish_draft(guide)


@override_settings(PAGE_CACHE=False)
class KeptVersionPartsTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", steps=3)

    def page(self, language="de", query=""):
        return self.client.get(PAGE.format(language=language) + query)

    def test_every_language_and_labels_language_reads_as_when_rendered_afresh(self):
        for language in ("de", "en", "fr", "it"):
            for query in ("", "?labels=en", "?labels=de", "?labels=fr&utm=x"):
                with self.subTest(language=language, query=query):
                    forget_kept_parts()
                    afresh = self.page(language, query)
                    self.assertEqual(self.page(language, query).content, afresh.content)

    def test_the_labels_language_chosen_shows_its_labels(self):
        self.page("de", "?labels=de")
        self.assertContains(self.page("de", "?labels=en"), "Settings")
        self.assertContains(self.page("de", "?labels=de"), "Einstellungen")

    def test_a_new_published_version_shows_its_own_steps_at_once(self):
        self.assertContains(self.page(), '<p class="instruction">Schritt 1</p>')
        _steps_of(self.guide, instruction_de="Ganz neuer erster Schritt")
        response = self.page()
        self.assertContains(response, '<p class="instruction">Ganz neuer erster Schritt</p>')
        self.assertNotContains(response, '<p class="instruction">Schritt 1</p>')

    def test_the_replaced_version_shows_as_archived_without_report_links(self):
        self.assertContains(self.page(), "?step=")
        _steps_of(self.guide, instruction_de="Neu")
        archived = self.client.get(PAGE.format(language="de") + "v1/")
        self.assertContains(archived, "Schritt 1")
        self.assertNotContains(archived, "?step=")

    def test_a_draft_preview_shows_its_draft_steps(self):
        self.page()
        draft = self.guide.new_draft()
        step = draft.steps.get(position=1)
        step.instruction_de = "Entwurf des ersten Schritts"
        step.save()
        self.client.force_login(make_user(groups=["Editor"]))
        preview = self.client.get(f"/de/preview/{draft.pk}/")
        self.assertContains(preview, "Entwurf des ersten Schritts")
        step.instruction_de = "Zweiter Entwurf"
        step.save()
        self.assertContains(self.client.get(f"/de/preview/{draft.pk}/"), "Zweiter Entwurf")
        self.client.logout()
        self.assertNotContains(self.page(), "Entwurf des ersten Schritts")

    def test_a_branding_change_shows_at_once(self):
        self.page()
        SiteSettings.objects.create(name="Betriebsrat Nord")
        self.assertContains(self.page(), "Betriebsrat Nord")
        settings = SiteSettings.objects.get()
        settings.name = "Betriebsrat Süd"
        settings.save()
        self.assertContains(self.page(), "Betriebsrat Süd")

    def test_a_step_checked_on_the_published_version_shows_at_once(self):
        self.assertNotContains(self.page("en"), "Step checked")
        step = self.guide.published_version.steps.get(position=1)
        step.mark_verified(device=Step.Device.APP)
        self.assertContains(self.page("en"), "Step checked in the app on", count=1)

    def test_steps_changed_with_bulk_update_show_at_once(self):
        self.assertNotContains(self.page(), "Geänderter Schritt")
        steps = list(self.guide.published_version.steps.all())
        for step in steps:
            step.instruction_de = "Geänderter Schritt"
        Step.objects.bulk_update(steps, ["instruction_de"])
        self.assertContains(self.page(), "Geänderter Schritt", count=3)

    def test_a_new_draft_keeps_the_published_versions_parts(self):
        self.page()
        before = fragments.PARTS_TOKEN.current()
        self.guide.new_draft()  # copies the steps and sources in bulk, into a draft
        self.assertEqual(fragments.PARTS_TOKEN.current(), before)

    def test_a_renamed_platform_sends_reports_to_its_new_address(self):
        self.page()
        platform = self.guide.platform
        platform.slug = "linked-in"
        platform.save()
        response = self.client.get("/de/linked-in/ki/")
        self.assertContains(response, "/de/linked-in/ki/report/?step=")
        self.assertNotContains(response, "/de/linkedin/ki/report/")

    def test_confirming_a_translation_removes_the_notice_at_once(self):
        version = self.guide.published_version
        version.translation_stamps.filter(language="en").delete()
        self.assertContains(self.page("en"), NOTICE)
        version.confirm_translations(languages=["en"])
        self.assertNotContains(self.page("en"), NOTICE)


@override_settings(PAGE_CACHE=False)
class KeptScreenshotTests(TemporaryMediaMixin, TestCase):
    def test_a_screenshot_replaced_everywhere_shows_at_once(self):
        old, new = make_screenshot(color="red"), make_screenshot(color="blue")
        guide = make_guide_showing(old)
        page = guide.get_absolute_url()
        self.assertContains(self.client.get(page), old.file.url)
        old.replace_everywhere(new, by=None, reason="Shows a colleague's name")
        response = self.client.get(page)
        self.assertContains(response, new.file.url)
        self.assertNotContains(response, old.file.url)

    def test_a_screenshot_marked_as_an_illustration_gets_its_caption_at_once(self):
        screenshot = make_screenshot(color="green")
        guide = make_guide_showing(screenshot)
        self.assertNotContains(self.client.get(guide.get_absolute_url()), "<figcaption>")
        screenshot.kind = screenshot.Kind.ILLUSTRATION
        screenshot.save()
        response = self.client.get(guide.get_absolute_url())
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")

    def test_a_screenshot_changed_with_update_gets_its_caption_at_once(self):
        screenshot = make_screenshot(color="green")
        guide = make_guide_showing(screenshot)
        self.assertNotContains(self.client.get(guide.get_absolute_url()), "<figcaption>")
        Screenshot.objects.filter(pk=screenshot.pk).update(kind=Screenshot.Kind.ILLUSTRATION)
        response = self.client.get(guide.get_absolute_url())
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")

    def test_a_step_added_to_a_new_version_shows_its_screenshot(self):
        guide = make_guide(slug="ki", steps=1)
        self.client.get(guide.get_absolute_url())
        draft = guide.new_draft()
        screenshot = make_screenshot(color="yellow")
        add_step(draft, 2, screenshot_de=screenshot, screenshot_alt_de="Schalter")
        publish_draft(guide)
        self.assertContains(self.client.get(guide.get_absolute_url()), screenshot.file.url)


def _after(guides):
    """Puts the guides after the others in every list (the guides' own order)."""
    Guide.objects.filter(pk__in=[guide.pk for guide in guides]).update(position=1)


@override_settings(PAGE_CACHE=False)
class KeptListTests(TestCase):
    """The home and platform pages' lists are kept until the next write readers see."""

    LISTS = ("/{language}/", "/{language}/linkedin/", "/{language}/linkedin/?page=2")

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training abschalten", title_en="")
        cls.guide.regions.add(make_region())
        _after(published_copies(make_guide(title_de="Werbung abschalten"), 25))  # two pages

    def test_every_list_reads_as_when_rendered_afresh(self):
        for language in ("de", "en", "fr", "it"):
            for url in self.LISTS:
                with self.subTest(language=language, url=url):
                    url = url.format(language=language)
                    forget_kept_parts()
                    afresh = self.client.get(url)
                    self.assertEqual(afresh.status_code, 200)
                    self.assertEqual(self.client.get(url).content, afresh.content)

    def test_a_list_kept_for_one_page_answers_another_page_as_if_rendered_for_it(self):
        for first, then in (
            ("/de/linkedin/", "/de/linkedin/?page=2"),
            ("/de/linkedin/?page=2", "/de/linkedin/?page=1&utm_source=mail"),
            ("/de/", "/de/?utm_source=mail"),
        ):
            with self.subTest(first=first, then=then):
                forget_kept_parts()
                afresh = self.client.get(then).content
                forget_kept_parts()
                self.client.get(first)
                self.assertEqual(self.client.get(then).content, afresh)
        self.assertEqual(self.client.get("/de/linkedin/?page=3").status_code, 404)

    def test_a_published_version_shows_at_once(self):
        for url in ("/de/", "/de/linkedin/"):
            self.assertContains(self.client.get(url), "KI-Training abschalten")
        publish_draft(self.guide, title_de="KI-Training ausschalten")
        for url in ("/de/", "/de/linkedin/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "KI-Training ausschalten")
                self.assertNotContains(response, "KI-Training abschalten")

    def test_a_new_translation_shows_at_once(self):
        self.assertContains(self.client.get("/en/"), '<a href="/en/linkedin/ki/" lang="de">')
        publish_draft(self.guide, title_en="Turn off AI training")
        response = self.client.get("/en/")
        self.assertContains(response, '<a href="/en/linkedin/ki/">Turn off AI training</a>')

    def test_a_renamed_guide_and_platform_show_at_once(self):
        self.client.get("/de/")
        self.client.get("/de/linkedin/")
        self.guide.slug = "ki-training"
        self.guide.save()
        platform = self.guide.platform
        platform.name = "LinkedIn Corporation"
        platform.save()
        for url in ("/de/", "/de/linkedin/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, 'href="/de/linkedin/ki-training/"')
                self.assertNotContains(response, 'href="/de/linkedin/ki/"')
                self.assertContains(response, "LinkedIn Corporation")

    def test_a_platform_under_a_new_address_leaves_the_old_one_at_once(self):
        self.assertEqual(self.client.get("/de/linkedin/").status_code, 200)
        platform = self.guide.platform
        platform.slug = "linked-in"
        platform.save()
        self.assertRedirects(self.client.get("/de/linkedin/"), "/de/linked-in/", 301)
        self.assertContains(self.client.get("/de/linked-in/"), 'href="/de/linked-in/ki/"')

    def test_a_region_renamed_or_added_shows_at_once(self):
        self.assertContains(self.client.get("/de/"), "<dd>EU/EWR</dd>")
        region = self.guide.regions.get()
        region.name_de = "Europäischer Wirtschaftsraum"
        region.save()
        self.assertContains(self.client.get("/de/"), "<dd>Europäischer Wirtschaftsraum</dd>")
        self.guide.regions.add(make_region(code="uk", name_de="Vereinigtes Königreich"))
        self.assertContains(
            self.client.get("/de/"), "<dd>Europäischer Wirtschaftsraum, Vereinigtes Königreich</dd>"
        )

    def test_a_verified_version_shows_its_date_at_once(self):
        self.client.get("/en/linkedin/")
        self.guide.published_version.mark_verified(on=datetime.date(2031, 5, 4))
        self.assertContains(self.client.get("/en/linkedin/"), '<time datetime="2031-05-04">')

    def test_a_page_past_the_last_is_not_found_until_there_is_one(self):
        self.assertEqual(self.client.get("/de/linkedin/?page=3").status_code, 404)
        published_copies(self.guide, 30)
        self.assertEqual(self.client.get("/de/linkedin/?page=3").status_code, 200)

    def test_a_new_platform_shows_on_the_home_page_at_once(self):
        self.client.get("/de/")
        make_guide(platform=make_platform("Mastodon"), title_de="Boosts abschalten")
        response = self.client.get("/de/")
        self.assertContains(response, "Mastodon")
        self.assertContains(response, "Boosts abschalten")


@override_settings(PAGE_CACHE=False)
class KeptSearchResultTests(TestCase):
    """Each search result's card is kept for good, under the guide's current address."""

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training abschalten", title_en="")
        _after(published_copies(make_guide(title_de="Werbung abschalten"), 24))  # two pages
        call_command("rebuild_search_index", stdout=StringIO())

    def search(self, language="de", query="abschalten"):
        return self.client.get(f"/{language}/search/?q={query}")

    def test_every_result_page_reads_as_when_rendered_afresh(self):
        for language in ("de", "en", "fr", "it"):
            word = "abschalten" if language == "de" else "switch"  # in every guide's summary
            for query in (word, f"{word}&page=2", "KI", "zzz"):
                with self.subTest(language=language, query=query):
                    forget_kept_parts()
                    afresh = self.search(language, query)
                    self.assertEqual(afresh.status_code, 200)
                    self.assertEqual(self.search(language, query).content, afresh.content)

    def test_a_page_kept_for_one_search_answers_another_as_if_rendered_for_it(self):
        for first, then in (("abschalten", "KI"), ("KI", "zzz"), ("zzz", "abschalten&page=2")):
            with self.subTest(first=first, then=then):
                forget_kept_parts()
                afresh = self.search(query=then).content
                forget_kept_parts()
                self.search(query=first)
                self.assertEqual(self.search(query=then).content, afresh)
        page = self.search(query="%3Cb%3EKI").content.decode()
        self.assertIn("<title>Suche nach „&lt;b&gt;KI“ – ", page)
        self.assertIn('name="q" value="&lt;b&gt;KI"', page)

    def test_a_worker_shows_the_cards_it_showed_lately_without_the_shared_cache(self):
        first = self.search().content
        caches["fragments"].clear()  # e.g. Redis restarted: the cards are in this worker's memory
        with self.assertNumQueries(1):  # the search; no version row is read for a card
            self.assertEqual(self.search().content, first)

    def test_a_published_version_shows_its_own_title_at_once(self):
        self.assertContains(self.search(), "KI-Training abschalten")
        publish_draft(self.guide, title_de="KI-Training endgültig abschalten")
        response = self.search()
        self.assertContains(response, "KI-Training endgültig abschalten")
        self.assertNotContains(response, "KI-Training abschalten")

    def test_a_new_translation_shows_at_once(self):
        self.assertContains(self.search("en"), '<a href="/en/linkedin/ki/" lang="de">')
        publish_draft(self.guide, title_en="Switch off AI training")
        response = self.search("en", "training")
        self.assertContains(response, '<a href="/en/linkedin/ki/">Switch off AI training</a>')

    def test_a_renamed_guide_and_platform_show_at_once(self):
        self.search()
        self.guide.slug = "ki-training"
        self.guide.save()
        platform = self.guide.platform
        platform.name = "LinkedIn Corporation"
        platform.save()
        response = self.search()
        self.assertContains(response, 'href="/de/linkedin/ki-training/"')
        self.assertNotContains(response, 'href="/de/linkedin/ki/"')
        self.assertContains(response, '<p class="meta">LinkedIn Corporation</p>', count=20)

    def test_a_platform_under_a_new_address_shows_at_once(self):
        self.search()
        platform = self.guide.platform
        platform.slug = "linked-in"
        platform.save()
        response = self.search()
        self.assertContains(response, 'href="/de/linked-in/ki/"')
        self.assertNotContains(response, 'href="/de/linkedin/')


@override_settings(PAGE_CACHE=False)
class KeptGuidePageTests(TestCase):
    """The guide page is kept but for what depends on the query string or the date."""

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", steps=3)

    def page(self, language="de", query=""):
        return self.client.get(PAGE.format(language=language) + query)

    def test_a_kept_page_reads_as_rendered_in_place_for_another_query(self):
        queries = ["", "?labels=en", "?utm_source=mail&labels=en", "?a=1&a=2&labels=de", "?x=%20y"]
        for language in ("de", "en", "fr"):
            for first, then in zip(queries, [*queries[1:], queries[0]], strict=True):
                with self.subTest(language=language, first=first, then=then):
                    forget_kept_parts()
                    with mock.patch("guides.fragments.kept_page", _rendered_in_place):
                        in_place = self.page(language, then).content
                    forget_kept_parts()
                    self.page(language, first)
                    self.assertEqual(self.page(language, then).content, in_place)

    def test_the_language_links_keep_each_requests_query(self):
        self.page("de", "?labels=en")
        response = self.page("de", "?labels=en&utm_source=mail")
        self.assertContains(response, 'href="/en/linkedin/ki/?labels=en&amp;utm_source=mail"')
        self.assertNotContains(response, 'href="/en/linkedin/ki/?labels=en"')

    def test_the_labels_choice_keeps_each_requests_query(self):
        self.page("de", "?labels=en")
        response = self.page("de", "?labels=en&utm_source=mail")
        self.assertContains(response, 'href="?utm_source=mail#steps"')
        self.assertNotContains(response, 'href="?#steps"')

    def test_the_link_to_the_german_original_keeps_each_requests_query(self):
        self.guide.published_version.translation_stamps.filter(language="en").delete()
        self.page("en", "?labels=de")
        response = self.page("en", "?labels=de&utm_source=mail")
        self.assertContains(response, 'href="/de/linkedin/ki/?labels=de&amp;utm_source=mail"')

    @override_settings(STALE_AFTER_DAYS=30)
    def test_the_stale_notice_shows_on_the_first_day_the_check_is_overdue(self):
        verified = datetime.date(2026, 3, 2)
        self.guide.published_version.mark_verified(on=verified)
        with time_machine.travel("2026-04-01 23:59 +02:00", tick=False):
            self.assertNotContains(self.page(), STALE)  # the page is kept now
        with time_machine.travel("2026-04-02 00:01 +02:00", tick=False):
            self.assertContains(self.page(), STALE)
            self.assertContains(self.page(), STALE)

    @override_settings(STALE_AFTER_DAYS=30)
    def test_a_check_removes_the_stale_notice_at_once(self):
        self.guide.published_version.mark_verified(on=datetime.date(2020, 1, 1))
        self.assertContains(self.page(), STALE)
        self.guide.published_version.mark_verified()
        self.assertNotContains(self.page(), STALE)

    def test_a_new_logo_shows_at_once(self):
        self.assertNotContains(self.page(), 'class="site-logo"')
        SiteSettings.objects.create(name="Betriebsrat Nord", contact="br@example.org")
        response = self.page()
        self.assertContains(response, "Betriebsrat Nord")
        self.assertContains(response, 'href="mailto:br@example.org"')

    def test_each_language_and_labels_language_is_kept_apart(self):
        self.assertContains(self.page("de"), '<html lang="de">')
        self.assertContains(self.page("en"), '<html lang="en">')
        self.assertContains(self.page("de", "?labels=en"), "Settings")
        self.assertContains(self.page("de"), "Einstellungen")
        self.assertNotContains(self.page("de"), "Settings")

    @override_settings(ALLOWED_HOSTS=["guides.example.org", "intranet.example.org"])
    def test_each_host_gets_its_own_addresses(self):
        self.client.get(PAGE.format(language="de"), HTTP_HOST="guides.example.org")
        response = self.client.get(PAGE.format(language="de"), HTTP_HOST="intranet.example.org")
        self.assertContains(response, "http://intranet.example.org/de/linkedin/ki/")
        self.assertNotContains(response, "guides.example.org")

    def test_a_staff_members_preview_is_never_kept_for_readers(self):
        self.page()
        draft = self.guide.new_draft()
        draft.title_de = "Entwurfstitel"
        draft.save()
        self.client.force_login(make_user(groups=["Editor"]))
        self.assertContains(self.client.get(f"/de/preview/{draft.pk}/"), "Entwurfstitel")
        self.client.logout()
        self.assertNotContains(self.page(), "Entwurfstitel")

    def test_a_staff_member_and_a_reader_read_the_same_page(self):
        # A kept page must hold nothing of one visitor: a page for staff alone would be served
        # to readers (and the other way round).
        reader = self.page().content
        self.client.force_login(make_user(groups=["Editor"]))
        forget_kept_parts()
        self.assertEqual(self.page().content, reader)
