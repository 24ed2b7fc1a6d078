"""The emulator's own behaviour: what it adds to moto, over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_sesv2.type_defs import EventDestinationDefinitionTypeDef

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer


def test_configuration_set_event_destinations(emulator: Emulator) -> None:
    ses = boto3.client("sesv2")
    with pytest.raises(ClientError) as missing:
        ses.get_configuration_set_event_destinations(ConfigurationSetName="nope")
    assert missing.value.response["Error"]["Code"] == "NotFoundException"
    ses.create_configuration_set(ConfigurationSetName="cs")
    destination: EventDestinationDefinitionTypeDef = {
        "Enabled": True,
        "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
        "KinesisFirehoseDestination": {
            "IamRoleArn": "arn:aws:iam::123456789012:role/r",
            "DeliveryStreamArn": "arn:aws:firehose:ap-northeast-1:123456789012:deliverystream/s",
        },
    }
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="to-firehose", EventDestination=destination
    )
    got = ses.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"]
    assert got == [{"Name": "to-firehose", **destination}]
    with pytest.raises(ClientError) as twice:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="to-firehose", EventDestination=destination
        )
    assert twice.value.response["Error"]["Code"] == "AlreadyExistsException"
    ses.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="to-firehose")
    assert ses.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"] == []


def test_identity_lifecycle_and_errors(emulator: Emulator) -> None:
    ses = boto3.client("sesv2")
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    with pytest.raises(ClientError) as exists:
        ses.create_email_identity(EmailIdentity="goo.ne.jp")
    assert exists.value.response["Error"]["Code"] == "AlreadyExistsException"
    easy = ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (easy["SigningAttributesOrigin"], easy["Status"], len(easy["Tokens"])) == ("AWS_SES", "PENDING", 3)
    with pytest.raises(ClientError) as conflict:
        ses.put_email_identity_dkim_signing_attributes(
            EmailIdentity="goo.ne.jp",
            SigningAttributesOrigin="EXTERNAL",
            SigningAttributes={
                "DomainSigningSelector": "s1",
                "DomainSigningPrivateKey": "QUJD",
                "NextSigningKeyLength": "RSA_2048_BIT",
            },
        )
    assert "NextSigningKeyLength" in conflict.value.response["Error"]["Message"]
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=False)
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["SigningEnabled"] is False
    assert [i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]] == ["goo.ne.jp"]
    assert boto3.client("sesv2", region_name="us-east-1").list_email_identities()["EmailIdentities"] == []
    ses.delete_email_identity(EmailIdentity="goo.ne.jp")
    with pytest.raises(ClientError) as gone:
        ses.get_email_identity(EmailIdentity="goo.ne.jp")
    assert gone.value.response["Error"]["Code"] == "NotFoundException"


def test_easy_dkim_verifies_when_its_cnames_are_published(emulator: Emulator, goo_dns: LocalNameServer) -> None:
    from conftest import publish_easy_dkim

    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    ses = boto3.client("sesv2")
    tokens = ses.create_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Tokens"]
    publish_easy_dkim(goo_dns, "goo.ne.jp", tokens[:2])
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "PENDING"
    publish_easy_dkim(goo_dns, "goo.ne.jp", tokens[2:])
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "SUCCESS"


def test_whole_pem_base64_and_4096_are_accepted_and_never_verify(emulator: Emulator) -> None:
    import base64

    from byodkim.dkim import keys

    ses = boto3.client("sesv2")
    key = keys.generate()
    whole_pem = base64.b64encode(key.pkcs1_pem()).decode()
    ses.create_email_identity(
        EmailIdentity="a.goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": whole_pem},
    )
    formats = {i["name"]: i["key_format"] for i in emulator.control("/_byodkim/ses/identities")["identities"]}
    assert formats == {"a.goo.ne.jp": "base64 of a PEM file"}


def test_faults_count_down_and_match_by_region(emulator: Emulator) -> None:
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {
                    "service": "ses",
                    "operation": "ListEmailIdentities",
                    "region": "us-east-1",
                    "kind": "error",
                    "code": "Boom",
                    "count": 1,
                }
            ]
        },
    )
    ses_tokyo = boto3.client("sesv2")
    ses_virginia = boto3.client("sesv2", region_name="us-east-1")
    ses_tokyo.list_email_identities()  # another region: untouched
    with pytest.raises(ClientError) as caught:
        ses_virginia.list_email_identities()
    assert caught.value.response["Error"]["Code"] == "Boom"
    ses_virginia.list_email_identities()  # the fault answered once


def test_reset_forgets_identities_and_faults(emulator: Emulator) -> None:
    boto3.client("sesv2").create_email_identity(EmailIdentity="goo.ne.jp")
    emulator.control("/_byodkim/faults", {"faults": [{"kind": "5xx", "count": -1}]})
    emulator.reset()
    assert boto3.client("sesv2").list_email_identities()["EmailIdentities"] == []


def test_cli_prints_the_environment_and_stops_with_its_parent(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "byodkim", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,  # where it writes .byodkim/emulator.env, which a SIGKILL leaves behind
    )
    assert process.stdout is not None
    lines = [process.stdout.readline().strip() for _ in range(7)]
    assert lines[0] == "# the local AWS emulator is running; in another shell:"
    endpoint = lines[1].removeprefix("export AWS_ENDPOINT_URL=")
    assert endpoint.startswith("http://127.0.0.1:")
    assert "export AWS_REGION=ap-northeast-1" in lines
    urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10).close()  # noqa: S310 - it serves
    # The server is the CLI's child (started with --port 0, so its command line holds no real port).
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid), "-f", "byodkim.emulator.server"], capture_output=True, text=True, check=False
    )
    pids = [int(p) for p in children.stdout.split()]
    assert len(pids) == 1, f"expected one emulator server under the CLI, found {pids}"
    os.kill(process.pid, signal.SIGKILL)  # no cleanup at all: the server must still go
    process.wait()
    process.stdout.close()
    if process.stderr:
        process.stderr.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], f"emulator server outlived its parent: {pids}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:  # noqa: PTH123 - a zombie still answers kill(0)
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_the_log_names_a_refused_request_and_not_an_answered_one(emulator: Emulator) -> None:
    """No line per request (they named no operation), but a 4xx or 5xx keeps its method, path and status."""
    assert emulator.log_path is not None
    before = emulator.log_path.read_text(encoding="utf-8")
    boto3.client("sts").get_caller_identity()
    assert emulator.log_path.read_text(encoding="utf-8") == before
    url = f"{emulator.endpoint}/v2/email/identities"
    request = urllib.request.Request(url, data=b"{not json", method="POST")  # noqa: S310 - the emulator on loopback
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - the emulator on loopback
    deadline = time.monotonic() + 5
    while "/v2/email/identities" not in emulator.log_path.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    added = emulator.log_path.read_text(encoding="utf-8")[len(before) :]
    assert '"POST /v2/email/identities HTTP/1.1" 500' in added


def test_an_emulator_leaves_no_empty_log_of_its_own_and_keeps_one_it_was_given(tmp_path: Path) -> None:
    """Each emulator's temporary log stayed in /tmp (hundreds of empty files); one named by its caller is the caller's."""
    from byodkim.emulator import Emulator

    with Emulator() as own:
        made = own.log_path
        assert made is not None
        assert made.exists()
    assert not made.exists()
    given = tmp_path / "emulator.log"
    with Emulator(log_path=given):
        pass
    assert given.exists()


def test_a_fault_of_an_unknown_kind_is_refused_and_nothing_is_set(emulator: Emulator) -> None:
    """An unknown kind was accepted and then failed every matching call as a 400 the docs do not list."""
    emulator.control("/_byodkim/faults", {"faults": [{"service": "ses", "kind": "error", "code": "Boom", "count": -1}]})
    with pytest.raises(urllib.error.HTTPError) as refused:
        emulator.control("/_byodkim/faults", {"faults": [{"kind": "throttle"}, {"kind": "nonsense"}]})
    assert refused.value.code == 400
    assert "unknown fault kind nonsense: one of 5xx, delay, error, reset, throttle" in refused.value.read().decode()
    with pytest.raises(ClientError, match="Boom"):  # the faults set before are as they were
        boto3.client("sesv2").list_email_identities()


_EC2_CATALOGUE = """
import copy, json, pickle, sys
if sys.argv[1] == "deferred":
    from byodkim.emulator import moto_deferred
    moto_deferred.before_import()
