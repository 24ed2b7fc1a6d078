"""AWS sessions and typed clients by the standard chain.

Nothing here names an endpoint: boto3 reads ``AWS_ENDPOINT_URL`` itself, so the same
code runs against real AWS and against the local emulator.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from byodkim import __version__
from byodkim.deployment import REGION_NAME
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable

    import boto3
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient

NO_REGION_HINT = say("aws.no_region_hint")


@dataclass(frozen=True)
class Aws:
    """Where to reach AWS: a profile and a region, both optional (the standard chain fills them).

    Sessions and clients are made once per process for the same handle fields and the same
    environment (:func:`_reused`), and shared by every handle and thread; SES clients are paced
    per profile and region (:mod:`byodkim.aws.pacing`).
    """

    profile: str | None = None
    region: str | None = None
    ses_rate: float | None = None  # SES calls per second per region; None: BYODKIM_SES_RATE or 1
    ses_shared: bool = False  # one of several invocations splitting the account's rate (pacing.bucket)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def session(self) -> boto3.Session:
        """Return the boto3 session of the standard credential chain for the environment now, on the one model loader.

        Asked again at each use, not kept by the handle: a handle that outlives a change of
        ``AWS_PROFILE`` or of the credentials must not make its next client from the old session.
        """
        import boto3

        def make() -> tuple[boto3.Session, bool]:
            made = boto3.Session(botocore_session=_core_session(), profile_name=self.profile, region_name=self.region)
            return made, True

        return _reused(("session", self.profile, self.region), make)  # type: ignore[no-any-return]

    @overload
    def client(self, service: Literal["cloudformation"], region: str | None = None) -> CloudFormationClient: ...
    @overload
    def client(self, service: Literal["cloudwatch"], region: str | None = None) -> CloudWatchClient: ...
    @overload
    def client(self, service: Literal["events"], region: str | None = None) -> EventBridgeClient: ...
    @overload
    def client(self, service: Literal["kms"], region: str | None = None) -> KMSClient: ...
    @overload
    def client(self, service: Literal["lambda"], region: str | None = None) -> LambdaClient: ...
    @overload
    def client(self, service: Literal["logs"], region: str | None = None) -> CloudWatchLogsClient: ...
    @overload
    def client(self, service: Literal["s3"], region: str | None = None) -> S3Client: ...
    @overload
    def client(self, service: Literal["secretsmanager"], region: str | None = None) -> SecretsManagerClient: ...
    @overload
    def client(self, service: Literal["sesv2"], region: str | None = None) -> SESV2Client: ...
    @overload
    def client(self, service: Literal["sns"], region: str | None = None) -> SNSClient: ...
    @overload
    def client(self, service: Literal["sqs"], region: str | None = None) -> SQSClient: ...
    @overload
    def client(self, service: Literal["ssm"], region: str | None = None) -> SSMClient: ...
    @overload
    def client(self, service: Literal["sts"], region: str | None = None) -> STSClient: ...
    @overload  # no stubs installed for these: preflight's name probes (aws/exists.py), SES v1's receipt rules, Route 53
    def client(
        self, service: Literal["iam", "firehose", "dynamodb", "kinesis", "ses", "route53"], region: str | None = None
    ) -> Any: ...  # noqa: ANN401
    def client(self, service: str, region: str | None = None) -> object:
        """Return a client with standard retries; ``region`` overrides the default region."""
        name = region or self.default_region()
        check_region(name)
        with self._lock:
            cached = self._clients.get((service, name))
            if cached is None:
                debug = CALLS.isEnabledFor(logging.DEBUG)
                key = ("client", self.profile, self.region, service, name, self.ses_rate, self.ses_shared, debug)
                cached = _reused(key, lambda: self._new_client(service, name, debug=debug))
                self._clients[(service, name)] = cached
        return cached

    def _new_client(self, service: str, name: str, *, debug: bool) -> tuple[Any, bool]:
        """Make a client and say whether it may be reused (called under :func:`_reused`'s lock).

        ``debug``: whether its calls are logged, as its key in :func:`_reused` says.
        """
        from botocore.config import Config

        # SES calls retry under the pacer's policy only (two budgets: throttling, and 5xx or
        # connection errors); botocore's count would let throttles eat the second budget.
        retries: Any = {"mode": "standard", "total_max_attempts": 1} if service == "sesv2" else None
        retries = retries or {"mode": "standard", "max_attempts": 5}
        config = Config(
            retries=retries,
            connect_timeout=5,
            max_pool_connections=64,  # a fleet run's threads share one client per region
            read_timeout=60,
            user_agent_extra=f"byodkim/{__version__}",
        )
        session = self.session
        client = session.client(service, region_name=name, config=config)  # type: ignore[call-overload]
        _refuse_dead_local_endpoint(client)
        if debug:
            _log_calls(client, name)
        if service == "sesv2":
            from byodkim.aws import pacing

            rate, shared = pacing.rate_from(self.ses_rate), self.ses_shared

            def find() -> pacing.TokenBucket:
                return pacing.bucket(self._payer(), name, rate, shared=shared)

            # Shared: the rate is this invocation's share; throttles cost slots of the account's rate.
            pacing.install(client, find, 1.0 / pacing.rate_from(None) if shared else None)
        keep = _shareable(session)
        if not keep:
            _forget(session)  # the next handle makes its own session, and runs the process again
        return client, keep

    def default_region(self) -> str:
        """Return the region to use: given, the chain's, or ``AWS_REGION`` (which botocore does not read).

        The chain's is read once per handle, as its clients are made once: asking the session at
        every ``client()`` call keyed the environment again each time (50 us against 1.3 us).
        """
        return self._default_region

    @cached_property
    def _default_region(self) -> str:
        """The answer of :meth:`default_region`, kept by the handle (an error is not kept: asked again)."""
        name = self.region or self.session.region_name or os.environ.get("AWS_REGION")
        if not name:
            raise InputError(say("aws.no_region"), NO_REGION_HINT)
        check_region(name)
        return str(name)

    def _payer(self) -> str:
        """Return whose SES quota a call spends: the account; the profile if the account cannot be read.

        Asked at the first SES call, not when the client is made, so an error (no credentials,
        no endpoint) surfaces from that call as it did before pacing.
        """
        try:
            return f"account:{self.account()}"
        except Exception:  # noqa: BLE001 - the SES call that follows reports the real error
            return f"profile:{self.profile or 'default'}"

    def account(self, region: str | None = None) -> str:
        """Return the caller's account id (asked once per handle: a fleet's registrations all need it)."""
        with self._lock:
            known = self._clients.get(("account", ""))
        if known is None:
            known = self.client("sts", region).get_caller_identity()["Account"]
            with self._lock:
                self._clients[("account", "")] = known
        return str(known)


_REUSED_LOCK = threading.RLock()  # re-entered: making a client makes the handle's session
_REUSED: OrderedDict[tuple[object, ...], Any] = OrderedDict()  # least recently used first
_REUSED_MAX = 64


def _reused(key: tuple[object, ...], make: Callable[[], tuple[Any, bool]]) -> Any:  # noqa: ANN401 - a session or client
    """Return what ``make`` made for ``key`` and this process's environment, made once (and kept for the next 63).

    A session with its clients took 12 ms of CPU (botocore copies its ~130 event handlers into
    each client), and each handle made its own: a command run in-process, each Lambda invocation
    and each unit of a fleet started again. The key holds everything else a client is made from:
    the environment botocore and byodkim read (``AWS_*``, ``BYODKIM_*``, ``HOME``, proxies, CA
    bundles) and the shared credentials and config files as they are on disk, so a changed profile,
    endpoint, credential or SES rate makes a new one, as a new handle did. ``make`` says whether
    what it made may be kept: not a client whose credentials nothing would renew (:func:`_shareable`).
    """
    with _REUSED_LOCK:
        full = (*key, _environment())
        found = _REUSED.get(full)
        if found is None:
            found, keep = make()
            if not keep:
                return found
            _REUSED[full] = found
            while len(_REUSED) > _REUSED_MAX:
                _REUSED.popitem(last=False)
        _REUSED.move_to_end(full)
        return found


def _shareable(session: Any) -> bool:  # noqa: ANN401 - boto3's Session
    """Return whether a session's credentials may serve later handles: not a ``credential_process``'s without expiry.

    botocore keeps such credentials for the session's life and never asks the process again; a
    new handle used to run it again (a helper that rotates keys). Asked after a client was made,
    when botocore has resolved them anyway.
    """
    from botocore.credentials import RefreshableCredentials

    credentials = session.get_credentials()
    return not (credentials is not None and credentials.method == "custom-process"
                and not isinstance(credentials, RefreshableCredentials))  # fmt: skip


def _forget(value: object) -> None:
    """Drop every kept entry that is ``value`` (a session whose credentials may not serve later handles)."""
    with _REUSED_LOCK:
        for kept in [k for k, v in _REUSED.items() if v is value]:
            del _REUSED[kept]


# Besides AWS_* and BYODKIM_*: where the config files are, and the proxies a client's HTTP pool is made with.
_ALSO_READ = frozenset(
    {"HOME", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"}
    | {f"{name}_proxy" for name in ("http", "https", "no", "all")}
    | {f"{name}_PROXY" for name in ("HTTP", "HTTPS", "NO", "ALL")}
)


def _environment() -> tuple[object, ...]:
    """Return what a boto3 session or client depends on besides its arguments, as a key."""
    read = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(("AWS_", "BYODKIM_")) or k in _ALSO_READ))
    files: list[tuple[str, tuple[int, ...] | None]] = []
    for variable, default in (("AWS_SHARED_CREDENTIALS_FILE", "credentials"), ("AWS_CONFIG_FILE", "config")):
        path = Path(os.environ.get(variable) or f"~/.aws/{default}").expanduser()
        try:
            found = path.stat()
        except OSError:
            files.append((str(path), None))
            continue
        # ctime too: a copy that keeps the old modification time (cp -p, rsync -t) still changes it.
        files.append((str(path), (found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)))
    return (read, tuple(files))


_LOADER_LOCK = threading.Lock()
_LOADERS: dict[str | None, Any] = {}  # data_path setting -> botocore's Loader


class _PathsOnce(list[str]):
    """A shared loader's search paths, each once: boto3 appends its data folder at every session."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


