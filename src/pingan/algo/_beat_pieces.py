"""The pieces a donor beat falls into without one of its nodes (see :mod:`pingan.algo.beats`).

A node ``v`` that leaves its beat takes with it every piece the beat would fall apart into
without it, all but one. :func:`chunk_to_move` finds them with breadth-first searches inside
the beat, one from each of ``v``'s neighbours there (:class:`PieceSearch`), that stop as soon
as the answer is known, so contiguity never needs a whole-graph check.
"""

from __future__ import annotations


def chunk_to_move(
    v: int,
    donor: int,
    beat: list[int],
    neighbours: list[list[int]],
    w: list[float],
    budget: float,
) -> list[int] | None:
    """Find the nodes that leave beat ``donor`` with its node ``v``.

    None when they would weigh ``budget`` or more.

    Without ``v`` the donor may fall apart; then every piece but one leaves with ``v`` (each
    piece touches ``v``, so what leaves is connected). Breadth-first searches inside the
    donor start from each of v's donor neighbours and advance one layer each in turn; two
    that meet merge. It ends when one search is left (connected), when at most one is still
    growing (the pieces are known: the growing or else the heaviest one stays), or when the
    pieces that would have to leave already weigh ``budget``.
    """
    if w[v] >= budget:
        return None
    targets = [u for u in neighbours[v] if beat[u] == donor]
    if len(targets) <= 1:
        return [v]
    search = PieceSearch(v, targets, w)
    while True:
        roots = search.roots()
        if len(roots) == 1:
            return [v]
        growing = [i for i in roots if search.frontier[i]]
        if len(growing) <= 1:
            break
        # whichever piece stays, the others weigh at least this much
        weights = [search.weight[i] for i in roots]
        if w[v] + sum(weights) - max(weights) >= budget:
            return None
        for g in growing:
            if search.parent[g] != g:
                continue  # merged into another search during this round
            search.advance(g, donor, beat, neighbours, w)
    return search.chunk(v, w, budget)


class PieceSearch:
    """Breadth-first searches inside a donor beat, one from each donor neighbour of ``v``.

    Search ``i`` owns ``nodes[i]`` (weight ``weight[i]``) and grows from ``frontier[i]``;
    two searches that meet merge (union-find over ``parent``). ``label`` maps each node
    reached to its search (``v`` itself: -1). See :func:`chunk_to_move`.
    """

    def __init__(self, v: int, targets: list[int], w: list[float]) -> None:
        self.parent = list(range(len(targets)))
        self.label: dict[int, int] = {v: -1}
        self.nodes: list[list[int]] = []
        self.frontier: list[list[int]] = []
        self.weight: list[float] = []
        for i, t in enumerate(targets):
            if t in self.label:  # a neighbour listed twice
                self.parent[i] = self.label[t]
                self.nodes.append([])
                self.frontier.append([])
                self.weight.append(0.0)
                continue
            self.label[t] = i
            self.nodes.append([t])
            self.frontier.append([t])
            self.weight.append(w[t])

    def root(self, i: int) -> int:
        """Return the search that search ``i`` has merged into (itself if none)."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def roots(self) -> list[int]:
        """List the searches still apart (one per piece found so far)."""
        return [i for i in range(len(self.parent)) if self.parent[i] == i]

    def advance(
        self, g: int, donor: int, beat: list[int], neighbours: list[list[int]], w: list[float]
    ) -> None:
        """Advance search ``g`` one layer inside the donor, merging the searches it meets."""
        layer: list[int] = []
        for a in self.frontier[g]:
            for b in neighbours[a]:
                if beat[b] != donor:
                    continue
                owner = self.label.get(b)
                if owner is None:
                    self.label[b] = g
                    layer.append(b)
                    self.nodes[g].append(b)
                    self.weight[g] += w[b]
                elif owner >= 0:
                    other = self.root(owner)
                    if other != g:  # two searches meet: one piece
                        self._merge(g, other, layer)
        self.frontier[g] = layer

    def _merge(self, g: int, other: int, layer: list[int]) -> None:
        """Merge search ``other`` into ``g``; its frontier joins ``g``'s next ``layer``."""
        self.parent[other] = g
        for u in self.nodes[other]:
            self.label[u] = g
        self.nodes[g].extend(self.nodes[other])
        self.weight[g] += self.weight[other]
        layer.extend(self.frontier[other])
        self.nodes[other], self.frontier[other] = [], []

    def chunk(self, v: int, w: list[float], budget: float) -> list[int] | None:
        """Return ``v`` with every piece but the one that stays, or None at ``budget`` or more.

        The piece still growing stays, or else the heaviest one.
        """
        roots = self.roots()
        growing = [i for i in roots if self.frontier[i]]
        keep = growing[0] if growing else max(roots, key=lambda i: self.weight[i])
        chunk = [v]
        total = w[v]
        for i in roots:
            if i != keep:
                chunk.extend(self.nodes[i])
                total += self.weight[i]
        return chunk if total < budget else None
