"""Words of Django's own that the project translates itself.

Never imported: `make messages` reads the strings here, so that their translations in
locale/ stay in the project's catalogue, which Django consults before its own.
"""

from django.utils.translation import gettext_noop

# Not yet translated by Django's German catalogue (Django 6.1); drop a line once it is.
DJANGO_ADMIN_WORDS = [
    gettext_noop("Run"),  # the button of the actions bar above a change list
    gettext_noop("- Select an option -"),  # the empty choice of a select box
    gettext_noop("Search %(name)s"),  # the change list's search field
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]

# Django's Italian catalogue writes the months with a capital ("29 Ottobre 2025"); Italian
# writes them in lower case, as the guides' dates do ("29 ottobre 2025").
MONTHS = [
    gettext_noop("January"), gettext_noop("February"), gettext_noop("March"),
    gettext_noop("April"), gettext_noop("May"), gettext_noop("June"), gettext_noop("July"),
    gettext_noop("August"), gettext_noop("September"), gettext_noop("October"),
    gettext_noop("November"), gettext_noop("December"),
]  # fmt: skip