def shared_loader(search_path_string: str | None = None) -> Any:  # noqa: ANN401 - botocore's Loader
    """Return the process's botocore data loader for these search paths (``data_path``), made once.

    A loader caches every JSON model it has read (the endpoints, each service's model and rules),
    but each new session made its own and read them again: a handle with three clients took 90 ms
    of CPU, 15 ms on a shared loader (in-process commands, a fleet's handles, a Lambda's warm runs;
    16 s of the fault campaign test's 29 s of CPU). The models are read-only once loaded (one
    session's clients already share them). The emulator's server and the sandbox's Sceptre runner
    give it to every botocore session they make, moto's and Sceptre's included
    (:func:`models_read_once`).
    """
    import botocore.loaders

    from byodkim.aws import modelcache

    with _LOADER_LOCK:
        loader: Any = _LOADERS.get(search_path_string)
        if loader is None:
            loader = botocore.loaders.create_loader(search_path_string)
            loader.file_loader = modelcache.file_loader()  # parsed copies on disk, where the process enabled them
            loader._search_paths = _PathsOnce(loader.search_paths)  # noqa: SLF001 - the list boto3 appends to
            _LOADERS[search_path_string] = loader
        return loader


def models_read_once() -> None:
    """Speed only, no behaviour: every botocore session reads models through :func:`shared_loader` and the model cache.

    The cache (``aws/modelcache.py``) is enabled here first, so no loader is made before it with
    botocore's own file reader.

    For entry points whose other libraries make their own sessions: the emulator's server (moto
    makes sessions at import, three for EC2's regions, one per backend class's regions and for
    service names, each reading botocore's endpoints.json, 1.2 MB, again; called before moto is
    imported), the sandbox's Sceptre runner (Sceptre's sessions read CloudFormation's model and
    endpoints.json again beside the preflight's) and the test workers. byodkim's own handles use the
    loader anyway; the command only enables the cache.
    """
    import botocore.session

    from byodkim.aws import modelcache

    modelcache.enable()
    botocore.session.create_loader = shared_loader  # botocore.session imported it by name


