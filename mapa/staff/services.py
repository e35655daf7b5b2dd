"""Services that change staff accounts. Each is keyword-only, typed and atomic.

The commands (``create_staff``, ``api_token``), the demonstration accounts and
the admin all come through here, so every account follows the same rules:
unit staff work for at least one unit, only unit staff are bound to units, and
only administrators may use Django's admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.authtoken.models import Token

from mapa.catalogue.models import Unit
from mapa.staff.models import Role, StaffProfile


class StaffAccountError(ValueError):
    """A staff account that cannot be saved as asked; the message says why."""


class UnknownUnit(StaffAccountError):
    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = sorted(codes)
        super().__init__(f"unknown unit code: {', '.join(self.codes)}")


class UnknownAccount(StaffAccountError):
    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"no account named {username!r}")


@transaction.atomic
def staff_account_save(
    *,
    username: str,
    role: Role | str,
    units: Iterable[str] = (),
    password: str | None,
    email: str | None = None,
) -> User:
    """Create the staff account ``username``, or bring an existing one to what is given.

    ``units`` are unit codes, and become the account's whole set of units.
    ``password`` None keeps the current password (a new account gets none that
    works: it can use an API token only); ``email`` None keeps the current one.
    Administrators get Django's ``is_staff`` and ``is_superuser``; every other
    role loses them, since they work in /staff/, not in the admin. Running it
    again with the same arguments leaves the account as it was.
    """
    role = _role(role)
    unit_objects = _units(role, list(units))
    username = _checked_username(username)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        user = User(username=username)
    if email is not None:
        user.email = _checked_email(email)
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if password is not None:
        _check_password(password, user)
        if user.pk is None or not user.check_password(password):
            user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.save()
    profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
    profile.units.set(unit_objects)
    return user


def staff_admin_flags_apply(*, user: User) -> None:
    """Give ``user`` Django's admin flags exactly when its staff role is administrator.

    For the admin, where the role and the flags are edited on one page: the
    role decides. An account without a staff profile is left as it is.
    """
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return
    is_admin = profile.role == Role.ADMIN
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


def staff_units_check(*, role: Role | str, units: Iterable[Unit]) -> None:
    """Refuse units that do not fit the role: unit staff need some, other roles none."""
    role = _role(role)
    has_units = any(True for _ in units)
    if role == Role.UNIT_STAFF and not has_units:
        raise StaffAccountError("unit staff need at least one unit")
    if role != Role.UNIT_STAFF and has_units:
        raise StaffAccountError(f"only unit staff are bound to units, not the role {role.value!r}")


def api_token_for(*, username: str) -> str:
    """The API token of the account ``username``, created if it has none.

    Clients send it as ``Authorization: Token <token>``; administrators see
    and revoke tokens in the admin (Auth Token > Tokens).
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        raise UnknownAccount(username)
    if not user.is_active:
        raise StaffAccountError(f"the account {username!r} is inactive: a token would not work")
    token, _ = Token.objects.get_or_create(user=user)
    key: str = token.key
    return key


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(Role.values)
        raise StaffAccountError(f"unknown role {role!r} (one of: {known})") from None


def _units(role: Role, codes: list[str]) -> list[Unit]:
    found = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    missing = set(codes) - found.keys()
    if missing:
        raise UnknownUnit(missing)
    units = [found[code] for code in dict.fromkeys(codes)]
    staff_units_check(role=role, units=units)
    return units


def _checked_username(username: str) -> str:
    username = User.normalize_username(username)
    field = User._meta.get_field("username")
    try:
        field.clean(username, None)
    except ValidationError as exc:
        raise StaffAccountError(f"username {username!r}: {' '.join(exc.messages)}") from None
    return username


def _checked_email(email: str) -> str:
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise StaffAccountError(f"{email!r} is not an e-mail address") from None
    return email


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise StaffAccountError(f"password refused: {' '.join(exc.messages)}") from None
