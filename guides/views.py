"""The public reader site: guides by platform, a guide's steps, its history, search."""

import functools
import itertools

import segno
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Case, Count, F, Prefetch, Q, When, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_from_request, override
from django.utils.translation import gettext as _
from modeltranslation.utils import resolution_order

from . import fragments, reading
from .diff import compare_versions
from .models import SOURCE_LANGUAGE, FormerAddress, Guide, GuideVersion, Platform, Region, Step
from .search import search_guides

# Small pages however many guides there are: the home page shows a few platforms with their
# first guides each, and a platform's page its guides a page at a time.
HOME_PLATFORMS_PER_PAGE = 10
HOME_GUIDES_PER_PLATFORM = 6
PLATFORM_GUIDES_PER_PAGE = 24
MAX_PAGE_NUMBER = 10_000  # far past any list; keeps the database's OFFSET small
_GUIDE_ORDER = ("position", "slug")
_PUBLISHED = Q(guides__published_version__isnull=False)

SCREENSHOT_FIELDS = [f"screenshot_{code}" for code in reading.LANGUAGE_CODES]


def _steps_prefetch():
    return Prefetch("steps", queryset=Step.objects.select_related(*SCREENSHOT_FIELDS))


def _page(objects, per_page, number):
    """Page `number` of the list; 404 for one that does not exist, as a cached page."""
    try:
        return Paginator(objects, per_page).page(number)
    except InvalidPage as error:
        raise Http404(_("There is no such page.")) from error


def _page_number(request):
    """The number `?page=` asks for, for a list that pages itself; 404 for anything else."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PAGE_NUMBER:
        raise Http404(_("There is no such page."))
    return number


def _listed_guides():
    """Published guides for lists, with what a list shows, in two queries."""
    return (
        Guide.objects.published()
        .select_related("platform", "published_version")
        .prefetch_related("regions")
        # Grouped by platform on the home page: platforms sharing a position must not interleave.
        .order_by("platform__position", "platform__name", "platform_id", *_GUIDE_ORDER)
    )


# What a guide card shows (guides/includes/guide_card.html): lists load no other columns, so
# that a page of cards costs the same whatever the versions' long texts.
_CARD_FIELDS = (
    *("slug", "topic", "position", "platform", "published_version", "platform__slug"),
    *("published_version__minutes", "published_version__verified_on"),
    *(f"published_version__{name}" for name in reading.CARD_FIELDS),
)


def _card_guides():
    # A list of regions per guide (to_attr): a related manager and queryset per guide cost more
    # than the rest of the guide's row.
    regions = Prefetch("regions", queryset=Region.objects.all(), to_attr="listed_regions")
    return _listed_guides().only(*_CARD_FIELDS).prefetch_related(None).prefetch_related(regions)


def _guide_items(guides, language):
    return [
        {
            "guide": g,
            "text": reading.card_text(g.published_version, language),
            "regions": g.listed_regions,
        }
        for g in guides
    ]


def _topic_groups(items):
    """The items (in topic order) as (topic name, items) pairs, one per topic."""
    names = dict(Guide.Topic.choices)
    by_topic = itertools.groupby(items, key=lambda item: item["guide"].topic)
    return [(names[topic], list(group)) for topic, group in by_topic]


def _absolute_url(request, path):
    """`path` as an absolute URL: on settings.SITE_URL when set, else on the request's host."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def _canonical(request, language, view_name, **kwargs):
    """The absolute address of a page in `language`: the one search engines should index."""
    with override(language):
        return _absolute_url(request, reverse(view_name, kwargs=kwargs))


def _paged(url, number):
    """The canonical address of page `number` of a list: the first page has no ?page=."""
    return url if number == 1 else f"{url}?page={number}"