import botocore.session
from moto.ec2.models import instance_types
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
from moto.ec2.models.spot_requests import INSTANCE_TYPE_OFFERINGS as seen_by_spot_requests
from moto.utilities import utils
assert seen_by_spot_requests is instance_types.INSTANCE_TYPE_OFFERINGS
assert botocore.session.Session.get_available_regions.__module__ == "botocore.session"  # put back after the import
assert utils.load_resource.__module__ == "moto.utilities.utils"
offerings = instance_types.INSTANCE_TYPE_OFFERINGS
print(json.dumps({
    "offerings": {location: {region: offerings[location][region] for region in offerings[location]} for location in offerings},
    "region_list": {location: sorted(offerings[location].keys()) for location in offerings},
    "missing": offerings["region"].get("nowhere-1", "absent"),
    "copied": copy.deepcopy(offerings) == offerings and pickle.loads(pickle.dumps(offerings)) == offerings,
    "types": instance_types.INSTANCE_TYPES,
    "regions": [[r.name, r.endpoint, r.opt_in_status] for r in RegionsAndZonesBackend.regions],
}, sort_keys=True))
"""


def test_ec2s_catalogue_read_when_used_is_the_one_moto_reads_at_import() -> None:
    """The emulator's start leaves EC2's instance-type offerings and its model unread; what EC2 later reads is the same."""
    read = [
        subprocess.run([sys.executable, "-c", _EC2_CATALOGUE, how], capture_output=True, text=True, check=True).stdout
        for how in ("at import", "deferred")
    ]
    assert read[0] == read[1]
    assert '"LocationType": "availability-zone"' in read[1]
    assert '"ap-northeast-1"' in read[1]
    assert '"cn-north-1"' in read[1]
    assert '"us-gov-west-1"' in read[1]


_OPENAPI = """
import json, sys
if sys.argv[1] == "deferred":
    from byodkim.emulator import moto_deferred
    moto_deferred.before_import()
