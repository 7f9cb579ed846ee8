"""Alignment scoring as in Sennrich & Volk (2010), the way Vecalign and Bertalign report it.

strict: a test bead counts only when it equals a gold bead. lax: it also counts when it
overlaps a gold bead on both sides. Precision is over the test beads, recall over the gold
beads, both without insertions and deletions (beads with an empty side).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from align.errors import UserError

BeadKey = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Scores:
    strict_p: float
    strict_r: float
    strict_f1: float
    lax_p: float
    lax_r: float
    lax_f1: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in self.__dict__.items()}


def parse_beads(text: str, where: str = "<beads>") -> list[BeadKey]:
    """`[0,1]:[2]` lines into tuples; blank lines ignored."""
    out: list[BeadKey] = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            s, t = line.split(":")
            src, tgt = ast.literal_eval(s.strip()), ast.literal_eval(t.strip())
            out.append((tuple(int(i) for i in src), tuple(int(i) for i in tgt)))
        except (ValueError, SyntaxError, TypeError) as e:
            raise UserError(f"{where}:{n}: not a bead line: {line[:60]!r}") from e
    return out


def format_bead(src: tuple[int, ...], tgt: tuple[int, ...]) -> str:
    return f"[{','.join(map(str, src))}]:[{','.join(map(str, tgt))}]"


def read_beads(path: str | os.PathLike) -> list[BeadKey]:
    p = Path(path)
    try:
        return parse_beads(p.read_text(encoding="utf-8"), str(p))
    except OSError as e:
        raise UserError(f"{p}: cannot read ({e.strerror})") from e


def _matches(gold: list[BeadKey], test: list[BeadKey]) -> tuple[int, int, int]:
    """(strict hits, lax hits, beads) of `test` judged against `gold`.

    A test bead is a lax hit when some target id it holds is aligned, in gold, to one of
    its source ids. Beads empty on both sides are dropped, duplicates counted once.
    """
    gold_set = {b for b in gold if b[0] or b[1]}
    test_set = {b for b in test if b[0] or b[1]}
    gold_links: dict[int, set[int]] = {}
    for src, tgt in gold_set:
        for i in src:
            gold_links.setdefault(i, set()).update(tgt)
    strict = lax = 0
    for src, tgt in test_set:
        if (src, tgt) in gold_set:
            strict += 1
            lax += 1
        elif set(tgt) & set().union(*(gold_links.get(i, set()) for i in src)):
            lax += 1
    return strict, lax, len(test_set)


def _counts(gold: list[BeadKey], test: list[BeadKey]) -> tuple[int, int, int, int, int, int]:
    """Precision counts over all test beads (insertions and deletions included); recall
    counts over the gold beads, both sides without insertions and deletions."""
    sp, lp, n_test = _matches(gold, test)
    full = lambda beads: [b for b in beads if b[0] and b[1]]  # noqa: E731
    sr, lr, n_gold = _matches(full(test), full(gold))
    return sp, sr, lp, lr, n_test, n_gold


def _prf(tp_p: int, tp_r: int, n_test: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_test if n_test else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(pairs: list[tuple[list[BeadKey], list[BeadKey]]]) -> Scores:
    """Micro-averaged scores over (gold, test) document pairs."""
    tot = [0] * 6
    for gold, test in pairs:
        tot = [a + b for a, b in zip(tot, _counts(gold, test))]
    sp, sr, sf = _prf(tot[0], tot[1], tot[4], tot[5])
    lp, lr, lf = _prf(tot[2], tot[3], tot[4], tot[5])
    return Scores(sp, sr, sf, lp, lr, lf)


def pair_files(gold: str | os.PathLike, test: str | os.PathLike) -> list[tuple[Path, Path]]:
    """A file against a file, or a directory against a directory paired by file name."""
    g, t = Path(gold), Path(test)
    for p in (g, t):
        if not p.exists():
            raise UserError(f"{p}: no such file or directory")
    if g.is_dir() != t.is_dir():
        raise UserError(f"{g} and {t}: give two files or two directories")
    if not g.is_dir():
        return [(g, t)]
    names = sorted(p.name for p in g.iterdir() if p.is_file() and not p.name.startswith("."))
    missing = [n for n in names if not (t / n).is_file()]
    if missing:
        raise UserError(f"{t}: no test file for {', '.join(missing[:5])}")
    if not names:
        raise UserError(f"{g}: no gold files")
    return [(g / n, t / n) for n in names]


def score_paths(gold: str | os.PathLike, test: str | os.PathLike) -> Scores:
    return score([(read_beads(a), read_beads(b)) for a, b in pair_files(gold, test)])
