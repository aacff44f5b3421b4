"""Finding 12: `make run`'s server outlives a crashed process. `sampark serve` runs granian (which
respawns a killed worker process) and the timed-work worker, restarting whichever dies."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except OSError:
        return 0


def wait_for(check, seconds: float = 30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def serve(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sampark.settings", "SAMPARK_DEMO": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port), "--interval", "0.5"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def started(name: str) -> int:
        while True:
            line = lines.get(timeout=30)
            if m := re.match(rf"{name} started \(pid (\d+)\)", line):
                return int(m.group(1))

    yield proc, f"http://127.0.0.1:{port}/about/", started
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_killed_processes_come_back(serve):
    proc, url, started = serve
    web, worker = started("web"), started("worker")
    assert wait_for(lambda: status(url) == 200)

    # kill -9 of granian's worker process: granian starts another; the site answers again.
    granian_worker = wait_for(lambda: children(web))[0]
    os.kill(granian_worker, signal.SIGKILL)
    assert wait_for(lambda: [p for p in children(web) if p != granian_worker])
    assert wait_for(lambda: status(url) == 200)

    # kill -9 of the timed-work worker: the supervisor starts it again.
    os.kill(worker, signal.SIGKILL)
    assert started("worker") != worker

    # kill -9 of granian itself: started again too.
    for pid in children(web):
        os.kill(pid, signal.SIGKILL)
    os.kill(web, signal.SIGKILL)
    assert started("web") != web
    assert wait_for(lambda: status(url) == 200)
    assert proc.poll() is None

    # Stopping the supervisor stops them all.
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


def test_a_killed_granian_leaves_no_worker_behind(serve):
    """kill -9 of granian alone orphans its worker process, which would keep serving the old code
    beside the new granian and outlive the supervisor: the supervisor ends the whole group."""
    proc, url, started = serve
    web, _worker = started("web"), started("worker")
    assert wait_for(lambda: status(url) == 200)
    orphan = wait_for(lambda: children(web))[0]
    os.kill(web, signal.SIGKILL)
    assert started("web") != web
    assert wait_for(lambda: not Path(f"/proc/{orphan}").exists() or _zombie(orphan))
    assert wait_for(lambda: status(url) == 200)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
