"""What every model of the scenario format shares: strictness, camelCase keys, field types."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from kubernaut.core.quantity import parse_quantity
from kubernaut.sim.errors import ApiError
from kubernaut.sim.selectors import LabelSelector

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


class FormatModel(BaseModel):
    """Unknown keys are errors (a typo must not silently drop an expectation); keys are
    camelCase in YAML, as in Kubernetes; loaded scenarios are immutable."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, frozen=True)


def _dns_label(value: str) -> str:
    if len(value) > 63 or not _DNS_LABEL.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a DNS label (lowercase letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters)"
        )
    return value


def _label_selector(value: str) -> str:
    try:
        LabelSelector.parse(value)
    except ApiError as error:
        raise ValueError(f"{value!r} is not a label selector: {error.message}") from None
    return value


def _quantity(value: str | int) -> str | int:
    parse_quantity(value)  # its ValueError says what is wrong
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
"""A namespace or scenario name."""

SelectorText = Annotated[str, AfterValidator(_label_selector)]
"""A label selector in ``?labelSelector=`` syntax, e.g. ``app=web,tier in (front)``."""

Quantity = Annotated[str | int, AfterValidator(_quantity)]
"""A Kubernetes quantity such as ``10Gi`` or ``500m`` (or a plain number)."""
