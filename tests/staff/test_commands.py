"""manage.py create_staff and manage.py api_token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from mapa.staff.models import Role
from mapa.staff.roles import role_of, units_of
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def password_from_env(monkeypatch):
    monkeypatch.setenv("MAPA_STAFF_PASSWORD", PASSWORD)


class Terminal:
    """What the operator types at the password prompts, in order, and the prompts shown."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.prompts: list[str] = []

    def getpass(self, prompt: str = "Password: ") -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


@pytest.fixture
def typed(monkeypatch) -> Terminal:
    monkeypatch.delenv("MAPA_STAFF_PASSWORD", raising=False)
    terminal = Terminal()
    monkeypatch.setattr("getpass.getpass", terminal.getpass)
    return terminal


def test_the_password_comes_from_the_environment(password_from_env):
    assert run("create_staff", "ola", "--role", "consultant") == "Created ola: consultant."
    user = User.objects.get(username="ola")
    assert user.check_password(PASSWORD)
    assert role_of(user) == Role.CONSULTANT


def test_the_password_is_asked_for_twice(typed):
    typed.answers.extend([PASSWORD, PASSWORD])
    output = run("create_staff", "jan", "--role", "unit_staff", "--unit", "gzdiz")
    assert output == "Created jan: unit_staff for gzdiz."
    assert typed.prompts == ["Password: ", "Password (again): "]
    assert User.objects.get(username="jan").check_password(PASSWORD)


def test_two_different_passwords_or_an_empty_one_change_nothing(typed):
    typed.answers.extend([PASSWORD, PASSWORD + "!"])
    with pytest.raises(CommandError, match="differ"):
        run("create_staff", "jan", "--role", "consultant")
    typed.answers.extend([""])
    with pytest.raises(CommandError, match="empty"):
        run("create_staff", "jan", "--role", "consultant")
    assert not User.objects.filter(username="jan").exists()


def test_an_empty_password_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("MAPA_STAFF_PASSWORD", "")
    with pytest.raises(CommandError, match="MAPA_STAFF_PASSWORD"):
        run("create_staff", "jan", "--role", "consultant")


def test_running_it_again_updates_the_account(password_from_env):
    run("create_staff", "jan", "--role", "unit_staff", "--unit", "gzdiz", "--email", "j@x.example")
    output = run("create_staff", "jan", "--role", "unit_staff", "--unit", "sm", "--unit", "gznk")
    assert output == "Updated jan: unit_staff for sm, gznk."
    user = User.objects.get(username="jan")
    assert len(units_of(user)) == 2
    assert user.email == "j@x.example"  # kept: --email was not given
    assert run("create_staff", "jan", "--role", "admin") == "Updated jan: admin."
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser, units_of(user)) == (True, True, [])
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "unit_staff", "--unit", "nowhere"], "unknown unit code: nowhere"),
        (["--role", "unit_staff"], "at least one unit"),
        (["--role", "consultant", "--unit", "gzdiz"], "only unit staff"),
        (["--role", "mayor"], "invalid choice: 'mayor'"),
        (["--role", "consultant", "--email", "nope"], "not an e-mail address"),
    ],
)
def test_what_cannot_be_done_is_a_clear_error(password_from_env, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_staff", "jan", *args)
    assert not User.objects.filter(username="jan").exists()


def test_api_token_prints_the_same_token_each_time(password_from_env):
    run("create_staff", "system-erp", "--role", "dispatcher")
    first = run("api_token", "system-erp")
    assert len(first) == 40
    assert run("api_token", "system-erp") == first


def test_api_token_for_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="no account named 'nobody'"):
        run("api_token", "nobody")
