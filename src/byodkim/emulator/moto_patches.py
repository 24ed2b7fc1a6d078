"""Where moto differs from CloudFormation in ways byodkim's tests depend on, patched in the server process.

Each patch says which CloudFormation behaviour it restores; none changes what a client sends.
"""

from __future__ import annotations

import json
import threading
from typing import Any


def apply() -> None:
    """Apply every patch (idempotent enough for one server process)."""
    _compare_parameters_as_text()
    _lambda_function_keeps_layers()
    _stack_updates_roll_back()
    _kms_key_policy_is_text()
    _bucket_versioning_from_templates()
    _rate_expressions_as_eventbridge_reads_them()
    _new_alarms_start_with_insufficient_data()
    _templates_parsed_by_libyaml()
    _symmetric_kms_keys_make_no_rsa_key_until_asked()
    _moto_modules_listed_once()
    _response_methods_listed_once()
    _service_models_on_one_loader()


def _response_methods_listed_once() -> None:
    """Speed only, no behaviour: the actions a response class answers are listed once per class, not at each request.

    moto lists them with ``inspect.getmembers`` at every request: 0.05 ms of the 0.39 ms moto's
    application took to answer DescribeStacks, in a test run of some 25,000 calls. A class given a
    method afterwards, or one another's place (a patch), is listed again: the list is kept under the
    names its classes define.
    """
    from moto.core import responses, utils

    original = utils.method_names_from_class
    listed: dict[tuple[type, int], list[str]] = {}

    def method_names_from_class(clazz: object) -> list[str]:
        if not isinstance(clazz, type):
            return original(clazz)
        key = (clazz, hash(tuple(name for c in clazz.__mro__ for name in vars(c))))
        names = listed.get(key)
        if names is None:
            names = listed[key] = original(clazz)
        return names

    responses.method_names_from_class = method_names_from_class  # type: ignore[attr-defined]


def _service_models_on_one_loader() -> None:
    """Speed only, no behaviour: moto reads each service's model through one loader, not a new one per service.

    moto's ``get_service_model`` (request parsing, errors, routing) made a new loader for every
    service it met, and a new loader lists botocore's 449 service folders and moto's own again
    before it reads a model: 17 ms of CPU per service, 0.27 s for the twelve a sandbox touches,
    in each of the emulators a test run starts. One loader lists them once and keeps what it read;
    the models are read-only, and the loader is moto's (its ``moto-extras`` still apply).
    """
    import functools

    from moto.core import loaders, utils

    from byodkim.aws import modelcache

    def one_loader() -> loaders.Loader:
        made = loaders.create_loader()
        made.file_loader = modelcache.file_loader()  # parsed copies on disk (the server enables them)
        return made

    utils.create_loader = functools.cache(one_loader)  # type: ignore[attr-defined]


def _moto_modules_listed_once() -> None:
    """Speed only, no behaviour: moto's list of its service folders is read from disk once, not at every request.

    moto's server asks ``list_of_moto_modules()`` for each request's host, and that lists moto's
    package folder and stats each of its 160 entries: a fifth of the server's CPU for a simple
    request (STS GetCallerIdentity: 2.3 ms). The folder does not change while the server runs.
    """
    from moto import backends

    listed = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: listed  # the server calls it through the module


