"""Hiding credentials in what the read tools show: log lines, environment variables and
other free text from the cluster.

Everything a tool returns goes to a model (possibly a hosted one) and into the decision
trail, so secrets that leak into logs or literal env values are replaced with
``[REDACTED]`` before they leave the tool. The patterns aim at recognisable credential
shapes and ``key=value`` assignments whose key names a credential; ordinary log lines
pass through unchanged.
"""

from __future__ import annotations

import re

REDACTED = "[REDACTED]"

_SECRET_NAME_PARTS = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL", "APIKEY")
"""Found anywhere in a name (``DBPASSWORD``, ``CLIENT_SECRET``, ``GOOGLE_CREDENTIALS``)."""
_SECRET_NAME_WORDS = frozenset({"PASS", "PWD", "DSN", "JWT"})
"""Whole words of a longer name (``SMTP_PASS``, ``DB_PWD``, ``SENTRY_DSN``)."""
_KEY_QUALIFIERS = frozenset(
    {"API", "PRIVATE", "ACCESS", "SESSION", "SIGNING", "ENCRYPTION", "AUTH", "MASTER", "SSH", "TLS"}
)
"""Words that make a following ``KEY`` a credential (``API_KEY``, ``AWS_ACCESS_KEY_ID``)."""

_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
    re.DOTALL,
)
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_KNOWN_TOKEN_SHAPES = re.compile(
    r"\b(?:"
    r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{30,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|sk-[A-Za-z0-9_-]{20,}"  # OpenAI-style secret keys
    r")\b"
)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@")
_ASSIGNMENT = re.compile(
    r"(?i)\b(?P<key>[\w.-]*"
    r"(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|credentials?|client[_-]?secret|auth[_-]?key)"
    r"[\w.-]*)"
    r"(?P<separator>[\"']?\s*[:=]\s*)"
    r"(?P<quote>[\"']?)"
    r"(?P<value>(?!\[REDACTED\])[^\s\"',;&)}\]]+)"
)
_HARMLESS_VALUE = re.compile(r"(?i)^(?:[\d.]+|true|false|null|none|nil|yes|no|\*+)$")
_PROSE_WORD = re.compile(r"^[a-z]+$")


def secret_looking_name(name: str) -> bool:
    """Whether an environment variable or config key names a credential
    (``DB_PASSWORD``, ``api-key``, ``GITHUB_TOKEN``, ``aws_secret_access_key`` ...), and
    not merely contains the letters of one (``TOKENIZER_MODEL``, ``KEYBOARD``)."""
    normalised = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    if any(part in normalised for part in _SECRET_NAME_PARTS):
        return True
    words = normalised.split("_")
    for index, word in enumerate(words):
        if word.endswith(("TOKEN", "TOKENS")):
            return True
        if word in _SECRET_NAME_WORDS and len(words) > 1:
            return True
        if word == "KEY" and index > 0 and words[index - 1] in _KEY_QUALIFIERS:
            return True
    return False


def redact_text(text: str) -> str:
    """``text`` with credentials replaced by ``[REDACTED]``: private-key blocks, JWTs,
    bearer/basic authorization values, well-known token formats (AWS access key ids,
    GitHub, Slack, Google and OpenAI-style keys), passwords in URLs, and the values of
    ``password=...`` / ``token: ...`` / ``"secret": "..."`` style assignments."""
    text = _PRIVATE_KEY_BLOCK.sub(REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _KNOWN_TOKEN_SHAPES.sub(REDACTED, text)
    text = _AUTH_SCHEME.sub(_redact_auth_scheme, text)
    text = _URL_CREDENTIALS.sub(rf"\1\2:{REDACTED}@", text)
    return _ASSIGNMENT.sub(_redact_assignment, text)


def redact_env(name: str, value: str) -> str:
    """The value to show for environment variable ``name``: ``[REDACTED]`` when the name
    looks like a credential, else the value with :func:`redact_text` applied."""
    if value and secret_looking_name(name):
        return REDACTED
    return redact_text(value)


def _redact_auth_scheme(match: re.Match[str]) -> str:
    scheme, space, value = match.groups()
    if scheme.lower() != "bearer" and not _looks_random(value):
        return match.group(0)
    return f"{scheme}{space}{REDACTED}"


def _redact_assignment(match: re.Match[str]) -> str:
    key, separator, value = match.group("key", "separator", "value")
    if _HARMLESS_VALUE.match(value):
        return match.group(0)
    if _reads_as_prose(key, separator, value):
        return match.group(0)
    return f"{match.group('key')}{match.group('separator')}{match.group('quote')}{REDACTED}"


def _reads_as_prose(key: str, separator: str, value: str) -> bool:
    """``invalid token: expired``: a sentence about a token, not a token. Password keys
    are redacted whatever follows them."""
    is_password = any(word in key.lower() for word in ("pass", "pwd"))
    spaced_colon = ":" in separator and separator.rstrip() != separator
    return not is_password and spaced_colon and bool(_PROSE_WORD.match(value))


def _looks_random(value: str) -> bool:
    """Generated credentials mix letters with digits, base64 punctuation or scattered
    capitals; English words do not."""
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    capitals_inside = sum(c.isupper() for c in value[1:])
    return (has_digit and has_alpha) or any(c in "+/=" for c in value) or capitals_inside >= 2
