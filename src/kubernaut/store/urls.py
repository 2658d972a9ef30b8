"""Database URLs as they may be shown: without their password."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"


def redacted(url: str) -> str:
    """``url`` with any password (in the authority or a ``password`` parameter) masked."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            userinfo, host = netloc.rsplit("@", 1)
            netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{host}"
        query = [
            (key, MASK if key == "password" else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="/")))
    except ValueError:
        return "<a URL that does not parse; not shown, it may hold a password>"


def password_of(url: str) -> str:
    """The password ``url`` carries, if any, so it can be scrubbed from messages."""
    try:
        parts = urlsplit(url)
        from_query = dict(parse_qsl(parts.query)).get("password", "")
        return parts.password or from_query
    except ValueError:
        return ""


def scrubbed(text: str, url: str) -> str:
    """``text`` (say, a driver's error message) without the password of ``url``."""
    password = password_of(url)
    return text.replace(password, MASK) if password else text
