"""The private key's home: AWS Secrets Manager, so no laptop has to keep it.

The secret is JSON ``{"domain", "selector", "fingerprint", "privateKey"}`` where
``privateKey`` is the SES form (base64 PKCS#1 DER). A CloudFormation dynamic
reference or the Lambda reads ``SecretString:privateKey``; the tags say which key it
is without reading it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from byodkim.aws.errors import error_code
from byodkim.deployment import SECRET_PREFIX, TAG_DOMAIN, TAG_FINGERPRINT, TAG_SELECTOR
from byodkim.deployment import secret_id as default_secret_id
from byodkim.dkim import keys
from byodkim.dkim.keyload import from_ses_form, key_from_bytes
from byodkim.errors import AwsError, InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from datetime import datetime

    from mypy_boto3_kms import KMSClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

    from byodkim.dkim.keys import PublicKey, SigningKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredKey:
    """A key and where it is kept."""

    secret_id: str
    key: SigningKey
    created: bool  # this run stored it


def read_key(client: SecretsManagerClient, secret_id: str) -> SigningKey | None:
    """Return the key kept in ``secret_id``, ``None`` if there is no such secret."""
    try:
        value = client.get_secret_value(SecretId=secret_id)
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    text = value.get("SecretString")
    if text is None:
        raise InputError(say("secret.binary", secret=secret_id), say("secret.other"))
    try:
        data = json.loads(text)
        material = data["privateKey"] if isinstance(data, dict) else text
    except (ValueError, KeyError):
        material = text  # a secret holding only the key, in any form the loader reads
    if isinstance(data, dict) and "fingerprint" in data:  # stored by byodkim, which checked it then
        key = from_ses_form(str(material), validate=False)
        if key.public.fingerprint != data["fingerprint"]:
            raise AwsError(say("secret.not_its_fingerprint", secret=secret_id), say("secret.swapped_hint"))
        return key
    return key_from_bytes(str(material).encode(), f"secret `{secret_id}`")


def read_checked_key(client: SecretsManagerClient, secret_id: str) -> SigningKey | None:
    """Return the key in ``secret_id`` only if it is the one the secret's description names; None if absent.

    The description is written once, by register, with the public half. A value swapped in
    afterwards (PutSecretValue by someone else) no longer matches it and is refused, never
    used: the phases would otherwise publish and register an attacker's key.
    """
    key = read_key(client, secret_id)
    if key is None:
        return None
    described = _described_public(client, secret_id)
    if described is not None and described.fingerprint != key.public.fingerprint:
        raise AwsError(
            say(
                "secret.not_described",
                secret=secret_id,
                fingerprint=key.public.fingerprint,
                described=described.fingerprint,
            ),
            say("secret.swapped_hint"),
        )
    return key


def _described_public(client: SecretsManagerClient, secret_id: str) -> PublicKey | None:
    # None: stored before descriptions carried the key, nothing to compare with.
    return _public_in(client.describe_secret(SecretId=secret_id).get("Description", ""), secret_id)


def _public_in(description: str, secret_id: str) -> PublicKey | None:
    """Return the public key a secret's description carries (``public key p=...``); None where it carries none."""
    from byodkim.dkim.keyload import public_from_b64

    if _PUBLIC not in description:
        return None
    return public_from_b64(description.rsplit(_PUBLIC, 1)[1].strip(), f"the description of secret `{secret_id}`")


def reader_policy(readers: tuple[str, ...]) -> str:
    """Return the secret's resource policy: nobody but ``readers`` (ARN patterns) reads or changes it.

    A Deny in the secret's own policy holds against any identity policy, so an administrator
    role with secretsmanager:* in IAM does not read the key either.
    """
    statement = {
        "Sid": "OnlyTheKeyHolders",
        "Effect": "Deny",
        "Principal": "*",
        "Action": [
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecret",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:DeleteResourcePolicy",
            "secretsmanager:ReplicateSecretToRegions",
            "secretsmanager:DeleteSecret",
        ],
        "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": sorted(readers)}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def principal_patterns(caller_arn: str) -> tuple[str, ...]:
    """Return the IAM ARN patterns that name the caller of STS GetCallerIdentity in a policy condition.

    An assumed role (an SSO permission set too) is named by its role, whose path the session ARN
    drops: ``role/NAME`` and ``role/*/NAME`` both.
    """
    parts = caller_arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):  # noqa: PLR2004 - ARN fields
        name = parts[5].split("/")[1]
        base = f"arn:{parts[1]}:iam::{parts[4]}:role"
        return (f"{base}/{name}", f"{base}/*/{name}")
    return (caller_arn,)


