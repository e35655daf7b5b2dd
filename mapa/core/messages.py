"""Messages of Django REST framework, Django and django-filter missing from their Polish catalogues.

The API must answer in the request's language, every message of it. These
are the ones DRF and Django (as pinned) leave in English in Polish; listing
them here puts them in Mapa's catalogue (``makemessages``), which Django
consults first. ``tests/core/test_messages.py`` finds any new such message.
"""

from django.utils.translation import gettext_noop

UPSTREAM_MESSAGES = [
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Datetime value out of range."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Invalid input."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("This dictionary may not be empty."),
    # django-filter
    gettext_noop("Range query expects two values."),
    gettext_noop("Select a lookup."),
]
