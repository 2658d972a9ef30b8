"""The path of one signal: resolve its target, classify it, fingerprint it, then count it
on the active RemediationRequest for its incident, aggregate it into a storm, or create
one. Resolved signals only mark the active one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import Signal, SignalStatus
from kubernaut.crds.escalation import Escalator
from kubernaut.crds.meta import FINGERPRINT_LABEL, ObjectMeta, set_condition
from kubernaut.crds.meta import Condition as CrdCondition
from kubernaut.crds.remediation_request import (
    RemediationRequest,
    RemediationRequestSpec,
    SignalSpec,
    StormSpec,
)
from kubernaut.gateway.fingerprint import fingerprint, storm_fingerprint, target_key
from kubernaut.gateway.locks import KeyedLocks
from kubernaut.gateway.metrics import GatewayMetrics
from kubernaut.gateway.occurrences import SIGNAL_RESOLVED, Occurrence, OccurrenceCounter
from kubernaut.gateway.remediations import (
    SIGNAL_LABEL,
    NameTaken,
    Obj,
    RemediationStore,
    is_active,
    remediation_name,
    sequence_of,
    slug,
)
from kubernaut.gateway.results import Outcome, SignalResult
from kubernaut.gateway.scope import Classification, Classifier
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.gateway.store import SignalStore
from kubernaut.gateway.targets import TargetResolver
from kubernaut.kube import KubeClient, KubeError

MANAGED_BY = {"app.kubernetes.io/managed-by": "kubernaut-gateway"}
STORM = "Storm"
_SETTLE_ATTEMPTS = 8


@dataclass(frozen=True)
class _Located:
    name: str
    created: bool


@dataclass(frozen=True)
class _Delivery:
    occurrence: Occurrence
    created: bool


Build = Callable[[int], RemediationRequest]
"""The RemediationRequest to create, given its sequence number."""


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _member_ref(member: str) -> ResourceRef | None:
    parts = member.split("/")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        return None
    return ResourceRef(kind=parts[0], namespace=parts[1], name=parts[2])


class Ingestor:
    def __init__(
        self,
        client: KubeClient,
        settings: GatewaySettings,
        store: SignalStore,
        metrics: GatewayMetrics,
    ) -> None:
        self.client = client
        self.settings = settings
        self.store = store
        self.metrics = metrics
        self.remediations = RemediationStore(client, settings.namespace)
        self.occurrences = OccurrenceCounter(self.remediations)
        self.targets = TargetResolver(client, settings.kube_cache_seconds)
        self.classifier = Classifier(
            client,
            label=settings.scope_label,
            opt_in=settings.scope_opt_in,
            cache_seconds=settings.kube_cache_seconds,
        )
        self.escalator = Escalator(client, settings.escalation_webhook)
        self._locks = KeyedLocks()

    async def ingest(self, signal: Signal) -> SignalResult:
        self.metrics.received.labels(signal.source.value, signal.status.value).inc()
        result = await self._ingest(signal)
        self.metrics.outcomes.labels(signal.source.value, result.outcome.value).inc()
        if result.outcome is Outcome.DUPLICATE:
            self.metrics.deduplicated.labels(signal.source.value).inc()
        if result.outcome in (Outcome.STORM_CREATED, Outcome.STORM_AGGREGATED):
            self.metrics.stormed.labels(signal.source.value).inc()
        return result

    async def _ingest(self, signal: Signal) -> SignalResult:
        now = datetime.now(UTC)
        target = await self.targets.resolve(signal.target) if signal.target else None
        ref = target.ref if target else None
        namespace = ref.namespace if ref else signal.namespace
        classification = await self.classifier.classify(signal.severity, namespace, target)
        key = fingerprint(signal.name, ref, {} if ref else signal.labels)
        result = SignalResult(
            status=200,
            outcome=Outcome.IGNORED,
            signal=signal.name,
            fingerprint=key,
            namespace=self.settings.namespace,
            environment=classification.environment.value,
            priority=classification.priority,
        )
        if not classification.in_scope:
            return _with(result, Outcome.OUT_OF_SCOPE, reason=classification.reason)
        if signal.status is SignalStatus.RESOLVED:
            return await self._resolve(key, now, result)
        members = await self.store.storm_window(
            f"{classification.environment.value}:{signal.name}",
            target_key(ref) if ref else key,
            now.timestamp(),
        )
        storming = len(members) > self.settings.storm_threshold(classification.environment)
        build = None if storming else self._builder(signal, ref, key, classification)
        delivery = await self._deliver(key, now, build)
        if delivery is not None:
            outcome = Outcome.CREATED if delivery.created else Outcome.DUPLICATE
            return _counted(result, outcome, delivery.occurrence)
        return await self._storm(signal, ref, classification, members, now, result)

    def _builder(
        self,
        signal: Signal,
        ref: ResourceRef | None,
        key: str,
        classification: Classification,
        storm: StormSpec | None = None,
    ) -> Build:
        def build(sequence: int) -> RemediationRequest:
            return RemediationRequest(
                metadata=ObjectMeta(
                    name=remediation_name(signal.name, key, sequence, storm=storm is not None),
                    namespace=self.settings.namespace,
                    labels={
                        FINGERPRINT_LABEL: key,
                        SIGNAL_LABEL: slug(signal.name, 63),
                        **MANAGED_BY,
                    },
                ),
                spec=RemediationRequestSpec(
                    signal=SignalSpec.of(signal),
                    target=ref,
                    fingerprint=key,
                    environment=classification.environment.value,
                    priority=classification.priority,
                    storm=storm,
                ),
            )

        return build

    # -- finding or creating the RemediationRequest of an incident ---------------------

    async def _deliver(self, key: str, now: datetime, build: Build | None) -> _Delivery | None:
        """Count this occurrence on the incident's active RemediationRequest, creating it
        with ``build`` when there is none; None when there is none and no ``build``."""
        for _ in range(_SETTLE_ATTEMPTS):
            located = await self._locate(key, build)
            if located is None:
                return None
            occurrence = await self.occurrences.record(located.name, now)
            if occurrence.active:
                return _Delivery(occurrence, located.created)
            await self.store.forget(key, located.name)
        raise KubeError(f"fingerprint {key}: its RemediationRequests kept ending; try again")

    async def _locate(self, key: str, build: Build | None) -> _Located | None:
        remembered = await self.store.remediation_for(key)
        if remembered:
            self.metrics.lookups.labels("store").inc()
            return _Located(remembered, created=False)
        async with self._locks.hold(key):
            remembered = await self.store.remediation_for(key)
            self._store_health()
            if remembered:
                self.metrics.lookups.labels("store").inc()
                return _Located(remembered, created=False)
            self.metrics.lookups.labels("kubernetes").inc()
            existing = await self.remediations.with_fingerprint(key)
            for _ in range(_SETTLE_ATTEMPTS):
                active = [obj for obj in existing if is_active(obj)]
                if active:
                    name = max((_name(obj) for obj in active), key=sequence_of)
                    await self.store.remember(key, name)
                    return _Located(name, created=False)
                if build is None:
                    return None
                sequence = max((sequence_of(_name(obj)) for obj in existing), default=0) + 1
                request = build(sequence)
                if await self.remediations.create(request) is not None:
                    await self.store.remember(key, request.name)
                    return _Located(request.name, created=True)
                taken = await self.remediations.get(request.name)
                if taken is not None and (taken.get("spec") or {}).get("fingerprint") != key:
                    raise NameTaken(f"{request.name} belongs to another fingerprint")
                existing = await self.remediations.with_fingerprint(key)
        raise KubeError(f"fingerprint {key}: could not settle on one RemediationRequest")

    def _store_health(self) -> None:
        available = getattr(self.store, "available", True)
        self.metrics.store_available.set(1 if available else 0)

    # -- storms ---------------------------------------------------------------------------

    async def _storm(
        self,
        signal: Signal,
        ref: ResourceRef | None,
        classification: Classification,
        members: list[str],
        now: datetime,
        result: SignalResult,
    ) -> SignalResult:
        key = storm_fingerprint(signal.name, classification.environment.value)
        window = self.settings.storm_window_seconds
        storm = StormSpec(
            alert_name=signal.name,
            targets=[found for member in members if (found := _member_ref(member))],
            count=len(members),
            window_seconds=window,
        )
        build = self._builder(signal, None, key, classification, storm)
        delivery = await self._deliver(key, now, build)
        assert delivery is not None
        name = delivery.occurrence.name
        stormed = _with(result, Outcome.STORM_CREATED, fingerprint=key)
        if delivery.created:
            threshold = self.settings.storm_threshold(classification.environment)
            await self._escalate(
                name,
                f"{len(members)} targets raised {signal.name} within {window}s "
                f"(threshold {threshold} in {classification.environment.value}): "
                "aggregated into this storm",
                now,
            )
        else:
            stormed = _with(stormed, Outcome.STORM_AGGREGATED)
            if ref is not None:
                await self.remediations.update_spec(name, lambda obj: _joined(obj, ref))
        return _counted(stormed, stormed.outcome, delivery.occurrence)

    async def _escalate(self, name: str, message: str, now: datetime) -> None:
        stored = await self.remediations.get(name)
        if stored is not None:
            remediation = RemediationRequest.parse(stored)
            await self.escalator.escalate(remediation, STORM, message, now=now, once=True)

    # -- resolution -----------------------------------------------------------------------

    async def _resolve(self, key: str, now: datetime, result: SignalResult) -> SignalResult:
        for _ in range(_SETTLE_ATTEMPTS):
            located = await self._locate(key, None)
            if located is None:
                break
            written = await self.remediations.update_status(
                located.name, lambda obj: _resolved(obj, now)
            )
            if written is not None and is_active(written):
                return _with(result, Outcome.RESOLVED, remediation=located.name)
            await self.store.forget(key, located.name)  # it ended: look again
        return _with(
            result,
            Outcome.NO_ACTIVE_REMEDIATION,
            reason="no active RemediationRequest has this fingerprint; nothing to mark",
        )


def _name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def _with(result: SignalResult, outcome: Outcome, **fields: Any) -> SignalResult:
    return result.model_copy(update={"outcome": outcome, "status": outcome.status, **fields})


def _counted(result: SignalResult, outcome: Outcome, occurrence: Occurrence) -> SignalResult:
    return _with(result, outcome, remediation=occurrence.name, occurrences=occurrence.occurrences)


def _joined(obj: Obj, ref: ResourceRef) -> Obj | None:
    storm = dict((obj.get("spec") or {}).get("storm") or {})
    if not storm:
        return None
    targets = list(storm.get("targets") or [])
    member = ref.model_dump(exclude_defaults=True)
    if member not in [{k: v for k, v in t.items() if v} for t in targets]:
        targets.append(member)
    storm["targets"] = targets
    storm["count"] = int(storm.get("count") or 0) + 1
    return {"storm": storm}


def _resolved(obj: Obj, now: datetime) -> Obj | None:
    status = obj.get("status") or {}
    if not is_active(obj) or status.get("signalResolvedAt"):
        return None
    conditions = set_condition(
        [CrdCondition.model_validate(c) for c in status.get("conditions") or []],
        SIGNAL_RESOLVED,
        True,
        "SignalResolved",
        "the signal's sender reported it resolved",
        now=now,
    )
    return {"signalResolvedAt": _stamp(now), "conditions": [c.wire() for c in conditions]}