def _core_session() -> Any:  # noqa: ANN401 - botocore's Session
    """Return a new botocore session that reads its models through the process's one loader."""
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", shared_loader(core.get_config_variable("data_path")))
    return core


def check_region(name: str) -> str:
    """Refuse a region name that is malformed or that no AWS partition has."""
    if not REGION_NAME.match(name) or name not in known_regions():
        raise InputError(say("aws.bad_region", name=name), say("aws.bad_region_hint"))
    return name


_KNOWN: frozenset[str] | None = None


def known_regions() -> frozenset[str]:
    """Return every region botocore knows, in every partition."""
    global _KNOWN  # noqa: PLW0603 - computed once per process
    if _KNOWN is None:
        session = _core_session()  # botocore's get_session() read endpoints.json (1.2 MB) once more
        _KNOWN = frozenset(
            region
            for partition in session.get_available_partitions()
            for region in session.get_available_regions("sts", partition)
        )
    return _KNOWN


def _refuse_dead_local_endpoint(client: Any) -> None:  # noqa: ANN401 - any boto3 client
    """Refuse each call to a local endpoint nothing answers on (a stopped sandbox's), at the moment it is sent.

    ``before-send`` comes after signing, so a missing credential is still reported as such; it
    comes before botocore's retries, which would spend seconds on a dead port. Clients of any
    other endpoint get no handler: a real endpoint is never probed.
    """
    from byodkim.aws import endpoint

    url = client.meta.endpoint_url
    if endpoint.local_address(url) is None:
        return

    def probe(**_: Any) -> None:  # noqa: ANN401
        endpoint.refuse_dead_local(url)

    client.meta.events.register("before-send", probe)


