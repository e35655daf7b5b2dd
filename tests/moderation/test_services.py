"""Adding and lifting bans."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from mapa.moderation.models import Ban
from mapa.moderation.selectors import is_banned
from mapa.moderation.services import ban_create, ban_delete

pytestmark = pytest.mark.django_db


def test_a_ban_is_stored_normalised_with_who_made_it():
    admin = User.objects.create_user("admin")
    ban = ban_create(phone="501 234 567", reason="  abuse  ", created_by=admin)
    ban.refresh_from_db()
    assert (ban.phone, ban.reason, ban.created_by) == ("+48501234567", "abuse", admin)
    assert ban.created_at is not None
    assert is_banned(phone="+48501234567")


def test_a_bad_network_is_refused_naming_the_field_and_nothing_is_saved():
    with pytest.raises(ValidationError) as refused:
        ban_create(network="300.1.2.3/8", reason="x", created_by=None)
    assert "network" in refused.value.message_dict
    assert not Ban.objects.exists()


def test_lifting_a_ban_lets_the_contact_file_again():
    ban = ban_create(email="a@example.com", reason="x", created_by=None)
    ban_delete(ban=ban)
    assert not is_banned(email="a@example.com")
