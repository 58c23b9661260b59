"""The link graph: cases, tips, ad operations and identifiers connected through shared identifiers.

Walks every provider registered in ``beacon.core.links`` breadth first.  One *hop* goes from an
object through one shared identifier to another object (or along an explicit case link, e.g.
the tip a case was escalated from).  Objects the user may not see (``provider.visible_to``)
are counted in ``restricted`` and neither shown nor walked through, so nothing they hold leaks.
Identifiers are shown only when a visible object holds them; an identifier attached to a
potential victim on any case is labelled by its kind only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from beacon.core import links as core_links
from beacon.core.identifiers import Kind
from beacon.core.models import Identifier

from .models import CaseIdentifier, CaseLink, Person

MAX_HOPS = 4
MAX_NODES = 1000
DEFAULT_HOPS = 2
DEFAULT_NODES = 200

Key = tuple[str, str]  # (object_type, object_id)


@dataclass
class LinkGraph:
    start: str
    hops: int
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    restricted: set[Key] = field(default_factory=set)
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "hops": self.hops,
            "nodes": sorted(self.nodes.values(), key=lambda n: (n["hop"], n["type"], n["id"])),
            "edges": [{"source": s, "target": t, "kind": k} for s, t, k in sorted(self.edges)],
            "restricted": len(self.restricted),
            "truncated": self.truncated,
        }


def _explicit_links(objects: set[Key]) -> dict[Key, set[Key]]:
    """Case ↔ tip/operation links recorded on escalation, both directions."""
    out: dict[Key, set[Key]] = defaultdict(set)
    case_ids = [int(i) for t, i in objects if t == "case" and i.isdigit()]
    others: dict[str, list[str]] = defaultdict(list)
    for t, i in objects:
        if t != "case":
            others[t].append(i)
    q = CaseLink.objects.none()
    if case_ids:
        q = q | CaseLink.objects.filter(case_id__in=case_ids)
    for t, ids in others.items():
        q = q | CaseLink.objects.filter(object_type=t, object_id__in=ids)
    registered = core_links.providers()
    for case_id, t, i in q.values_list("case_id", "object_type", "object_id"):
        if t not in registered:
            continue
        a, b = ("case", str(case_id)), (t, i)
        out[a].add(b)
        out[b].add(a)
    return out


def link_graph(user: Any, start_type: str, start_id: str, *, hops: int = DEFAULT_HOPS,
               max_nodes: int = DEFAULT_NODES) -> LinkGraph:
    """The neighbourhood of a visible start object (or identifier).  The caller checks the start is visible."""
    hops = max(1, min(int(hops), MAX_HOPS))
    max_nodes = max(1, min(int(max_nodes), MAX_NODES))
    providers = core_links.providers()
    graph = LinkGraph(start=f"{start_type}:{start_id}", hops=hops)
    seen_objects: set[Key] = set()
    seen_identifiers: set[int] = set()
    visible_objects: dict[Key, int] = {}  # key -> hop
    frontier: set[Key] = set()
    frontier_identifiers: set[int] = set()

    if start_type == "identifier":
        frontier_identifiers = {int(start_id)}
        seen_identifiers.add(int(start_id))
    else:
        key = (start_type, str(start_id))
        seen_objects.add(key)
        visible_objects[key] = 0
        frontier = {key}

    for hop in range(1, hops + 1):
        # 1. Identifiers held by the frontier objects.
        by_type: dict[str, list[str]] = defaultdict(list)
        for t, i in frontier:
            by_type[t].append(i)
        new_identifiers: set[int] = set(frontier_identifiers)
        for t, ids in by_type.items():
            provider = providers.get(t)
            if provider is None:
                continue
            for object_id, idents in provider.identifiers_of(ids).items():
                for ident in idents:
                    graph.edges.add((f"{t}:{object_id}", f"identifier:{ident}", "holds"))
                    if ident not in seen_identifiers:
                        seen_identifiers.add(ident)
                        new_identifiers.add(ident)
        frontier_identifiers = set()
        # 2. Objects holding those identifiers, plus explicit case links.
        candidates: dict[Key, set[int]] = defaultdict(set)
        if new_identifiers:
            for t, provider in providers.items():
                for object_id, idents in provider.objects_with(new_identifiers).items():
                    candidates[(t, str(object_id))] |= set(idents)
        explicit = _explicit_links(frontier)
        for src, targets in explicit.items():
            if src in frontier:
                for target in targets:
                    candidates.setdefault(target, set())
        new = {k: v for k, v in candidates.items() if k not in seen_objects}
        # 3. Keep what the user may see; count the rest.
        by_type = defaultdict(list)
        for t, i in new:
            by_type[t].append(i)
        visible: set[Key] = set()
        for t, ids in by_type.items():
            visible |= {(t, i) for i in providers[t].visible_to(user, ids)}
        next_frontier: set[Key] = set()
        for key in sorted(new):
            seen_objects.add(key)
            if key not in visible:
                graph.restricted.add(key)
                continue
            if len(visible_objects) >= max_nodes:
                graph.truncated = True
                continue
            visible_objects[key] = hop
            next_frontier.add(key)
        for key in visible_objects:
            if visible_objects[key] == hop:
                for ident in candidates.get(key, ()):
                    graph.edges.add((f"{key[0]}:{key[1]}", f"identifier:{ident}", "holds"))
        for src in frontier:
            for target in explicit.get(src, ()):
                if target in visible_objects:
                    a, b = sorted([f"{src[0]}:{src[1]}", f"{target[0]}:{target[1]}"])
                    graph.edges.add((a, b, "linked"))
        frontier = next_frontier
        if not frontier:
            break

    # Describe the visible objects.
    by_type = defaultdict(list)
    for t, i in visible_objects:
        by_type[t].append(i)
    for t, ids in by_type.items():
        described = providers[t].describe(ids) if t in providers else {}
        for i in ids:
            obj = described.get(i)
            graph.nodes[f"{t}:{i}"] = {
                "id": f"{t}:{i}", "type": t, "object_id": i, "hop": visible_objects[(t, i)],
                "label": obj.label if obj else f"{t} {i}", "url": obj.url if obj else "",
            }
    # Identifiers: only those on an edge to a shown object.
    shown_identifiers: set[int] = set()
    kept_edges = set()
    for s, t, k in graph.edges:
        if k == "holds" and s in graph.nodes:
            shown_identifiers.add(int(t.split(":", 1)[1]))
            kept_edges.add((s, t, k))
        elif k == "linked" and s in graph.nodes and t in graph.nodes:
            kept_edges.add((s, t, k))
    if start_type == "identifier":
        shown_identifiers.add(int(start_id))
    graph.edges = kept_edges
    victim_held = set(CaseIdentifier.objects.filter(identifier_id__in=shown_identifiers,
                                                    person__role=Person.Role.VICTIM)
                      .values_list("identifier_id", flat=True))
    ident_hops: dict[int, int] = {}
    for s, t, k in kept_edges:
        if k == "holds":
            ident = int(t.split(":", 1)[1])
            ident_hops[ident] = min(ident_hops.get(ident, 99), graph.nodes[s]["hop"])
    kind_labels = {k: str(v) for k, v in Kind.choices}
    for row in Identifier.objects.filter(pk__in=shown_identifiers).order_by("pk"):
        kind_label = kind_labels.get(row.kind, row.kind)
        label = f"{kind_label} (potential victim)" if row.pk in victim_held else f"{kind_label}: {row.value}"
        graph.nodes[f"identifier:{row.pk}"] = {
            "id": f"identifier:{row.pk}", "type": "identifier", "object_id": str(row.pk), "kind": row.kind,
            "hop": 0 if start_type == "identifier" and row.pk == int(start_id) else ident_hops.get(row.pk, hops),
            "label": label, "url": "",
        }
    return graph


# --- The graph as a list (the page shows it beside the picture) ----------------------------
TYPE_LABELS = {
    "case": _("Cases"),
    "tip": _("Tips"),
    "operation": _("Ad operations"),
    "identifier": _("Identifiers"),
}


def listing(data: dict[str, Any]) -> dict[str, Any]:
    """The nodes of ``LinkGraph.as_dict()`` grouped by type, each with the nodes it is connected to.

    Everything the picture shows is here as text and links: which records, how far from the
    start, and what connects them (a case to the tip it came from, a record to an identifier
    it holds).
    """
    nodes = {n["id"]: n for n in data["nodes"]}
    neighbours: dict[str, list[dict[str, Any]]] = {n: [] for n in nodes}
    for edge in data["edges"]:
        s, t = edge["source"], edge["target"]
        if s in nodes and t in nodes:
            neighbours[s].append(nodes[t])
            neighbours[t].append(nodes[s])
    groups = []
    for node_type, label in TYPE_LABELS.items():
        members = [dict(n, neighbours=sorted(neighbours[n["id"]], key=lambda m: (m["type"], m["label"])))
                   for n in data["nodes"] if n["type"] == node_type]
        if members:
            groups.append({"type": node_type, "label": label, "nodes": members})
    others = [dict(n, neighbours=neighbours[n["id"]]) for n in data["nodes"] if n["type"] not in TYPE_LABELS]
    if others:
        groups.append({"type": "other", "label": _("Other"), "nodes": others})
    return {"groups": groups, "edges": len(data["edges"])}
