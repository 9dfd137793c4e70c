"""The editors' groups and what each may do in the admin (docs/editors.md explains them).

- Editor: writes drafts (new draft, fields, steps, sources, screenshots), marks versions verified.
- Translator: changes only the non-German translations of drafts (texts and screenshots).
- Publisher: everything an Editor does, plus publishing and discarding drafts, platforms, regions,
  and replacing a screenshot everywhere (data protection).

Published and archived versions are read-only for everyone; the admin enforces that.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITOR = "Editor"
TRANSLATOR = "Translator"
PUBLISHER = "Publisher"

_EDIT_CONTENT = [
    "guides.view_platform",
    "guides.view_region",
    "guides.view_guide",
    "guides.add_guide",
    "guides.change_guide",
    "guides.view_guideversion",
    "guides.add_guideversion",
    "guides.change_guideversion",
    "guides.view_step",
    "guides.add_step",
    "guides.change_step",
    "guides.delete_step",
    "guides.view_source",
    "guides.add_source",
    "guides.change_source",
    "guides.delete_source",
    "guides.view_screenshot",
    "guides.add_screenshot",
    "guides.change_screenshot",
    # Reader reports (reports/): read them, mark them resolved or dismissed.
    "reports.view_report",
    "reports.change_report",
]

# The source watch and link checks (the watch app): everyone sees them, editors act on them.
_SEE_CHECKS = ["watch.view_watchedpage", "watch.view_pagechange", "watch.view_linkcheck"]
_ACT_ON_CHECKS = [*_SEE_CHECKS, "watch.change_watchedpage", "watch.acknowledge_pagechange"]

GROUP_PERMISSIONS = {
    EDITOR: [*_EDIT_CONTENT, *_ACT_ON_CHECKS],
    TRANSLATOR: [
        "guides.view_platform",
        "guides.view_region",
        "guides.view_guide",
        "guides.view_guideversion",
        "guides.translate_guideversion",
        "guides.view_step",
        "guides.view_source",
        "guides.view_screenshot",
        "guides.add_screenshot",  # screenshots of the app in the translator's language
        *_SEE_CHECKS,
        "reports.view_report",
    ],
    PUBLISHER: [
        *_EDIT_CONTENT,
        "guides.publish_guideversion",
        "guides.delete_guideversion",
        "guides.add_platform",
        "guides.change_platform",
        "guides.add_region",
        "guides.change_region",
        "guides.replace_screenshot",  # in published and archived versions too (data protection)
        "guides.view_screenshotreplacement",
        *_ACT_ON_CHECKS,
        "reports.delete_report",
        # Following an upstream (packs/): pull now, see the pulls, set a guide's policy.
        "packs.pull_guides",
        "packs.view_pull",
        "packs.view_waitingversion",
        "packs.view_guidepolicy",
        "packs.add_guidepolicy",
        "packs.change_guidepolicy",
        "packs.delete_guidepolicy",
    ],
}


def ensure_groups(**kwargs):
    """Create the groups and give them exactly their permissions (safe to run repeatedly)."""
    # Apps after guides get their permissions only after this runs on a first migrate.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    ready = set(Permission.objects.values_list("content_type__app_label", flat=True))
    for name, codes in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (code.split(".") for code in codes)
            if app in ready
        ]
        group.permissions.set(permissions)
