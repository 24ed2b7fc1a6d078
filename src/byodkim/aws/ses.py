"""SES identities per region: BYODKIM registration (create, update or leave alone), status, rollback.

Each region is attempted; a failure in one is reported and the others go on, so a
re-run converges. The key SES receives is always the PKCS#1 form from ``keys``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from byodkim.aws.errors import describe, error_code, keyed
from byodkim.aws.pacing import Late
from byodkim.deployment import TAG_FINGERPRINT, TAG_SELECTOR
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sesv2.type_defs import (
        DkimAttributesTypeDef,
        DkimSigningAttributesTypeDef,
        GetEmailIdentityResponseTypeDef,
        TagTypeDef,
    )

    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import PublicKey
    from byodkim.messages import Said

log = logging.getLogger(__name__)

LiveCheck = Callable[[], tuple[bool, str]]  # (live on every authoritative server, what was seen)


@dataclass
class RegionResult:
    """What happened in one region."""

    region: str
    action: str  # created | updated | already registered | refused | failed | would create | would update | ...
    ok: bool
    status: str | None = None
    detail: str = ""
    calls: list[str] = field(default_factory=list)
    previous: str | None = None  # the EXTERNAL selector SES held before this switch, if any

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


class KeyMaterial(Protocol):
    """A key SES can be given: its public half, and its SES form on demand (a SigningKey, or a KeptKey)."""

    @property
    def public(self) -> PublicKey:
        """Return the public half."""
        ...

    def ses_private_key(self) -> str:
        """Return DomainSigningPrivateKey: base64 PKCS#1 DER."""
        ...


@dataclass(frozen=True)
class Registration:
    """What to register where."""

    domain: str
    selector: str
    key: KeyMaterial
    regions: tuple[str, ...]
    dry_run: bool = False
    force: bool = False
    # Check the record before every attempt of the switch and after it, whatever SES signs with
    # now (rotate, the Lambda's phase 7); otherwise only when the identity signs now (the guard).
    require_live: bool = False


SWITCHES = frozenset({"PutEmailIdentityDkimSigningAttributes", "CreateEmailIdentity"})
AFTER_SWITCH = frozenset({"GetEmailIdentity", "TagResource"})  # the calls that follow a switch, also guarded
UNPUBLISHED = "switched to an unpublished key"  # the action of a region SES was switched in, record gone
RECORD_WENT = frozenset({"refused", UNPUBLISHED})  # the guard found the record not live in that region


class RecordNotLiveError(ByodkimError):
    """The precondition of a switch failed at the moment of an attempt: nothing was sent to SES."""

    def __init__(self, message: str, seen: str) -> None:
        super().__init__(message)
        self.seen = seen  # what the DNS check saw


def _require_live(live_check: LiveCheck, selector: str) -> Callable[[], None]:
    def check() -> None:
        live, seen = live_check()
        if not live:
            raise RecordNotLiveError(say("ses.not_live_at_switch", selector=selector, seen=seen), seen)

    return check


NOT_SWITCHED = "not switched"  # a region left alone because the record went in a region before it


def register(request: Registration, aws: Aws, live_check: LiveCheck | None = None) -> list[RegionResult]:
    """Register the key in every region; never raises for one region's failure.

    Once the record is found gone in one region (refused at an attempt, or gone as the switch
    landed), the regions after it are not switched: SES there stays on the key it has, whose
    record the caller need not check again (see :func:`byodkim.function.switch_back.undo_unpublished`).
    """
    results: list[RegionResult] = []
    for region in request.regions:
        gone = next((r for r in results if r.action in RECORD_WENT), None)
        if gone is not None and live_check is not None and not request.dry_run:
            detail = say("ses.not_attempted", selector=request.selector, region=gone.region)
            results.append(RegionResult(region, NOT_SWITCHED, ok=False, detail=detail))
            continue
        try:
            results.append(_register_region(request, aws, region, live_check))
        except ByodkimError as exc:
            results.append(RegionResult(region, "failed", ok=False, detail=keyed(exc)))
        except Exception as exc:  # noqa: BLE001 - one region's AWS error must not stop the others
            results.append(RegionResult(region, "failed", ok=False, detail=describe(exc)))
    return results


