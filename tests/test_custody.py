"""Custody of the private key, checked end to end against the emulator (issue 29).

register refuses to fall back to the AWS-managed key; a new secret denies everyone but its
holders; the phases refuse a secret whose value no longer matches its description; signing
switched off is unhealthy.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.aws import secrets
from byodkim.aws.ses import RegionStatus
from byodkim.dkim import keys
from byodkim.errors import AwsError
from byodkim.function import health

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from conftest import Cli, OpenSSLKeys

SECRET = "byodkim/dkim/goo.ne.jp/s1"  # noqa: S105 - a secret's name
ALIAS = "alias/aws-ses-migration-prod-dkim-secrets"
ROLE = "arn:aws:iam::123456789012:role/aws-ses-migration-prod-dkim-manager-role"


def _without_phase_1_key() -> None:
    for region in ("ap-northeast-1", "us-east-1"):
        boto3.client("kms", region_name=region).delete_alias(AliasName=ALIAS)


@pytest.mark.parametrize("dry_run", [False, True], ids=["register", "dry-run"])
def test_register_without_the_phase_1_key_is_refused_and_stores_nothing(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys, dry_run: bool
) -> None:
    _without_phase_1_key()
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    result = cli(*args, *(["--dry-run"] if dry_run else []))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: alias/aws-ses-migration-prod-dkim-secrets does not exist in ap-northeast-1; the key would be "
        "stored under the AWS-managed key; launch phase 1 there first, or give --kms-key-id with a key of your own; nothing was stored\n"
    )
    assert boto3.client("secretsmanager").list_secrets()["SecretList"] == []
    assert emulator.control("/_byodkim/ses/identities")["identities"] == []


def test_register_with_its_own_kms_key_id_goes_ahead_without_phase_1(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys
) -> None:
    del emulator
    _without_phase_1_key()
    own = boto3.client("kms").create_key(Description="the team's own")["KeyMetadata"]["Arn"]
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    result = cli(*args, "--kms-key-id", own)
    assert result.code == 0, result.err
    assert boto3.client("secretsmanager").describe_secret(SecretId=SECRET)["KmsKeyId"] == own


def test_a_dry_run_names_the_key_it_would_encrypt_with(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    del emulator
    arn = boto3.client("kms").describe_key(KeyId=ALIAS)["KeyMetadata"]["Arn"]
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    result = cli(*args, "--dry-run")
    assert result.code == 0, result.err
    assert f"\n  would encrypt it with KMS key {arn}\n" in result.out
    assert boto3.client("secretsmanager").list_secrets()["SecretList"] == []


def test_a_new_secret_is_encrypted_with_the_secrets_key_and_denies_everyone_but_its_holders(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys
) -> None:
    del emulator
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    assert cli(*args).code == 0
    client = boto3.client("secretsmanager")
    arn = boto3.client("kms").describe_key(KeyId=ALIAS)["KeyMetadata"]["Arn"]
    assert client.describe_secret(SecretId=SECRET)["KmsKeyId"] == arn
    policy = json.loads(client.get_resource_policy(SecretId=SECRET)["ResourcePolicy"])
    (deny,) = policy["Statement"]
    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert "secretsmanager:GetSecretValue" in deny["Action"]
    assert "secretsmanager:PutSecretValue" in deny["Action"]
    caller = boto3.client("sts").get_caller_identity()["Arn"]
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": sorted([ROLE, caller])}}


@pytest.mark.parametrize(
    ("caller", "patterns"),
    [
        (
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DkimOperator_0123/alice",
            (
                "arn:aws:iam::123456789012:role/AWSReservedSSO_DkimOperator_0123",
                "arn:aws:iam::123456789012:role/*/AWSReservedSSO_DkimOperator_0123",
            ),
        ),
        ("arn:aws:iam::123456789012:user/alice", ("arn:aws:iam::123456789012:user/alice",)),
    ],
)
def test_the_caller_is_named_by_its_role_not_its_session(caller: str, patterns: tuple[str, ...]) -> None:
    assert secrets.principal_patterns(caller) == patterns


def _swap(client: object, secret: str) -> keys.SigningKey:
    """Write another key into the secret the way an attacker would: a well-formed byodkim body."""
    other = keys.generate()
    body = {"domain": "goo.ne.jp", "selector": "s1", "fingerprint": other.public.fingerprint}
    boto3.client("secretsmanager").put_secret_value(
        SecretId=secret, SecretString=json.dumps({**body, "privateKey": other.ses_private_key()})
    )
    del client
    return other


def test_a_swapped_secret_is_refused_by_the_phases(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    del emulator
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    assert cli(*args).code == 0
    client = boto3.client("secretsmanager")
    kept = secrets.read_checked_key(client, SECRET)  # one step off: the registered key passes
    assert kept is not None
    other = _swap(client, SECRET)
    with pytest.raises(AwsError, match="holds another key") as refused:
        secrets.read_checked_key(client, SECRET)
    assert other.public.fingerprint in str(refused.value)
    result = cli("phase", "4", "--domain", "goo.ne.jp", "--selector", "s1")
    assert result.code != 0
    assert "holds another key" in result.err
    assert other.public.b64[:40] not in result.out + result.err


def test_a_secret_whose_value_disagrees_with_its_own_fingerprint_field_is_refused(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys
) -> None:
    del emulator
    args = ["register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]]
    assert cli(*args).code == 0
    client = boto3.client("secretsmanager")
    body = json.loads(client.get_secret_value(SecretId=SECRET)["SecretString"])
    client.put_secret_value(
        SecretId=SECRET, SecretString=json.dumps({**body, "privateKey": keys.generate().ses_private_key()})
    )
    with pytest.raises(AwsError, match="its own fingerprint field"):
        secrets.read_key(client, SECRET)


def _status(signing: bool | None) -> RegionStatus:
    return RegionStatus("ap-northeast-1", exists=True, origin="EXTERNAL", signing_enabled=signing, status="SUCCESS")


def test_signing_switched_off_is_unhealthy() -> None:
    record = (health.HEALTHY, "1/1 servers publish the key")
    assert health.condition_of(_status(False), record)[0] == health.SIGNING_OFF
    assert (
        "--signing-enabled"
        in health.Finding("goo.ne.jp", "ap-northeast-1", health.SIGNING_OFF, "SUCCESS", "s1").next_step
    )
    # One step off: signing on (or not reported) with the same record is healthy.
    assert health.condition_of(_status(True), record)[0] == health.HEALTHY
    assert health.condition_of(_status(None), record)[0] == health.HEALTHY


def test_a_planted_code_object_is_replaced_and_the_function_pinned_to_the_checked_version(
    emulator: Emulator, tmp_path: Path
) -> None:
    from byodkim.artifacts.package import build_code_zip, upload_code

    del emulator
    s3 = boto3.client("s3")
    bucket = "aws-ses-migration-prod-artifacts-123456789012"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    code = build_code_zip(tmp_path / "code.zip")
    s3.put_object(Bucket=bucket, Key=code.s3_key, Body=b"PK planted: runs as the dkim-manager role")
    first = upload_code(s3, bucket, code)
    assert first.replaced
    pinned = s3.get_object(Bucket=bucket, Key=code.s3_key, VersionId=first.version)["Body"].read()
    assert pinned == code.path.read_bytes()
    # One step off: the right content at the key is used as it is, same version.
    assert upload_code(s3, bucket, code) == type(first)(code.s3_key, first.version, replaced=False)
    # Planted after the launch: the function's pinned version is still the checked one.
    s3.put_object(Bucket=bucket, Key=code.s3_key, Body=b"PK planted later")
    assert s3.get_object(Bucket=bucket, Key=code.s3_key, VersionId=first.version)["Body"].read() == pinned
    again = upload_code(s3, bucket, code)
    assert again.replaced
    assert again.version != first.version


def test_an_unversioned_bucket_gets_the_checked_code_unpinned(emulator: Emulator, tmp_path: Path) -> None:
    # A team's artifact bucket before the base stack adopts it: checked (a planted zip replaced), not pinned.
    from byodkim.artifacts.package import build_code_zip, upload_code

    del emulator
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="unversioned-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    code = build_code_zip(tmp_path / "code.zip")
    s3.put_object(Bucket="unversioned-bucket", Key=code.s3_key, Body=b"PK planted")
    uploaded = upload_code(s3, "unversioned-bucket", code)
    assert (uploaded.version, uploaded.replaced) == ("", True)
    body = s3.get_object(Bucket="unversioned-bucket", Key=code.s3_key)["Body"].read()
    assert body == code.path.read_bytes()
    assert upload_code(s3, "unversioned-bucket", code).replaced is False


def test_register_all_gives_every_new_secret_the_same_resource_policy(
    cli: Cli, emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_fleet import fleet_names, fleet_project

    del emulator
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 2, second_region=None)))
    result = cli("register", "--all")
    assert result.code == 0, result.out + result.err
    client = boto3.client("secretsmanager", region_name="ap-northeast-1")
    for domain in fleet_names(2):
        policy = json.loads(
            client.get_resource_policy(SecretId=f"byodkim/dkim/{domain}/gooid-21-pro-20250912-1")["ResourcePolicy"]
        )
        assert policy["Statement"][0]["Effect"] == "Deny", domain
        assert ROLE in policy["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
