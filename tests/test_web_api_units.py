"""The workbench's pure parts on hand-made data: bead edits, term spans, the pooled similarity map, jobs."""

from __future__ import annotations

import numpy as np
import pytest

from align.model import Bead
from termalign.errors import UserError
from termalign.web import edit
from termalign.web.heatmap import similarity_grid
from termalign.web.highlight import find_spans
from termalign.web.jobs import JobRunner

BEADS = [Bead((0,), (0,), 0.5), Bead((1, 2), (1,), 0.2), Bead((3,), (2, 3), -0.1), Bead((), (4,), -0.05)]


def ids(beads):
    return [(b.src, b.tgt) for b in beads]


def test_merge_joins_neighbours_and_marks_them_human():
    out = edit.merge(BEADS, 1)
    assert ids(out) == [((0,), (0,)), ((1, 2, 3), (1, 2, 3)), ((), (4,))]
    assert out[1].score == edit.HUMAN and out[0].score == 0.5
    assert ids(edit.merge(BEADS, 2)) == ids(BEADS[:2]) + [((3,), (2, 3, 4))]


def test_split_halves_by_default_or_at_given_points():
    assert ids(edit.split(BEADS, 1)) == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2, 3)), ((), (4,))]
    assert ids(edit.split(BEADS, 2, 1, 0)) == ids(BEADS[:2]) + [((3,), ()), ((), (2, 3)), ((), (4,))]
    with pytest.raises(UserError, match="one segment"):
        edit.split(BEADS, 3)
    with pytest.raises(UserError, match="whole"):
        edit.split(BEADS, 1, 2, 1)


def test_swap_repairs_targets_and_unlink_separates():
    assert ids(edit.swap(BEADS, 0, 2)) == [((0,), (2, 3)), ((1, 2), (1,)), ((3,), (0,)), ((), (4,))]
    assert ids(edit.swap(BEADS, 0, 3)) == [((0,), (4,)), ((1, 2), (1,)), ((3,), (2, 3)), ((), (0,))]
    lone = [Bead((0,), ()), Bead((), (0,))]
    assert ids(edit.swap(lone, 0, 1)) == [((0,), (0,))]  # pairing two lone segments leaves no empty bead
    assert ids(edit.unlink(BEADS, 1)) == [((0,), (0,)), ((1, 2), ()), ((), (1,)), ((3,), (2, 3)), ((), (4,))]
    with pytest.raises(UserError, match="one side"):
        edit.unlink(BEADS, 3)


@pytest.mark.parametrize("args", [{"op": "merge", "index": 3}, {"op": "merge", "index": -1}, {"op": "merge", "index": True},
                                  {"op": "swap", "index": 0}, {"op": "split", "index": 1, "tgt_at": 1.5},
                                  {"op": "nope", "index": 0}])
def test_bad_edit_requests_raise_user_errors(args):
    with pytest.raises(UserError):
        edit.apply(BEADS, args["op"], args)


def test_every_segment_stays_in_exactly_one_bead_after_any_edit_sequence():
    beads = list(BEADS)
    for op, args in [("merge", {"index": 0}), ("split", {"index": 0}), ("unlink", {"index": 0}),
                     ("swap", {"index": 0, "other": 2}), ("merge", {"index": 1})]:
        beads = edit.apply(beads, op, args)
        assert sorted(i for b in beads for i in b.src) == [0, 1, 2, 3]
        assert sorted(j for b in beads for j in b.tgt) == [0, 1, 2, 3, 4]


def test_spans_prefer_longer_terms_and_respect_word_edges():
    spans = find_spans("核武器国家和无核武器区", [("核武器", "nuclear weapons"), ("核武器国家", "nuclear-weapon States"),
                                           ("无核武器区", "nuclear-weapon-free zone")])
    assert [(s["start"], s["end"], s["term"]) for s in spans] == [(0, 5, "核武器国家"), (6, 11, "无核武器区")]
    en = find_spans("Nuclear disarmament, not nuclear-disarmament-ish or disarmaments", [("nuclear disarmament", "核裁军"),
                                                                                         ("disarmament", "裁军")])
    assert [(s["start"], s["end"], s["gloss"]) for s in en] == [(0, 19, "核裁军")]
    assert find_spans("a <script> b", [("<script>", "x")])[0]["start"] == 2  # regex characters are literal


def test_similarity_grid_pools_long_documents_and_keeps_the_diagonal():
    rng = np.random.default_rng(0)
    src = rng.normal(size=(1000, 16)).astype(np.float32)
    tgt = src[::-1][:800].copy()[::-1] + 0.05 * rng.normal(size=(800, 16)).astype(np.float32)  # tgt[j] ~ src[j + 200]
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    g = similarity_grid(src, tgt, cells=100)
    assert (g["rows"], g["cols"]) == (100, 100) and len(g["values"]) == 100 * 100
    assert g["row_edges"][0] == 0 and g["row_edges"][-1] == 1000 and g["col_edges"][-1] == 800
    v = np.array(g["values"]).reshape(100, 100)
    # cell (r, c) holds src block r and tgt block c: tgt j matches src j + 200, i.e. row block 20 + 0.8 c
    on = [v[int(20 + 0.8 * c), c] for c in range(100)]
    assert min(on) == 255 or np.median(on) > np.percentile(v, 95)
    small = similarity_grid(src[:5], tgt[:7])
    assert (small["rows"], small["cols"]) == (5, 7)
    assert similarity_grid(src[:0], tgt)["values"] == []


def test_job_runner_reports_progress_results_and_errors():
    jobs = JobRunner()
    seen = []

    def work(report):
        report("half", 0.5)
        seen.append(jobs.get(ok.id).as_dict()["stage"])
        return 42

    ok = jobs.submit("ok", work)
    bad = jobs.submit("bad", lambda report: (_ for _ in ()).throw(UserError("no such file")))
    crash = jobs.submit("crash", lambda report: 1 / 0)
    assert jobs.wait(ok.id, 10).result == 42 and seen == ["half"]
    assert jobs.wait(bad.id, 10).as_dict()["message"] == "no such file"
    assert jobs.wait(crash.id, 10).message.startswith("ZeroDivisionError")
    after = jobs.submit("after", lambda report: "still working")
    assert jobs.wait(after.id, 10).result == "still working"  # the worker survived the crash
    jobs.close()
