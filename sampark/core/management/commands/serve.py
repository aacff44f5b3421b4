import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

RESTART_PAUSE = 1.0


class Command(BaseCommand):
    help = ("Serve pages and API (granian, WSGI) with the timed-work worker beside it, restarting "
            "either when it dies. Granian itself respawns a crashed worker process. For `make run`; "
            "in production, a service manager (systemd) supervises the two instead.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between timed-work rounds")

    def handle(self, *args, host="127.0.0.1", port=8000, workers=1, interval=2.0, **options):
        bin_dir = Path(sys.executable).parent
        commands = {
            "web": [str(bin_dir / "granian"), "--interface", "wsgi", "--host", host, "--port", str(port),
                    "--workers", str(workers), "--blocking-threads", "4",
                    "--respawn-failed-workers", "--respawn-interval", "1", "sampark.wsgi:application"],
            "worker": [sys.executable, "-m", "django", "worker", "--interval", str(interval)],
        }
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        running = {name: self._start(name, cmd) for name, cmd in commands.items()}
        try:
            while not stopping:
                for name, proc in list(running.items()):
                    if proc.poll() is not None and not stopping:
                        self.stderr.write(f"{name} exited ({proc.returncode}); starting it again")
                        # What it left behind goes with it: granian's worker processes outlive a
                        # killed granian, still holding the port with the old code.
                        _signal_group(proc, signal.SIGKILL)
                        time.sleep(RESTART_PAUSE)
                        running[name] = self._start(name, commands[name])
                time.sleep(0.2)
        finally:
            for proc in running.values():
                _signal_group(proc, signal.SIGTERM)
            for proc in running.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
                _signal_group(proc, signal.SIGKILL)

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        # Their own session: Ctrl-C reaches this supervisor only, which then stops them in order.
        proc = subprocess.Popen(cmd, start_new_session=True)
        self.stdout.write(f"{name} started (pid {proc.pid})")
        self.stdout.flush()
        return proc


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the child's whole process group (it leads one: start_new_session), so processes it
    started go too, even when the child itself is already dead."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
