"""The private key appears nowhere: not in output at --debug, logs, files, templates, parameters or S3."""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any

import boto3
from cryptography.hazmat.primitives import serialization

from byodkim import redacted_logs
from byodkim.dkim import keyload, keys
from byodkim.local.sandbox import SandboxOptions, rehearse, rehearsed, running
from conftest import require_tool

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _needles(key: keys.SigningKey) -> list[str]:
    """40-character pieces of the key in every form it could leak in: PEM lines, PKCS#1 and PKCS#8 base64."""
    pkcs8 = key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forms = [key.ses_private_key(), base64.b64encode(pkcs8).decode()]
    pem_lines = [line for line in key.pkcs1_pem().decode().splitlines() if not line.startswith("-----")]
    pieces = [form[i : i + 40] for form in forms for i in range(0, len(form) - 40, 40)]
    pieces += [line[:40] for line in pem_lines[1:-1]]
    # The private key's DER also holds the public modulus, which DNS publishes on purpose:
    # drop pieces that are public in any base64 alignment, keep those of d, p, q and the rest.
    public_der = key.public.der
    public_texts = [base64.b64encode(b"\0" * shift + public_der).decode() for shift in range(3)]
    return [p for p in pieces if not any(p in text for text in public_texts)]


def _s3_objects() -> dict[str, bytes]:
    s3 = boto3.client("s3")
    found = {}
    for bucket in s3.list_buckets()["Buckets"]:
        for item in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
            found[f"s3://{bucket['Name']}/{item['Key']}"] = s3.get_object(Bucket=bucket["Name"], Key=item["Key"])[
                "Body"
            ].read()
    return found


def _stacks() -> dict[str, str]:
    cfn = boto3.client("cloudformation")
    found = {}
    for stack in cfn.describe_stacks()["Stacks"]:
        template: Any = cfn.get_template(StackName=stack["StackName"])["TemplateBody"]
        found[f"template {stack['StackName']}"] = str(template)
        found[f"parameters {stack['StackName']}"] = str(stack.get("Parameters", []))
        found[f"outputs {stack['StackName']}"] = str(stack.get("Outputs", []))
    return found


def test_sandbox_at_debug_leaks_no_key_material(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_tool("named", "apt-get install bind9")
    redacted_logs.configure(debug=True)
    try:
        with running(SandboxOptions(workdir=tmp_path / "box")) as box:
            rehearse(box, SandboxOptions(workdir=tmp_path / "box"))
            private = box.workdir / "keys" / f"{rehearsed().selector}.private.pem"
            key = keyload.load_private_key(private)
            captured = capsys.readouterr()
            places: dict[str, bytes] = {"stdout": captured.out.encode(), "stderr": captured.err.encode()}
            for path in box.workdir.rglob("*"):
                if path.is_file() and path != private and not path.name.endswith((".jnl", ".key")):
                    places[str(path)] = path.read_bytes()
            places.update(_s3_objects())
            places.update({name: text.encode() for name, text in _stacks().items()})
            ssm = boto3.client("ssm").describe_parameters()["Parameters"]
            for parameter in ssm:
                value = boto3.client("ssm").get_parameter(Name=parameter["Name"])["Parameter"]["Value"]
                places[f"ssm {parameter['Name']}"] = value.encode()
    finally:
        redacted_logs.configure(debug=False)
        logging.getLogger().handlers = [h for h in logging.getLogger().handlers if not getattr(h, "_byodkim", False)]
    assert b"DEBUG byodkim.aws.calls: sesv2 " in places["stderr"]  # the debug log really ran, a line per AWS call
    assert any(name.startswith("s3://") for name in places)
    assert any(name.startswith("template ") for name in places)
    needles = [n.encode() for n in _needles(key)]
    assert len(needles) > 30  # most of the key is private material
    hits = [(where, needle) for where, data in places.items() for needle in needles if needle in data]
    assert hits == [], f"key material found in: {sorted({w for w, _ in hits})}"
    assert all(b"PRIVATE KEY-----" not in data for data in places.values())
