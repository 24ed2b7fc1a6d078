"""Lambda ``Invoke`` for real: the function's handler in its own process, under Lambda's conditions.

moto would need Docker to run a function. Here each invocation is a fresh process of the
runtime's own CPython from this machine (``python3.12`` runs under 3.12), started with
``-I -S`` so only the stdlib, the function's code, its layers (``python/`` of each, in
order) and the runtime's boto3 are importable; Lambda's environment variables (the
region, the function's name, memory, log group) plus the function's own; the code and
layers read-only. Where this host allows it (root, util-linux ``unshare``, iproute2) the
process gets its own network and mount namespaces: loopback only, so an IPv6 address has
no route, as for a Lambda outside a VPC; ``/etc/resolv.conf`` names a resolver that is the
emulator's name server; and the ports it needs (the emulator, the name servers) bridged
to the host. Elsewhere it runs on the host's network and says so (``network: host``).

Each run is recorded as Lambda's metrics (Invocations, Errors, Duration by FunctionName)
and log lines (START, the function's output, END, REPORT) in the function's log group.
Every run is a cold start: Duration is the handler's time, which the function's timeout
bounds, and the process's start and imports are the REPORT line's Init Duration, as Lambda
reports a cold start (a warm Lambda container has none).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from byodkim.artifacts.interpreters import find_python
from byodkim.emulator import lambda_bootstrap
from byodkim.emulator.lambda_env import (
    Environment,
    can_isolate,
    configuration,
    isolated,
    role_credentials,
    stream_name,
)
from byodkim.emulator.relay import Relay
from byodkim.emulator.unpacked import Unpacked

# The runtime's own boto3 (Lambda ships one): these pure-Python packages, from the emulator's environment.
# Lambda gives a cold start's init (the runtime, the handler's module) 10 s of its own; the function's
# timeout counts from the handler's call. The bootstrap times the handler; this bounds the whole process.
INIT_LIMIT = 10.0
# Lambda does not say how long an idle execution environment is kept; minutes, as observed. Here five.
IDLE_LIMIT = 300.0
_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


@dataclass
class Invocation:
    """One run of a function, as Lambda would account for it."""

    function: str
    source: str
    request_id: str
    network: str
    duration_ms: float = 0.0  # the handler's run, which the timeout bounds (Lambda's Duration)
    init_ms: float = 0.0  # the process's start and the handler module's import (Lambda's Init Duration)
    started: float = field(default_factory=time.time)  # epoch seconds, real: when the run began
    cold: bool = True  # the first run of its execution environment (the only kind with an Init Duration)
    log_stream: str = ""  # its environment's log stream, as Lambda writes one stream per environment
    error: dict[str, Any] | None = None
    result: Any = None
    log: str = ""


@dataclass
class LambdaRuntime:
    """Runs functions kept in moto's Lambda backend."""

    workdir: Path
    endpoint_port: int
    dns_servers: list[str]
    network: str = "auto"  # isolated | host | auto (isolated where this host allows it)
    on_metrics: Any = None  # called after each run's metrics are stored (the alarm evaluator)
    invocations: list[Invocation] = field(default_factory=list)
    _running: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _idle: list[Environment] = field(default_factory=list)
    _generation: int = 0  # a reset's count: an environment from before one is not given back
    unpacked: Unpacked = field(default_factory=Unpacked)  # code, layers, boto3 and their bytecode, kept by content

    def __post_init__(self) -> None:
        if self.network == "auto":
            self.network = "isolated" if can_isolate() else "host"
        self.relay = Relay(self.workdir / "relay")
        if not self.unpacked.usable():  # a cache folder this user cannot write: this emulator's own, as before
            self.unpacked = Unpacked(self.workdir / "unpacked")
        self._settled = threading.Condition(self._lock)
        threading.Thread(target=self._retire_idle, daemon=True, name="lambda-idle").start()

    def _retire_idle(self) -> None:
        with contextlib.suppress(OSError):
            self.unpacked.prune()
        while True:
            time.sleep(IDLE_LIMIT / 10)
            self.retire()

    def busy(self, source: str) -> bool:
        """Return whether a run started by ``source`` (e.g. ``events:RULE``) is still going."""
        with self._lock:
            return self._running.get(source, 0) > 0

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is going (each one's metrics and logs stored); False if ``timeout`` passed first."""
        with self._settled:
            return self._settled.wait_for(lambda: not any(self._running.values()), timeout)

    def invoke_async(self, account: str, region: str, name: str, payload: bytes, source: str) -> None:
        """Start an invocation in the background (InvocationType Event, EventBridge targets)."""
        self._enter(source)  # counted before the thread starts, so a run just fired is never "idle"
        threading.Thread(target=self._invoke, args=(account, region, name, payload, source), daemon=True).start()

    def invoke(self, account: str, region: str, name: str, payload: bytes, source: str = "Invoke") -> Invocation:
        """Run the function once and return what happened."""
        self._enter(source)
        return self._invoke(account, region, name, payload, source)

    def _enter(self, source: str) -> None:
        with self._lock:
            self._running[source] = self._running.get(source, 0) + 1

    def _leave(self, source: str) -> None:
        with self._lock:
            self._running[source] -= 1
            self._settled.notify_all()

    def _invoke(self, account: str, region: str, name: str, payload: bytes, source: str) -> Invocation:
        from moto.awslambda.models import lambda_backends

        try:
            backend = lambda_backends[account][region]
            function = backend.get_function(name)
        except BaseException:
            self._leave(source)
            raise
        request_id = str(uuid.uuid4())
        run = Invocation(function.function_name, source, request_id, self.network)
        start = time.monotonic()
        try:
            self._run(backend, function, region, payload, run)
        finally:
            total = (time.monotonic() - start) * 1000
            if run.duration_ms == 0.0:  # no word from the run (it never reached its handler): all of it counts
                run.duration_ms = total
            # A cold run's start, from the process to the handler's call, is Lambda's Init Duration;
            # a warm one has none.
            run.init_ms = max(0.0, total - run.duration_ms) if run.cold else 0.0
            with self._lock:
                self.invocations.append(run)
            try:
                self._account(account, region, function, run)
            finally:
                self._leave(source)
        return run

    # -- one run -----------------------------------------------------------------------------

    def _run(self, backend: Any, function: Any, region: str, payload: bytes, run: Invocation) -> None:  # noqa: ANN401
        version = str(function.run_time).removeprefix("python")
        python = find_python(version)
        if python is None:
            run.error = _error(
                "Runtime.Unavailable", f"this machine has no CPython {version} (pyenv install {version})"
            )
            return
        code = self.unpacked.zips("code", function.code_sha_256, [function.code_bytes])
        opt = self._layers(backend, function)
        key = configuration(function, opt, self.network)
        environment = self._take(function.function_arn, key)
        if environment is None:
            environment = self._start(python, version, function, region, code, opt, key)
        run.cold = environment.served == 0
        run.log_stream = environment.log_stream
        log = environment.scratch / f"{run.request_id}.log"
        # A cold start has Lambda's 10 s for its init besides the function's timeout; the bootstrap
        # times the handler, and this bounds the whole exchange should the process stop answering.
        limit = (INIT_LIMIT if run.cold else 0.0) + float(function.timeout) + 1.0
        answer = environment.ask(run.request_id, payload, log, limit)
        run.log = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        log.unlink(missing_ok=True)
        if answer is None:  # no answer: the process ended, or stopped answering and was ended here
            ended = environment.close()
            if ended == "timeout":
                run.error = _error("Sandbox.Timedout", f"Task timed out after {float(function.timeout):.2f} seconds")
            else:
                tail = (run.log + environment.errors()).strip().splitlines()[-1:] or [f"exit status {ended}"]
                run.error = _error("Runtime.ExitError", f"the runtime exited without a result: {tail[0]}")
            return
        run.error, run.result = answer.get("error"), answer.get("result")
        run.duration_ms = float(answer.get("durationMs") or 0.0)
        run.init_ms = float(answer.get("initMs") or 0.0)
        if (run.error is not None and run.error.get("errorType") == "Sandbox.Timedout") or not environment.alive():
            environment.close()  # Lambda resets an environment whose invoke timed out or whose init failed
        else:
            self._give_back(environment)

    # -- execution environments -----------------------------------------------------------------

    def _start(
        self,
        python: str,
        version: str,
        function: Any,  # noqa: ANN401 - moto's function
        region: str,
        code: Path,
        opt: Path,
        key: str,
    ) -> Environment:
        boto = self.unpacked.runtime_packages(_RUNTIME_PACKAGES)
        scratch = Path(tempfile.mkdtemp(prefix="byodkim-env-", dir=self.workdir))
        log_stream = stream_name(uuid.uuid4().hex)
        spec = {
            "paths": [str(code), str(opt / "python" / "lib" / f"python{version}" / "site-packages"),
                      str(opt / "python"), str(boto)],
            "handler": function.handler,
            "function_name": function.function_name,
            "function_arn": function.function_arn,
            "memory": function.memory_size,
            "timeout": function.timeout,
            "log_group": f"/aws/lambda/{function.function_name}",
            "log_stream": log_stream,
            "bridges": self._bridges() if self.network == "isolated" else [],
        }  # fmt: skip
        # Code and layers are read-only, so Python would compile them again in every environment (a
        # second of CPU): their bytecode goes to one cache outside them, kept between emulators
        # (emulator/unpacked.py). What imports, and from where, is unchanged.
        cache = f"pycache_prefix={self.unpacked.pycache}"
        command = [python, "-I", "-S", "-X", cache, lambda_bootstrap.__file__, json.dumps(spec)]
        if self.network == "isolated":
            command = isolated(command, [code, opt, boto], scratch)
        env = self._environment(function, region, code, spec)
        environment = Environment.start(function.function_arn, key, command, env, code, scratch, log_stream)
        environment.generation = self._generation
        return environment

    def _take(self, arn: str, key: str) -> Environment | None:
        """Return an idle environment of this configuration; retire the function's idle ones of an older one."""
        with self._lock:
            stale = [e for e in self._idle if e.arn == arn and e.key != key]
            self._idle = [e for e in self._idle if e not in stale]
            found = next((e for e in reversed(self._idle) if e.key == key), None)
            if found is not None:
                self._idle.remove(found)
        for environment in stale:
            environment.close()
        return found

    def _give_back(self, environment: Environment) -> None:
        environment.idle_since = time.monotonic()
        with self._lock:
            if environment.generation == self._generation:
                self._idle.append(environment)
                return
        environment.close()  # made before a reset: nothing of it may carry over

    def retire(self, idle_for: float = IDLE_LIMIT) -> int:
        """End environments idle for ``idle_for`` seconds or more (0: every idle one); return how many."""
        now = time.monotonic()
        with self._lock:
            old = [e for e in self._idle if now - e.idle_since >= idle_for]
            self._idle = [e for e in self._idle if e not in old]
        for environment in old:
            environment.close()
        return len(old)

    def reset(self) -> None:
        """End every idle environment; one running now ends when its run does (the emulator's reset)."""
        with self._lock:
            self._generation += 1
        self.retire(0.0)

    def _environment(self, function: Any, region: str, code: Path, spec: dict[str, Any]) -> dict[str, str]:  # noqa: ANN401
        env = {
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec["log_group"],
            "AWS_LAMBDA_LOG_STREAM_NAME": spec["log_stream"],
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
            "LAMBDA_TASK_ROOT": str(code),
            "LAMBDA_RUNTIME_DIR": str(Path(lambda_bootstrap.__file__).parent),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            # The execution role's credentials, and the endpoint that stands for AWS's network here.
            **role_credentials(function, region),
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.endpoint_port}",
        }
        if os.environ.get("BYODKIM_SES_RATE"):  # the emulator's pacing, as its clients have it
            env["BYODKIM_SES_RATE"] = os.environ["BYODKIM_SES_RATE"]
        env.update({str(k): str(v) for k, v in (function.environment_vars or {}).items()})
        return env

    def _bridges(self) -> list[tuple[int, str, str]]:
        """Return (port inside, protocol, host socket) for the emulator and the name servers."""
        bridges = [(self.endpoint_port, "tcp", str(self.relay.socket_for("tcp", self.endpoint_port)))]
        ports = [int(spec.rsplit(":", 1)[1]) for spec in self.dns_servers if ":" in spec]
        for index, port in enumerate(ports):
            inside = [port, 53] if index == 0 else [port]  # the first is also the resolver resolv.conf names
            bridges += [
                (where, protocol, str(self.relay.socket_for(protocol, port)))
                for where in inside
                for protocol in ("udp", "tcp")
            ]
        return list(dict.fromkeys(bridges))

    # -- what a run needs on disk -------------------------------------------------------------

    def _layers(self, backend: Any, function: Any) -> Path:  # noqa: ANN401
        versions = [backend.layers_versions_by_arn(layer["Arn"]) for layer in function.layers]
        found = [v for v in versions if v is not None]
        # Later layers over earlier ones, as Lambda merges them into /opt.
        return self.unpacked.zips("opt", ",".join(v.code_sha_256 for v in found), [v.code_bytes for v in found])

    # -- accounting ---------------------------------------------------------------------------

    def _account(self, account: str, region: str, function: Any, run: Invocation) -> None:  # noqa: ANN401
        from moto.cloudwatch.models import cloudwatch_backends

        dims = [{"Name": "FunctionName", "Value": function.function_name}]
        cloudwatch_backends[account][region].put_metric_data(
            "AWS/Lambda",
            [
                {"MetricName": "Invocations", "Value": 1.0, "Unit": "Count", "Dimensions": dims},
                {"MetricName": "Errors", "Value": 1.0 if run.error else 0.0, "Unit": "Count", "Dimensions": dims},
                {"MetricName": "Duration", "Value": run.duration_ms, "Unit": "Milliseconds", "Dimensions": dims},
            ],
        )
        self._log(account, region, function, run)
        if self.on_metrics is not None:
            self.on_metrics()

    def _log(self, account: str, region: str, function: Any, run: Invocation) -> None:  # noqa: ANN401
        from moto.logs.models import logs_backends

        backend = logs_backends[account][region]
        group = f"/aws/lambda/{function.function_name}"
        if group not in backend.groups:
            return  # Lambda writes only where the log group exists or may be created; phase 2 makes it
        stream = run.log_stream or stream_name(run.request_id)
        if stream not in backend.groups[group].streams:
            backend.create_log_stream(group, stream)
        now = int(time.time() * 1000)
        lines = [f"START RequestId: {run.request_id} Version: $LATEST", *run.log.splitlines()]
        report = f"REPORT RequestId: {run.request_id}\tDuration: {run.duration_ms:.2f} ms"
        memory = f"Memory Size: {function.memory_size} MB"
        if run.cold:  # as Lambda writes it: only the first run of an environment has an init
            memory += f"\tInit Duration: {run.init_ms:.2f} ms"
        lines += [f"END RequestId: {run.request_id}", f"{report}\t{memory}"]
        backend.put_log_events(group, stream, [{"timestamp": now, "message": line} for line in lines if line])


def response(run: Invocation, *, log_tail: bool) -> tuple[int, dict[str, str], bytes]:
    """Return Invoke's HTTP answer for a synchronous run."""
    headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
    if log_tail:
        headers["X-Amz-Log-Result"] = base64.b64encode(run.log.encode()[-4096:]).decode()
    if run.error is not None:
        headers["X-Amz-Function-Error"] = "Unhandled"
        return 200, headers, json.dumps(run.error).encode()
    return 200, headers, json.dumps(run.result).encode()


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": kind}
