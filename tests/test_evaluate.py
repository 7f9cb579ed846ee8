"""The scorer: the published Bertalign row on MAC-Dev, and hand-made cases worked out on paper."""

from __future__ import annotations

import json
import random

import pytest

from align.evaluate import format_bead, parse_beads, score
from termalign.cli import main
from termalign.errors import UserError

PUBLISHED = ("        precision  recall  F1\n"
             "strict  0.909      0.914   0.911\n"
             "lax     0.996      1.000   0.998\n")


def beads(text: str):
    return parse_beads(text.replace(" ", "\n"))


def test_cli_eval_prints_the_published_bertalign_row(shared_data, capsys):
    mac = shared_data / "mac-dev"
    assert main(["eval", str(mac / "gold"), str(mac / "bertalign-labse")]) == 0
    assert capsys.readouterr().out == PUBLISHED


def test_cli_eval_json(shared_data, capsys):
    mac = shared_data / "mac-dev"
    assert main(["eval", "--json", str(mac / "gold" / "001"), str(mac / "gold" / "001")]) == 0
    assert json.loads(capsys.readouterr().out) == {k: 1.0 for k in
                                                   ("strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1")}


@pytest.mark.parametrize("make_args, message", [
    (lambda d, f: [str(d / "missing"), str(f)], "no such file or directory"),
    (lambda d, f: [str(d), str(f)], "give two files or two directories"),
    (lambda d, f: [str(d), str(d / "empty")], "no test file for"),
    (lambda d, f: [str(f), str(d / "bad")], "not a bead line"),
])
def test_cli_eval_bad_input_is_one_line_exit_2(tmp_path, capsys, make_args, message):
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "001").write_text("[0]:[0]\n")
    (tmp_path / "g" / "empty").mkdir()
    (tmp_path / "g" / "bad").write_text("[0]:[0]\n0 -> 1\n")
    gold_file = tmp_path / "g" / "001"
    assert main(["eval", *make_args(tmp_path / "g", gold_file)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_identical_alignments_score_one():
    gold = beads("[0]:[0] [1,2]:[1] [3]:[] []:[2] [4]:[3,4]")
    assert score([(gold, gold)]).as_dict() == {k: 1.0 for k in score([(gold, gold)]).as_dict()}


def test_split_bead_strict_versus_lax():
    # Gold merges 1+2; the test splits them and leaves 2 unaligned.
    gold = beads("[0]:[0] [1,2]:[1] [3]:[2]")
    test = beads("[0]:[0] [1]:[1] [2]:[] [3]:[2]")
    s = score([(gold, test)])
    # strict: P = 2 hits / 4 test beads (the deletion counts), R = 2 / 3 gold beads.
    assert (s.strict_p, round(s.strict_r, 6)) == (0.5, round(2 / 3, 6))
    assert s.strict_f1 == pytest.approx(4 / 7)
    # lax: [1]:[1] overlaps the gold 2-1 bead on both sides; [2]:[] overlaps nothing.
    assert (s.lax_p, s.lax_r) == (0.75, 1.0)
    assert s.lax_f1 == pytest.approx(6 / 7)


def test_deletions_count_in_precision_not_recall():
    gold = beads("[0]:[0] [1]:[] [2]:[1]")
    assert score([(gold, gold)]).strict_p == 1.0
    # Missing the deletion and merging its line into the next bead.
    s = score([(gold, beads("[0]:[0] [1,2]:[1]"))])
    assert (s.strict_p, s.strict_r, s.lax_p, s.lax_r) == (0.5, 0.5, 1.0, 1.0)
    # An extra insertion the gold does not have lowers precision only.
    s = score([(gold, beads("[0]:[0] [1]:[] [2]:[1] []:[2]"))])
    assert (s.strict_p, s.strict_r) == (0.75, 1.0)


def test_wrong_pairing_is_not_even_a_lax_hit():
    s = score([(beads("[0]:[0] [1]:[1]"), beads("[0]:[1] [1]:[0]"))])
    assert s.as_dict() == {k: 0.0 for k in s.as_dict()}


def test_crossing_beads_scored_in_any_order():
    # Footnotes placed differently by each language's page break: the beads cross.
    gold = beads("[0]:[0] [1]:[2] [2]:[3] [3]:[1] [4]:[4]")
    shuffled = gold[:]
    random.Random(0).shuffle(shuffled)
    assert score([(gold, shuffled)]).strict_f1 == 1.0
    # Forcing monotone order breaks the crossing bead and its neighbours.
    monotone = beads("[0]:[0] [1,2,3]:[1,2,3] [4]:[4]")
    s = score([(gold, monotone)])
    assert (s.strict_p, s.strict_r, s.lax_p, s.lax_r) == (2 / 3, 2 / 5, 1.0, 1.0)


def test_duplicate_and_empty_beads_are_ignored():
    gold = beads("[0]:[0] [1]:[1]")
    s = score([(gold, beads("[0]:[0] [0]:[0] []:[] [1]:[1]"))])
    assert s.strict_f1 == 1.0


def test_micro_average_over_documents():
    perfect = beads("[0]:[0]")
    gold2 = beads("[0]:[0] [1]:[1] [2]:[2]")
    wrong2 = beads("[0]:[1] [1]:[2] [2]:[0]")
    s = score([(perfect, perfect), (gold2, wrong2)])
    assert (s.strict_p, s.strict_r) == (0.25, 0.25)  # not the 0.5 a per-document mean gives


def test_bead_format_round_trips():
    assert format_bead((2, 3), ()) == "[2,3]:[]"
    assert parse_beads("[2, 3]:[]\n\n[]:[4]\n") == [((2, 3), ()), ((), (4,))]
    with pytest.raises(UserError, match="x.gold:2"):
        parse_beads("[0]:[0]\n[1]-[1]", "x.gold")
