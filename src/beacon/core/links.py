"""The link registry: how tips, cases and ad operations meet through shared identifiers.

Each area app that holds identifiers registers one ``LinkProvider`` in its ``AppConfig.ready``.
The link graph (cases app) and escalation walk the providers, so no app imports another's
models to find its links, and each provider decides what the acting user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class LinkedObject:
    object_type: str  # "tip", "case", "operation"
    object_id: str
    label: str  # safe to show to a user who may see the object
    url: str  # staff page of the object


class LinkProvider(Protocol):
    object_type: str

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        """core.Identifier ids held by each object."""
        ...

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        """Objects holding any of the identifiers, with which of them they hold."""
        ...

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        """The subset the user may see (the rest are shown only as a 'restricted' count)."""
        ...

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        ...


def int_ids(object_ids: Iterable[Any]) -> list[int]:
    """The ids that are integers (a provider of integer-keyed objects ignores the rest)."""
    out = []
    for value in object_ids:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def by_object(rows: Iterable[tuple[Any, int]]) -> dict[str, set[int]]:
    """``(object id, identifier id)`` rows as the identifier ids of each object (the providers' answer)."""
    out: dict[str, set[int]] = {}
    for object_id, identifier_id in rows:
        out.setdefault(str(object_id), set()).add(identifier_id)
    return out


_PROVIDERS: dict[str, LinkProvider] = {}


def register(provider: LinkProvider) -> None:
    _PROVIDERS[provider.object_type] = provider


def providers() -> dict[str, LinkProvider]:
    return dict(_PROVIDERS)


def provider(object_type: str) -> LinkProvider:
    try:
        return _PROVIDERS[object_type]
    except KeyError:
        raise LookupError(f"No link provider for {object_type!r}") from None
