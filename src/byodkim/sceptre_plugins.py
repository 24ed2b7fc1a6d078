"""byodkim's Sceptre resolvers: the layer ARN, the Lambda code key, the DKIM record value.

Registered as entry points (``sceptre.resolvers``), so a stack config says
``!byodkim_layer``, ``!byodkim_lambda_code`` or ``!byodkim_dkim_record`` and the value
is built, published and filled in at launch, with nobody pasting ARNs. Every AWS call
goes through the stack's connection manager: same profile, region and endpoint.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sceptre.hooks import Hook
from sceptre.resolvers import Resolver

if TYPE_CHECKING:
    from types import FrameType

    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

    from byodkim.artifacts.package import UploadedCode

log = logging.getLogger(__name__)
# Under Sceptre's logger, so the lines come out in its format beside its own. Not the Hook's own
# logger: that one names the stack Sceptre bound the hook to, which is not the one launching.
_HOOK_LOG = logging.getLogger("sceptre.hooks.byodkim_preflight")


class _StackClient:
    """A boto3-like client whose calls go through the stack's connection manager."""

    def __init__(self, stack: Any, service: str) -> None:  # noqa: ANN401 - sceptre's Stack
        self._stack, self._service = stack, service

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - any API call
        def call(**kwargs: Any) -> Any:  # noqa: ANN401
            return self._stack.connection_manager.call(self._service, name, kwargs)

        return call


def _arguments(resolver: Any, required: tuple[str, ...]) -> dict[str, Any]:  # noqa: ANN401 - sceptre's Resolver
    argument = resolver.argument or {}
    if not isinstance(argument, dict):
        resolver.raise_invalid_argument_error(f"takes a mapping with {', '.join(required)}")
    missing = [key for key in required if not argument.get(key)]
    if missing:
        resolver.raise_invalid_argument_error(f"needs {', '.join(missing)}")
    return dict(argument)


class LayerResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_layer {layer_name, runtime, arch}``: build, publish when changed, return the version ARN."""

    def resolve(self) -> str:
        """Return the LayerVersionArn serving the current build."""
        from byodkim.artifacts import layer
        from byodkim.artifacts.publish import predict_layer, publish_layer
        from byodkim.workflows.preflight import previewing

        args = _arguments(self, ("layer_name",))
        runtime = layer.runtime(str(args.get("runtime", layer.DEFAULT_RUNTIME)))
        arch = str(args.get("arch", "x86_64"))
        name = str(args["layer_name"])
        client = cast("LambdaClient", _StackClient(self.stack, "lambda"))
        with tempfile.TemporaryDirectory(prefix="byodkim-sceptre-") as tmp:
            built = layer.build_layer(layer.BuildOptions(runtime, arch, out=Path(tmp) / "layer.zip"))
            if previewing():  # a preview publishes nothing: the version it would serve
                account = _StackClient(self.stack, "sts").get_caller_identity()["Account"]
                prefix = f"arn:aws:lambda:{self.stack.region}:{account}:layer:{name}"
                return predict_layer(built, name, client, prefix).arn
            result = publish_layer(built, name, client)
        log.info("%s layer %s: %s", self.stack.name, "published" if result.created else "unchanged", result.arn)
        return result.arn


class LambdaCodeResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_lambda_code {bucket}``: package byodkim, upload once per content, return the S3 key."""

    def resolve(self) -> str:
        """Return the S3 key of the code zip in ``bucket``."""
        return _uploaded_code(self).key


class LambdaCodeVersionResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_lambda_code_version {bucket}``: the object version of that zip whose bytes were checked."""

    def resolve(self) -> str:
        """Return the S3 object version the function is pinned to."""
        return _uploaded_code(self).version


_UPLOADED: dict[str, UploadedCode] = {}  # bucket -> code: both resolvers of a launch share one build and check


def _uploaded_code(resolver: Any) -> UploadedCode:  # noqa: ANN401 - sceptre's Resolver
    from byodkim.artifacts.package import build_code_zip, predict_code, upload_code
    from byodkim.workflows.preflight import previewing

    args = _arguments(resolver, ("bucket",))
    bucket = str(args["bucket"])
    if bucket not in _UPLOADED:
        with tempfile.TemporaryDirectory(prefix="byodkim-sceptre-") as tmp:
            code = build_code_zip(Path(tmp) / "code.zip")
            if previewing():  # a preview uploads nothing: the key is the content's, the version the checked one
                return predict_code(_StackClient(resolver.stack, "s3"), bucket, code)
            uploaded = upload_code(_StackClient(resolver.stack, "s3"), bucket, code)
        if uploaded.replaced:
            log.warning("s3://%s/%s held other content; replaced by the built code", bucket, uploaded.key)
        if not uploaded.version:
            log.warning("s3://%s keeps no object versions: the function's code is checked, not pinned", bucket)
        _UPLOADED[bucket] = uploaded
    return _UPLOADED[bucket]


class FleetResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_fleet {bucket}``: write the declared domains (``domains:``) to S3 once per content; return the key.

    Read by the one deployment reader from the stack's own config group, so the list the
    health check covers is the list every ``--all`` command acts on.
    """

    def resolve(self) -> str:
        """Return the S3 key of the manifest in ``bucket``."""
        import hashlib

        from byodkim import deployment
        from byodkim.workflows.preflight import previewing

        args = _arguments(self, ("bucket",))
        folder = deployment.find_sceptre_dir()
        if folder is None:
            self.raise_invalid_argument_error("needs the Sceptre project folder; run sceptre from it")
        target = deployment.read(folder, str(self.stack.name).split("/", 1)[0])
        body = target.manifest()
        key = f"{deployment.FLEET_MANIFEST_PREFIX}{hashlib.sha256(body).hexdigest()[:32]}.json"
        if previewing():  # a preview writes nothing: the key is the content's
            return key
        s3 = _StackClient(self.stack, "s3")
        try:
            s3.head_object(Bucket=args["bucket"], Key=key)
        except Exception:  # noqa: BLE001 - absent (404) or unreadable: write it
            s3.put_object(Bucket=args["bucket"], Key=key, Body=body, ContentType="application/json")
        log.info("%s: %d declared domain(s) in s3://%s/%s", self.stack.name, len(target.domains), args["bucket"], key)
        return key


class RotationResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_rotation NAME``: one value of the rotation policy, as byodkim itself reads it.

    The policy has one reader (``dkim/policy``), so a stack gets exactly what ``byodkim`` acts on:
    ``"180"`` quoted in config.yaml is 180 for both, an empty value is the default for both, and a
    value that cannot work stops the launch in byodkim's one line. (Jinja adding two quoted numbers
    made the key-age alarm's threshold ``18014``.) NAME is a config key (``rotation_days``...) or
    ``alarm_days`` (rotation_days + rotation_grace_days).
    """

    def resolve(self) -> str:
        """Return the policy's value for NAME, as text (a parameter's value)."""
        from byodkim import deployment
        from byodkim.dkim.policy import KEYS

        folder = deployment.find_sceptre_dir()
        if folder is None:
            self.raise_invalid_argument_error("needs the Sceptre project folder; run sceptre from it")
        policy = deployment.read(folder, str(self.stack.name).split("/", 1)[0]).rotation
        values = {key: str(getattr(policy, field)) for key, (field, _) in KEYS.items()}
        values["alarm_days"] = str(policy.alarm_days)
        name = str(self.argument or "")
        if name not in values:
            self.raise_invalid_argument_error(f"takes one of {', '.join(values)}")
        return values[name]


class DkimRecordResolver(Resolver):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_dkim_record {domain, selector, secret_prefix}``: the Route 53 TXT value, or "" before a key exists."""

    def resolve(self) -> str:
        """Return ``"part1" "part2"`` for the key in Secrets Manager, or an empty string."""
        from byodkim.aws.secrets import read_public_key
        from byodkim.deployment import SECRET_PREFIX, secret_id
        from byodkim.dkim.names import normalize_domain, validate_selector
        from byodkim.dkim.record import DkimRecord, quote_strings

        args = _arguments(self, ("domain", "selector"))
        domain, selector = normalize_domain(str(args["domain"])), validate_selector(str(args["selector"]))
        where = secret_id(domain, selector, str(args.get("secret_prefix", SECRET_PREFIX)))
        # The public half, from the secret's description: the secret's value is never read here, so
        # a launch does not look like a key read to the security stack's alarm.
        public = read_public_key(cast("SecretsManagerClient", _StackClient(self.stack, "secretsmanager")), where)
        if public is None:
            log.info("%s: no key in %s yet; the record waits for `byodkim register`", self.stack.name, where)
            return ""
        return quote_strings(DkimRecord(domain, selector, public.b64).strings)