@dataclass
class KeptKey:
    """A key in Secrets Manager known by its public half (the secret's description).

    The private half is read only when SES needs it, so a re-run over a fleet that is
    already registered reads no secret value (each read is a key read to the security stack).
    """

    client: SecretsManagerClient
    secret_id: str
    public: PublicKey
    _key: SigningKey | None = None

    def ses_private_key(self) -> str:
        """Return the key in SES form, read from the secret on first use and checked against the description."""
        if self._key is None:
            key = read_key(self.client, self.secret_id)
            if key is None:
                raise AwsError(say("secret.gone", secret=self.secret_id), say("secret.gone_hint"))
            if key.public.fingerprint != self.public.fingerprint:
                raise AwsError(
                    say("secret.changed", secret=self.secret_id),
                    say("secret.changed_hint"),
                )
            self._key = key
        return self._key.ses_private_key()


_PUBLIC = "public key p="


def describe_key(domain: str, selector: str, public: PublicKey) -> str:
    """Return the secret's description, which carries the public half (public by nature) in the clear.

    Whoever needs only the record (the Sceptre resolver, on every launch) reads it with
    DescribeSecret, never GetSecretValue, so the secret-read alarm stays for real reads.
    """
    return f"DKIM private key for {domain}, selector {selector} (byodkim); {_PUBLIC}{public.b64}"


def existing_kms_key(client: KMSClient, key_id: str) -> str | None:
    """Return the ARN of the KMS key ``key_id`` (an alias too) names, or None when there is none."""
    try:
        return str(client.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"])
    except Exception as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise


def read_public_key(client: SecretsManagerClient, secret_id: str) -> PublicKey | None:
    """Return the public key of the key in ``secret_id`` without reading the secret's value; ``None`` if absent.

    A secret stored before the description carried it is read (GetSecretValue) as before.
    """
    found = read_described(client, secret_id)
    return None if found is None else found.public


@dataclass(frozen=True)
class Described:
    """What one DescribeSecret tells of a stored key: its public half, and when the secret was made."""

    public: PublicKey | None
    created: datetime | None


def read_described(client: SecretsManagerClient, secret_id: str) -> Described | None:
    """Return the public key and the creation time of ``secret_id`` from one DescribeSecret; None if absent.

    One call for both: the health check needs the public key for the DNS comparison and the
    day for the key's age, for every domain every period.
    """
    try:
        described = client.describe_secret(SecretId=secret_id)
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    created = described.get("CreatedDate")
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    public = _public_in(described.get("Description", ""), secret_id)
    if public is not None:
        return Described(public, created)
    log.info("secret %s does not describe its public key; reading it (run byodkim register again to add it)", secret_id)
    key = read_key(client, secret_id)
    return Described(None if key is None else key.public, created)


def described_public_key(client: SecretsManagerClient, secret_id: str) -> PublicKey | None:
    """Return the public key the description of ``secret_id`` carries; ``None`` if no secret or no key there.

    Only DescribeSecret: a check that needs the public half never reads the value (each read
    is a key read to the security stack's alarm).
    """
    try:
        return _described_public(client, secret_id)
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def described_keys(client: SecretsManagerClient, prefix: str) -> dict[str, PublicKey]:
    """Return every secret under ``prefix`` whose description carries its public key: name -> key.

    One ListSecrets sweep (100 a page) instead of a DescribeSecret per domain, whose quota
    would pace a fleet; no secret value is read.
    """
    found: dict[str, PublicKey] = {}
    for page in client.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": [prefix.rstrip("/") + "/"]}], PaginationConfig={"PageSize": 100}
    ):
        for entry in page.get("SecretList", []):
            description, name = entry.get("Description", ""), entry.get("Name", "")
            public = _public_in(description, name) if name.startswith(prefix.rstrip("/") + "/") else None
            if public is not None:
                found[name] = public
    return found


