"""The dkim-manager role allows every AWS call its scheduled rotation makes (the emulator enforces no IAM).

Full ticks run against the emulator; each call it logged (``/_byodkim/calls``) becomes (action,
resource ARN, context) and is asked of the role's policies as the templates render them: phase 1's
``dkim-manager`` inline policy and phase 2's ``scheduled-rotation*`` policies. A call this file
cannot map fails the test (deny by default), so a new call cannot slip past unasked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws import secrets as secretstore
from byodkim.aws.cfntemplate import load, pseudo_parameters, resolve, resource_refs, unresolved, with_defaults
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from conftest import Cli, publish_record
from iam_eval import allowed
from test_schedule import BUCKET, NEW, OLD, REGIONS, _function_env, _handler, at, publish_new, tick, world  # noqa: F401 - a fixture

if TYPE_CHECKING:
    from byodkim.emulator import Emulator

ACCOUNT = "123456789012"
HOME = REGIONS[0]
TEMPLATES = Path(__file__).resolve().parents[1] / "sceptre" / "templates"
PARAMETERS = {
    "ProjectName": "aws-ses-migration",
    "Environment": "prod",
    "DomainName": "goo.ne.jp",
    "SecretPrefix": "byodkim/dkim",
    "CertificatesBucketName": BUCKET,  # phase 1's output, as phase 2's stack config passes it
}
# Calls that IAM does not authorize (GetCallerIdentity needs no permission).
UNAUTHORIZED = {("sts", "GetCallerIdentity")}
Request = tuple[str, str, dict[str, Any]]


def _key(alias: str) -> str:
    """Return the ARN of the emulator's key behind ``alias`` (a stand-in ARN when there is none)."""
    try:
        return str(boto3.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"])
    except Exception:  # noqa: BLE001 - no such alias in this world: no call can name the key either
        return f"arn:aws:kms:{HOME}:{ACCOUNT}:key/00000000-0000-0000-0000-{alias[-12:]:0>12}"


def role_policy(hosted_zone_id: str = "") -> dict[str, Any]:
    """Return the function role's statements, as phase 1 and phase 2 render them for prod in HOME."""
    pseudo = pseudo_parameters("aws-ses-migration-prod-phase-1", HOME, ACCOUNT)
    statements: list[dict[str, Any]] = []
    for name, wanted in (("phase-1-infrastructure-foundation", ("DkimManagerRole",)), ("phase-2-dkim-system", None)):
        template = load((TEMPLATES / f"{name}.yaml").read_text(encoding="utf-8"))
        given = {**PARAMETERS, "HostedZoneId": hosted_zone_id} if name.startswith("phase-2") else PARAMETERS
        parameters = with_defaults(template, {k: v for k, v in given.items() if k in template["Parameters"]})
        refs = {
            **resource_refs(template, parameters, pseudo),
            "KmsKey.Arn": _key("alias/aws-ses-migration-prod-dkim"),
            "SecretsKmsKey.Arn": _key("alias/aws-ses-migration-prod-dkim-secrets"),
        }
        for logical, resource in template["Resources"].items():
            if wanted is not None and logical not in wanted:
                continue
            if resource.get("Condition") == "InRoute53" and not hosted_zone_id:
                continue
            properties = resource["Properties"]
            if resource["Type"] == "AWS::IAM::Role":
                documents = [p["PolicyDocument"] for p in properties["Policies"] if p["PolicyName"] == "dkim-manager"]
            elif resource["Type"] == "AWS::IAM::Policy" and str(properties["PolicyName"]).startswith(
                "scheduled-rotation"
            ):
                documents = [properties["PolicyDocument"]]
            else:
                continue
            for document in documents:
                statements += resolve(document, parameters, pseudo, refs)["Statement"]
    assert not unresolved(statements)  # every Ref, Sub and GetAtt resolved
    return {"Version": "2012-10-17", "Statement": statements}


def _key_context(key_id: str, region: str) -> tuple[str, dict[str, Any]]:
    kms = boto3.client("kms", region_name=region)
    arn = str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"])
    aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=arn)["Aliases"]]
    return arn, {"kms:ResourceAliases": aliases}


def _secret(call: dict[str, str]) -> tuple[str, str]:
    name = call.get("SecretId") or call.get("Name") or ""
    if name.startswith("arn:"):
        return name, name.split(":secret:", 1)[1].rsplit("-", 1)[0]
    return f"arn:aws:secretsmanager:{call['region']}:{ACCOUNT}:secret:{name}-AbCdEf", name


