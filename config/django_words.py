"""Words of Django's own admin that its German catalogue does not translate yet (Django 6.1).

Never imported: `make messages` reads the strings here, so that their translations in
locale/ stay in the project's catalogue, which Django consults before its own. Drop a line
once Django's catalogue translates the word.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_WORDS = [
    gettext_noop("Run"),  # the button of the actions bar above a change list
    gettext_noop("- Select an option -"),  # the empty choice of a select box
    gettext_noop("Search %(name)s"),  # the change list's search field
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
