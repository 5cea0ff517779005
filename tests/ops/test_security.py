"""Who may read and drive what: a home is its owner's (or, when set, its group's to read), the
warm worker serves its owner only, and `ahual doctor` says when a home is open to others.

"Another user" is `nobody` (65534): a forked child of this process that drops to it, as root can
(the suite runs as root in CI)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.ops import daemon

NOBODY = 65534
ALIAS = ["aliases", "add", "region", "Астана қаласы (проверка доступа)", "71", "--why", "test"]


def modes(root: Path) -> dict[str, int]:
    """Permission bits of the home and of every folder and regular file in it."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
            found[str(path.relative_to(root))] = stat.S_IMODE(mode)
    return found


def test_the_demo_home_is_its_owners_alone(demo_home):
    found = modes(demo_home)
    # what the issue names: microdata, quarantined originals, snapshots, Data Docs
    assert "warehouse.duckdb" in found and any(p.startswith("quarantine/") for p in found)
    assert any(p.startswith("snapshots/") for p in found)
    assert any(p.startswith("gx/") and p.endswith(".html") for p in found)
    open_to_others = {p: oct(m) for p, m in found.items() if m & 0o077}
    assert not open_to_others


def test_a_new_home_is_private_unless_its_group_may_read(tmp_path, monkeypatch, capsys):
    private = tmp_path / "private" / "home"
    monkeypatch.setenv("AHUAL_HOME", str(private))
    assert main(ALIAS) == 0
    assert modes(private) == {".": 0o700, "aliases.csv": 0o600}
    assert (private.parent.stat().st_mode & 0o777) == 0o700  # made for the home, private too

    shared = tmp_path / "team" / "home"
    monkeypatch.setenv("AHUAL_HOME", str(shared))
    monkeypatch.setenv("AHUAL_HOME_MODE", "group")
    assert main(ALIAS) == 0
    assert modes(shared) == {".": 0o750, "aliases.csv": 0o640}


def test_doctor_warns_when_others_can_read_the_home(demo_copy, capsys):
    assert main(["doctor"]) == 0
    assert "\nwarn " not in "\n" + capsys.readouterr().out
    published = settings.home().published_warehouse
    published.chmod(0o644)
    demo_copy.chmod(0o755)
    assert main(["doctor"]) == 0  # the warehouse is whole: a warning, not a failed check
    out = capsys.readouterr().out
    assert f"chmod -R go-rwx {demo_copy}" in out
    assert f"{published} (-rw-r--r--) is open to others" in out


# --- the warm worker ----------------------------------------------------------------------

def as_nobody(path: Path, request: bytes) -> str:
    """What `nobody` gets when it connects to the socket and sends a request: 'denied' (it may
    not connect), 'closed' (hung up on), or the answer."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only system calls and what is imported already, then _exit
        outcome = b"closed"
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(60)
            try:
                connection.connect(str(path))
            except PermissionError:
                outcome = b"denied"
            else:
                connection.sendall(request)
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
                outcome = answer or b"closed"
        except OSError:
            pass
        finally:
            os.write(write_end, outcome)
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        outcome = pipe.read()
    os.waitpid(pid, 0)
    return outcome.decode()


def request(home: Path, argv: list[str]) -> bytes:
    body = {"argv": argv, "cwd": "/", "stamp": daemon._code_stamp(), "home": str(home),
            "tty": [False, False], "env": {"AHUAL_HOME": str(home)}}
    return (json.dumps(body) + "\n").encode()


def ask(path: Path, body: bytes) -> list[dict]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(120)
        connection.connect(str(path))
        connection.sendall(body)
        return [json.loads(line) for line in connection.makefile("r", encoding="utf-8")]


@pytest.fixture(scope="module")
def worker():
    """A warm worker of a home under /tmp (not under pytest's private folder, so that the test
    can open the way to it for `nobody`); stopped at the end."""
    if os.getuid() != 0:
        pytest.skip("connecting as another user needs root (the suite runs as root in CI)")
    base = Path(tempfile.mkdtemp(prefix="ahual-security-"))
    home = settings.Home(base / "home")
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(home.root))
    patch.setenv("AHUAL_IDLE_SECONDS", "300")
    try:
        home.root.mkdir()
        daemon._start(home)
        assert len(daemon.running(home)) == 1
        yield home, daemon._paths(home)[0]
    finally:
        daemon.stop(home)
        patch.undo()
        shutil.rmtree(base, ignore_errors=True)


def test_the_worker_socket_is_in_a_folder_only_its_owner_enters(worker):
    home, sock = worker
    assert stat.S_IMODE((home.root / "run").stat().st_mode) == 0o700
    assert stat.S_IMODE(sock.stat().st_mode) & 0o077 == 0
    assert as_nobody(sock, request(home.root, ["server", "status"])) == "denied"


def test_the_worker_declines_a_request_for_another_home(worker, tmp_path):
    home, sock = worker
    assert ask(sock, request(tmp_path, ["server", "status"])) == [{"decline": "another home"}]


def test_the_worker_refuses_another_user_even_when_the_way_is_open(worker):
    home, sock = worker
    # as a group-writable umask would leave it: every folder on the way and the socket open
    for path in (sock.parents[2], home.root, home.root / "run"):
        path.chmod(0o711)
    sock.chmod(0o777)
    try:
        assert as_nobody(sock, request(home.root, ["server", "status"])) == "closed"
        log = (home.root / "run" / "daemon.log").read_text(encoding="utf-8")
        assert f"refused a connection from uid {NOBODY}" in log
        # the owner is served as before (or told the code changed, when it has since the
        # worker started: files edited while the suite runs)
        answers = ask(sock, request(home.root, ["server", "status"]))
        assert answers[-1] in ({"exit": 0}, {"decline": "code changed"})
        if answers[-1] == {"exit": 0}:
            assert str(home.root) in "".join(a.get("out", "") for a in answers)
    finally:
        for path in (sock.parents[2], home.root, home.root / "run"):
            path.chmod(0o700)


def test_a_client_passes_only_what_the_cli_needs():
    sent = daemon.allowed_environment({
        "AHUAL_HOME": "/srv/ahual", "AHUAL_WRITER_WAIT_SECONDS": "5", "COLUMNS": "120",
        "LANG": "ru_RU.UTF-8", "LC_ALL": "C.UTF-8", "AHUAL_DAEMON": "1",
        "PYTHONPATH": "/tmp/evil", "LD_PRELOAD": "/tmp/evil.so", "PATH": "/tmp/evil",
        "PREFECT_LOGGING_SETTINGS_PATH": "/tmp/evil.yaml", "PREFECT_API_URL": "http://evil/api",
        "GX_HOME": "/tmp/evil", "HOME": "/tmp/evil"})
    assert sent == {"AHUAL_HOME": "/srv/ahual", "AHUAL_WRITER_WAIT_SECONDS": "5",
                    "COLUMNS": "120", "LANG": "ru_RU.UTF-8", "LC_ALL": "C.UTF-8"}