def _secretsmanager(call: dict[str, str]) -> list[Request]:
    """The call on the secret, and the KMS use Secrets Manager makes for it on the caller's behalf."""
    operation, region = call["operation"], call["region"]
    if operation == "ListSecrets":
        return [("secretsmanager:ListSecrets", "*", {})]
    arn, name = _secret(call)
    context = {"secretsmanager:BlockPublicPolicy": call["BlockPublicPolicy"]} if "BlockPublicPolicy" in call else {}
    asked: list[Request] = [(f"secretsmanager:{operation}", arn, context)]
    implied = {"CreateSecret": "kms:GenerateDataKey", "PutSecretValue": "kms:GenerateDataKey"}
    implied["GetSecretValue"] = "kms:Decrypt"
    if operation in implied:
        described = boto3.client("secretsmanager", region_name=region).describe_secret(SecretId=name)
        key_arn, context = _key_context(described.get("KmsKeyId", "alias/aws/secretsmanager"), region)
        context["kms:ViaService"] = f"secretsmanager.{region}.amazonaws.com"
        asked.append((implied[operation], key_arn, context))
    return asked


def _s3(call: dict[str, str]) -> list[Request]:
    bucket, _, key = call["path"].lstrip("/").partition("/")
    if not key:
        listed = {"GET": "s3:ListBucket", "HEAD": "s3:ListBucket"}[call["method"]]
        return [(listed, f"arn:aws:s3:::{bucket}", {})]
    action = {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject", "DELETE": "s3:DeleteObject"}
    return [(action[call["method"]], f"arn:aws:s3:::{bucket}/{key}", {})]


def _route53(call: dict[str, str]) -> list[Request]:
    path = call["path"].removeprefix("/2013-04-01/")
    if path.startswith("change/"):
        return [("route53:GetChange", f"arn:aws:route53:::{path}", {})]
    zone = re.fullmatch(r"hostedzone/([A-Z0-9]+)/rrset/?", path)
    assert zone is not None, f"no ARN mapping for route53 {call['method']} {call['path']}"
    arn = f"arn:aws:route53:::hostedzone/{zone.group(1)}"
    if call["method"] == "GET":
        return [("route53:ListResourceRecordSets", arn, {})]
    names = [n.rstrip(".").lower() for n in json.loads(call["RecordNames"])]
    context = {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": names,
        "route53:ChangeResourceRecordSetsRecordTypes": json.loads(call["RecordTypes"]),
    }
    return [("route53:ChangeResourceRecordSets", arn, context)]


def _ses(call: dict[str, str]) -> list[Request]:
    operation, region = call["operation"], call["region"]
    if operation == "TagResource":
        identity = re.match(r".*:identity/(.+)", call["ResourceArn"])
    else:
        identity = re.match(r"/v2/email/identities/([^/]+)", call["path"])
    assert identity is not None, f"no ARN mapping for ses {operation} {call['path']}"
    # The identity's tags as IAM sees them (aws:ResourceTag), read back from the emulator.
    tags = boto3.client("sesv2", region_name=region).get_email_identity(EmailIdentity=identity.group(1))["Tags"]
    context = {f"aws:ResourceTag/{t['Key']}": t["Value"] for t in tags}
    return [(f"ses:{operation}", f"arn:aws:ses:{region}:{ACCOUNT}:identity/{identity.group(1)}", context)]


_BY_SERVICE = {"secretsmanager": _secretsmanager, "s3": _s3, "route53": _route53, "ses": _ses}


def requests(call: dict[str, str]) -> list[Request]:
    """Return what IAM is asked for ``call``; fail on a call with no mapping (deny by default)."""
    service, operation, region = call["service"], call["operation"], call["region"]
    where = f"{region}:{ACCOUNT}"
    if (service, operation) in UNAUTHORIZED:
        return []
    if service in _BY_SERVICE:
        return _BY_SERVICE[service](call)
    if service == "ssm" and "Name" in call:
        return [(f"ssm:{operation}", f"arn:aws:ssm:{where}:parameter{call['Name']}", {})]
    if service == "ssm" and "Names" in call:  # GetParameters: IAM asks for each parameter named
        names = json.loads(call["Names"]) if call["Names"].startswith("[") else [call["Names"]]
        return [(f"ssm:{operation}", f"arn:aws:ssm:{where}:parameter{name}", {}) for name in names]
    if service == "sns" and operation == "Publish":
        return [("sns:Publish", call["TopicArn"], {})]
    if service == "kms" and "KeyId" in call:
        arn, context = _key_context(call["KeyId"], region)
        return [(f"kms:{operation}", arn, context)]
    if service == "events" and "Name" in call:
        return [(f"events:{operation}", f"arn:aws:events:{where}:rule/{call['Name']}", {})]
    if service == "monitoring" and operation == "PutMetricData":
        return [("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": call["Namespace"]})]
    pytest.fail(f"no ARN mapping for {service} {operation} ({call}): add one, then ask IAM about it")


