"""Reading application metrics in the Prometheus text format, as errorRateBelow does."""

from __future__ import annotations

import math

import pytest

from kubernaut.sim.scenario.predicates.metrics import request_counts
from kubernaut.sim.scenario.predicates.prometheus import Sample, parse_samples

EXPOSITION = """\
# HELP http_requests_total Requests served, by status code.
# TYPE http_requests_total counter
http_requests_total{code="200",method="get"} 1027
http_requests_total{code="503",method="get"} 12 1700000000000
http_requests_total{method="post",code="500"} 3
http_requests_total{code="404"} 5

# HELP http_request_duration_seconds Latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 800
http_request_duration_seconds_bucket{le="+Inf"} 1047
http_request_duration_seconds_sum 88.5
process_start_time_seconds 1.7e9
weird_labels{path="/a \\"b\\"\\\\c",empty=""} NaN
"""


def test_every_sample_with_its_labels_and_value() -> None:
    samples = parse_samples(EXPOSITION)
    assert samples[0] == Sample("http_requests_total", {"code": "200", "method": "get"}, 1027)
    assert samples[1].value == 12  # the timestamp is not the value
    assert samples[2].labels == {"method": "post", "code": "500"}
    assert samples[5].labels == {"le": "+Inf"}
    assert samples[6] == Sample("http_request_duration_seconds_sum", {}, 88.5)
    assert samples[7].value == 1.7e9
    assert samples[8].labels == {"path": '/a "b"\\c', "empty": ""}
    assert math.isnan(samples[8].value)
    assert len(samples) == 9


def test_error_and_total_requests() -> None:
    assert request_counts(parse_samples(EXPOSITION)) == (15, 1047)
    assert request_counts([]) == (0, 0)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("http_requests_total", "line 2: not a sample: 'http_requests_total'"),
        ('http_requests_total{code="200"} many', "line 2: could not convert string to float"),
        ("http_requests_total{code=200} 1", "line 2: malformed labels at 'code=200'"),
    ],
)
def test_a_malformed_line_is_named(line: str, problem: str) -> None:
    with pytest.raises(ValueError, match="^" + problem.replace("(", r"\(").replace("{", r"\{")):
        parse_samples(f"# TYPE x counter\n{line}\n")