import moto.cloudformation.parsing  # what the emulator's start imports
imported_at_start = "openapi_spec_validator" in sys.modules
from moto.apigateway.models import apigateway_backends
from moto.apigateway.exceptions import InvalidOpenAPIDocumentException
backend = apigateway_backends["123456789012"]["us-east-1"]
good = {"openapi": "3.0.0", "info": {"title": "t", "description": "d", "version": "1"}, "paths": {}}
bad = {"openapi": "3.0.0", "info": {"title": "t", "description": "d"}, "paths": {}}  # no version
said = []
for doc in (bad, good, bad):  # the first call imports the validator; the third is after it
    try:
        said.append(backend.import_rest_api(doc, fail_on_warnings=True).name)
    except InvalidOpenAPIDocumentException as e:
        said.append(type(e).__name__ + ": " + e.message[:60])
import openapi_spec_validator
print(json.dumps([imported_at_start, said, hasattr(openapi_spec_validator, "validate_spec")]))
"""


def test_the_openapi_validator_imported_at_first_use_judges_as_at_import() -> None:
    """The emulator's start leaves moto's OpenAPI validator unimported; API Gateway then judges documents the same."""
    plain, deferred = (
        json.loads(
            subprocess.run([sys.executable, "-c", _OPENAPI, how], capture_output=True, text=True, check=True).stdout
        )
        for how in ("at import", "deferred")
    )
    assert plain[0] is True
    assert deferred[0] is False  # not imported by the start
    assert deferred[1:] == plain[1:]
    assert plain[1][1] == "t"
    assert plain[1][0].startswith("InvalidOpenAPIDocumentException: ")


def test_the_kms_keys_a_test_starts_from_are_the_ones_createkey_and_createalias_make(emulator: Emulator) -> None:
    """The control endpoint tests/conftest.py makes its phase-1 key with gives what the two API calls give."""
    alias, description = "alias/one-made-both-ways", "made both ways"
    made = emulator.control(
        "/_byodkim/kms/keys", {"keys": [{"region": "us-east-1", "alias": alias, "description": description}]}
    )
    assert [c for c in emulator.control("/_byodkim/calls")["calls"] if c["service"] == "kms"] == []
    by_api = boto3.client("kms", region_name="ap-northeast-1")
    key_id = by_api.create_key(Description=description)["KeyMetadata"]["KeyId"]
    by_api.create_alias(AliasName=alias, TargetKeyId=key_id)
    seen = []
    for region, key in (("us-east-1", made["keys"][0]["key_id"]), ("ap-northeast-1", key_id)):
        kms = boto3.client("kms", region_name=region)
        metadata = kms.describe_key(KeyId=alias)["KeyMetadata"]
        assert metadata["KeyId"] == key
        policy = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
        aliases = [(a["AliasName"], a.get("TargetKeyId") == key) for a in kms.list_aliases(KeyId=key)["Aliases"]]
        ciphertext = kms.encrypt(KeyId=alias, Plaintext=b"secret")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=ciphertext)["Plaintext"] == b"secret"
        kept = {k: v for k, v in metadata.items() if k not in ("KeyId", "Arn", "CreationDate")}
        seen.append((kept, policy.replace(region, "REGION"), aliases))
    assert seen[0] == seen[1]


_LISTED = """
from moto.core import responses
from byodkim.emulator import moto_patches
moto_patches._response_methods_listed_once()
class Answers(responses.BaseResponse):
    def describe_things(self): return ""