def boundary(hosted_zone_id: str = "") -> dict[str, Any]:
    """Return the permissions boundary the role carries when the config names one (byodkim iam-policy)."""
    from dataclasses import replace

    from byodkim.aws.iampolicy import policy
    from byodkim.deployment import Deployment

    target = replace(Deployment.from_names("aws-ses-migration", "prod"), hosted_zone_id=hosted_zone_id)
    return policy("boundary", target, "goo.ne.jp", HOME, ACCOUNT)


def refused(emulator: Emulator, since: int, policy: dict[str, Any], hosted_zone_id: str = "") -> list[Request]:
    """Return every request the calls logged after ``since`` make that ``policy`` or the boundary does not allow."""
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    assert calls, "the tick made no AWS call: nothing was checked"
    limit = boundary(hosted_zone_id)
    return [
        r
        for call in calls
        for r in requests(call)
        if not (allowed(policy, r[0], r[1], **r[2]) and allowed(limit, r[0], r[1], **r[2]))
    ]


def calls_so_far(emulator: Emulator) -> int:
    return len(emulator.control("/_byodkim/calls")["calls"])


def test_every_call_of_the_functions_rotation_in_two_regions_is_allowed(
    world: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _function_env(world, monkeypatch)
    handler = _handler()  # the function's own door: its secrets get the reader policy (PutResourcePolicy)
    emulator, policy = world["emulator"], role_policy()
    found = {}
    for day, step in (("2026-02-25", "requested"), ("2026-03-11", "verified"), ("2026-03-18", "idle")):
        if step == "verified":
            publish_new(world["dns"])
        since = calls_so_far(emulator)
        done = handler({"action": "rotation", "time": f"{day}T09:00:00Z"}, None)
        assert done["ok"] is True, done
        assert done["domains"][0]["step"] == step, done
        found[day] = refused(emulator, since, policy)
    assert found == {day: [] for day in found}  # lead tick, due tick (switch in both regions), retire tick


def test_every_call_of_a_fanned_out_health_batch_is_allowed(
    world: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A queued batch (function/fanout.py) reads its domains' memory at once and describes each key once."""
    _function_env(world, monkeypatch)
    handler = _handler()
    emulator, policy = world["emulator"], role_policy()
    body = {
        "v": 1, "period": 3, "at": 1_780_000_000.0, "cycle": 2, "batchReads": 2,
        "domains": [{"domain": "goo.ne.jp", "selector": OLD, "regions": list(REGIONS), "full": True, "listed": {}}],
    }  # fmt: skip
    record = {"eventSource": "aws:sqs", "messageId": "m1", "body": json.dumps(body)}
    since = calls_so_far(emulator)
    done = handler({"Records": [record]}, None)
    assert done["batchItemFailures"] == [], done
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    made = [(c["service"], c["operation"]) for c in calls]
    assert made.count(("ssm", "GetParameters")) == 1
    assert ("ssm", "GetParameter") not in made  # the batch's one read, not a call per domain
    assert made.count(("secretsmanager", "DescribeSecret")) == 1  # the DNS check's and the key age's, one call
    assert refused(emulator, since, policy) == []


def test_in_a_route53_zone_every_call_is_allowed(world: dict[str, Any]) -> None:  # noqa: F811
    from dataclasses import replace

    emulator = world["emulator"]
    zone = boto3.client("route53").create_hosted_zone(Name="goo.ne.jp", CallerReference="role-test")["HostedZone"]
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    rotation = world["rotation"]
    world["rotation"] = replace(rotation, config=replace(rotation.config, hosted_zone_id=zone_id))
    policy = role_policy(zone_id)
    found = {}
    for day in ("2026-02-25", "2026-03-11", "2026-03-18"):
        since = calls_so_far(emulator)
        tick(world, at(day))
        found[day] = refused(emulator, since, policy, zone_id)
    assert found == {day: [] for day in found}


SECRET = f"arn:aws:secretsmanager:{HOME}:{ACCOUNT}:secret:byodkim/dkim/goo.ne.jp/{NEW}-AbCdEf"
ZONE = "arn:aws:route53:::hostedzone/Z0ROLETEST"
PUBLIC_BLOCKED = {"secretsmanager:BlockPublicPolicy": "true"}


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        ("secretsmanager:CreateSecret", SECRET.replace("byodkim/dkim/", "other/dkim/"), {}),  # another prefix
        ("secretsmanager:PutResourcePolicy", SECRET.replace("byodkim/dkim/", "other/dkim/"), PUBLIC_BLOCKED),
        ("secretsmanager:PutResourcePolicy", SECRET, {}),  # without blocking a public policy
        ("secretsmanager:PutResourcePolicy", SECRET, {"secretsmanager:BlockPublicPolicy": "false"}),
        ("secretsmanager:GetSecretValue", SECRET.replace("byodkim/dkim/", "other/dkim/"), {}),
        ("secretsmanager:DeleteSecret", SECRET, {}),  # old keys are kept, never deleted
        (
            "route53:ChangeResourceRecordSets",
            "arn:aws:route53:::hostedzone/Z0OTHERZONE",  # another zone
            {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [f"{NEW}._domainkey.goo.ne.jp"],
                "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
            },
        ),
        (
            "route53:ChangeResourceRecordSets",
            ZONE,  # the zone, but its MX
            {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["goo.ne.jp"],
                "route53:ChangeResourceRecordSetsRecordTypes": ["MX"],
            },
        ),
        (
            "route53:ChangeResourceRecordSets",
            ZONE,  # a DKIM record and, in the same batch, another name
            {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [f"{NEW}._domainkey.goo.ne.jp", "goo.ne.jp"],
                "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
            },
        ),
        ("ses:PutEmailIdentityDkimSigningAttributes", f"arn:aws:ses:{HOME}:{ACCOUNT}:identity/payroll.example", {}),
        ("ses:DeleteEmailIdentity", f"arn:aws:ses:{HOME}:{ACCOUNT}:identity/goo.ne.jp", {}),
        (  # an identity of the account that byodkim never registered (no byodkim:selector tag)
            "ses:PutEmailIdentityDkimSigningAttributes",
            f"arn:aws:ses:{HOME}:{ACCOUNT}:identity/payroll.example",
            {"aws:ResourceTag/team": "payroll"},
        ),
        ("s3:PutObject", "arn:aws:s3:::aws-ses-migration-prod-dkim-certificates/fleet/manifest.json", {}),
    ],
    ids=lambda v: v if isinstance(v, str) and ":" in v and "/" not in v else None,
)
def test_one_step_off_the_same_evaluator_refuses(action: str, resource: str, context: dict[str, Any]) -> None:
    assert not allowed(role_policy("Z0ROLETEST"), action, resource, **context)
    if "other/" in resource:  # the guard is not a blanket Deny: on the prefix, the same request passes
        assert allowed(role_policy("Z0ROLETEST"), action, SECRET, **context)