def _symmetric_kms_keys_make_no_rsa_key_until_asked() -> None:
    """Speed only, no behaviour: a symmetric KMS key's RSA key pair is made when something uses it, not at CreateKey.

    moto gives every key a private key for Sign, Verify and GetPublicKey, and for a symmetric key
    (SYMMETRIC_DEFAULT, HMAC) an RSA-2048 one, generated in CreateKey: 60 ms a key, where every
    emulator test makes two (the phase-1 key stand-in, tests/conftest.py) and every launch more.
    Asymmetric keys are made as before; a symmetric key asked to sign gets the same kind of key.
    """
    from moto.kms import models, utils

    original = utils.generate_private_key  # the function models imported by name
    lock = threading.Lock()

    class LazyPrivateKey:
        """moto's private key of ``key_spec``, generated on the first use of any of its attributes."""

        def __init__(self, key_spec: str) -> None:
            self._spec: str = key_spec
            self._made: Any = None

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__") or name in ("_spec", "_made"):  # copy/pickle probes; half-built objects
                raise AttributeError(name)
            with lock:  # two requests at once on one key: both get the one pair
                if self._made is None:
                    self._made = original(self._spec)
            return getattr(self._made, name)

    asymmetric = {spec.value for spec in utils.KeySpec if not spec.value.startswith(("SYMMETRIC", "HMAC"))}

    def generate_private_key(key_spec: str) -> Any:
        return original(key_spec) if key_spec in asymmetric else LazyPrivateKey(key_spec)

    models.generate_private_key = generate_private_key  # type: ignore[attr-defined]


def _templates_parsed_by_libyaml() -> None:
    """Speed only, no behaviour: moto's CloudFormation parses templates with libyaml's parser where PyYAML has it.

    moto reads every template it is sent (each change set, create, update, summary) with PyYAML's
    pure-Python ``Loader``: the project's eleven templates took 0.35 s a pass, 0.02 s with
    ``CLoader``, which has the same constructor and resolver (the same data, the same tags through
    moto's own constructor, the same ``ParserError``/``ScannerError`` for its JSON fallback).
    """
    import types

    import yaml
    from moto.cloudformation import models, responses

    if not getattr(yaml, "__with_libyaml__", False):
        return

    class TemplateLoader(yaml.CLoader):
        """A class of its own: moto's tag constructor is registered here, not on PyYAML's loaders."""

    def add_multi_constructor(tag_prefix: str, multi_constructor: Any) -> None:  # as moto calls it: no Loader
        yaml.add_multi_constructor(tag_prefix, multi_constructor, Loader=TemplateLoader)

    shim = types.ModuleType("yaml")
    shim.__dict__.update(yaml.__dict__)
    shim.Loader = TemplateLoader  # type: ignore[attr-defined]
    shim.add_multi_constructor = add_multi_constructor  # type: ignore[attr-defined]
    models.yaml = shim  # type: ignore[attr-defined]
    responses.yaml = shim  # type: ignore[attr-defined]


def _new_alarms_start_with_insufficient_data() -> None:
    from byodkim.emulator.alarms import patch_put_metric_alarm

    patch_put_metric_alarm()


def _rate_expressions_as_eventbridge_reads_them() -> None:
    """Refuse the ``rate()`` expressions EventBridge refuses, from PutRule and from templates alike."""
    from moto.events.exceptions import ValidationException
    from moto.events.models import EventsBackend

    from byodkim.emulator.schedules import rate_refused

    original = EventsBackend.put_rule

    def put_rule(self: EventsBackend, name: str, *args: Any, **kwargs: Any) -> Any:
        expression = kwargs.get("scheduled_expression")
        if expression is None and len(args) > 4:  # noqa: PLR2004 - moto's fifth positional parameter
            expression = args[4]
        if expression and rate_refused(str(expression)):
            raise ValidationException("Parameter ScheduleExpression is not valid.")
        return original(self, name, *args, **kwargs)

    EventsBackend.put_rule = put_rule  # type: ignore[method-assign]


def _bucket_versioning_from_templates() -> None:
    """Apply an AWS::S3::Bucket's VersioningConfiguration, as CloudFormation does (moto ignores it).

    The function's code is pinned to an S3 object version; without versioning there is none.
    """
    from moto.s3.models import FakeBucket

    for name in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        original = getattr(FakeBucket, name).__func__

        def patched(cls: Any, /, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            bucket = _original(cls, *args, **kwargs)
            cloudformation_json = next((a for a in args if isinstance(a, dict) and "Properties" in a), {})
            status = cloudformation_json.get("Properties", {}).get("VersioningConfiguration", {}).get("Status")
            if status:
                bucket.versioning_status = status
            return bucket

        setattr(FakeBucket, name, classmethod(patched))


def _kms_key_policy_is_text() -> None:
    """Keep an AWS::KMS::Key's KeyPolicy as JSON text, as the KMS API does.

    moto stores the template's mapping as is, and its own DescribeKey then fails on it with
    an HTTP 500 (``json.loads`` of a dict): any use of the phase-1 key by alias broke.
    """
    import json

    from moto.kms.models import Key

    original = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        if isinstance(properties.get("KeyPolicy"), dict):
            properties = {**properties, "KeyPolicy": json.dumps(properties["KeyPolicy"])}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original(cls, resource_name, cloudformation_json, *args, **kwargs)

    Key.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]