def identity_state(client: SESV2Client, domain: str) -> GetEmailIdentityResponseTypeDef | None:
    """Return GetEmailIdentity's answer, ``None`` when there is no identity."""
    try:
        return client.get_email_identity(EmailIdentity=domain)
    except Exception as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise


def _register_region(request: Registration, aws: Aws, region: str, live_check: LiveCheck | None) -> RegionResult:
    client = aws.client("sesv2", region)
    state = identity_state(client, request.domain)
    tags: list[TagTypeDef] = [
        {"Key": TAG_SELECTOR, "Value": request.selector},
        {"Key": TAG_FINGERPRINT, "Value": request.key.public.fingerprint},
    ]
    guarded = live_check is not None and request.require_live
    if state is None:
        return _create(client, request, region, tags, live_check if guarded else None)

    dkim = state.get("DkimAttributes", {})
    current = {t["Key"]: t["Value"] for t in state.get("Tags", [])}
    same_key = (
        dkim.get("SigningAttributesOrigin") == "EXTERNAL"
        and dkim.get("Tokens") == [request.selector]
        and current.get(TAG_FINGERPRINT) == request.key.public.fingerprint
    )
    if same_key and dkim.get("Status") != "FAILED":
        return RegionResult(region, "already registered", ok=True, status=dkim.get("Status"))
    guarded = guarded or (live_check is not None and _signing_now(dkim) and not request.force)
    if _signing_now(dkim) and not request.force:
        # Any switch away from a key that signs now (Easy DKIM, or an EXTERNAL key at SUCCESS) leaves
        # the domain's mail unsigned by it until SES finds the new record: it must be live first.
        live, seen = live_check() if live_check is not None else (False, "no DNS check was made")
        if not live:
            if dkim.get("SigningAttributesOrigin") == "EXTERNAL":
                now = say("ses.with_selector", selector=",".join(dkim.get("Tokens", [])) or "-")
                way = say("ses.way_rotate")
            else:
                now, way = say("ses.with_easy_dkim"), say("ses.way_publish")
            return RegionResult(
                region,
                "refused",
                ok=False,
                status=dkim.get("Status"),
                detail=say("ses.refused_switch", now=now, seen=seen, way=way),
            )
    arn = _identity_arn(aws, region, request.domain)
    calls = [
        (
            f"PutEmailIdentityDkimSigningAttributes(EmailIdentity={request.domain}, SigningAttributesOrigin=EXTERNAL, "
            f"SigningAttributes=<selector {request.selector}, key>)"
        ),
        f"TagResource(ResourceArn={arn}, Tags={TAG_FINGERPRINT}, {TAG_SELECTOR})",
    ]
    if request.dry_run:
        return RegionResult(region, "would update", ok=True, status=dkim.get("Status"), calls=calls)
    attributes = _attributes(request)
    try:
        # The check above may be minutes old when SES throttles: the record is checked again
        # immediately before every attempt, and SES read back after.
        with _guard(live_check if guarded else None, request.selector):
            put = client.put_email_identity_dkim_signing_attributes(
                EmailIdentity=request.domain, SigningAttributesOrigin="EXTERNAL", SigningAttributes=attributes
            )
    except RecordNotLiveError as exc:
        return RegionResult(region, "refused", ok=False, status=dkim.get("Status"), detail=keyed(exc))
    result = RegionResult(region, "updated", ok=True, status=put.get("DkimStatus"), calls=calls)
    if dkim.get("SigningAttributesOrigin") == "EXTERNAL" and dkim.get("Tokens"):
        result.previous = dkim["Tokens"][0]
    result = _read_back(client, request, result, live_check if guarded else None)
    if result.action != UNPUBLISHED:
        _tag(client, request, result, (arn, tags), live_check if guarded else None)
    return result


def _tag(
    client: SESV2Client,
    request: Registration,
    result: RegionResult,
    what: tuple[str, list[TagTypeDef]],
    live_check: LiveCheck | None,
) -> None:
    """Tag the identity with its key; a throttled TagResource must not hide a record that goes meanwhile."""
    try:
        with _guard(live_check, request.selector, AFTER_SWITCH):
            client.tag_resource(ResourceArn=what[0], Tags=what[1])
    except RecordNotLiveError as exc:
        result.ok, result.action, result.detail = False, UNPUBLISHED, _gone(request.selector, exc.seen)


