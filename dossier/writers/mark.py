"""The invisible copy mark: a copy number (and a short tag of the edition) as blocks of tiny
near-white dots, with Reed–Solomon error correction, drawn onto white areas of each page;
read back from a rendered page (a PDF rendered at 150 dpi, or any PNG of a page).

A block is a grid of ROWS x COLS cells PITCH points apart. Its border cells always carry a
dot, so that a reader finds the grid from the dots alone, at any resolution and wherever
the page was cropped. The 12 x 8 cells inside hold the codeword, one byte per row, most
significant bit left: the payload (copy number, edition tag) and RS_SYMBOLS correction
bytes. A block is accepted only when the correction needed at most MAX_CORRECTED bytes, and
a page or file only when all its accepted blocks agree: a damaged mark reads as
"unreadable", never as another number.

There is no image library for connected components in our dependencies (SciPy would be a
large one), so dots are found as local minima with numpy, below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROWS, COLS = 14, 10
DATA_ROWS, DATA_COLS = ROWS - 2, COLS - 2  # one byte per data row
PITCH = 3.6  # points between dot centres
DOT = 1.2  # side of a dot, in points
GRAY = 0.88  # the dots' grey (1 = white): invisible at reading distance, found by a scan
RS_SYMBOLS = 8  # corrects 4 wrong bytes; we accept at most MAX_CORRECTED
MAX_CORRECTED = 2
PAYLOAD_BYTES = DATA_ROWS - RS_SYMBOLS  # copy number (2 bytes) and edition tag (2 bytes)
MAX_COPIES = 65_535
#: A block's footprint in points (dot edges included), and the white kept around it.
BLOCK_WIDTH = (COLS - 1) * PITCH + DOT
BLOCK_HEIGHT = (ROWS - 1) * PITCH + DOT
CLEARANCE = 9.0


def edition_tag(name: str, edition: str, stamp: str) -> int:
    """Two bytes that tie a mark to one build of one edition (the ledger records them)."""
    digest = hashlib.sha256(f"{name}\0{edition}\0{stamp}".encode()).digest()
    return int.from_bytes(digest[:2], "big")


def _codec() -> Any:
    from reedsolo import RSCodec

    return RSCodec(RS_SYMBOLS)


def encode(copy: int, tag: int) -> list[list[bool]]:
    """The block's cells (row by row, True = dot) for a copy number and an edition tag."""
    if not 1 <= copy <= MAX_COPIES:
        raise ValueError(f"copy number {copy} out of range")
    payload = copy.to_bytes(2, "big") + tag.to_bytes(2, "big")
    codeword = bytes(_codec().encode(payload))
    cells = [[True] * COLS for _ in range(ROWS)]
    for row, byte in enumerate(codeword, 1):
        for col in range(DATA_COLS):
            cells[row][col + 1] = bool(byte >> (DATA_COLS - 1 - col) & 1)
    return cells


def block_content(cells: list[list[bool]], left: float, top: float) -> bytes:
    """PDF content drawing one block whose top-left dot centre is at (left, top), in PDF
    user space (y upwards): a marked artifact, so it is neither text nor structure."""
    ops = [f"{GRAY:.2f} g".encode()]
    half = DOT / 2
    for row, line in enumerate(cells):
        for col, on in enumerate(line):
            if on:
                x = left + col * PITCH - half
                y = top - row * PITCH - half
                ops.append(f"{x:.2f} {y:.2f} {DOT:.2f} {DOT:.2f} re".encode())
    ops.append(b"f")
    return b"\n".join(ops)


@dataclass(frozen=True)
class Reading:
    """What the scan of one image found: how many blocks looked like marks, and the
    (copy, tag) pairs of those that decoded."""

    blocks: int
    decoded: list[tuple[int, int]]


def read_image(gray: NDArray[np.uint8]) -> Reading:
    """Find and decode every mark block in a greyscale page image (0 black, 255 white)."""
    points = _dots(gray)
    if len(points) < 2 * (ROWS + COLS):
        return Reading(0, [])
    pitch = _pitch(points)
    if pitch <= 0:
        return Reading(0, [])
    blocks, decoded = 0, []
    for cluster in _clusters(points, pitch * 2.1):
        # the border holds a block together; data dots cut off from it by empty cells
        # are the ones inside its outline
        (x0, y0), (x1, y1) = points[cluster].min(axis=0), points[cluster].max(axis=0)
        margin = pitch / 2
        inside = (
            (points[:, 0] >= x0 - margin)
            & (points[:, 0] <= x1 + margin)
            & (points[:, 1] >= y0 - margin)
            & (points[:, 1] <= y1 + margin)
        )
        cells = _grid(points[inside], pitch)
        if cells is None:
            continue
        blocks += 1
        found = _decode(cells)
        if found is not None:
            decoded.append(found)
    return Reading(blocks, decoded)


