"""The cast: one force with an owner, a teammate, a coordinator, a board member and an
auditor, and an outsider who works for another force."""

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from audit import triggers
from tests.factories import (
    ActionFactory,
    FindingFactory,
    ForceFactory,
    InspectionFactory,
    MembershipFactory,
    UserFactory,
)


def _flush_past_the_audit_trigger(sql_flush):
    """Let the test runner empty SQLite's audit_event between transactional tests.

    SQLite has no TRUNCATE: Django's flush DELETEs every row, which the append-only trigger
    refuses (PostgreSQL's flush TRUNCATEs, which row triggers never see). Only in the
    test process, the flush drops the DELETE trigger, empties the tables and puts the same
    trigger back, in one transaction. Production code and databases are untouched."""

    def flush(self, style, tables, **kwargs):
        sql = sql_flush(self, style, tables, **kwargs)
        if triggers.TABLE not in tables:
            return sql
        return ["DROP TRIGGER IF EXISTS audit_event_no_delete", *sql, triggers.SQLITE_NO_DELETE]

    return flush


SQLiteWrapper.ops_class.sql_flush = _flush_past_the_audit_trigger(SQLiteWrapper.ops_class.sql_flush)


@pytest.fixture(autouse=True)
def _signed_in_by_force_login(settings):
    # The cast signs in with client.force_login, which skips the sign-in page and so
    # its second factor: two-factor's own tests (tests/accounts) turn the rule back on.
    settings.REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache: each test starts with none spent.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Fast hashing: tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


@pytest.fixture
def force(db):
    return ForceFactory(name="Avon and Somerset Constabulary", slug="avon-and-somerset")


@pytest.fixture
def other_force(db):
    return ForceFactory(name="Wiltshire Police", slug="wiltshire")


def _member(force, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, force=force, role=role)
    return user


@pytest.fixture
def owner(force):
    return _member(force, "owner", "owner")


@pytest.fixture
def teammate(force):
    return _member(force, "owner", "teammate")


@pytest.fixture
def coordinator(force):
    return _member(force, "coordinator", "coordinator")


@pytest.fixture
def board_member(force):
    return _member(force, "board_member", "board")


@pytest.fixture
def auditor(force):
    return _member(force, "auditor", "auditor")


@pytest.fixture
def outsider(other_force):
    return _member(other_force, "coordinator", "outsider")


@pytest.fixture
def inspection(force):
    return InspectionFactory(force=force, programme="PEEL 2018/19")


@pytest.fixture
def finding(inspection):
    return FindingFactory(inspection=inspection)


@pytest.fixture
def action(finding, owner):
    return ActionFactory(finding=finding, owner=owner)


@pytest.fixture
def board(force, board_member):
    from tests.factories import BoardFactory

    return BoardFactory(force=force, name="Management board", members=[board_member])


@pytest.fixture
def other_board_member(force):
    from tests.factories import BoardFactory

    member = _member(force, "board_member", "ethics")
    BoardFactory(force=force, name="Ethics committee", members=[member])
    return member


@pytest.fixture
def overseen_action(action, board):
    action.finding.board = board
    action.finding.save()
    return action


# --- ClamAV -----------------------------------------------------------------------------


def _clamd_answers(path) -> bool:
    import socket

    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(path))
            sock.sendall(b"nPING\n")
            return sock.recv(10).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """The socket of a real clamd with the project's test signatures (tests/clamav/).

    .ci/run starts one and names its socket in CLAMD_SOCKET; otherwise one is started for
    the session when clamav-daemon is installed. Skipped here without it; CI must have it."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    named = os.environ.get("CLAMD_SOCKET")
    if named and _clamd_answers(named):
        yield named
        return
    if not (shutil.which("clamd") or Path("/usr/sbin/clamd").exists()):
        if os.environ.get("CI"):
            pytest.fail("clamd is not installed: .ci/run installs clamav-daemon and starts it.")
        pytest.skip(
            "clamd (Debian's clamav-daemon) is not installed, so the virus-scanning tests are "
            "skipped here: apt-get install clamav-daemon (CI always runs them)."
        )
    folder = tmp_path_factory.mktemp("clamd")
    script = Path(__file__).resolve().parents[1] / "scripts" / "clamd"
    subprocess.run(["bash", str(script), "start", str(folder)], check=True, capture_output=True)
    try:
        yield str(folder / "clamd.sock")
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], check=False)


@pytest.fixture
def clamav(settings, clamd_socket):
    """Uploads are scanned by the real clamd, as in production (off in the other tests)."""
    settings.CLAMAV_ENABLED = True
    settings.CLAMD_HOST = ""
    settings.CLAMD_SOCKET = clamd_socket
    return clamd_socket
