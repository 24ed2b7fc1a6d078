"""The rollout phases the dkim-manager Lambda runs: prepare, request, verify and activate.

Phase 4 prepares the record and the DNS request and keeps them in S3 and SSM; phase 5
sends the request to the DNS team's SNS topic; (phase 6 is the DNS team's own work);
phase 7 checks the record on every authoritative server, registers the key with SES
once it is live, and reports SES's verdict, disabling its own schedule on SUCCESS.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import TYPE_CHECKING, Any

from byodkim.aws.errors import ses_error
from byodkim.aws.guards import live_check, read_statuses
from byodkim.aws.secrets import read_checked_key
from byodkim.aws.ses import RECORD_WENT, UNPUBLISHED, Registration, register
from byodkim.aws.ses import status as ses_status
from byodkim.aws.ssm import read_parameter
from byodkim.deployment import secret_id
from byodkim.dkim.names import record_name
from byodkim.dkim.record import DkimRecord
from byodkim.dkim.request import RequestFields, render_request
from byodkim.dnscheck.check import Report, check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.servers import parse_servers
from byodkim.errors import ByodkimError, DnsUnreachableError, InputError

# Re-exported: the handler, the CLI and the sandbox import them from here (their public path).
from byodkim.function.config import ManagerConfig as ManagerConfig  # noqa: PLC0414, TC001
from byodkim.function.health import HealthCheck, put_metric
from byodkim.function.payload import PhaseRequest as PhaseRequest  # noqa: PLC0414, TC001
from byodkim.function.payload import parse_event as parse_event  # noqa: PLC0414
from byodkim.function.switch_back import SwitchStoppedError, undo_unpublished
from byodkim.messages import render, say

if TYPE_CHECKING:
    from byodkim.aws.ses import RegionResult, RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import SigningKey
    from byodkim.dnscheck.servers import Server

log = logging.getLogger(__name__)
NOTIFY = ("SUCCESS", "FAILED", "TEMPORARY_FAILURE")


class Manager:
    """Runs one phase against AWS for one domain."""

    def __init__(self, config: ManagerConfig, aws: Aws, region: str) -> None:
        self.config, self.aws, self.region = config, aws, region

    def run(self, request: PhaseRequest) -> dict[str, Any]:
        """Do the request's work and return a JSON-ready result."""
        if request.action == "status":
            return self.status(request)
        if request.action == "health":
            check = HealthCheck(self.config, self.aws, self.region, now=request.now)
            if request.every and self.config.health_queue_url:
                from byodkim.function.fanout import FleetPlanner

                planner = FleetPlanner(self.config, self.aws, self.region, os.environ)
                return planner.plan(self.config.declared(self.aws, self.region), request.period)
            if request.every:
                return check.run_fleet(self.config.declared(self.aws, self.region))
            return check.run(request.domain)
        return {"4": self.prepare, "5": self.send_request, "7": self.activate}[request.phase](request)

    # -- shared ------------------------------------------------------------------------------

    def _parameter(self, domain: str, name: str) -> str:
        return self.config.deployment.parameter(domain, name)

    def _get_parameter(self, name: str) -> str | None:
        return read_parameter(self.aws.client("ssm", self.region), name)

    def _put_parameter(self, name: str, value: str) -> None:
        self.aws.client("ssm", self.region).put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def selector(self, request: PhaseRequest) -> str:
        """Return the payload's selector or the one phase 4's stack keeps in SSM."""
        if request.selector:
            return request.selector
        stored = self._get_parameter(self._parameter(request.domain, "selector"))
        if not stored:
            raise InputError(
                say("phase.no_selector", domain=request.domain, name=self._parameter(request.domain, "selector")),
                say("phase.no_selector_hint"),
            )
        return stored

    def current_selector(self, request: PhaseRequest) -> tuple[str, dict[str, str]]:
        """Return the selector phases 4 and 5 work on, and which it is (JSON-ready, for the answer).

        The payload's; else the one SES holds here (the truth once a key is registered, whatever
        SSM still says after a switch made elsewhere); else the one phase 4's stack keeps in SSM.
        """
        if request.selector:
            return request.selector, {
                "selector": request.selector, "selectorFrom": say("phase.from_payload"), "selectorSource": "payload"
            }  # fmt: skip
        held = self._ses(request.domain)
        name = self._parameter(request.domain, "selector")
        if held.origin != "EXTERNAL" or not held.tokens:
            stored = self.selector(request)
            return stored, {
                "selector": stored,
                "selectorFrom": say("phase.from_ssm", name=name),
                "selectorSource": "ssm",
            }
        selector = held.tokens[0]
        said = {
            "selector": selector,
            "selectorFrom": say("phase.from_ses", region=self.region),
            "selectorSource": "ses",
        }
        kept = self._get_parameter(name)
        if kept and kept != selector:
            said["selectorNote"] = say("phase.selector_note", name=name, kept=kept, selector=selector)
        return selector, said

    def key(self, domain: str, selector: str) -> SigningKey:
        """Return the key `byodkim register` keeps in Secrets Manager, refused if it is not the one described."""
        where = secret_id(domain, selector, self.config.deployment.secret_prefix)
        key = read_checked_key(self.aws.client("secretsmanager", self.region), where)
        if key is None:
            raise InputError(say("phase.no_key", secret=where), say("phase.no_key_hint"))
        return key

    # -- phases ------------------------------------------------------------------------------

    def prepare(self, request: PhaseRequest, keep: str = "") -> dict[str, Any]:
        """Phase 4: write the record and the DNS requests where the team and phase 5 find them.

        ``keep``: the selector whose record must stay (a rotation's running key), said in the request.
        """
        selector, which = self.current_selector(request)
        record = DkimRecord(request.domain, selector, self.key(request.domain, selector).public.b64)
        objects = {
            "record.json": record.render("json"),
            "zone.txt": record.zone_line() + "\n",
            "route53.json": record.render("route53"),
            "request-en.md": render_request(record, "en", self._request_fields(request.domain, "en", keep)),
            "request-ja.md": render_request(record, "ja", self._request_fields(request.domain, "ja", keep)),
        }
        prefix = f"dns/{request.domain}/{selector}/"
        written = []
        if self.config.bucket:
            s3 = self.aws.client("s3", self.region)
            for name, body in objects.items():
                s3.put_object(Bucket=self.config.bucket, Key=prefix + name, Body=body.encode("utf-8"))
                written.append(f"s3://{self.config.bucket}/{prefix}{name}")
        self._put_parameter(self._parameter(request.domain, "record"), record.value)
        return {
            "phase": "4",
            **which,
            "record": {"name": record.name, "value": record.value, "strings": record.strings},
            "objects": written,
        }

    def send_request(self, request: PhaseRequest, keep: str = "") -> dict[str, Any]:
        """Phase 5: send the DNS request (Japanese, with the English below) to the DNS team's topic."""
        if not self.config.topic_arn:
            raise InputError(say("phase.no_topic"), say("phase.no_topic_hint"))
        selector, which = self.current_selector(request)
        key = self.key(request.domain, selector)
        record = DkimRecord(request.domain, selector, key.public.b64)
        # Once per selector and key: a re-run of a finished step sends nothing new (the runbook's promise).
        log_name = self._parameter(request.domain, "dns-request-sent")
        previous = json.loads(self._get_parameter(log_name) or "{}")
        if (
            not request.resend
            and previous.get("selector") == selector
            and previous.get("fingerprint") == key.public.fingerprint
        ):
            return {
                "phase": "5",
                **which,
                "topic": self.config.topic_arn,
                "messageId": previous.get("messageId"),
                "record": record.name,
                "alreadySent": previous.get("at"),
                "note": say("phase.already_sent", at=previous.get("at")),
            }
        body = (
            render_request(record, "ja", self._request_fields(request.domain, "ja", keep))
            + "\n---\n\n"
            + render_request(record, "en", self._request_fields(request.domain, "en", keep))
        )
        sent = self.aws.client("sns", self.region).publish(
            TopicArn=self.config.topic_arn, Subject=f"DKIM TXT record request: {record.name}"[:100], Message=body
        )
        sent_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        log = {
            "selector": selector,
            "fingerprint": key.public.fingerprint,
            "messageId": sent["MessageId"],
            "at": sent_at,
        }
        self._put_parameter(log_name, json.dumps(log))
        return {
            "phase": "5",
            **which,
            "topic": self.config.topic_arn,
            "messageId": sent["MessageId"],
            "record": record.name,
        }

    def _request_fields(self, domain: str, lang: str, keep: str = "") -> RequestFields:
        """Return the request's extras: the custom MAIL FROM's MX and SPF when phase 3 sets one; the record to keep."""
        sub = self.config.mail_from_subdomain
        note = render(say("rotate.keep_old", name=record_name(domain, keep)), lang) if keep else ""
        return RequestFields(mail_from=f"{sub}.{domain}" if sub else "", region=self.region, deadline=note)

    def _dns(self, domain: str, selector: str, key: SigningKey) -> Report:
        return check(Check(domain, selector, key.public, parse_servers(self.config.nameservers)))

    def activate(self, request: PhaseRequest) -> dict[str, Any]:
        """Phase 7: read SES first; once the record is live everywhere, register and follow SES's verdict.

        FAILED (SES gave up) is notified with its cause and the way out before anything else,
        and the key is registered again only when the payload asks (``"reregister": true``).
        """
        selector = self.selector(request)
        key = self.key(request.domain, selector)
        before = self._ses(request.domain)
        result: dict[str, Any] = {"phase": "7", "dns": None, "dnsOk": None, "ses": before.status}
        if before.status == "FAILED" and not request.reregister:
            name = record_name(request.domain, selector)
            why = before.verification_error  # VerificationInfo.ErrorType: SES's own word for it, when it gives one
            result["cause"] = (
                say("phase.failed_cause_ses", name=name, why=ses_error(why))
                if why
                else say("phase.failed_cause", name=name)
            )
            result["next"] = say("phase.failed_next")
            self._record(request.domain, "FAILED", result)
            return result
        report = self._dns(request.domain, selector, key)
        result.update(dns=report.summary(), dnsOk=report.ok)
        if not report.answered:
            # Nobody answered: an infrastructure failure Lambda's Errors metric must see, not a state.
            raise DnsUnreachableError(say("phase.unanswered", domain=request.domain, summary=report.summary()))
        if not report.ok:
            return result
        # The record was just found live on every server; it is checked again before every attempt
        # of the switch (SES may throttle for minutes) and after it, as rotate does.
        servers = parse_servers(self.config.nameservers)
        registered = register(
            Registration(request.domain, selector, key, (self.region,), require_live=True),
            self.aws,
            live_check(request.domain, selector, key.public, servers),
        )[0]
        if registered.action in RECORD_WENT:
            self._record_went(request.domain, selector, registered, servers)
        if not registered.ok:
            raise ByodkimError(say("phase.register_failed", detail=registered.detail))
        seen = self._ses(request.domain).status or "NOT_STARTED"
        result.update(ses=seen, registration=registered.action)
        self._record(request.domain, seen, result)
        if seen == "SUCCESS" and self.config.rule_name:
            self.aws.client("events", self.region).disable_rule(Name=self.config.rule_name)
            result["scheduleDisabled"] = self.config.rule_name
        return result

    def _record_went(self, domain: str, selector: str, registered: RegionResult, servers: tuple[Server, ...]) -> None:
        """Switch SES back if the switch landed on a record that went, notify the cause, and fail.

        As rotate does: SES goes back to the selector it held (its record checked live first),
        the operators and the DNS team are told the cause, and the answer is a failure (raised,
        so Lambda's Errors metric and the alarm on it see it).
        """
        name = record_name(domain, selector)
        if registered.action == UNPUBLISHED:
            back = undo_unpublished(
                domain, [registered], self.aws, servers, prefix=self.config.deployment.secret_prefix
            )
            cause = say("phase.went_after", name=name, region=self.region, back=back)
        else:
            cause = say("phase.went_before", name=name, region=self.region, detail=registered.detail)
        subject = f"BYODKIM {domain}: phase 7 switch to {selector} stopped"[:100]
        for topic in dict.fromkeys(t for t in (self.config.alert_topic_arn, self.config.topic_arn) if t):
            self.aws.client("sns", self.region).publish(TopicArn=topic, Subject=subject, Message=cause)
        self._metric(domain, "RECORD GONE")
        raise SwitchStoppedError(cause, say("phase.went_hint"))

    def _ses(self, domain: str) -> RegionStatus:
        """Return SES's view of the identity; a read that fails raises (an error is never a status)."""
        return read_statuses(self.aws, domain, (self.region,))[0]

    def _record(self, domain: str, status: str, result: dict[str, Any]) -> None:
        """Send the metric, and tell the DNS team's topic when the status changed."""
        self._metric(domain, status)
        last_name = self._parameter(domain, "last-status")
        if status == self._get_parameter(last_name):
            return
        self._put_parameter(last_name, status)
        if status in NOTIFY and self.config.topic_arn:
            self.aws.client("sns", self.region).publish(
                TopicArn=self.config.topic_arn,
                Subject=f"BYODKIM {domain}: SES DKIM {status}",
                Message=json.dumps(result, ensure_ascii=False, indent=2),
            )
            result["notified"] = status

    def _metric(self, domain: str, status: str) -> None:
        # The phase-8 alarm watches this (and the health check's): 1 while SES verifies the key.
        put_metric(self.aws, self.region, domain, self.region, healthy=status == "SUCCESS")

    def status(self, request: PhaseRequest) -> dict[str, Any]:
        """Report SES's view and, when a selector is known, the DNS view."""
        ses = ses_status(request.domain, (self.region,), self.aws)[0]
        result: dict[str, Any] = {"action": "status", "ses": ses.as_dict()}
        selector = request.selector or (ses.tokens[0] if ses.origin == "EXTERNAL" and ses.tokens else None)
        if selector:
            result["dns"] = self._dns(request.domain, selector, self.key(request.domain, selector)).summary()
        return result