def test_a_second_declared_domain_rotates_under_the_same_role(
    world: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
    tmp_path: Path,
) -> None:
    """The function ticks every declared domain (the fleet manifest), not only its DomainName."""
    second = "mail.goo.ne.jp"  # a subdomain, so goo.ne.jp's BIND serves its records too
    key = keys.generate()
    folder = tmp_path / second
    folder.mkdir()
    keys.write_key_files(folder, OLD, key)
    publish_record(world["dns"], f"{OLD}._domainkey.{second}", DkimRecord(second, OLD, key.public.b64).value)
    registered = cli(
        "register", "--domain", second, "--selector", OLD, "--key-file", folder / f"{OLD}.private.pem",
        "--region", REGIONS[0], "--region", REGIONS[1],
    )  # fmt: skip
    assert registered.code == 0, registered.err
    manifest = [{"domain": d, "selector": OLD, "regions": list(REGIONS)} for d in ("goo.ne.jp", second)]
    boto3.client("s3").put_object(Bucket=BUCKET, Key="fleet/role-test.json", Body=json.dumps(manifest).encode())
    _function_env(world, monkeypatch)
    monkeypatch.setenv("FLEET_MANIFEST_KEY", "fleet/role-test.json")
    handler = _handler()
    emulator, policy = world["emulator"], role_policy()
    found = {}
    for day, step in (("2026-02-25", "requested"), ("2026-03-11", "verified"), ("2026-03-18", "idle")):
        if step == "verified":
            publish_new(world["dns"])
            stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/{second}/{NEW}")
            assert stored is not None
            record = DkimRecord(second, NEW, stored.public.b64)
            publish_record(world["dns"], record.name, record.value)
        since = calls_so_far(emulator)
        done = handler({"action": "rotation", "time": f"{day}T09:00:00Z"}, None)
        assert [(d["domain"], d["step"]) for d in done["domains"]] == [("goo.ne.jp", step), (second, step)], done
        found[day] = refused(emulator, since, policy)
    assert found == {day: [] for day in found}