@functools.lru_cache(maxsize=512)  # a few milliseconds each; guides x languages x hosts
def _qr_svg(url):
    """The URL as an inline SVG QR code (attributes only: the CSP forbids style attributes)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, title=url)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # segno escapes the title


def _labels_language(request, language):
    labels = request.GET.get("labels", "")
    return labels if labels in reading.LANGUAGE_CODES else language


def _is_outdated(version, language):
    """True when the reader's translation is outdated: the page links the German original.

    Confirming a translation changes no version, so this is kept only until the next write
    readers see (a stamp is one, guides/caching.py).
    """
    if language == SOURCE_LANGUAGE:
        return False
    parts = [version.pk, language]
    return fragments.until_content_changes(
        "outdated", parts, lambda: version.is_outdated_in(language)
    )


# The parts of the guide page that only the version decides, rendered once and kept.
KEPT_TEMPLATES = {
    "intro": "guides/includes/version_intro.html",
    "notes": "guides/includes/version_notes.html",
    "steps": "guides/includes/steps.html",
    "end": "guides/includes/version_end.html",
}
# The embed shows the same settings link and steps, from the same templates.
EMBED_TEMPLATES = {
    "deep_link": "guides/includes/deep_link.html",
    "steps": "guides/includes/steps.html",
}


def _version_parts(version, guide, language, labels, preview, embed):
    """The parts of the page (or of the embed) that only the version decides, as HTML, and
    what the rest of the page needs to know of the steps: plain values, so they can be kept."""
    prefetch_related_objects([version], _steps_prefetch())
    label_languages = reading.label_languages(version)
    devices = reading.device_steps(version.steps.all(), language, labels)
    all_steps = [view for device in devices for view in device.steps]
    step_languages = [view.instruction.lang for view in all_steps]
    context = {
        "LANGUAGE_CODE": language,
        "guide": guide,
        "version": version,
        "text": reading.guide_text(version, language, step_languages),
        "devices": devices,
        # The language the labels are really shown in, after fallback (marked in the choice).
        "labels": next((c for c in resolution_order(labels) if c in label_languages), labels),
        "label_languages": label_languages,
        "is_preview": preview,
        "is_archived": version.status == GuideVersion.Status.ARCHIVED,
        "is_embed": embed,
    }
    templates = EMBED_TEMPLATES if embed else KEPT_TEMPLATES
    return {
        "html": {part: render_to_string(name, context) for part, name in templates.items()},
        "labels": context["labels"],
        "label_languages": label_languages,
        "labels_quoted": any(view.quotes_labels for view in all_steps),
        "step_languages": step_languages,
    }


def _kept_version_parts(version, guide, language, labels, preview=False, embed=False):
    # The parts link to the guide's history and report form under the guide's current address,
    # and name the platform.
    platform = guide.platform
    parts = [language, labels, platform.slug, platform.name, guide.slug, settings.MEDIA_URL, embed]
    return fragments.for_version(
        version, parts, lambda: _version_parts(version, guide, language, labels, preview, embed)
    )


def _render_version(request, version, guide, *, preview=False, holes=None):
    """The guide page for `version`: current, archived or a staff preview of a draft; with
    `holes`, its parts rendered for each request are left out (guides.fragments.kept_page)."""
    language = get_language()
    labels = _labels_language(request, language)
    parts = _kept_version_parts(version, guide, language, labels, preview)
    canonical = _absolute_url(request, guide.get_absolute_url())
    text = reading.guide_text(version, language, parts["step_languages"])
    context = {
        "guide": guide,
        "version": version,
        "text": text,
        # Rendered by the template engine, escaped there.
        "kept": {part: mark_safe(html) for part, html in parts["html"].items()},
        "labels": parts["labels"],
        "label_languages": parts["label_languages"],
        "labels_quoted": parts["labels_quoted"],
        "is_preview": preview,
        "is_archived": version.status == GuideVersion.Status.ARCHIVED,
        # Only the current version's checks fall due.
        "stale_from": version.stale_from() if version.status == version.Status.PUBLISHED else None,
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "outdated": _is_outdated(version, language),
        fragments.PerRequestParts.context_name: holes,
        "canonical_url": canonical,
        "site_url": _absolute_url(request, "/"),  # named at the top of the printed handout
        "qr_svg": _qr_svg(canonical),
    }
    if not (preview or context["is_archived"]):
        # Shown in fallback text, the page names the page in that text's language as the one
        # to index.
        kwargs = {"platform": guide.platform.slug, "slug": guide.slug}
        context["canonical"] = _canonical(request, text.title.lang, "guides:guide", **kwargs)
        context["indexed_languages"] = version.indexed_languages()
    return render(request, "guides/guide.html", context)


def _kept_page_address(request, language):
    """What a kept page is kept for besides the content: its absolute address without the query
    string (hosts and schemes apart), and the language."""
    return [request.build_absolute_uri(request.path), language]


def kept_whole(parts_of):
    """Answers a reader page from its kept HTML, rendering only the parts that depend on the
    query string or the date (the per-request tags, reader.py).

    The rest of the page depends on nothing but its absolute address, the language, what
    `parts_of(request, language)` gives and what readers see, so it is kept under the content
    token (guides.fragments). The view renders it on a miss, with `holes` for its template's
    context; pages other than a 200 are not kept.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            language = get_language()
            parts = [*_kept_page_address(request, language), *parts_of(request, language)]
            answered = []

            def render_page(holes):
                response = view(request, *args, holes=holes, **kwargs)
                answered.append(response)
                if response.status_code != 200 or response.streaming:
                    return None
                return response.content.decode(response.charset)

            page = fragments.kept_page(parts, render_page)
            if page is None:
                return answered[0]
            return HttpResponse(page.html(request))

        return wrapper

    return decorator


