"""The emulated SES answers as botocore's SESv2 model and AWS's documentation say SES does.

Every SESv2 operation byodkim uses is driven through the emulator and each raw answer (the
JSON on the wire, before botocore drops what it does not know) is held against the
operation's output shape: no member the model lacks, every required member, enums, types.
Errors are held against the operation's error shapes. A new field, a wrong enum or a
missing required member fails here, not in production.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from botocore.model import Shape

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, OpenSSLKeys

SEEN: list[tuple[str, int, dict[str, Any]]] = []


def _problems(shape: Shape, value: Any, where: str) -> list[str]:  # noqa: C901, PLR0912 - a JSON value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        members = shape.members  # type: ignore[attr-defined]
        found = [f"{where}.{k}: not in the model" for k in value if k not in members]
        found += [f"{where}.{k}: required, missing" for k in shape.metadata.get("required", []) if k not in value]
        for name, member in members.items():
            if name in value:
                found += _problems(member, value[name], f"{where}.{name}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, item in enumerate(value) for p in _problems(shape.member, item, f"{where}[{i}]")]  # type: ignore[attr-defined]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not a map"]
        return [p for k, v in value.items() for p in _problems(shape.value, v, f"{where}[{k}]")]  # type: ignore[attr-defined]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: {value!r} is not a string"]
        enum = shape.enum  # type: ignore[attr-defined]
        return [f"{where}: {value!r} not in {enum}"] if enum and value not in enum else []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if kind == "timestamp":  # rest-json: epoch seconds
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not epoch seconds"]
    return []


@pytest.fixture
def ses(emulator: Emulator) -> Any:
    """An SESv2 client whose every raw answer is kept in ``SEEN``."""
    client = boto3.client("sesv2")

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        body = json.loads(http_response.content or b"{}")
        SEEN.append((model.name, http_response.status_code, body))

    client.meta.events.register("after-call.sesv2", keep)
    SEEN.clear()
    return client


def _check_all() -> list[str]:
    model = boto3.client("sesv2").meta.service_model
    found = []
    for name, status, body in SEEN:
        operation = model.operation_model(name)
        if status < 300:
            if operation.output_shape is not None:
                found += _problems(operation.output_shape, body, name)
            continue
        code = str(body.get("__type") or body.get("code") or "").split("#")[-1].split(":")[0]
        if code not in {e.name for e in operation.error_shapes}:
            found.append(f"{name}: error {code!r} is not one of the operation's errors")
        if not (body.get("message") or body.get("Message")):
            found.append(f"{name}: error {code!r} has no message")
    return found


def _raises(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["Error"]["Code"] == code


def test_every_operation_byodkim_uses_answers_in_the_models_shapes(ses: Any, openssl_keys: OpenSSLKeys) -> None:
    key = openssl_keys.pkcs1_der_b64
    ses.create_configuration_set(ConfigurationSetName="cs")
    ses.get_configuration_set(ConfigurationSetName="cs")
    ses.create_email_identity(EmailIdentity="goo.ne.jp", ConfigurationSetName="cs", Tags=[{"Key": "k", "Value": "v"}])
    ses.create_email_identity(
        EmailIdentity="byo.goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": key},
    )
    ses.create_email_identity(EmailIdentity="someone@goo.ne.jp")
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s2", "DomainSigningPrivateKey": key},
    )
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=True)
    ses.put_email_identity_mail_from_attributes(EmailIdentity="goo.ne.jp", MailFromDomain="bounce.goo.ne.jp")
    for name in ("goo.ne.jp", "byo.goo.ne.jp", "someone@goo.ne.jp"):
        ses.get_email_identity(EmailIdentity=name)
    ses.list_email_identities()
    ses.list_email_identities(PageSize=1)
    arn = "arn:aws:ses:ap-northeast-1:123456789012:identity/goo.ne.jp"
    ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])
    ses.list_tags_for_resource(ResourceArn=arn)
    ses.untag_resource(ResourceArn=arn, TagKeys=["a"])
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="d",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": "arn:x"}},
    )
    ses.get_configuration_set_event_destinations(ConfigurationSetName="cs")
    ses.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="d")
    _raises("NotFoundException", ses.get_email_identity, EmailIdentity="nope.goo.ne.jp")
    _raises("AlreadyExistsException", ses.create_email_identity, EmailIdentity="goo.ne.jp")
    _raises(
        "BadRequestException",
        ses.put_email_identity_dkim_signing_attributes,
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "-bad-", "DomainSigningPrivateKey": key},
    )
    _raises("MessageRejected", ses.send_email, **_message("pending@byo.goo.ne.jp"))
    ses.delete_email_identity(EmailIdentity="byo.goo.ne.jp")
    ses.delete_configuration_set(ConfigurationSetName="cs")
    problems = _check_all()
    assert problems == [], "\n".join(problems)


def _message(sender: str) -> dict[str, Any]:
    return {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": ["to@example.net"]},
        "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
    }


def _dkim(ses: Any, name: str) -> dict[str, Any]:
    SEEN.clear()
    ses.get_email_identity(EmailIdentity=name)
    return dict(SEEN[-1][2])


def test_a_4096_bit_key_reports_no_length_outside_the_enum(ses: Any, openssl_keys: OpenSSLKeys) -> None:
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(openssl_keys["rsa4096.pem"].read_bytes(), password=None)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    key = base64.b64encode(der).decode()
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp", DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": key}
    )
    answer = _dkim(ses, "goo.ne.jp")
    assert answer["DkimAttributes"].get("CurrentSigningKeyLength") in (None, "RSA_1024_BIT", "RSA_2048_BIT")
    problems = _check_all()
    assert problems == [], "\n".join(problems)


def test_get_email_identity_carries_verification_info(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    info = _dkim(ses, "goo.ne.jp").get("VerificationInfo")
    assert info is not None
    assert isinstance(info.get("LastCheckedTimestamp"), (int, float))


def test_mail_from_attributes_carry_the_required_members(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    answer = _dkim(ses, "goo.ne.jp")["MailFromAttributes"]
    assert set(answer) >= {"MailFromDomain", "MailFromDomainStatus", "BehaviorOnMxFailure"}


def test_an_email_address_has_no_dkim_of_its_own(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity="someone@goo.ne.jp")
    dkim = _dkim(ses, "someone@goo.ne.jp")["DkimAttributes"]
    assert (dkim["Status"], dkim.get("Tokens", [])) == ("NOT_STARTED", [])
    _raises(
        "BadRequestException",
        ses.put_email_identity_dkim_signing_attributes,
        EmailIdentity="someone@goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": "QUJD"},
    )


def test_only_put_dkim_attributes_changes_signing_enabled(ses: Any, openssl_keys: OpenSSLKeys) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=False)
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": openssl_keys.pkcs1_der_b64},
    )
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["SigningEnabled"] is False
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=True)
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["SigningEnabled"] is True


def test_origins_and_key_lengths_as_the_enum_says(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    _raises(
        "BadRequestException",
        ses.put_email_identity_dkim_signing_attributes,
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="AWS_SES_NOWHERE_1",
    )
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp", SigningAttributesOrigin="AWS_SES_US_EAST_1"
    )
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["SigningAttributesOrigin"] == "AWS_SES_US_EAST_1"
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="AWS_SES",
        SigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"},
    )
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["NextSigningKeyLength"] == "RSA_1024_BIT"


def test_list_email_identities_pages(ses: Any) -> None:
    names = [f"d{i}.goo.ne.jp" for i in range(5)]
    for name in names:
        ses.create_email_identity(EmailIdentity=name)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = ses.list_email_identities(PageSize=2, **({"NextToken": token} if token else {}))
        assert len(page["EmailIdentities"]) <= 2
        seen += [i["IdentityName"] for i in page["EmailIdentities"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (sorted(seen), pages) == (sorted(names), 3)
    _raises("BadRequestException", ses.list_email_identities, NextToken="not-a-token")


def test_sending_from_an_unverified_identity_is_rejected(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")  # PENDING: no CNAMEs published
    _raises("MessageRejected", ses.send_email, **_message("info@goo.ne.jp"))
    _raises("MessageRejected", ses.send_email, **_message("info@nowhere.goo.ne.jp"))


def test_send_test_explains_an_unverified_sender_with_the_fix(ses: Any, cli: Cli) -> None:
    ses.create_email_identity(EmailIdentity="goo.ne.jp")  # new and PENDING: SES refuses, never sends
    sent = cli("send-test", "--domain", "goo.ne.jp", "--from", "dkim-check@goo.ne.jp", "--to", "a@example.net")
    assert sent.code == 1, sent.out
    assert sent.err.strip() == (
        "error: SES in ap-northeast-1 refused to send from dkim-check@goo.ne.jp: goo.ne.jp is not verified for "
        "sending there (MessageRejected); publish the DKIM record, wait until `byodkim status` shows SUCCESS, "
        "then send the test again"
    )


def test_failed_is_explained_in_ses_own_words(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    from byodkim.aws.ses import status
    from byodkim.aws.session import Aws
    from byodkim.function.health import SES_FAILED, condition_of

    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec], "dkim_window": 0.0})
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": openssl_keys.pkcs1_der_b64},
    )
    answer = _dkim(ses, "goo.ne.jp")
    assert (answer["DkimAttributes"]["Status"], answer["VerificationInfo"].get("ErrorType")) == (
        "FAILED",
        "HOST_NOT_FOUND",
    )
    [region] = status("goo.ne.jp", ("ap-northeast-1",), Aws())
    assert region.verification_error == "HOST_NOT_FOUND"
    assert condition_of(region, None) == (
        SES_FAILED,
        "SES stopped looking for the record (SES: HOST_NOT_FOUND, no record at the DKIM name)",
    )


def _verified_domain(ses: Any, emulator: Emulator, server: LocalNameServer, keys: OpenSSLKeys) -> None:
    from conftest import publish_record

    emulator.control("/_byodkim/config", {"dns_servers": [server.spec], "dkim_window": 3600.0})
    public = base64.b64encode(keys["public.der"].read_bytes()).decode()
    publish_record(server, "s1._domainkey.goo.ne.jp", f"v=DKIM1; k=rsa; p={public}")
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": keys.pkcs1_der_b64},
    )
    assert _dkim(ses, "goo.ne.jp")["VerifiedForSendingStatus"] is True


def _listed(ses: Any) -> dict[str, Any]:
    [found] = ses.list_email_identities()["EmailIdentities"]
    return dict(found)


def test_a_verified_domain_stays_usable_while_a_new_key_is_pending(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    _verified_domain(ses, emulator, goo_dns, openssl_keys)
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s2", "DomainSigningPrivateKey": openssl_keys.pkcs1_der_b64},
    )
    answer = _dkim(ses, "goo.ne.jp")
    assert answer["DkimAttributes"]["Status"] == "PENDING"
    assert (answer["VerifiedForSendingStatus"], answer["VerificationStatus"]) == (True, "SUCCESS")
    assert (_listed(ses)["SendingEnabled"], _listed(ses)["VerificationStatus"]) == (True, "SUCCESS")
    ses.send_email(**_message("info@goo.ne.jp"))  # sent, unsigned by the domain, as SES's guide says


def test_another_key_under_the_same_selector_is_pending_until_its_record_is_served(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    """One step off the new selector above: s1 again, another key; s1's record still holds the old one."""
    from byodkim.dkim import keys

    _verified_domain(ses, emulator, goo_dns, openssl_keys)
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["Status"] == "SUCCESS"
    other = keys.generate(2048)
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": other.ses_private_key()},
    )
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["Status"] == "PENDING"
    from conftest import publish_record

    publish_record(goo_dns, "s1._domainkey.goo.ne.jp", f"v=DKIM1; k=rsa; p={other.public.b64}")
    assert _dkim(ses, "goo.ne.jp")["DkimAttributes"]["Status"] == "SUCCESS"


