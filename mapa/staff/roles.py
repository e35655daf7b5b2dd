"""A user's staff role and units: the two facts every permission check starts from.

What a role may do with a case (and how a unit's district offices count) is
decided in ``mapa.staff.access``; these only say who the user is.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from mapa.staff.models import Role, StaffProfile

AnyUser = AbstractBaseUser | AnonymousUser | None  # DRF's request.user is None when anonymous


def role_of(user: AnyUser) -> Role | None:
    """The user's role; None for anonymous and inactive users and accounts without one.

    A superuser without a staff profile (``manage.py createsuperuser``) is an
    administrator.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = _profile(user)
    if profile is not None:
        return Role(profile.role)
    return Role.ADMIN if getattr(user, "is_superuser", False) else None


def units_of(user: AnyUser) -> list[int]:
    """The ids of the units the user works for (unit staff), in id order; [] for anyone else.

    Only the units named on the account: their district offices are added by
    ``mapa.staff.access``.
    """
    if user is None or role_of(user) != Role.UNIT_STAFF:
        return []
    profile = _profile(user)
    assert profile is not None  # unit staff always have one
    return list(profile.units.order_by("pk").values_list("pk", flat=True))


def _profile(user: AbstractBaseUser | AnonymousUser) -> StaffProfile | None:
    # The reverse one-to-one raises a subclass of AttributeError when there is no profile;
    # getattr caches the profile on the user object for later calls in the same request.
    profile = getattr(user, "staff", None)
    return profile if isinstance(profile, StaffProfile) else None