# A guide page (current or archived version) for the labels language it shows.
kept_guide_page = kept_whole(lambda request, language: [_labels_language(request, language)])
# A list that pages itself, for the page it shows (`?page=`; a wrong number is a 404 first).
kept_list_page = kept_whole(lambda request, language: [_page_number(request)])


def _published_guide(platform, slug):
    """The published guide at this address with its version, platform and regions; kept until
    the next write readers see."""
    return fragments.until_content_changes(
        "guide",
        [platform, slug],
        lambda: get_object_or_404(_listed_guides(), platform__slug=platform, slug=slug),
    )


def _public_version(platform, slug, number):
    return get_object_or_404(
        GuideVersion.objects.public()
        .select_related("guide__platform")
        .prefetch_related("guide__regions"),
        guide__platform__slug=platform,
        guide__slug=slug,
        number=number,
    )


def _public_versions(platform, slug):
    guide = get_object_or_404(
        Guide.objects.published().select_related("platform"), platform__slug=platform, slug=slug
    )
    versions = list(guide.versions.public().order_by("-number"))
    return guide, versions


def _chosen_version(versions, value, default):
    by_number = {str(v.number): v for v in versions}
    if value in (None, ""):
        return default
    if value not in by_number:
        raise Http404(_("There is no such version of this guide."))
    return by_number[value]


def language_redirect(request):
    return redirect(f"/{get_language_from_request(request)}/")


def favicon(request):
    # Browsers ask for /favicon.ico whatever the pages link to. Not permanent: the icon's
    # hashed name changes with its content.
    return redirect(static("img/icon.svg"))


def framed_by_embedders(view):
    """Lets the origins in EMBED_FRAME_ANCESTORS frame this view, and only this one.

    X-Frame-Options cannot name origins, so the view goes without it; CSP frame-ancestors (which
    browsers put first anyway) lists them instead of 'none'. Outside the cache: also set on
    cached answers.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # An empty list would drop the directive and allow every site: errors stay unframed.
        if settings.EMBED_FRAME_ANCESTORS and response.status_code in (200, 304):
            frame_ancestors = settings.EMBED_FRAME_ANCESTORS
            response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": frame_ancestors}
            response.xframe_options_exempt = True
            # For intranet pages that require it of everything they embed (COEP).
            response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return wrapper


def robots_txt(request):
    """Crawlers may read every reader page but the admin, previews and search results."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code in reading.LANGUAGE_CODES:
        with override(code):
            lines += [f"Disallow: {reverse('guides:search')}", f"Disallow: /{code}/preview/"]
    lines += ["", f"Sitemap: {_absolute_url(request, reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def follows_former_slugs(view):
    """A page under a platform's or guide's former slug answers 301 to its current address."""

    @functools.wraps(view)
    def wrapper(request, platform, slug="", **kwargs):
        try:
            return view(request, platform, slug, **kwargs) if slug else view(request, platform)
        except Http404:
            found = FormerAddress.find(platform, slug)
            if found is None or (slug and found[1] is None):
                raise
            current = {"platform": found[0].slug, **({"slug": found[1].slug} if slug else {})}
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, **current})
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def _home_list(number, language):
    """The home page's list: platforms with guides, a page of them, each with its first few."""
    platforms = (
        Platform.objects.annotate(guide_count=Count("guides", filter=_PUBLISHED))
        .filter(guide_count__gt=0)
        .order_by("position", "name", "id")
    )
    page = _page(platforms, HOME_PLATFORMS_PER_PAGE, number)
    first_guides = (
        _card_guides()
        .filter(platform__in=[p.pk for p in page])
        .annotate(row=Window(RowNumber(), partition_by=F("platform_id"), order_by=_GUIDE_ORDER))
        .filter(row__lte=HOME_GUIDES_PER_PLATFORM)
    )
    items = _guide_items(first_guides, language)
    groups = [
        {"platform": p, "items": [i for i in items if i["guide"].platform_id == p.pk]} for p in page
    ]
    return render_to_string("guides/includes/home_list.html", {"groups": groups, "page": page})


