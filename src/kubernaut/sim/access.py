"""Configurable authorization: who may do what. Drives SelfSubjectAccessReview and 403s."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    verb: str = "*"
    resource: str = "*"
    """``plural`` or ``plural/subresource``."""
    group: str = "*"
    namespace: str = "*"
    user: str = "*"
    allowed: bool = False

    def applies(self, user: str, verb: str, group: str, resource: str, namespace: str) -> bool:
        return (
            self.verb in ("*", verb)
            and self.resource in ("*", resource)
            and self.group in ("*", group)
            and self.namespace in ("*", namespace)
            and self.user in ("*", user)
        )


class AccessPolicy:
    """First matching rule decides; with no match everything is allowed (a cluster admin)."""

    def __init__(self, rules: list[AccessRule] | None = None) -> None:
        self.rules: list[AccessRule] = list(rules or [])

    def deny(self, verb: str = "*", resource: str = "*", **scope: str) -> None:
        self.rules.append(AccessRule(verb=verb, resource=resource, allowed=False, **scope))

    def allow(self, verb: str = "*", resource: str = "*", **scope: str) -> None:
        self.rules.append(AccessRule(verb=verb, resource=resource, allowed=True, **scope))

    def decide(
        self, user: str, verb: str, group: str, resource: str, namespace: str
    ) -> tuple[bool, str]:
        for rule in self.rules:
            if rule.applies(user, verb, group, resource, namespace):
                return rule.allowed, "matched a simulator access rule"
        return True, "no rule restricts this request"
