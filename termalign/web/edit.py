"""Reviewer corrections of an alignment: merge, split, re-pair, unlink — pure functions on beads.

Every operation takes the bead list in display order and returns a new list; a corrected bead
gets score 1.0 (a human decided), beads the reviewer did not touch keep theirs. Indexes that do
not exist, or an operation that makes no sense for the bead, raise UserError (→ HTTP 400).
"""

from __future__ import annotations

from align.model import Bead
from termalign.errors import UserError

OPS = ("merge", "split", "swap", "unlink")
HUMAN = 1.0


def _check(beads: list[Bead], *idx: int) -> None:
    for i in idx:
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(beads):
            raise UserError(f"bead index {i!r} out of range (0..{len(beads) - 1})")


def merge(beads: list[Bead], i: int) -> list[Bead]:
    """Bead i and bead i+1 become one bead holding the segments of both."""
    _check(beads, i, i + 1)
    a, b = beads[i], beads[i + 1]
    joined = Bead(tuple(sorted(a.src + b.src)), tuple(sorted(a.tgt + b.tgt)), HUMAN)
    return beads[:i] + [joined] + beads[i + 2:]


def split(beads: list[Bead], i: int, src_at: int | None = None, tgt_at: int | None = None) -> list[Bead]:
    """Bead i cut in two: its first `src_at` source and first `tgt_at` target segments, then the rest.

    Defaults cut each side in half (rounded up), so a 2-2 bead becomes two 1-1 beads.
    """
    _check(beads, i)
    b = beads[i]
    if len(b.src) + len(b.tgt) < 2:
        raise UserError(f"bead {i} holds one segment: nothing to split")
    s = (len(b.src) + 1) // 2 if src_at is None else src_at
    t = (len(b.tgt) + 1) // 2 if tgt_at is None else tgt_at
    if not (0 <= s <= len(b.src) and 0 <= t <= len(b.tgt)):
        raise UserError(f"split point ({s}, {t}) outside bead {i} ({len(b.src)}-{len(b.tgt)})")
    first, second = Bead(b.src[:s], b.tgt[:t], HUMAN), Bead(b.src[s:], b.tgt[t:], HUMAN)
    if not (first.src or first.tgt) or not (second.src or second.tgt):
        raise UserError(f"split point ({s}, {t}) leaves bead {i} whole")
    return beads[:i] + [first, second] + beads[i + 1:]


def swap(beads: list[Bead], i: int, j: int) -> list[Bead]:
    """Re-pair: bead i's source goes with bead j's target and bead j's source with bead i's target."""
    _check(beads, i, j)
    if i == j:
        raise UserError("re-pairing a bead with itself changes nothing")
    out = list(beads)
    out[i] = Bead(beads[i].src, beads[j].tgt, HUMAN)
    out[j] = Bead(beads[j].src, beads[i].tgt, HUMAN)
    return [b for b in out if b.src or b.tgt]


def unlink(beads: list[Bead], i: int) -> list[Bead]:
    """Bead i becomes a source-only and a target-only bead (the reviewer says: not translations)."""
    _check(beads, i)
    b = beads[i]
    if not b.src or not b.tgt:
        raise UserError(f"bead {i} has only one side already")
    return beads[:i] + [Bead(b.src, (), HUMAN), Bead((), b.tgt, HUMAN)] + beads[i + 1:]


def _int_arg(args: dict, key: str, required: bool = True) -> int | None:
    v = args.get(key)
    if v is None and not required:
        return None
    if not isinstance(v, int) or isinstance(v, bool):
        raise UserError(f"{key} must be an integer, not {v!r}" if key != "index" else f"bead index {v!r} out of range")
    return v


def apply(beads: list[Bead], op: str, args: dict) -> list[Bead]:
    """Dispatch one edit request (`{"op": "merge", "index": 3}` …) from the API."""
    if op not in OPS:
        raise UserError(f"unknown edit {op!r}: expected one of {', '.join(OPS)}")
    i = _int_arg(args, "index")
    if op == "merge":
        return merge(beads, i)
    if op == "split":
        return split(beads, i, _int_arg(args, "src_at", False), _int_arg(args, "tgt_at", False))
    if op == "swap":
        return swap(beads, i, _int_arg(args, "other"))
    return unlink(beads, i)