@kept_list_page
def home(request, holes):
    """Platforms with guides, a page of them at a time, each with its first few guides."""
    language, number = get_language(), _page_number(request)
    context = {
        # Rendered by the template engine, escaped there; the whole page is kept (kept_list_page).
        "kept_list": mark_safe(_home_list(number, language)),
        "canonical": _paged(_canonical(request, language, "guides:home"), number),
        fragments.PerRequestParts.context_name: holes,
    }
    return render(request, "guides/home.html", context)


def _platform_page(slug, number, language):
    """The platform, its feed's address and the page's body: its guides grouped by topic, a
    page of them."""
    platform = get_object_or_404(Platform, slug=slug)
    by_topic = Case(*(When(topic=t, then=n) for n, t in enumerate(Guide.Topic.values)))
    guides = _card_guides().filter(platform=platform).order_by(by_topic, *_GUIDE_ORDER)
    page = _page(guides, PLATFORM_GUIDES_PER_PAGE, number)
    context = {
        "platform": platform,
        "description": reading.localized(platform, "description", language),
        "feed_url": reverse("guides:platform-feed", kwargs={"platform": platform.slug}),
        "topics": _topic_groups(_guide_items(page, language)),
        "page": page,
    }
    body = render_to_string("guides/includes/platform_body.html", context)
    return {
        "body": body,
        **{name: context[name] for name in ("platform", "description", "feed_url")},
    }


@follows_former_slugs
@kept_list_page
def platform(request, platform, holes):
    """The platform's guides grouped by topic, a page of them at a time."""
    language, number = get_language(), _page_number(request)
    # The whole page is kept (kept_list_page); an unknown platform or page is a 404, not kept.
    kept = _platform_page(platform, number, language)
    url = _canonical(request, language, "guides:platform", platform=kept["platform"].slug)
    context = {
        "platform": kept["platform"],
        "description": kept["description"],
        "feed_url": kept["feed_url"],
        "kept_body": mark_safe(kept["body"]),  # rendered by the template engine, escaped there
        "canonical": _paged(url, number),
        fragments.PerRequestParts.context_name: holes,
    }
    return render(request, "guides/platform.html", context)


@follows_former_slugs
@kept_guide_page
def guide(request, platform, slug, holes):
    guide = _published_guide(platform, slug)
    return _render_version(request, guide.published_version, guide, holes=holes)


@follows_former_slugs
@kept_guide_page
def version(request, platform, slug, number, holes):
    version = _public_version(platform, slug, number)
    if version.status == GuideVersion.Status.PUBLISHED:
        return redirect(version.guide)
    return _render_version(request, version, version.guide, holes=holes)


@follows_former_slugs
def embed(request, platform, slug):
    """The steps of a guide for an organisation's intranet page: no site chrome, its branding."""
    if not settings.EMBED_FRAME_ANCESTORS:
        raise Http404(_("This site offers no embeddable guides."))
    guide = _published_guide(platform, slug)
    version = guide.published_version
    language = get_language()
    labels = _labels_language(request, language)
    parts = _kept_version_parts(version, guide, language, labels, embed=True)
    context = {
        "guide": guide,
        "version": version,
        "text": reading.guide_text(version, language, parts["step_languages"]),
        # Rendered by the template engine, escaped there.
        "kept": {part: mark_safe(html) for part, html in parts["html"].items()},
        "guide_url": _absolute_url(request, guide.get_absolute_url()),
    }
    return render(request, "guides/embed.html", context)


