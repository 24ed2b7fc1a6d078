"""CloudFormation resource types byodkim's templates use and moto lacks.

Without them moto skips the resource with a warning: the stack still reaches
CREATE_COMPLETE, but a ``!Ref`` becomes empty and a ``!GetAtt`` output fails. Each
model here creates the resource for real in the backend the API calls also use
(our SES identity store, moto's Secrets Manager, Firehose, SES v2 and CloudWatch),
so a launch on the emulator leaves something to read back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from moto.core.common_models import CloudFormationModel

from byodkim.dkim.names import record_name

if TYPE_CHECKING:
    from byodkim.emulator.state import State


def install(state: State) -> None:
    """Register the models with moto's CloudFormation parser (its model map is cached), over ``state``."""
    _Model.state = state
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    from byodkim.emulator import changesets, imports, moto_patches, stack_api

    moto_patches.apply()
    stack_api.install()
    changesets.install()
    imports.install(state, {"AWS::SES::EmailIdentity": EmailIdentity.find_existing})


class _Model:
    """Shared plumbing: create from properties, update by re-creating, delete by name.

    A mixin, not a CloudFormationModel subclass: moto finds models through
    ``CloudFormationModel.__subclasses__()``, which lists direct subclasses only.
    """

    # moto instantiates the models itself, so the server's one state reaches them through the class.
    state: ClassVar[State]
    resource_type: ClassVar[str] = ""
    name_property: ClassVar[str] = ""
    attributes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, name: str, properties: dict[str, Any], account: str, region: str, *, create: bool = True
    ) -> None:
        self.name, self.properties, self.account, self.region = name, properties, account, region
        self.values: dict[str, Any] = {}
        if create:  # an imported resource exists already: only its model is made
            self.create()

    # subclass hooks
    def create(self) -> None:
        """Create the resource in its backend."""

    def remove(self) -> None:
        """Delete the resource from its backend."""

    @property
    def physical_resource_id(self) -> str:
        """Return what ``!Ref`` gives."""
        return self.name

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        """Return what ``!GetAtt`` gives."""
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name in self.values:
            return self.values[attribute_name]
        raise UnformattedGetAttTemplateException

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        """Return whether ``!GetAtt`` knows ``attr``."""
        return attr in cls.attributes

    @classmethod
    def cloudformation_type(cls) -> str:
        """Return the resource type."""
        return cls.resource_type

    @classmethod
    def cloudformation_name_type(cls) -> str:
        """Return the property that names the resource."""
        return cls.name_property

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: object
    ) -> _Model:
        """Create from the template's properties."""
        properties = cloudformation_json.get("Properties", {})
        return cls(properties.get(cls.name_property) or resource_name, properties, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: _Model,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _Model:
        """Leave an unchanged resource alone; otherwise replace it."""
        properties = cloudformation_json.get("Properties", {})
        if properties == original_resource.properties:
            return original_resource
        original_resource.remove()
        return cls(properties.get(cls.name_property) or new_resource_name, properties, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        """Delete by name (moto calls this when it has no instance)."""

    def delete(self, account_id: str, region_name: str) -> None:
        """Delete this resource (moto calls this on stack deletion)."""
        del account_id, region_name
        self.remove()

    def is_created(self) -> bool:
        """Return True: creation is synchronous."""
        return True


class EmailIdentity(_Model, CloudFormationModel):
    """AWS::SES::EmailIdentity in the same store the SESv2 API uses."""

    resource_type = "AWS::SES::EmailIdentity"
    name_property = "EmailIdentity"
    attributes = tuple(f"DkimDNSToken{kind}{n}" for kind in ("Name", "Value") for n in (1, 2, 3))

    @classmethod
    def find_existing(cls, state: State, account: str, region: str, identifier: dict[str, str]) -> EmailIdentity | None:
        """Return the model of an identity that exists (an import): nothing is created or changed."""
        found = state.identities.find(account, region, identifier.get("EmailIdentity", ""))
        return None if found is None else cls(found.name, {}, account, region, create=False)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: _Model,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _Model:
        """Update in place, as CloudFormation does; only a new EmailIdentity replaces it (keeping the key)."""
        properties = cloudformation_json.get("Properties", {})
        name = str(properties.get("EmailIdentity") or new_resource_name)
        if name.lower() != original_resource.name.lower():
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        store = cls.state.identities
        with store.lock:
            identity = store.find(account_id, region_name, name)
            if identity is not None:
                identity.configuration_set = (properties.get("ConfigurationSetAttributes") or {}).get(
                    "ConfigurationSetName"
                )
                _apply(identity, properties)
        original_resource.properties = properties
        return original_resource

    def create(self) -> None:
        store = self.state.identities
        with store.lock:
            signing = self.properties.get("DkimSigningAttributes") or None
            identity = store.put_identity(self.account, self.region, self.name, signing, create=True)
            identity.configuration_set = (self.properties.get("ConfigurationSetAttributes") or {}).get(
                "ConfigurationSetName"
            )
            _apply(identity, self.properties)
            self.name = identity.name
        for index, token in enumerate(identity.tokens[:3], 1):
            self.values[f"DkimDNSTokenName{index}"] = record_name(identity.name, token)
            self.values[f"DkimDNSTokenValue{index}"] = f"{token}.dkim.amazonses.com"

    def remove(self) -> None:
        store = self.state.identities
        with store.lock:
            store.identities.pop((self.account, self.region, self.name), None)


class ConfigurationSet(_Model, CloudFormationModel):
    """AWS::SES::ConfigurationSet in moto's SES v2 backend."""

    resource_type = "AWS::SES::ConfigurationSet"
    name_property = "Name"

    def create(self) -> None:
        from moto.sesv2.models import sesv2_backends

        sending = self.properties.get("SendingOptions") or {}
        reputation = self.properties.get("ReputationOptions") or {}
        sesv2_backends[self.account][self.region].create_configuration_set(
            configuration_set_name=self.name,
            tracking_options=self.properties.get("TrackingOptions") or {},
            delivery_options=self.properties.get("DeliveryOptions") or {},
            reputation_options={k: str(v).lower() == "true" for k, v in reputation.items()},
            sending_options={k: str(v).lower() == "true" for k, v in sending.items()},
            tags=[],
            suppression_options=self.properties.get("SuppressionOptions") or {},
            vdm_options={},
        )

    def remove(self) -> None:
        from moto.sesv2.models import sesv2_backends

        sesv2_backends[self.account][self.region].delete_configuration_set(self.name)


class ConfigurationSetEventDestination(_Model, CloudFormationModel):
    """AWS::SES::ConfigurationSetEventDestination in the SESv2 event destination store."""

    resource_type = "AWS::SES::ConfigurationSetEventDestination"
    attributes = ("Id",)

    def create(self) -> None:
        definition = dict(self.properties.get("EventDestination") or {})
        self.set_name = str(self.properties["ConfigurationSetName"])
        self.name = str(definition.pop("Name", None) or self.name)
        definition["Enabled"] = str(definition.get("Enabled", True)).lower() == "true"
        store = self.state.identities
        with store.lock:
            store.destinations.setdefault((self.account, self.region, self.set_name), []).append(
                {"Name": self.name, **definition}
            )
        self.values["Id"] = self.name

    def remove(self) -> None:
        store = self.state.identities
        with store.lock:
            key = (self.account, self.region, self.set_name)
            store.destinations[key] = [d for d in store.destinations.get(key, []) if d["Name"] != self.name]


class Secret(_Model, CloudFormationModel):
    """AWS::SecretsManager::Secret in moto's Secrets Manager backend (``!Ref`` is the ARN)."""

    resource_type = "AWS::SecretsManager::Secret"
    name_property = "Name"
    attributes = ("Id",)

    def create(self) -> None:
        from moto.secretsmanager.models import secretsmanager_backends

        backend = secretsmanager_backends[self.account][self.region]
        backend.create_secret(
            name=self.name,
            secret_string=self.properties.get("SecretString"),
            secret_binary=None,
            description=self.properties.get("Description"),
            tags=self.properties.get("Tags") or [],
            kms_key_id=self.properties.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        self.arn = backend.describe_secret(self.name).arn
        self.values["Id"] = self.arn

    @property
    def physical_resource_id(self) -> str:
        """Return the secret's ARN, as CloudFormation does."""
        return self.arn

    def remove(self) -> None:
        from moto.secretsmanager.models import secretsmanager_backends

        secretsmanager_backends[self.account][self.region].delete_secret(
            self.name, None, force_delete_without_recovery=True
        )


class DeliveryStream(_Model, CloudFormationModel):
    """AWS::KinesisFirehose::DeliveryStream (S3 destinations) in moto's Firehose backend."""

    resource_type = "AWS::KinesisFirehose::DeliveryStream"
    name_property = "DeliveryStreamName"
    attributes = ("Arn",)

    def create(self) -> None:
        from moto.firehose.models import firehose_backends

        firehose_backends[self.account][self.region].create_delivery_stream(
            region=self.region,
            delivery_stream_name=self.name,
            delivery_stream_type=self.properties.get("DeliveryStreamType", "DirectPut"),
            kinesis_stream_source_configuration={},
            delivery_stream_encryption_configuration_input=self.properties.get(
                "DeliveryStreamEncryptionConfigurationInput"
            )
            or {},
            s3_destination_configuration=self.properties.get("S3DestinationConfiguration") or {},
            extended_s3_destination_configuration=self.properties.get("ExtendedS3DestinationConfiguration") or {},
            redshift_destination_configuration={},
            elasticsearch_destination_configuration={},
            splunk_destination_configuration={},
            http_endpoint_destination_configuration={},
            snowflake_destination_configuration={},
            iceberg_destination_configuration={},
            tags=self.properties.get("Tags") or [],
        )
        self.values["Arn"] = f"arn:aws:firehose:{self.region}:{self.account}:deliverystream/{self.name}"

    def remove(self) -> None:
        from moto.firehose.models import firehose_backends

        firehose_backends[self.account][self.region].delete_delivery_stream(self.name)


def _apply(identity: Any, properties: dict[str, Any]) -> None:
    """Set what an AWS::SES::EmailIdentity's properties say besides the key: signing on/off, MAIL FROM."""
    dkim = properties.get("DkimAttributes") or {}
    if "SigningEnabled" in dkim:
        identity.signing_enabled = str(dkim["SigningEnabled"]).lower() == "true"
    mail_from = properties.get("MailFromAttributes") or {}
    identity.mail_from = mail_from.get("MailFromDomain") or None
    identity.mail_from_behavior = mail_from.get("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE"


class Alarm(_Model, CloudFormationModel):
    """AWS::CloudWatch::Alarm (single-metric alarms) in moto's CloudWatch backend."""

    resource_type = "AWS::CloudWatch::Alarm"
    name_property = "AlarmName"
    attributes = ("Arn",)

    def create(self) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        p = self.properties
        cloudwatch_backends[self.account][self.region].put_metric_alarm(
            name=self.name,
            namespace=p.get("Namespace", ""),
            metric_name=p.get("MetricName", ""),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p.get("Period", 300)),
            threshold=float(p.get("Threshold", 0)),
            statistic=p.get("Statistic", "Sum"),
            description=p.get("AlarmDescription", ""),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in p.get("Dimensions", [])],
            alarm_actions=list(p.get("AlarmActions", [])),
            ok_actions=list(p.get("OKActions", [])),
            insufficient_data_actions=list(p.get("InsufficientDataActions", [])),
            datapoints_to_alarm=int(p["DatapointsToAlarm"]) if "DatapointsToAlarm" in p else None,
            actions_enabled=str(p.get("ActionsEnabled", "true")).lower() != "false",
            treat_missing_data=p.get("TreatMissingData"),
        )
        self.values["Arn"] = f"arn:aws:cloudwatch:{self.region}:{self.account}:alarm:{self.name}"

    def remove(self) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch_backends[self.account][self.region].delete_alarms([self.name])
