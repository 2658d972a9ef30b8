"""Prometheus metrics of one gateway, in a registry of its own (served at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

PREFIX = "kubernaut_gateway"


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.received = Counter(
            f"{PREFIX}_signals_received",
            "Signals received, by source and status (firing, resolved).",
            ["source", "status"],
            registry=self.registry,
        )
        self.outcomes = Counter(
            f"{PREFIX}_signals",
            "Signals by what became of them (created, duplicate, storm-created, "
            "storm-aggregated, resolved, no-active-remediation, out-of-scope, ignored).",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.deduplicated = Counter(
            f"{PREFIX}_signals_deduplicated",
            "Signals counted on an active RemediationRequest instead of creating one.",
            ["source"],
            registry=self.registry,
        )
        self.stormed = Counter(
            f"{PREFIX}_signals_stormed",
            "Signals aggregated into a storm RemediationRequest.",
            ["source"],
            registry=self.registry,
        )
        self.rejected = Counter(
            f"{PREFIX}_requests_rejected",
            "Requests refused, by reason (the problem type).",
            ["reason"],
            registry=self.registry,
        )
        self.lookups = Counter(
            f"{PREFIX}_dedup_lookups",
            "Where deduplication found its answer: the store (fast path) or Kubernetes.",
            ["via"],
            registry=self.registry,
        )
        self.store_available = Gauge(
            f"{PREFIX}_store_available",
            "1 while the deduplication store answers, 0 while the gateway falls back.",
            registry=self.registry,
        )
        self.latency = Histogram(
            f"{PREFIX}_request_duration_seconds",
            "Time to answer a signal request, by endpoint.",
            ["endpoint"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.store_available.set(1)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