def _create(
    client: SESV2Client, request: Registration, region: str, tags: list[TagTypeDef], live_check: LiveCheck | None
) -> RegionResult:
    """Create the identity with the key (``live_check``: the record is checked before every attempt, and after)."""
    call = (
        f"CreateEmailIdentity(EmailIdentity={request.domain}, "
        f"DkimSigningAttributes=<selector {request.selector}, key>, Tags={TAG_FINGERPRINT}, {TAG_SELECTOR})"
    )
    if request.dry_run:
        return RegionResult(region, "would create", ok=True, calls=[call])
    attributes = _attributes(request)
    try:
        with _guard(live_check, request.selector):
            created = client.create_email_identity(
                EmailIdentity=request.domain, DkimSigningAttributes=attributes, Tags=tags
            )
    except RecordNotLiveError as exc:
        return RegionResult(region, "refused", ok=False, detail=keyed(exc))
    result = RegionResult(region, "created", ok=True, status=created["DkimAttributes"]["Status"], calls=[call])
    return _read_back(client, request, result, live_check)


def _guard(
    live_check: LiveCheck | None, selector: str, operations: frozenset[str] = SWITCHES
) -> contextlib.AbstractContextManager[None]:
    """Return the block under which every attempt of ``operations`` re-checks the record (no check: nothing)."""
    if live_check is None:
        return contextlib.nullcontext()
    from byodkim.aws import pacing

    return pacing.precondition(operations, _require_live(live_check, selector))


def _gone(selector: str, seen: str) -> str:
    return say("ses.gone_during_switch", selector=selector, seen=seen)


def _read_back(
    client: SESV2Client, request: Registration, result: RegionResult, live_check: LiveCheck | None
) -> RegionResult:
    """Read SES after a guarded switch: it holds the selector, and the record is still live; else say so."""
    if live_check is None:
        return result
    live, seen = live_check()  # first: SES took the key (its answer said so), and DNS needs no SES call
    if not live:
        # The record went between the last check and the switch: SES now signs with nothing
        # published. The caller (rotate, register) switches back at once.
        result.ok, result.action, result.detail = False, UNPUBLISHED, _gone(request.selector, seen)
        return result
    try:
        with _guard(live_check, request.selector, AFTER_SWITCH):  # a throttled read keeps watching DNS
            state = identity_state(client, request.domain)
    except RecordNotLiveError as exc:
        result.ok, result.action, result.detail = False, UNPUBLISHED, _gone(request.selector, exc.seen)
        return result
    tokens = list(state.get("DkimAttributes", {}).get("Tokens", [])) if state is not None else []
    if tokens != [request.selector]:
        result.ok, result.action = False, "failed"
        result.detail = f"SES holds {','.join(tokens) or 'no selector'} after the switch to {request.selector}"
    return result


def _attributes(request: Registration) -> DkimSigningAttributesTypeDef:
    """Return the signing attributes; the private key is read only here, when SES is to get it."""
    return {"DomainSigningSelector": request.selector, "DomainSigningPrivateKey": request.key.ses_private_key()}


def _signing_now(dkim: DkimAttributesTypeDef) -> bool:
    """Return whether SES signs the domain's mail with its current key (Easy DKIM or EXTERNAL) now."""
    return dkim.get("Status") == "SUCCESS" and bool(dkim.get("SigningEnabled", True))


def _not_regional(exc: BaseException) -> bool:
    """Return whether the error is about the caller, not a region (credentials, a profile, its time up: pacing.Late)."""
    import botocore.exceptions as bce

    caller = (
        Late,
        bce.NoCredentialsError,
        bce.PartialCredentialsError,
        bce.ProfileNotFound,
        bce.TokenRetrievalError,
        bce.SSOTokenLoadError,
        bce.UnauthorizedSSOTokenError,
    )
    return isinstance(exc, caller)


def _identity_arn(aws: Aws, region: str, domain: str) -> str:
    return f"arn:aws:ses:{region}:{aws.account(region)}:identity/{domain}"