@staff_member_required
def preview(request, pk):
    version = get_object_or_404(
        GuideVersion.objects.select_related("guide__platform").prefetch_related("guide__regions"),
        pk=pk,
    )
    if not version.is_draft:
        return redirect(version)
    return _render_version(request, version, version.guide, preview=True)


@follows_former_slugs
def history(request, platform, slug):
    guide, versions = _public_versions(platform, slug)
    language = get_language()
    rows = [{"version": v, "text": reading.guide_text(v, language)} for v in versions]
    kwargs = {"platform": guide.platform.slug, "slug": guide.slug}
    # Like the guide page: in the language the current title is really shown in.
    canonical = _canonical(request, rows[0]["text"].title.lang, "guides:history", **kwargs)
    context = {
        "guide": guide,
        "rows": rows,
        "canonical": canonical,
        "indexed_languages": rows[0]["version"].indexed_languages(),
    }
    return render(request, "guides/history.html", context)


@follows_former_slugs
def compare(request, platform, slug):
    guide, versions = _public_versions(platform, slug)
    if len(versions) < 2:
        return redirect("guides:history", platform=platform, slug=slug)
    old = _chosen_version(versions, request.GET.get("from"), versions[1])
    new = _chosen_version(versions, request.GET.get("to"), versions[0])
    if old.number > new.number:
        old, new = new, old
    language = get_language()
    # The breadcrumb names the guide by its current title.
    context = {"guide": guide, "title": reading.localized(versions[0], "title", language)}
    if old == new:
        return render(request, "guides/compare_same.html", {**context, "version": old})
    prefetch_related_objects([old, new], _steps_prefetch(), "sources")
    context |= {"old": old, "new": new, "comparison": compare_versions(old, new, language)}
    return render(request, "guides/compare.html", context)


def _result_cards(hits, language):
    """The search results as HTML, one card per hit, each kept for good: a published version's
    title and summary never change, and the key holds the rest of what the card shows."""

    def render_cards(identities):
        versions = GuideVersion.objects.only(*reading.CARD_FIELDS).in_bulk(
            [version_id for version_id, *_rest in identities]
        )
        cards = []
        for version_id, _published_at, _language, slug, platform, platform_name in identities:
            version = versions.get(version_id)
            if version is None:  # deleted since it was found
                cards.append(None)
                continue
            context = {
                "url": reverse("guides:guide", kwargs={"platform": platform, "slug": slug}),
                "text": reading.card_text(version, language),
                "platform_name": platform_name,
            }
            cards.append(render_to_string("guides/includes/search_result.html", context))
        return cards

    identities = [
        (h.version_id, h.published_at, language, h.guide_slug, h.platform_slug, h.platform_name)
        for h in hits
    ]
    cards = fragments.for_published_versions(identities, render_cards)
    return mark_safe("".join(card for card in cards if card))  # escaped by the template engine


def search(request):
    """The guides matching every word of `?q=`, best first, a page at a time.

    The page around the results is kept like a guide page; what the words decide (the title,
    the search box, the results) is rendered for each request by the per-request tags
    (reader.search_title, search_words, search_results), from `request.search_answer`.
    """
    query = request.GET.get("q", "").strip()[:100]
    language = get_language()
    try:
        page = search_guides(query, language, _page_number(request))
    except InvalidPage as error:
        raise Http404(_("There is no such page.")) from error
    request.search_answer = {
        "query": query,
        "page": page,
        "results": _result_cards(page.object_list, language),
        "total": page.paginator.count,
        "page_query": urlencode({"q": query}) + "&",  # the pages' links keep the search
    }
    kept = fragments.kept_page(
        _kept_page_address(request, language),
        lambda holes: render_to_string(
            "guides/search.html", {fragments.PerRequestParts.context_name: holes}, request
        ),
    )
    return HttpResponse(kept.html(request))
