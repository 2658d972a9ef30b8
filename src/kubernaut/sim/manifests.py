"""Reading Kubernetes manifests (YAML or JSON, multi-document, ``kind: List``) from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


class ManifestError(ValueError):
    """A manifest file that cannot be used; the message names the file and the problem."""


def load_manifests(path: Path) -> list[dict[str, Any]]:
    """Every object in ``path`` (a file, or a directory read in name order)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in MANIFEST_SUFFIXES)
    elif path.exists():
        files = [path]
    else:
        raise ManifestError(f"{path}: no such file or directory")
    objects: list[dict[str, Any]] = []
    for file in files:
        objects.extend(_objects_in(file))
    return objects


def _objects_in(file: Path) -> list[dict[str, Any]]:
    try:
        documents = list(yaml.safe_load_all(file.read_text()))
    except yaml.YAMLError as error:
        raise ManifestError(f"{file}: not valid YAML: {error}") from None
    objects: list[dict[str, Any]] = []
    for index, document in enumerate(documents):
        if document is None:
            continue
        if not isinstance(document, dict) or "kind" not in document or "apiVersion" not in document:
            raise ManifestError(
                f"{file}: document {index + 1} is not a Kubernetes object "
                "(it needs apiVersion and kind)"
            )
        if document["kind"].endswith("List") and isinstance(document.get("items"), list):
            objects.extend(document["items"])
        else:
            objects.append(document)
    return objects