def store_key(
    client: SecretsManagerClient,
    secret_id: str,
    key: SigningKey,
    domain: str,
    selector: str,
    kms_key_id: str | None = None,
    readers: tuple[str, ...] = (),
) -> StoredKey:
    """Keep ``key`` in ``secret_id``; an existing secret must already hold the same key.

    With ``readers``, the new secret's resource policy denies everyone else (see :func:`reader_policy`).
    """
    existing = read_key(client, secret_id)
    if existing is not None:
        if existing.public.fingerprint != key.public.fingerprint:
            raise InputError(
                say("secret.different", secret=secret_id, fingerprint=existing.public.fingerprint),
                say("secret.different_hint"),
            )
        return StoredKey(secret_id, existing, created=False)
    body = json.dumps(
        {
            "domain": domain,
            "selector": selector,
            "fingerprint": key.public.fingerprint,
            "privateKey": key.ses_private_key(),
        }
    )
    args: dict[str, Any] = {
        "Name": secret_id,
        "Description": describe_key(domain, selector, key.public),
        "SecretString": body,
        "Tags": [
            {"Key": TAG_DOMAIN, "Value": domain},
            {"Key": TAG_SELECTOR, "Value": selector},
            {"Key": TAG_FINGERPRINT, "Value": key.public.fingerprint},
        ],
    }
    if kms_key_id:
        args["KmsKeyId"] = kms_key_id
    try:
        client.create_secret(**args)
    except Exception as exc:
        if error_code(exc) == "ResourceExistsException":  # created between our read and write: use what is there
            raced = read_key(client, secret_id)
            if raced is not None and raced.public.fingerprint == key.public.fingerprint:
                return StoredKey(secret_id, raced, created=False)
            raise AwsError(say("secret.raced", secret=secret_id), say("secret.run_again")) from None
        raise
    if readers:
        client.put_resource_policy(SecretId=secret_id, ResourcePolicy=reader_policy(readers), BlockPublicPolicy=True)
    return StoredKey(secret_id, key, created=True)


@dataclass(frozen=True)
class KeySource:
    """Where register gets its key, decided before anything changes."""

    key: SigningKey
    secret_id: str
    action: str  # "stored" | "already stored" | "read from secret" | "would store"
    generated: bool
    kms_key_id: str | None = None  # the key a new secret is (or would be) encrypted with


def obtain_key(
    client: SecretsManagerClient,
    *,
    domain: str,
    selector: str,
    given: SigningKey | None,
    secret_id: str | None,
    kms_key_id: str | None,
    dry_run: bool,
    readers: tuple[str, ...] = (),
    prefix: str = SECRET_PREFIX,
) -> KeySource:
    """Return the key to register: from the file, from the secret, or new; stored unless ``dry_run``.

    Without a key file, an existing secret for this domain and selector is reused, so a
    re-run (or a run after a crash between storing and registering) registers the same key.
    """
    target = secret_id or default_secret_id(domain, selector, prefix)  # the deployment's secret_prefix
    if given is None:
        stored = read_key(client, target)
        if stored is not None:
            return KeySource(stored, target, "read from secret", generated=False)
        if secret_id is not None:
            raise InputError(say("secret.missing", secret=secret_id), say("secret.missing_hint"))
        given, generated = keys.generate(), True
    else:
        generated = False
    if dry_run:
        existing = read_key(client, target)
        if existing is not None and existing.public.fingerprint != given.public.fingerprint:
            raise InputError(
                say("secret.different", secret=target, fingerprint=existing.public.fingerprint),
                say("secret.different_hint"),
            )
        action = "already stored" if existing else "would store"
        return KeySource(given, target, action, generated=generated, kms_key_id=kms_key_id)
    stored_key = store_key(client, target, given, domain, selector, kms_key_id, readers)
    action = "stored" if stored_key.created else "already stored"
    return KeySource(stored_key.key, target, action, generated=generated, kms_key_id=kms_key_id)
