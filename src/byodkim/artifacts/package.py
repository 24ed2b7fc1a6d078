"""The dkim-manager Lambda's code: the part of the byodkim package the function runs, zipped reproducibly.

Only byodkim's own modules go in: boto3 comes with the runtime, cryptography and
dnspython with the layer. Of those, only what the handler imports: the operator's
workflows, the doors and tools for people never run with the function's role.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from byodkim.artifacts.reprozip import write_reproducible_zip
from byodkim.errors import AwsError
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# What ships, named (a folder ships whole): the handler's import closure, and the catalogue's
# tables, which it imports by name. Deny by default: a module not named here does not ship, so a
# workflow of the operator's never runs with the function's role. tests/test_architecture.py
# holds this to the import graph both ways: needed and left out, or shipped and never imported.
_SHIPPED = frozenset(
    {
        "__init__.py",
        "errors.py",
        "messages",
        "redacted_logs.py",
        "deployment.py",
        "lambda_handler.py",
        "function",
        "dkim",
        "dnscheck/__init__.py",
        "dnscheck/check.py",
        "dnscheck/follow.py",
        "dnscheck/judge.py",
        "dnscheck/receiver.py",
        "dnscheck/servers.py",
        "aws/__init__.py",
        "aws/endpoint.py",
        "aws/errors.py",
        "aws/guards.py",
        "aws/modelcache.py",
        "aws/pacing.py",
        "aws/secrets.py",
        "aws/ses.py",
        "aws/session.py",
        "aws/sqs.py",
        "aws/ssm.py",
        "dmarc/__init__.py",  # a report arriving in a bucket (dmarc/arrival) is the function's too
        "dmarc/arrival.py",
        "dmarc/model.py",
        "dmarc/reasons.py",
        "dmarc/sources.py",
        "dmarc/summary.py",
        "dmarc/tally.py",
        "dmarc/verdict.py",
        "dmarc/xmlreport.py",
    }
)
HANDLER = "byodkim.lambda_handler.handler"


@dataclass(frozen=True)
class CodeZip:
    """The function's code zip and its content address."""

    path: Path
    sha256_hex: str
    sha256_b64: str

    @property
    def s3_key(self) -> str:
        """Return a key that changes exactly when the code does, so CloudFormation updates only then."""
        return f"lambda/dkim-manager-{self.sha256_hex[:20]}.zip"


def build_code_zip(out: Path) -> CodeZip:
    """Zip the modules of the byodkim package the function runs to ``out``."""
    source = Path(__file__).resolve().parents[1]  # the byodkim package
    with tempfile.TemporaryDirectory(prefix="byodkim-code-") as tmp:
        staged = Path(tmp) / "byodkim"
        for path in sorted(source.rglob("*.py")):
            relative = PurePosixPath(path.relative_to(source).as_posix())
            if "__pycache__" not in relative.parts and shipped(relative):
                (staged / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, staged / relative)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_reproducible_zip(staged, out, "byodkim/")
    data = out.read_bytes()
    digest = hashlib.sha256(data)
    return CodeZip(out, digest.hexdigest(), base64.b64encode(digest.digest()).decode())


def shipped(relative: PurePosixPath) -> bool:
    """Return whether the module at ``relative`` (to the byodkim package) goes into the function's zip."""
    return any(str(named) in _SHIPPED for named in (relative, *relative.parents[:-1]))


@dataclass(frozen=True)
class UploadedCode:
    """The code zip as the function is to run it: its key and the exact object version checked."""

    key: str
    version: str  # "" when the bucket keeps no versions: checked, not pinned
    replaced: bool  # an object at the key had other content (planted or corrupt) and was replaced


def upload_code(s3: S3Client | Any, bucket: str, code: CodeZip) -> UploadedCode:  # noqa: ANN401 - or Sceptre's client
    """Put the code zip at its content-addressed key unless that exact content is there; return the checked version.

    An object already at the key is read back and hashed, never trusted for its name: whoever
    can write to the bucket could have planted a zip there, and it would run as the dkim-manager
    role. The version returned is the one whose bytes were hashed, so the function is pinned to
    it even if the key is written again afterwards (none, "", in a bucket without versioning).
    """
    found = _version_with(s3, bucket, code, None)
    if found is not None:
        return UploadedCode(code.s3_key, "" if found == _UNVERSIONED else found, replaced=False)
    existed = _exists(s3, bucket, code.s3_key)
    put = s3.put_object(Bucket=bucket, Key=code.s3_key, Body=code.path.read_bytes(), ChecksumSHA256=code.sha256_b64)
    version = str(put.get("VersionId") or "null")
    if _version_with(s3, bucket, code, None if version == "null" else version) is None:
        raise AwsError(say("package.not_held", bucket=bucket, key=code.s3_key), say("package.launch_again"))
    # A bucket without versioning (a team's artifact bucket before the base stack adopts it) cannot
    # pin: the content was still checked, and the next launch, on the versioned bucket, pins it.
    return UploadedCode(code.s3_key, "" if version == "null" else version, replaced=existed)


_UNVERSIONED = "null"  # S3's version ID of an object in a bucket that never had versioning


def predict_code(s3: S3Client | Any, bucket: str, code: CodeZip) -> UploadedCode:  # noqa: ANN401 - or Sceptre's client
    """Return what :func:`upload_code` would give, reading only (a preview writes nothing).

    The checked version when the exact content is there already; otherwise a version that no
    object can have, so the preview shows the function's code changing.
    """
    found = _version_with(s3, bucket, code, None)
    return UploadedCode(code.s3_key, found or "not-uploaded-yet", replaced=False)


def _exists(s3: Any, bucket: str, key: str) -> bool:  # noqa: ANN401
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except Exception:  # noqa: BLE001 - absent (404) or unreadable: not ours to trust either way
        return False
    return True


def _version_with(s3: Any, bucket: str, code: CodeZip, version: str | None) -> str | None:  # noqa: ANN401
    """Return the version of the object (the newest, or ``version``) if its bytes are the code's; else None."""
    args = {"Bucket": bucket, "Key": code.s3_key, **({"VersionId": version} if version else {})}
    try:
        got = s3.get_object(**args)
    except Exception:  # noqa: BLE001 - absent or unreadable: upload
        return None
    body = got["Body"].read()
    if hashlib.sha256(body).hexdigest() != code.sha256_hex:
        return None
    return str(got.get("VersionId") or version or _UNVERSIONED)
