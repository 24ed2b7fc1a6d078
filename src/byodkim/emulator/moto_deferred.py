"""What moto reads or imports at its own import for services byodkim never calls, put off until they are used.

Speed only, no behaviour: each deferral gives what moto would have had at import, at its first
use. :func:`before_import` is called by the emulator's server before anything imports moto.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


def before_import() -> None:
    """Defer EC2's offerings and regions, and API Gateway's OpenAPI validator (see each)."""
    _ec2_read_when_used()
    _openapi_validator_imported_when_used()


def _ec2_read_when_used() -> None:
    """Read what moto reads at import for EC2, a service byodkim never calls, when it is used.

    moto's CloudFormation parser imports every backend it can build, EC2's among them. EC2's import
    read all 92 files of its instance-type offerings and botocore's 5 MB EC2 model (for its endpoint
    prefix alone, which is its name): 0.19 s of the 0.69 s of CPU an emulator took to start; a test run
    starts 28. Call before anything imports moto.
    """
    import botocore.session
    from moto.utilities import utils

    read = utils.load_resource
    deferred: dict[str, dict[str, str]] = {}  # location type -> region -> file

    def load_resource(resource: str) -> Any:
        parts = resource.split("/")
        if parts[:3] == ["ec2", "resources", "instance_type_offerings"]:
            deferred.setdefault(parts[3], {})[parts[4].split(".")[0]] = resource
            return []  # the module annotates each row; the real rows are annotated when read
        return read(resource)

    regions = botocore.session.Session.get_available_regions

    def get_available_regions(
        self: botocore.session.Session,
        service_name: str,
        partition_name: str = "aws",
        allow_non_regional: bool = False,  # noqa: FBT001, FBT002 - botocore's signature
    ) -> list[str]:
        if service_name != "ec2":
            return regions(self, service_name, partition_name, allow_non_regional)
        # botocore's own resolver, as its method reads it (the stubs do not declare the lookup)
        resolver = self._get_internal_component("endpoint_resolver")  # type: ignore[attr-defined]
        return list(resolver.get_available_endpoints("ec2", partition_name, allow_non_regional))

    utils.load_resource = load_resource
    botocore.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]
    try:
        from moto.ec2.models import instance_types
    finally:
        utils.load_resource = read
        botocore.session.Session.get_available_regions = regions  # type: ignore[method-assign]
    for location, files in deferred.items():  # the same dict object instances.py and spot_requests.py imported
        instance_types.INSTANCE_TYPE_OFFERINGS[location] = _ReadWhenUsed(location, files, read)


class _ReadWhenUsed(dict[str, Any]):
    """One location type's instance-type offerings by region, read from moto's files at the first look."""

    def __init__(self, location: str, files: dict[str, str], read: Callable[[str], Any]) -> None:
        super().__init__()
        self._location = location
        self._files: dict[str, str] | None = files
        self._reader = read
        self._lock = threading.Lock()

    def _filled(self) -> dict[str, Any]:
        with self._lock:  # two requests at once: both see every region
            if self._files is not None:
                for region, filename in self._files.items():
                    rows = self._reader(filename)
                    for row in rows:
                        row["LocationType"] = self._location  # as moto's module does at import
                    dict.__setitem__(self, region, rows)
                self._files = None
        return self

    def __getitem__(self, key: str) -> Any:
        return dict.__getitem__(self._filled(), key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self._filled(), key, default)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self._filled(), key)

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self._filled())

    def __len__(self) -> int:
        return dict.__len__(self._filled())

    def keys(self) -> Any:
        return dict.keys(self._filled())

    def values(self) -> Any:
        return dict.values(self._filled())

    def items(self) -> Any:
        return dict.items(self._filled())

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        """Copy or pickle as a plain dict of every region's rows: the lock is the reader's alone."""
        return dict, (dict(self._filled()),)


_VALIDATOR = (
    "openapi_spec_validator",
    "openapi_spec_validator.validation",
    "openapi_spec_validator.validation.exceptions",
)


def _openapi_validator_imported_when_used() -> None:
    """Moto's API Gateway imports openapi-spec-validator (with jsonschema) at import; it is imported at its first use.

    moto's CloudFormation parser imports API Gateway's backend, and its validator's import was 0.1 s
    of the 0.5 s of CPU an emulator took to start; it validates only an OpenAPI body imported with
    ``failOnWarnings``. While moto imports its module, stand-ins answer its two names; they are gone
    from ``sys.modules`` right after, so any other import gets the real package.
    """
    if any(name in sys.modules for name in _VALIDATOR):
        return  # imported for real already: nothing to save

    class OpenAPIValidationError(Exception):
        """Stands for the validator's error until the validator is imported."""

    stand_ins = {name: types.ModuleType(name) for name in _VALIDATOR}
    stand_ins[_VALIDATOR[0]].validate = _validate  # type: ignore[attr-defined]
    stand_ins[_VALIDATOR[2]].OpenAPIValidationError = OpenAPIValidationError  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import moto.apigateway.models  # noqa: F401 - imported here, on the stand-ins
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _validate(spec: Any, *args: Any, **kwargs: Any) -> Any:
    """Import the real validator, give moto its names (its ``except`` clause included), and validate."""
    from moto.apigateway import models
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    models.OpenAPIValidationError = OpenAPIValidationError  # type: ignore[attr-defined]
    models.validate = validate  # type: ignore[attr-defined]
    return validate(spec, *args, **kwargs)