def verdict(readings: Iterable[Reading]) -> tuple[str, tuple[int, int] | None]:
    """'found' with (copy, tag) when every decoded block agrees, 'unreadable' when blocks
    were seen but none decoded or they disagree, 'none' when no block was seen."""
    blocks, decoded = 0, set()
    for reading in readings:
        blocks += reading.blocks
        decoded.update(reading.decoded)
    if len(decoded) == 1:
        return "found", decoded.pop()
    return ("unreadable" if blocks else "none"), None


# -- finding dots ---------------------------------------------------------------------------
def _shifted_min(image: NDArray[np.int16], radius: int) -> NDArray[np.int16]:
    """The minimum over a (2r+1)^2 window of every pixel (edges padded with white)."""
    padded = np.pad(image, radius, constant_values=255)
    h, w = image.shape
    out = image.copy()
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            np.minimum(out, padded[dy : dy + h, dx : dx + w], out=out)
    return out


def _dots(gray: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Centres (x, y) of small isolated light-grey specks away from any dark ink: text, its
    anti-aliased edges, tinted table rows and pictures are left out. Images much larger
    than a page at 150 dpi are first reduced to about that."""
    factor = gray.shape[0] // 1600
    if factor >= 2:
        h, w = (gray.shape[0] // factor) * factor, (gray.shape[1] // factor) * factor
        gray = gray[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))
    image = gray.astype(np.int16)
    light = image < 248
    if not light.any():
        return np.zeros((0, 2))
    near_ink = _shifted_min(image, 3) < 170
    lowest = _shifted_min(image, 2)
    crowd = _window_sum(light.astype(np.int16), 2)  # light pixels in the 5 x 5 around
    minima = light & ~near_ink & (image == lowest) & (crowd <= 12)
    ys, xs = np.nonzero(minima)
    # a dot covering several pixels equally gives several minima: merge those within 2.5 px
    sums: list[list[float]] = []
    near: dict[tuple[int, int], int] = {}
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        key = (x // 4, y // 4)
        for a in (-1, 0, 1):
            for b in (-1, 0, 1):
                index = near.get((key[0] + a, key[1] + b))
                if index is not None:
                    sx, sy, n = sums[index]
                    if abs(sx / n - x) <= 2.5 and abs(sy / n - y) <= 2.5:
                        sums[index] = [sx + x, sy + y, n + 1]
                        break
            else:
                continue
            break
        else:
            near[key] = len(sums)
            sums.append([float(x), float(y), 1.0])
    return np.array([(sx / n, sy / n) for sx, sy, n in sums], dtype=np.float64).reshape(-1, 2)


def _window_sum(image: NDArray[np.int16], radius: int) -> NDArray[np.int16]:
    padded = np.pad(image, radius)
    h, w = image.shape
    out = np.zeros_like(image)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            out += padded[dy : dy + h, dx : dx + w]
    return out


def _pitch(points: NDArray[np.float64]) -> float:
    """The commonest distance to the nearest neighbour: the grid pitch in pixels."""
    points = points[:4096]  # a page with more specks than that is not one we marked
    nearest = []
    for start in range(0, len(points), 512):
        chunk = points[start : start + 512]
        d = np.hypot(*(chunk[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
        d[d == 0] = np.inf
        nearest.append(d.min(axis=1))
    distances = np.concatenate(nearest)
    distances = distances[np.isfinite(distances) & (distances >= 2.5)]
    if not len(distances):
        return 0.0
    # a block's dots all have a neighbour at exactly one pitch: the commonest distance
    counts = np.bincount((distances * 2).astype(np.int64))
    mode = counts.argmax() / 2 + 0.25
    close = distances[np.abs(distances - mode) <= 0.15 * mode]
    return float(np.median(close))


def _clusters(points: NDArray[np.float64], reach: float) -> list[list[int]]:
    """Groups of points linked by steps shorter than `reach` (a grid hash, union-find)."""
    parent = list(range(len(points)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points.tolist()):
        cells.setdefault((int(x // reach), int(y // reach)), []).append(i)
    for (cx, cy), members in cells.items():
        for a in (-1, 0, 1):
            for b in (-1, 0, 1):
                for j in cells.get((cx + a, cy + b), []):
                    for i in members:
                        if i < j and np.hypot(*(points[i] - points[j])) < reach:
                            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(points)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) >= ROWS + COLS]


def _grid(points: NDArray[np.float64], pitch: float) -> list[list[bool]] | None:
    """The cells of a cluster that has a mark block's shape, or None."""
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    px, py = (x1 - x0) / (COLS - 1), (y1 - y0) / (ROWS - 1)
    if not (0.8 < px / pitch < 1.25 and 0.8 < py / pitch < 1.25):
        return None
    cells = [[False] * COLS for _ in range(ROWS)]
    stray = 0
    for x, y in points.tolist():
        col, row = round((x - x0) / px), round((y - y0) / py)
        if abs(x - x0 - col * px) > 0.35 * px or abs(y - y0 - row * py) > 0.35 * py:
            stray += 1
            continue
        cells[row][col] = True
    border = [(r, c) for r in range(ROWS) for c in range(COLS) if r in (0, ROWS - 1)] + [
        (r, c) for r in range(1, ROWS - 1) for c in (0, COLS - 1)
    ]
    present = sum(cells[r][c] for r, c in border)
    if stray > 3 or present < 0.85 * len(border):
        return None
    return cells


def _decode(cells: list[list[bool]]) -> tuple[int, int] | None:
    return decode_bits(
        [int(cells[row][col]) for row in range(1, ROWS - 1) for col in range(1, COLS - 1)]
    )


def decode_bits(bits: list[int | None]) -> tuple[int, int] | None:
    """(copy, tag) from the codeword's bits, row by row (None: a bit not seen, whose byte
    is then an erasure); None unless it decodes with at most half the correcting power
    used, so that a damaged mark is never read as another number."""
    from reedsolo import ReedSolomonError

    codeword, erasures = bytearray(), []
    for i in range(0, DATA_ROWS * DATA_COLS, DATA_COLS):
        byte = bits[i : i + DATA_COLS]
        if any(b is None for b in byte):
            erasures.append(len(codeword))
            codeword.append(0)
        else:
            codeword.append(sum(int(b or 0) << (DATA_COLS - 1 - k) for k, b in enumerate(byte)))
    if len(erasures) > RS_SYMBOLS // 2:
        return None
    try:
        payload, _, errata = _codec().decode(bytes(codeword), erase_pos=erasures or None)
    except ReedSolomonError:
        return None
    errors = len(set(errata) - set(erasures))
    if 2 * errors + len(erasures) > 2 * MAX_CORRECTED:
        return None
    copy = int.from_bytes(payload[:2], "big")
    if copy == 0:
        return None
    return copy, int.from_bytes(payload[2:4], "big")


# -- where blocks go ------------------------------------------------------------------------
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points (y upwards)


def free_spots(
    gray: NDArray[np.uint8], scale: float, height: float, area: Rect, avoid: list[Rect], most: int
) -> list[tuple[float, float]]:
    """Up to `most` places for a block on a page rendered at `scale` pixels per point: white
    in the render with CLEARANCE around, inside `area`, clear of `avoid`, spread over the
    page (each next one as far as possible from those chosen). Returns the PDF coordinates
    of each block's top-left dot centre."""
    ink = (gray < 250).astype(np.int32)
    table = np.zeros((ink.shape[0] + 1, ink.shape[1] + 1), dtype=np.int32)
    table[1:, 1:] = ink.cumsum(0).cumsum(1)
    width, tall = BLOCK_WIDTH + 2 * CLEARANCE, BLOCK_HEIGHT + 2 * CLEARANCE
    step = 6.0
    candidates = []
    x = area[0]
    while x + width <= area[2]:
        y = area[3]
        while y - tall >= area[1]:
            box = (x, y - tall, x + width, y)
            if not any(_overlap(box, other) for other in avoid):
                c0, c1 = int(x * scale), int(np.ceil((x + width) * scale))
                r0, r1 = int((height - y) * scale), int(np.ceil((height - y + tall) * scale))
                c1, r1 = min(c1, ink.shape[1]), min(r1, ink.shape[0])
                if c0 >= 0 and r0 >= 0 and c1 > c0 and r1 > r0:
                    count = table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]
                    if count == 0:
                        candidates.append((x, y))
            y -= step
        x += step
    chosen: list[tuple[float, float]] = []
    while candidates and len(chosen) < most:
        if not chosen:
            best = candidates[0]
        else:
            best = max(
                candidates,
                key=lambda c: min(np.hypot(c[0] - o[0], c[1] - o[1]) for o in chosen),
            )
        chosen.append(best)
        taken = (best[0], best[1] - tall, best[0] + width, best[1])
        candidates = [
            c for c in candidates if not _overlap((c[0], c[1] - tall, c[0] + width, c[1]), taken)
        ]
    half = DOT / 2
    return [(x + CLEARANCE + half, y - CLEARANCE - half) for x, y in chosen]


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