def test_get_and_list_agree_in_temporary_failure(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    from conftest import remove_record

    _verified_domain(ses, emulator, goo_dns, openssl_keys)
    remove_record(goo_dns, "s1._domainkey.goo.ne.jp")
    answer = _dkim(ses, "goo.ne.jp")
    assert answer["DkimAttributes"]["Status"] == "TEMPORARY_FAILURE"
    listed = _listed(ses)
    assert (listed["SendingEnabled"], listed["VerificationStatus"]) == (
        answer["VerifiedForSendingStatus"],
        answer["VerificationStatus"],
    )


def test_reject_message_with_a_pending_mail_from_is_not_sent(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    _verified_domain(ses, emulator, goo_dns, openssl_keys)
    ses.put_email_identity_mail_from_attributes(
        EmailIdentity="goo.ne.jp", MailFromDomain="bounce.goo.ne.jp", BehaviorOnMxFailure="REJECT_MESSAGE"
    )
    _raises("MailFromDomainNotVerifiedException", ses.send_email, **_message("info@goo.ne.jp"))
    ses.put_email_identity_mail_from_attributes(
        EmailIdentity="goo.ne.jp", MailFromDomain="bounce.goo.ne.jp", BehaviorOnMxFailure="USE_DEFAULT_VALUE"
    )
    ses.send_email(**_message("info@goo.ne.jp"))  # one step off: the default MAIL FROM is used instead


_TEMPLATE = '{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}'


def test_change_sets_as_cloudformation_documents_them(emulator: Emulator) -> None:
    cfn = boto3.client("cloudformation")
    _raises("ChangeSetNotFound", cfn.describe_change_set, ChangeSetName="nope", StackName="s")
    _raises("ChangeSetNotFound", cfn.execute_change_set, ChangeSetName="nope", StackName="s")
    cfn.create_stack(StackName="s", TemplateBody=_TEMPLATE)
    more = _TEMPLATE.replace("}}}", '}, "U": {"Type": "AWS::SNS::Topic"}}}')
    created = cfn.create_change_set(StackName="s", ChangeSetName="more", TemplateBody=more)  # no type: UPDATE
    assert created["StackId"] == cfn.describe_stacks(StackName="s")["Stacks"][0]["StackId"]
    assert len(cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE", "REVIEW_IN_PROGRESS"])["StackSummaries"]) == 1
    cfn.execute_change_set(ChangeSetName=created["Id"])
    _raises("InvalidChangeSetStatus", cfn.execute_change_set, ChangeSetName=created["Id"])  # executed already


# CloudWatch User Guide, "How alarm state is evaluated when data is missing": its two tables, row
# by row (oldest datapoint first; 0 not breaching, X breaching, - missing), Period 5 minutes.
# "retain" is the state the alarm had. (DatapointsToAlarm, EvaluationPeriods) is (3, 3), then (2, 3).
_GUIDE_ROWS = [
    (3, "0-X-X", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    (3, "0----", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    (3, "-----", {"missing": "INSUFFICIENT_DATA", "ignore": "retain", "breaching": "ALARM", "notBreaching": "OK"}),
    (3, "0XX-X", {"missing": "ALARM", "ignore": "ALARM", "breaching": "ALARM", "notBreaching": "ALARM"}),
    (3, "----X", {"missing": "INSUFFICIENT_DATA", "ignore": "retain", "breaching": "ALARM", "notBreaching": "OK"}),
    (3, "X----", {"missing": "ALARM", "ignore": "retain", "breaching": "ALARM", "notBreaching": "OK"}),
    (2, "0-X-X", {"missing": "ALARM", "ignore": "ALARM", "breaching": "ALARM", "notBreaching": "ALARM"}),
    (2, "00X0X", {"missing": "ALARM", "ignore": "ALARM", "breaching": "ALARM", "notBreaching": "ALARM"}),
    (2, "0-X--", {"missing": "OK", "ignore": "OK", "breaching": "ALARM", "notBreaching": "OK"}),
    (2, "----0", {"missing": "OK", "ignore": "OK", "breaching": "ALARM", "notBreaching": "OK"}),
    (2, "----X", {"missing": "INSUFFICIENT_DATA", "ignore": "retain", "breaching": "ALARM", "notBreaching": "OK"}),
]


def test_alarms_judge_missing_data_over_the_evaluation_range_as_the_guide_tabulates(emulator: Emulator) -> None:
    """Every row of the guide's tables under every TreatMissingData, through the emulator's server.

    The data is sent first and the alarms made after it (CloudWatch counts datapoints from before
    an alarm existed); each starts INSUFFICIENT_DATA, and those the guide says keep their state
    are set to OK first, so "keeps it" cannot pass as INSUFFICIENT_DATA. Only states are
    compared: the reason's wording is CloudWatch's free text, which the emulator only imitates.
    """
    cloudwatch = boto3.client("cloudwatch")
    period = 300
    emulator.control("/_byodkim/clock", {"pause": True})
    try:
        for slot in range(5):  # each datapoint in the middle of its period
            emulator.control("/_byodkim/clock", {"advance": period / 2})
            data = [
                {
                    "MetricName": "M",
                    "Dimensions": [{"Name": "Row", "Value": str(row)}],
                    "Value": float(marks[slot] == "X"),
                }
                for row, (_, marks, _) in enumerate(_GUIDE_ROWS)
                if marks[slot] != "-"
            ]
            if data:
                cloudwatch.put_metric_data(Namespace="Guide", MetricData=data)  # type: ignore[arg-type]
            emulator.control("/_byodkim/clock", {"advance": period / 2})
        expected: dict[str, str] = {}
        retained: set[str] = set()
        for row, (to_alarm, marks, states) in enumerate(_GUIDE_ROWS):
            for treat, state in states.items():
                name = f"row{row}-{marks}-{treat}"
                cloudwatch.put_metric_alarm(
                    AlarmName=name, Namespace="Guide", MetricName="M", Dimensions=[{"Name": "Row", "Value": str(row)}],
                    Statistic="Maximum", Period=period, EvaluationPeriods=3, DatapointsToAlarm=to_alarm, Threshold=1.0,
                    ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData=treat,
                )  # fmt: skip
                if state == "retain":
                    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="the state it had")
                    retained.add(name)
                expected[name] = "OK" if state == "retain" else state
        created = {a["AlarmName"]: a["StateValue"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
        assert {v for k, v in created.items() if k not in retained} == {"INSUFFICIENT_DATA"}
        emulator.control("/_byodkim/clock", {"advance": 1})  # the first evaluation: still within the newest period
        found = {a["AlarmName"]: a["StateValue"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    finally:
        emulator.control("/_byodkim/clock", {"resume": True})
    wrong = {name: (found.get(name), state) for name, state in expected.items() if found.get(name) != state}
    assert wrong == {}, "\n".join(f"{n}: {got} (the guide: {want})" for n, (got, want) in wrong.items())


def test_a_new_alarm_is_insufficient_data_and_an_updated_one_keeps_its_state(emulator: Emulator) -> None:
    """CloudWatch API Reference, PutMetricAlarm: created INSUFFICIENT_DATA; an update leaves the state."""
    cloudwatch = boto3.client("cloudwatch")
    alarm: dict[str, Any] = {
        "AlarmName": "a", "Namespace": "N", "MetricName": "M", "Statistic": "Sum", "Period": 60,
        "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold",
    }  # fmt: skip
    emulator.control("/_byodkim/clock", {"pause": True})
    try:
        cloudwatch.put_metric_alarm(**alarm)
        assert cloudwatch.describe_alarms(AlarmNames=["a"])["MetricAlarms"][0]["StateValue"] == "INSUFFICIENT_DATA"
        cloudwatch.set_alarm_state(AlarmName="a", StateValue="ALARM", StateReason="test")
        cloudwatch.put_metric_alarm(**{**alarm, "Threshold": 2.0})
        assert cloudwatch.describe_alarms(AlarmNames=["a"])["MetricAlarms"][0]["StateValue"] == "ALARM"
    finally:
        emulator.control("/_byodkim/clock", {"resume": True})


def _to(recipient: str) -> dict[str, Any]:
    return {**_message("info@goo.ne.jp"), "Destination": {"ToAddresses": [recipient]}}


def test_get_account_says_whether_the_account_is_in_the_ses_sandbox(ses: Any, emulator: Emulator) -> None:
    assert ses.get_account()["ProductionAccessEnabled"] is True
    emulator.control("/_byodkim/config", {"ses_sandbox": True})
    answer = ses.get_account()
    assert (answer["ProductionAccessEnabled"], answer["SendQuota"]["Max24HourSend"]) == (False, 200.0)
    problems = _check_all()
    assert problems == [], "\n".join(problems)


def test_the_ses_sandbox_sends_only_to_verified_recipients(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    _verified_domain(ses, emulator, goo_dns, openssl_keys)
    ses.send_email(**_to("someone@example.net"))  # out of the sandbox: any recipient
    emulator.control("/_byodkim/config", {"ses_sandbox": True})
    with pytest.raises(ClientError) as caught:
        ses.send_email(**_to("someone@example.net"))
    assert caught.value.response["Error"]["Code"] == "MessageRejected"
    assert "someone@example.net" in caught.value.response["Error"]["Message"]  # SES names the identity that failed
    # One step off each way: a recipient at the verified domain, and SES's mailbox simulator, are sent to.
    ses.send_email(**_to("postmaster@goo.ne.jp"))
    ses.send_email(**_to("success@simulator.amazonses.com"))
    # An unverified sender is refused for itself first, whoever the recipient is.
    with pytest.raises(ClientError) as caught:
        ses.send_email(**{**_to("postmaster@goo.ne.jp"), "FromEmailAddress": "info@other.example"})
    assert "info@other.example" in caught.value.response["Error"]["Message"]
    problems = _check_all()
    assert problems == [], "\n".join(problems)


def _sandboxed_send_test(
    ses: Any, emulator: Emulator, server: LocalNameServer, keys: OpenSSLKeys, cli: Cli
) -> tuple[int, str]:
    _verified_domain(ses, emulator, server, keys)
    emulator.control("/_byodkim/config", {"ses_sandbox": True})
    sent = cli("send-test", "--domain", "goo.ne.jp", "--from", "dkim-check@goo.ne.jp", "--to", "a@example.net")
    return sent.code, sent.err.strip()


def test_send_test_explains_a_sandbox_recipient_with_the_fix(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys, cli: Cli
) -> None:
    assert _sandboxed_send_test(ses, emulator, goo_dns, openssl_keys, cli) == (
        1,
        (
            "error: SES in ap-northeast-1 refused to send to a@example.net: the account is in the SES sandbox, which "
            "sends only to verified addresses (MessageRejected); send to an address verified in SES or to "
            "success@simulator.amazonses.com, or request production access for the account"
        ),
    )


def test_send_test_explains_a_sandbox_recipient_in_japanese(
    ses: Any,
    emulator: Emulator,
    goo_dns: LocalNameServer,
    openssl_keys: OpenSSLKeys,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")  # an operator's Japanese terminal
    assert _sandboxed_send_test(ses, emulator, goo_dns, openssl_keys, cli) == (
        1,
        (
            "エラー: ap-northeast-1 の SES は a@example.net への送信を拒否しました: アカウントが SES サンドボックスにあり、"
            "検証済みのアドレスにしか送れません (MessageRejected)。SES で検証済みのアドレスか "
            "success@simulator.amazonses.com に送るか、アカウントの本番アクセスを申請してください"
        ),
    )


def test_verification_info_carries_the_zone_s_soa_record(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec], "dkim_window": 3600.0})
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": openssl_keys.pkcs1_der_b64},
    )
    ses.create_email_identity(EmailIdentity="mail.goo.ne.jp")  # below the apex: the same zone's SOA
    expected = {"PrimaryNameServer": "ns1.goo.ne.jp", "AdminEmail": "hostmaster@goo.ne.jp", "SerialNumber": 2026112801}
    for name in ("goo.ne.jp", "mail.goo.ne.jp"):
        assert _dkim(ses, name)["VerificationInfo"].get("SOARecord") == expected, name
    problems = _check_all()
    assert problems == [], "\n".join(problems)


def test_a_selector_tag_disagreeing_with_ses_tokens_is_a_finding_with_its_fix(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys, cli: Cli
) -> None:
    """SES's Tokens is the selector it signs with; the byodkim:selector tag is only a cross-check of it."""
    from byodkim.aws.ses import status
    from byodkim.aws.session import Aws
    from byodkim.function.health import HEALTHY, SELECTOR_TAG, condition_of

    _verified_domain(ses, emulator, goo_dns, openssl_keys)  # SES holds s1, SUCCESS
    arn = "arn:aws:ses:ap-northeast-1:123456789012:identity/goo.ne.jp"
    ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "byodkim:selector", "Value": "s0"}])
    [region] = status("goo.ne.jp", ("ap-northeast-1",), Aws())
    condition, detail = condition_of(region, (HEALTHY, "every server publishes the key"))
    assert condition == SELECTOR_TAG
    assert detail.startswith(
        "SES signs with s1 in ap-northeast-1 (its DkimAttributes.Tokens) but the identity's byodkim:selector tag "
        "says s0: the key was switched outside byodkim, or tagging it failed; find who switched it"
    )
    shown = cli("status", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec)
    assert f"{detail}" in shown.out, shown.out
    # One step off: the tag names the selector SES holds, and nothing is said.
    ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "byodkim:selector", "Value": "s1"}])
    [region] = status("goo.ne.jp", ("ap-northeast-1",), Aws())
    assert condition_of(region, (HEALTHY, "every server publishes the key"))[0] == HEALTHY
    assert "byodkim:selector" not in cli("status", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec).out


def test_verify_explains_failed_in_ses_own_words(
    ses: Any, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys, cli: Cli
) -> None:
    """`verify --ses` names VerificationInfo.ErrorType beside SES's FAILED, as the health check does."""
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec], "dkim_window": 0.0})
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": openssl_keys.pkcs1_der_b64},
    )
    args = ["verify", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", openssl_keys["public.pem"]]
    shown = cli(*args, "--ses", "--nameserver", goo_dns.spec)
    lines = shown.out.splitlines()
    failed = lines.index(
        "SES ap-northeast-1 gave up (FAILED): with the record live, run `byodkim register` again to restart verification"
    )
    assert lines[failed + 1] == "SES ap-northeast-1 says why: no record at the DKIM name (HOST_NOT_FOUND)"
    as_json = json.loads(cli(*args, "--ses", "--nameserver", goo_dns.spec, "-o", "json").out)
    assert as_json["ses_errors"] == {"ap-northeast-1": "HOST_NOT_FOUND"}


def test_send_test_explains_an_unverified_sender_in_japanese(
    ses: Any, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    ses.create_email_identity(EmailIdentity="goo.ne.jp")  # new and PENDING: SES refuses, never sends
    sent = cli("send-test", "--domain", "goo.ne.jp", "--from", "dkim-check@goo.ne.jp", "--to", "a@example.net")
    assert (sent.code, sent.err.strip()) == (
        1,
        (
            "エラー: ap-northeast-1 の SES は dkim-check@goo.ne.jp からの送信を拒否しました: goo.ne.jp はそこで送信用に"
            "検証されていません (MessageRejected)。DKIM レコードを公開し、byodkim status が SUCCESS になってから"
            "もう一度送ってください"
        ),
    )