first = responses.method_names_from_class(Answers)
Answers.create_thing = lambda self: ""  # a patch given after the first request
second = responses.method_names_from_class(Answers)
kept = second is responses.method_names_from_class(Answers)
del Answers.describe_things
Answers.delete_thing = lambda self: ""  # one method in another's place: as many names as before
third = responses.method_names_from_class(Answers)
print("describe_things" in first, "create_thing" in first, "create_thing" in second, kept)
print("describe_things" in third, "delete_thing" in third)
"""


def test_the_actions_a_response_class_answers_are_listed_again_when_it_gains_one() -> None:
    shown = subprocess.run([sys.executable, "-c", _LISTED], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["True", "False", "True", "True", "False", "True"]  # listed again once changed, then kept


_MODELS = """
import json
from moto.core import loaders, utils
from byodkim.emulator import moto_patches
made = []
plain = loaders.create_loader
def counted():
    made.append(1)
    return plain()
loaders.create_loader = counted
moto_patches._service_models_on_one_loader()
names = ("sqs", "ec2", "sesv2", "cloudformation", "sqs")  # sqs and ec2 carry moto-extras
patched = [json.dumps(utils.get_service_model(n)._shape_resolver._shape_map, sort_keys=True) for n in names]
patched += [json.dumps(utils.get_pagination_model("ses"), sort_keys=True)]  # paginators' extras
fresh = [json.dumps(plain().load_service_model(n, "service-2")["shapes"], sort_keys=True) for n in names]
fresh += [json.dumps(plain().load_service_model("ses", "paginators-1")["pagination"], sort_keys=True)]
print(len(made), patched == fresh)
"""


def test_moto_reads_every_service_model_through_one_loader_with_its_extras() -> None:
    """Speed only: one loader for every model moto reads, and each model the same as a fresh loader's."""
    shown = subprocess.run([sys.executable, "-c", _MODELS], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["1", "True"]


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        ({}, "give keys"),
        ({"keys": "alias/x"}, "give keys"),
        ({"keys": [{"alias": "alias/x"}]}, "region KMS has"),
        ({"keys": [{"region": "ap-nowhere-9", "alias": "alias/x"}]}, "region KMS has"),
        ({"keys": [{"region": "us-east-1", "alias": "x"}]}, "alias/ name"),
        ({"keys": [{"region": "us-east-1", "alias": "alias/aws/s3"}]}, "not alias/aws/"),
        ({"keys": [{"region": "us-east-1", "alias": "alias/a:b"}]}, "alias/ name"),
        ({"keys": [{"region": "us-east-1", "alias": "alias/鍵"}]}, "alias/ name"),
        ({"keys": [{"region": "us-east-1", "alias": "alias/" + "a" * 251}]}, "alias/ name"),
        ({"keys": [{"region": "us-east-1", "alias": "alias/ok", "description": {"a": 1}}]}, "description is text"),
        (
            {"keys": [{"region": "us-east-1", "alias": "alias/ok"}, {"region": "us-east-1", "alias": "alias/ok"}]},
            "taken",
        ),
        ([1, 2], "not a JSON object"),
        ("{bad", "not a JSON object"),
        (
            {"keys": [{"region": "us-east-1", "alias": "alias/ok"}, {"region": "us-east-1", "alias": "alias/"}]},
            "alias/ name",
        ),
        (
            {
                "keys": [
                    {"region": "us-east-1", "alias": "alias/ok"},
                    {"region": "ap-northeast-1", "alias": "alias/aws-ses-migration-prod-dkim-secrets"},
                ]
            },
            "is taken",
        ),
    ],
)
def test_kms_keys_asked_for_wrongly_are_refused_whole(
    emulator: Emulator, payload: dict[str, object], said: str
) -> None:
    """A bad item refuses the whole request, nothing made: the good item before it included."""
    url = emulator.endpoint + "/_byodkim/kms/keys"
    body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - ours
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - the emulator's own endpoint
    assert refused.value.code == 400
    assert said in json.loads(refused.value.read())["message"]
    aliases = boto3.client("kms", region_name="us-east-1").list_aliases()["Aliases"]
    assert "alias/ok" not in [a["AliasName"] for a in aliases]
