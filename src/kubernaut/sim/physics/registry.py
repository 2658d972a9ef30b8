"""The simulated image registry: which image references can be pulled."""

from __future__ import annotations


class ImageRegistry:
    """Every image exists except those declared missing (a bad tag, a deleted digest)."""

    def __init__(self, missing: set[str] | None = None) -> None:
        self.missing: set[str] = set(missing or ())

    def has(self, image: str) -> bool:
        return image not in self.missing and qualified_reference(image) not in self.missing


def qualified_reference(image: str) -> str:
    """``nginx:1.25`` -> ``docker.io/library/nginx:1.25``, as container runtimes resolve it."""
    name = image.split("/")
    if len(name) == 1:
        return f"docker.io/library/{image}"
    if "." not in name[0] and ":" not in name[0]:
        return f"docker.io/{image}"
    return image