@dataclass
class RegionStatus:
    """One region's view of the identity."""

    region: str
    exists: bool
    origin: str | None = None
    signing_enabled: bool | None = None
    status: str | None = None
    tokens: list[str] = field(default_factory=list)
    verified_for_sending: bool | None = None
    last_key_time: str | None = None
    fingerprint: str | None = None
    error: str | None = None
    mail_from: str | None = None  # the custom MAIL FROM domain, if set
    mail_from_status: str | None = None  # SES's check of its MX and SPF: PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE
    configuration_set: str | None = None  # the identity's default configuration set, if any
    # VerificationInfo.ErrorType: SES's own word for why it FAILED (HOST_NOT_FOUND, INVALID_VALUE, ...).
    verification_error: str | None = None
    selector_tag: str | None = None  # the byodkim:selector tag: a cross-check of Tokens, never the truth

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    def tag_disagreement(self) -> Said | None:
        """Return why the selector tag and SES's Tokens disagree, with the fix, or None when they agree.

        For an EXTERNAL identity SES's ``Tokens`` holds the selector it signs with (the running
        deployment's own GetEmailIdentity shows it); byodkim tags the identity with the selector
        it registered. Neither is trusted silently over the other: no tag, nothing to compare.
        """
        if not self.exists or self.selector_tag is None:
            return None
        held = self.tokens[0] if self.origin == "EXTERNAL" and self.tokens else None
        if held == self.selector_tag:
            return None
        shown = held or say("ses.selector_tag_easy")
        return say("ses.selector_tag_disagrees", held=shown, region=self.region, tagged=self.selector_tag)


def status(domain: str, regions: tuple[str, ...], aws: Aws) -> list[RegionStatus]:
    """Read the identity's DKIM state in each region."""
    found = []
    for region in regions:
        try:
            state = identity_state(aws.client("sesv2", region), domain)
        except Exception as exc:
            if _not_regional(exc):
                raise  # no credentials, or the caller's time up, reads the same in every region: not its state
            found.append(RegionStatus(region, exists=False, error=describe(exc)))
            continue
        if state is None:
            found.append(RegionStatus(region, exists=False))
            continue
        dkim = state.get("DkimAttributes", {})
        when = dkim.get("LastKeyGenerationTimestamp")
        tags = {t["Key"]: t["Value"] for t in state.get("Tags", [])}
        found.append(
            RegionStatus(
                region,
                exists=True,
                origin=dkim.get("SigningAttributesOrigin"),
                signing_enabled=dkim.get("SigningEnabled"),
                status=dkim.get("Status"),
                tokens=list(dkim.get("Tokens", [])),
                verified_for_sending=state.get("VerifiedForSendingStatus"),
                last_key_time=when.isoformat() if isinstance(when, datetime) else (str(when) if when else None),
                fingerprint=tags.get(TAG_FINGERPRINT),
                selector_tag=tags.get(TAG_SELECTOR),
                configuration_set=state.get("ConfigurationSetName") or None,
                verification_error=state.get("VerificationInfo", {}).get("ErrorType"),
                mail_from=state.get("MailFromAttributes", {}).get("MailFromDomain") or None,
                mail_from_status=state.get("MailFromAttributes", {}).get("MailFromDomainStatus")
                if state.get("MailFromAttributes", {}).get("MailFromDomain")
                else None,
            )
        )
    return found


def rollback(domain: str, regions: tuple[str, ...], aws: Aws) -> list[RegionResult]:
    """Switch each region back to Easy DKIM (SigningAttributesOrigin=AWS_SES)."""
    results = []
    for region in regions:
        try:
            client = aws.client("sesv2", region)
            if identity_state(client, domain) is None:
                results.append(RegionResult(region, "no identity", ok=True))
                continue
            put = client.put_email_identity_dkim_signing_attributes(
                EmailIdentity=domain, SigningAttributesOrigin="AWS_SES"
            )
            client.untag_resource(
                ResourceArn=_identity_arn(aws, region, domain), TagKeys=[TAG_FINGERPRINT, TAG_SELECTOR]
            )
            results.append(RegionResult(region, "rolled back to Easy DKIM", ok=True, status=put.get("DkimStatus")))
        except Exception as exc:  # noqa: BLE001 - report and go on to the next region
            results.append(RegionResult(region, "failed", ok=False, detail=describe(exc)))
    return results