class PreflightHook(Hook):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_preflight {accept: [LogicalId, ...]}``: stop the launch when it would lose what runs.

    Used as a ``before_create``/``before_update`` hook: the group is previewed once per launch
    (change sets through Sceptre, then deleted), and the launch stops before anything changes
    when a stateful resource would be replaced or removed, or a name is taken. ``accept`` names
    the logical IDs of this stack whose finding someone has decided to live with.
    """

    def run(self) -> None:
        """Say one line per stack previewed; raise when the preflight has findings nobody accepted."""
        from byodkim.errors import ByodkimError
        from byodkim.messages import locale_lang, render
        from byodkim.workflows.launchguard import guard

        if self.argument is not None and not isinstance(self.argument, dict):
            self.raise_invalid_argument_error("takes a mapping, e.g. {accept: [CertificatesBucket]}")
        guarded = guard(acting_stack())
        lang = locale_lang()  # Sceptre has no --lang of ours
        for line in guarded.lines:
            _HOOK_LOG.info(render(line, lang))
        stop = guarded.stop
        if stop is not None:  # Sceptre prints the exception as it is: the sentence in the operator's language
            raise ByodkimError(render(stop.message, lang), render(stop.hint, lang) if stop.hint else None)


def acting_stack() -> Any:  # noqa: ANN401 - sceptre's Stack
    """Return the stack whose create or update runs this hook: the ``StackActions`` that called it.

    Not ``self.stack``: Sceptre gives every stack of a group the same hooks list from the group's
    config.yaml, and binding a hook to a stack replaces the list's entry, so every stack's hook
    ends up bound to the stack read last (in hash order, a different one per process). The guard
    then previewed that one stack from every thread, including while its own update was creating
    what the preview was looking up (a "collision" with the launch itself), and never re-previewed
    the stack actually being launched. Deny by default: no ``StackActions`` in the calling frames
    (a Sceptre whose internals changed) stops the launch rather than guard a stack at random.
    """
    from sceptre.plan.actions import StackActions

    from byodkim.errors import ByodkimError

    frame: FrameType | None = sys._getframe(1)  # noqa: SLF001 - Sceptre passes hooks no stack of their own; its caller has it
    while frame is not None:
        caller = frame.f_locals.get("self")
        if isinstance(caller, StackActions):
            return caller.stack
        frame = frame.f_back
    raise ByodkimError(
        "the byodkim preflight hook could not tell which stack Sceptre is launching",
        "run it as a before_create/before_update hook of `sceptre launch`; preview with `byodkim preflight`",
    )


class EndpointHook(Hook):  # type: ignore[misc] # sceptre is untyped
    """``!byodkim_endpoint`` (``before_launch``, ``before_delete``): refuse a stopped sandbox's endpoint in one line.

    Sceptre's first call (the stack's status) comes after these hooks and before any create or
    update hook; with ``AWS_ENDPOINT_URL`` left at a dead local port it would only say it cannot
    connect. ``sceptre delete`` runs the stacks of a batch side by side, each with its hook: the
    line is printed once, by the first to refuse. (``sceptre status`` runs no hook: docs/sceptre.md.)
    """

    _refused = False
    _lock = threading.Lock()

    def run(self) -> None:
        """Stop the command (one line on stderr, exit 1 as Sceptre's errors) when the endpoint is local and dead."""
        import os

        from byodkim.aws.endpoint import refuse_dead_local
        from byodkim.errors import ByodkimError

        url = os.environ.get("AWS_ENDPOINT_URL_CLOUDFORMATION") or os.environ.get("AWS_ENDPOINT_URL")
        try:
            refuse_dead_local(url)
        except ByodkimError as exc:
            from byodkim.messages import locale_lang, render, say

            with EndpointHook._lock:
                first, EndpointHook._refused = not EndpointHook._refused, True
            if first:
                line = say("error.line", line=say("error.with_hint", message=exc.message, hint=exc.hint))
                # Printed here, not as a SceptreException: Sceptre prints those as a JSON string, quoted and
                # with every Japanese character escaped. SystemExit leaves through Sceptre's worker thread too.
                print(render(line, locale_lang()), file=sys.stderr)  # noqa: T201 - this door's one error line
            raise SystemExit(1) from None
