"""One Lambda execution environment: a process of the runtime's CPython that serves invocations one at a time.

:mod:`byodkim.emulator.runtime` keeps them (taken when idle, started when none is, given back
after a run, ended on a timeout, a failed init, a new configuration, 5 minutes idle or a reset);
this module is one environment's side: starting its process, handing it an invocation over a
pipe, reading its one-line answer within a deadline, and ending it. The process runs
:mod:`byodkim.emulator.lambda_bootstrap`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import select
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def stream_name(ident: str) -> str:
    """Return a log stream's name as Lambda gives one: the day, the version, an id."""
    return time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()) + ident.replace("-", "")


def configuration(function: Any, opt: Path, network: str) -> str:  # noqa: ANN401 - moto's function
    """Return what an environment is made for: one made for another code, layer set or setting is not reused."""
    facts = [
        function.function_arn, function.code_sha_256, opt.name, function.handler, function.run_time,
        function.memory_size, function.timeout, str(function.role), network,
        sorted((str(k), str(v)) for k, v in (function.environment_vars or {}).items()),
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


@dataclass
class Environment:
    """One execution environment: a process of the runtime's CPython serving one invocation at a time."""

    arn: str
    key: str
    process: subprocess.Popen[bytes]
    scratch: Path
    log_stream: str
    generation: int = 0
    served: int = 0
    idle_since: float = 0.0
    _buffer: bytes = b""

    @classmethod
    def start(
        cls, arn: str, key: str, command: list[str], env: dict[str, str], code: Path, scratch: Path, log_stream: str
    ) -> Environment:
        """Start the process; its init runs with its first invocation, as Lambda's on-demand init does."""
        with (scratch / "stderr").open("wb") as errors:  # the interpreter's own complaints, before the bootstrap runs
            process = subprocess.Popen(  # noqa: S603 - our bootstrap under the runtime's interpreter
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, cwd=code, env=env
            )
        return cls(arn, key, process, scratch, log_stream)

    def ask(self, request_id: str, payload: bytes, log: Path, limit: float) -> dict[str, Any] | None:
        """Hand the environment one invocation and return its answer; None if none came within ``limit`` seconds."""
        self.served += 1
        request = {"request_id": request_id, "payload": base64.b64encode(payload).decode(), "log": str(log)}
        stdin = self.process.stdin
        if stdin is None:
            return None
        try:
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
        except OSError:  # it had ended
            return None
        line = self._line(time.monotonic() + limit)
        answer: dict[str, Any] | None = json.loads(line) if line else None
        return answer

    def _line(self, deadline: float) -> bytes | None:
        stdout = self.process.stdout
        if stdout is None:
            return None
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(stdout.fileno(), 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def alive(self) -> bool:
        """Return whether the process is still there to serve the next invocation."""
        return self.process.poll() is None

    def errors(self) -> str:
        """Return what the interpreter wrote before the bootstrap took its output over."""
        path = self.scratch / "stderr"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def close(self) -> str:
        """End the environment; return how: ``timeout`` if it had to be killed, else its exit status."""
        how = ""
        if self.process.poll() is None:
            if self.process.stdin is not None:
                with contextlib.suppress(OSError):
                    self.process.stdin.close()  # end of stdin: the bootstrap returns between invocations
            try:
                self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                how = "timeout"
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        return how or str(self.process.returncode)


def isolated(command: list[str], folders: list[Path], scratch: Path) -> list[str]:
    """Return ``command`` wrapped to run in its own network and mount namespaces (loopback only, read-only code)."""
    resolv = scratch / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\n", encoding="ascii")
    steps = ["ip link set lo up", f"mount --bind '{resolv}' /etc/resolv.conf"]
    for folder in folders:
        steps += [f"mount --bind '{folder}' '{folder}'", f"mount -o remount,bind,ro '{folder}'"]
    script = " && ".join(steps) + ' && exec "$@"'
    return ["unshare", "-n", "-m", "--propagation", "private", "sh", "-c", script, "lambda", *command]


def read_only(folder: Path) -> None:
    """Take write permission away (for a root process, the read-only bind mount is what holds)."""
    for path in [*folder.rglob("*"), folder]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def can_isolate() -> bool:
    """Return whether this host can give a process its own network and mount namespaces."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-n", "-m", "--propagation", "private", "sh", "-c", "ip link set lo up"],  # noqa: S607
        capture_output=True,
        check=False,
        timeout=10,
    )
    return probe.returncode == 0


def role_credentials(function: Any, region: str) -> dict[str, str]:  # noqa: ANN401 - moto's function
    """Return credentials of the function's execution role, as Lambda gives it (moto's STS keeps who they are).

    CloudTrail events of the function's calls then name the role (assumed-role, with its
    sessionIssuer), which is what the security stack's rules tell apart from people.
    """
    try:
        from moto.sts.models import sts_backends

        role = sts_backends[str(function.account_id)]["aws"].assume_role(
            region_name=region,
            role_session_name=str(function.function_name)[:64],
            role_arn=str(function.role),
            policy="",
            duration=3600,
            external_id="",
        )
    except Exception:  # noqa: BLE001 - no role to assume: the emulator's default identity, as before
        return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
    return {
        "AWS_ACCESS_KEY_ID": str(role.access_key_id),
        "AWS_SECRET_ACCESS_KEY": str(role.secret_access_key),
        "AWS_SESSION_TOKEN": str(role.session_token),
    }