def _stack_updates_roll_back() -> None:
    """Name the resource a failure came from, for the events of the rollback (``byodkim.emulator.stacks``).

    moto lets the resource's exception escape as an HTTP 500; the lifecycle in ``stacks``
    turns it into CREATE_FAILED/UPDATE_FAILED on the resource that raised it.
    """
    from moto.cloudformation import parsing

    for name in ("parse_and_create_resource", "parse_and_update_resource"):
        original = getattr(parsing, name)

        def tagged(
            logical_id: str, resource_json: dict[str, Any], *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            try:
                return _original(logical_id, resource_json, *args, **kwargs)
            except Exception as exc:
                if not hasattr(exc, "byodkim_resource"):
                    exc.byodkim_resource = (logical_id, resource_json.get("Type", ""))  # type: ignore[attr-defined]
                raise

        setattr(parsing, name, tagged)


def _lambda_function_keeps_layers() -> None:
    """Keep ``Layers`` and ``Architectures`` of an AWS::Lambda::Function (moto's create drops them)."""
    from moto.awslambda.models import LambdaFunction

    original: Any = LambdaFunction.__dict__["create_from_cloudformation_json"].__func__

    def create(cls: Any, resource_name: str, cloudformation_json: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        function = original(cls, resource_name, cloudformation_json, *args, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        if properties.get("Layers"):
            function.layers = function._get_layers_data(properties["Layers"])  # noqa: SLF001 - moto's own helper
        if properties.get("Architectures"):
            function.architectures = properties["Architectures"]
        return function

    LambdaFunction.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]


def _as_text(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _compare_parameters_as_text() -> None:
    """Make an unchanged relaunch answer "No updates are to be performed", as CloudFormation does.

    moto keeps Number parameters as int/float but compares them with the incoming
    strings, and ignores defaults of parameters not passed, so any stack with a Number
    parameter would "update" on every launch.
    """
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse

    def validate(self: Any, incoming_params: Any, stack_body: str, old_stack: Any) -> None:
        if self._get_action() == "CreateChangeSet":
            return  # CloudFormation creates it, FAILED "didn't contain changes"; moto's backend does that
        if not incoming_params or not stack_body or old_stack.template != stack_body:
            return
        new = {k: _as_text(v) for k, v in self._get_param_values(incoming_params, old_stack.stack_parameters).items()}
        declared = (getattr(old_stack, "template_dict", None) or {}).get("Parameters", {})
        for key, slot in declared.items():
            if key not in new and "Default" in slot:
                new[key] = _as_text(slot["Default"])
        old = {k: _as_text(v) for k, v in old_stack.stack_parameters.items()}
        if old == new:
            raise ValidationError(old_stack.name, message="No updates are to be performed.")

    CloudFormationResponse._validate_different_update = validate  # type: ignore[method-assign]  # noqa: SLF001


def update_fields(kind: str, model: Any, properties: dict[str, Any]) -> None:
    """Update what the API can of a resource whose type moto cannot update in place (AWS::KMS::Key)."""
    if kind == "AWS::KMS::Key":
        if "Description" in properties:
            model.description = properties["Description"]
        policy = properties.get("KeyPolicy")
        if policy is not None:
            model.policy = policy if isinstance(policy, str) else json.dumps(policy)
        model.key_rotation_status = str(properties.get("EnableKeyRotation", False)).lower() == "true"
        model.enabled = str(properties.get("Enabled", True)).lower() == "true"