CALLS = logging.getLogger("byodkim.aws.calls")


def _log_calls(client: Any, region: str) -> None:  # noqa: ANN401 - any boto3 client
    """Log one line per AWS call (service, operation, region, HTTP status, time), as ``--debug`` shows them.

    Not botocore's own debug log, whose hook chatter buries the calls; no parameters, so no key
    material can appear.
    """
    import time

    service = client.meta.service_model.service_name

    def before(context: dict[str, Any], **_: Any) -> None:  # noqa: ANN401
        context["byodkim_started"] = time.monotonic()

    def after(http_response: Any, model: Any, context: dict[str, Any], **_: Any) -> None:  # noqa: ANN401
        took = (time.monotonic() - context.get("byodkim_started", time.monotonic())) * 1000
        CALLS.debug("%s %s %s -> HTTP %s (%.0f ms)", service, model.name, region, http_response.status_code, took)

    def failed(model: Any, context: dict[str, Any], exception: Exception, **_: Any) -> None:  # noqa: ANN401
        took = (time.monotonic() - context.get("byodkim_started", time.monotonic())) * 1000
        CALLS.debug("%s %s %s -> %s (%.0f ms)", service, model.name, region, type(exception).__name__, took)

    client.meta.events.register("before-call", before)
    client.meta.events.register("after-call", after)
    client.meta.events.register("after-call-error", failed)
