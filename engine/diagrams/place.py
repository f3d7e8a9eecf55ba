"""Placing a process model on the page: columns by topological rank left to right, each node in its lane's
horizontal band, boundary events on their host's lower border, orthogonal sequence flows.

A deliberately simple layered layout (longest path ranking, greedy rows that follow the predecessor), so the
result is predictable: running it twice gives the same picture, and a small edit moves little.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.diagrams.graph import Block, Flow, Lane, Node, Plane

__all__ = ["Shape", "Edge", "Diagram", "place"]

_GAP_X = 50  # between columns
_GAP_Y = 40  # between rows of one lane
_PAD = 35  # above and below the rows of a lane: room for loop-back arrows and boundary events
_MARGIN = 30  # inside a pool or sub-process, around the content
_LABEL = 30  # the name strip at the left of a pool or lane
_MIN_ROW = 80  # an event or gateway row is as high as a task row, so centres line up across lanes
_ORIGIN = (160, 80)


@dataclass
class Shape:
    element: str
    x: int
    y: int
    width: int
    height: int
    kind: str  # "pool" | "lane" | a flow node's local name
    expanded: bool = False

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


@dataclass(frozen=True)
class Edge:
    element: str
    points: tuple[tuple[int, int], ...]


@dataclass
class Diagram:
    plane_element: str
    shapes: list[Shape] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass
class _Placed:
    """A block laid out at (0, 0): node shapes, the top of each lane band and the size."""

    shapes: dict[str, Shape]
    bands: list[tuple[int, int]]  # (top, height) per band
    width: int
    height: int
    inner: dict[str, _Placed] = field(default_factory=dict)  # the layout inside each expanded sub-process


def _ranks(block: Block) -> tuple[dict[str, int], set[Flow]]:
    """Longest-path rank of every non-boundary node, after dropping the flows that close a loop."""
    nodes = block.nodes
    placed = [n for n in nodes.values() if not (n.host and n.host in nodes)]
    anchor = {n.id: (n.host if n.host and n.host in nodes else n.id) for n in nodes.values()}
    succ: dict[str, list[tuple[str, Flow]]] = {n.id: [] for n in placed}
    incoming = {n.id: 0 for n in placed}
    for flow in block.flows:
        if flow.source in anchor and flow.target in anchor and anchor[flow.target] == flow.target:
            succ[anchor[flow.source]].append((flow.target, flow))
            incoming[flow.target] += 1
    back: set[Flow] = set()
    state: dict[str, int] = {}  # 1 on the DFS stack, 2 done

    def visit(start: str) -> None:
        stack = [(start, iter(succ[start]))]
        state[start] = 1
        while stack:
            current, children = stack[-1]
            for target, flow in children:
                if state.get(target) == 1:
                    back.add(flow)
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(succ[target])))
                    break
            else:
                state[current] = 2
                stack.pop()

    order = sorted(placed, key=lambda n: (incoming[n.id] > 0, n.order))
    for node in order:
        if node.id not in state:
            visit(node.id)
    rank = {n.id: 0 for n in placed}
    remaining = {n.id: 0 for n in placed}
    for source in succ:
        for target, flow in succ[source]:
            if flow not in back:
                remaining[target] += 1
    ready = [n.id for n in order if remaining[n.id] == 0]
    while ready:
        source = ready.pop(0)
        for target, flow in succ[source]:
            if flow in back:
                continue
            step = 1 if anchor[flow.source] == flow.source else 2  # leave room below a boundary event's host
            rank[target] = max(rank[target], rank[source] + step)
            remaining[target] -= 1
            if remaining[target] == 0:
                ready.append(target)
    return rank, back


def _band_of(lanes: list[Lane]) -> tuple[dict[str, int], int]:
    """Lane id -> band index (a lane with sub-lanes maps to its first leaf); the band count (at least 1)."""
    bands: dict[str, int] = {}
    leaves = [leaf for lane in lanes for leaf in lane.leaves()]
    for i, leaf in enumerate(leaves):
        bands[leaf.id] = i

    def parents(lane: Lane) -> None:
        bands.setdefault(lane.id, bands[lane.leaves()[0].id])
        for child in lane.children:
            parents(child)

    for lane in lanes:
        parents(lane)
    return bands, max(len(leaves), 1)


def _place_block(block: Block) -> _Placed:
    inner: dict[str, _Placed] = {}
    for node in block.nodes.values():  # an expanded sub-process is as big as its content
        if node.inner is not None:
            inner[node.id] = _place_block(node.inner)
            node.width, node.height = inner[node.id].width, inner[node.id].height
    rank, back = _ranks(block)
    band_of, band_count = _band_of(block.lanes)
    extra_band = any(n.lane not in band_of for n in block.nodes.values()) and bool(block.lanes)
    preds: dict[str, list[tuple[str, bool]]] = {}
    for flow in block.flows:
        source = block.nodes.get(flow.source)
        if source is None or flow in back or flow.target not in rank:
            continue
        host = source.host if source.host and source.host in block.nodes else None
        preds.setdefault(flow.target, []).append((host or source.id, host is not None))

    def band(node: Node) -> int:
        return band_of.get(node.lane or "", band_count if extra_band else 0)

    cell: dict[str, tuple[int, int]] = {}  # node -> (band, row)
    taken: set[tuple[int, int, int]] = set()
    for node in sorted((block.nodes[i] for i in rank), key=lambda n: (rank[n.id], n.order)):
        b = band(node)
        wanted = 0
        for pred, from_boundary in preds.get(node.id, []):
            if pred in cell and cell[pred][0] == b:
                wanted = cell[pred][1] + (1 if from_boundary else 0)
                break
        row = next(r for d in range(len(block.nodes) + 2) for r in (wanted + d, wanted - d)
                   if r >= 0 and (b, rank[node.id], r) not in taken)
        taken.add((b, rank[node.id], row))
        cell[node.id] = (b, row)

    columns = max(rank.values(), default=0) + 1
    col_width = [0] * columns
    for node_id, r in rank.items():
        col_width[r] = max(col_width[r], block.nodes[node_id].width)
    col_left = [_MARGIN + sum(col_width[:i]) + _GAP_X * i for i in range(columns)]
    bands_total = band_count + (1 if extra_band else 0)
    row_height: list[dict[int, int]] = [{} for _ in range(bands_total)]
    for node_id, (b, row) in cell.items():
        row_height[b][row] = max(row_height[b].get(row, _MIN_ROW), block.nodes[node_id].height)
    bands: list[tuple[int, int]] = []
    top = 0
    for b in range(bands_total):
        rows = max(row_height[b], default=0) + 1
        heights = [row_height[b].get(r, _MIN_ROW) for r in range(rows)]
        height = 2 * _PAD + sum(heights) + _GAP_Y * (rows - 1)
        bands.append((top, height))
        top += height
    shapes: dict[str, Shape] = {}
    for node_id, (b, row) in cell.items():
        node = block.nodes[node_id]
        heights = [row_height[b].get(r, _MIN_ROW) for r in range(row + 1)]
        row_top = bands[b][0] + _PAD + sum(heights[:-1]) + _GAP_Y * row
        x = col_left[rank[node_id]] + (col_width[rank[node_id]] - node.width) // 2
        y = row_top + (heights[-1] - node.height) // 2
        shapes[node_id] = Shape(node_id, x, y, node.width, node.height, node.kind, expanded=node.inner is not None)
    _attach_boundaries(block, shapes)
    width = (col_left[-1] + col_width[-1] + _MARGIN) if rank else 2 * _MARGIN + 100
    return _Placed(shapes, bands, width, top, inner)


def _attach_boundaries(block: Block, shapes: dict[str, Shape]) -> None:
    on_host: dict[str, list[Node]] = {}
    for node in block.nodes.values():
        if node.host and node.host in shapes:
            on_host.setdefault(node.host, []).append(node)
    for host_id, events in on_host.items():
        host = shapes[host_id]
        for i, event in enumerate(sorted(events, key=lambda n: n.order)):
            cx = host.x + host.width * (i + 1) // (len(events) + 1)
            shapes[event.id] = Shape(event.id, cx - event.width // 2, host.bottom - event.height // 2,
                                     event.width, event.height, event.kind)


def _moved(shape: Shape, dx: int, dy: int) -> Shape:
    return Shape(shape.element, shape.x + dx, shape.y + dy, shape.width, shape.height, shape.kind, shape.expanded)


def _flatten(block: Block, placed: _Placed, dx: int, dy: int, out: dict[str, Shape]) -> None:
    """Absolute shapes for a block and, recursively, the content of its expanded sub-processes."""
    for node_id, shape in placed.shapes.items():
        moved = out[node_id] = _moved(shape, dx, dy)
        node = block.nodes[node_id]
        if node.inner is not None:
            _flatten(node.inner, placed.inner[node_id], moved.x, moved.y, out)


def _gateway(shape: Shape) -> bool:
    return shape.kind.endswith("Gateway")


def _crosses(points: tuple[tuple[int, int], ...], shape: Shape) -> bool:
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if min(x1, x2) < shape.right and max(x1, x2) > shape.x and min(y1, y2) < shape.bottom \
                and max(y1, y2) > shape.y:
            return True
    return False


def route(s: Shape, t: Shape, from_boundary: bool = False,
          obstacles: list[Shape] | None = None) -> tuple[tuple[int, int], ...]:
    """Orthogonal waypoints from shape s to shape t; a path through other shapes goes round underneath."""
    points = _route(s, t, from_boundary)
    blocking = [o for o in obstacles or [] if o is not s and o is not t and _crosses(points, o)]
    if not blocking or from_boundary:
        return points
    below = max(max(o.bottom for o in blocking), s.bottom, t.bottom) + 20
    return (s.cx, s.bottom), (s.cx, below), (t.cx, below), (t.cx, t.bottom)


def _route(s: Shape, t: Shape, from_boundary: bool) -> tuple[tuple[int, int], ...]:
    if from_boundary:  # leave the host's border downwards, then across
        if t.x > s.cx:
            return (s.cx, s.bottom), (s.cx, t.cy), (t.x, t.cy)
        return (s.cx, s.bottom), (s.cx, t.bottom + 20), (t.cx, t.bottom + 20), (t.cx, t.bottom)
    if t.x >= s.right:  # forward
        if s.cy == t.cy:
            return (s.right, s.cy), (t.x, t.cy)
        if _gateway(s):  # a split: out of the top or bottom corner, then across
            return (s.cx, s.bottom if t.cy > s.cy else s.y), (s.cx, t.cy), (t.x, t.cy)
        if _gateway(t):  # a join: across, then into the top or bottom corner
            return (s.right, s.cy), (t.cx, s.cy), (t.cx, t.y if s.cy < t.cy else t.bottom)
        bend = t.x - _GAP_X // 2
        return (s.right, s.cy), (bend, s.cy), (bend, t.cy), (t.x, t.cy)
    # a loop back (or a flow to a node above/below in the same column): over the top of both
    over = min(s.y, t.y) - 20
    return (s.cx, s.y), (s.cx, over), (t.cx, over), (t.cx, t.y)


def _message_route(s: Shape, t: Shape) -> tuple[tuple[int, int], ...]:
    if t.y >= s.bottom:
        middle = (s.bottom + t.y) // 2
        return (s.cx, s.bottom), (s.cx, middle), (t.cx, middle), (t.cx, t.y)
    middle = (t.bottom + s.y) // 2
    return (s.cx, s.y), (s.cx, middle), (t.cx, middle), (t.cx, t.bottom)


def _lane_shapes(lanes: list[Lane], bands: list[tuple[int, int]], band_of: dict[str, int], x: int, y: int,
                 right: int) -> list[Shape]:
    shapes = []
    for lane in lanes:
        leaves = [band_of[leaf.id] for leaf in lane.leaves()]
        top = bands[min(leaves)][0]
        bottom = bands[max(leaves)][0] + bands[max(leaves)][1]
        shapes.append(Shape(lane.id, x, y + top, right - x, bottom - top, "lane"))
        shapes.extend(_lane_shapes(lane.children, bands, band_of, x + _LABEL, y, right))
    return shapes


def _all_flows(block: Block) -> list[tuple[Flow, Block]]:
    found = [(flow, block) for flow in block.flows]
    for node in block.nodes.values():
        if node.inner is not None:
            found.extend(_all_flows(node.inner))
    return found


def place(plane: Plane) -> Diagram:
    """One diagram: pools stacked top to bottom, each with its lanes and content."""
    diagram = Diagram(plane.element)
    nodes: dict[str, Shape] = {}
    placed = [(pool, _place_block(pool.block)) for pool in plane.pools]
    depth = [max((lane.depth() for lane in pool.block.lanes), default=0) for pool, _ in placed]
    pool_width = max((_LABEL * (1 + d) + p.width for (_, p), d in zip(placed, depth)), default=600)
    x0, y = _ORIGIN
    pools: dict[str, Shape] = {}
    for (pool, content), lane_depth in zip(placed, depth):
        left = x0
        height = content.height if pool.process else 100
        if pool.participant is not None:
            pools[pool.participant] = shape = Shape(pool.participant, x0, y, max(pool_width, 600), height, "pool")
            diagram.shapes.append(shape)
            left += _LABEL
        band_of, _ = _band_of(pool.block.lanes)  # a lone process may have lanes too: drawn without a pool
        diagram.shapes.extend(_lane_shapes(pool.block.lanes, content.bands, band_of, left, y,
                                           x0 + max(pool_width, 600)))
        _flatten(pool.block, content, left + _LABEL * lane_depth, y, nodes)
        y += height + 60
    diagram.shapes.extend(sorted(nodes.values(), key=lambda s: (s.y, s.x)))
    for pool in plane.pools:
        for flow, block in _all_flows(pool.block):
            source, target = nodes.get(flow.source), nodes.get(flow.target)
            if source is None or target is None:
                continue
            boundary = block.nodes.get(flow.source)
            siblings = [nodes[n] for n in block.nodes if n in nodes and not block.nodes[n].host]
            diagram.edges.append(Edge(flow.id, route(source, target, bool(boundary and boundary.host), siblings)))
    ends = nodes | pools
    for flow in plane.message_flows:
        if flow.source in ends and flow.target in ends:
            diagram.edges.append(Edge(flow.id, _message_route(ends[flow.source], ends[flow.target])))
    return diagram
