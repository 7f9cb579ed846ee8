"""Bad input through the real console entry point: one line on stderr naming the file and the
problem, exit status 2, no traceback, no output file created, an existing one left untouched.

Each case runs `python -m termalign align SRC TGT -o OUT` in a subprocess; the errors come
before any model is loaded, so a case takes about a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import SEED_EN, SEED_ZH

BIG_MB = 50


def termalign(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL)


def _scanned_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 300, fill=1)  # a page with an image-like shape and no text layer
    c.showPage()
    c.save()


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "hello")


def _big(path: Path) -> None:
    with open(path, "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(BIG_MB * 2**20)


# name -> (which side is bad, how to make the bad file, extra CLI args, words the message must hold)
INPUT_CASES = {
    "missing": ("src", None, [], "no such file"),
    "directory": ("tgt", "DIR", [], "is a directory"),
    "empty": ("src", lambda p: p.write_bytes(b""), [], "file is empty"),
    "blank": ("tgt", lambda p: p.write_text("\n  \n\t\r\n"), [], "file is empty"),
    "binary": ("src", lambda p: p.write_bytes(bytes(range(256)) * 64), [], "binary file"),
    "image": ("tgt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)), [], "PNG image"),
    "undecodable": ("src", lambda p: p.write_bytes(bytes((i * 37 + 129) % 127 + 129 for i in range(4000))), [],
                    "cannot tell the text encoding"),
    "wrong-encoding": ("src", lambda p: p.write_bytes(SEED_ZH.read_text(encoding="utf-8").encode("gb18030")),
                       ["--encoding", "utf-8"], "cannot decode as utf-8"),
    "unknown-encoding": ("src", lambda p: p.write_text("大会，", encoding="utf-8"), ["--encoding", "klingon"],
                         "unknown encoding"),
    "damaged-pdf": ("tgt", lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n"),
                    [], "damaged PDF"),
    "scanned-pdf": ("tgt", _scanned_pdf, [], "no text in this PDF"),
    "damaged-docx": ("src", lambda p: p.write_bytes(b"PK\x03\x04" + b"garbage" * 50), [], "damaged ZIP/DOCX"),
    "zip-not-docx": ("src", _zip_without_document, [], "not a .docx"),
    "legacy-doc": ("src", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)), [],
                   "save it as .docx"),
    "too-big": ("tgt", _big, [], "input limit"),
    "control-chars-only": ("src", lambda p: p.write_bytes(b"\x01\x02\x03\x1b[0m" * 100), [], "binary file"),
}

LANG_CASES = {
    "english-as-chinese": ("src", lambda p: p.write_text(SEED_EN.read_text(encoding="utf-8")), [],
                           "no Chinese text"),
    "chinese-as-english": ("tgt", lambda p: p.write_text(SEED_ZH.read_text(encoding="utf-8")), [],
                           "no English text"),
    "digits-only": ("tgt", lambda p: p.write_text("2020 12 7\n75/45 ¹ ² ³\n— 2/4 —\n"), [], "no English text"),
}


def _run_case(tmp_path: Path, cli_env: dict, case: tuple, existing: bool) -> tuple[subprocess.CompletedProcess, Path]:
    side, make, extra, _ = case
    src, tgt = str(SEED_ZH), str(SEED_EN)
    bad = tmp_path / "in" / f"bad-{side}.txt"
    bad.parent.mkdir()
    if make == "DIR":
        bad.mkdir()
    elif make is not None:
        make(bad)
    if side == "src":
        src = str(bad)
    else:
        tgt = str(bad)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "aligned.tsv"
    if existing:
        out.write_text("precious earlier work\n")
    r = termalign("align", src, tgt, "-o", str(out), *extra, env=cli_env)
    return r, bad


def _assert_clean_failure(r: subprocess.CompletedProcess, tmp_path: Path, named: str, words: str,
                          existing: bool) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert r.stderr.startswith("termalign: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert named in r.stderr and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    if existing:
        assert files == ["aligned.tsv"]
        assert (tmp_path / "out" / "aligned.tsv").read_text() == "precious earlier work\n"
    else:
        assert files == []  # no output, not even a temp file


@pytest.mark.parametrize("name", sorted(INPUT_CASES))
def test_bad_input_file(tmp_path, cli_env, name):
    existing = name in ("missing", "binary", "undecodable", "too-big", "damaged-pdf")
    r, bad = _run_case(tmp_path, cli_env, INPUT_CASES[name], existing)
    _assert_clean_failure(r, tmp_path, bad.name, INPUT_CASES[name][3], existing)


@pytest.mark.parametrize("name", sorted(LANG_CASES))
def test_no_text_in_the_stated_language(tmp_path, cli_env, name):
    r, bad = _run_case(tmp_path, cli_env, LANG_CASES[name], existing=True)
    _assert_clean_failure(r, tmp_path, bad.name, LANG_CASES[name][3], existing=True)


def _output_under_file(tmp_path: Path) -> Path:
    (tmp_path / "out" / "plain-file").write_text("x")
    return tmp_path / "out" / "plain-file" / "aligned.tsv"


OUTPUT_CASES = {
    "missing-directory": (lambda t: t / "out" / "no-such-dir" / "aligned.tsv", "does not exist"),
    "under-a-regular-file": (_output_under_file, "is not a directory"),
    "is-a-directory": (lambda t: t / "out", "is a directory"),
}


@pytest.mark.parametrize("name", sorted(OUTPUT_CASES))
def test_bad_output_path(tmp_path, cli_env, name):
    (tmp_path / "out").mkdir()
    make, words = OUTPUT_CASES[name]
    out = make(tmp_path)
    before = sorted(p.name for p in (tmp_path / "out").iterdir())
    r = termalign("align", str(SEED_ZH), str(SEED_EN), "-o", str(out), env=cli_env)
    assert r.returncode == 2 and r.stderr.startswith("termalign: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr and r.stdout == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write and read anything: permissions cannot be tested as root")
@pytest.mark.parametrize("what", ["read-only-output-dir", "unreadable-input"])
def test_permissions(tmp_path, cli_env, what):
    (tmp_path / "out").mkdir()
    src, out = tmp_path / "zh.txt", tmp_path / "out" / "aligned.tsv"
    src.write_bytes(SEED_ZH.read_bytes())
    if what == "read-only-output-dir":
        (tmp_path / "out").chmod(0o555)
    else:
        src.chmod(0)
    try:
        r = termalign("align", str(src), str(SEED_EN), "-o", str(out), env=cli_env)
    finally:
        (tmp_path / "out").chmod(0o755)
        src.chmod(0o644)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert ("not writable" if what == "read-only-output-dir" else "Permission denied") in r.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_big_input_is_refused_before_reading(tmp_path):
    """The 50 MB input is refused from its size alone (bounded memory: nothing is read)."""
    import resource

    from align.readers import read
    from termalign.errors import UserError

    p = tmp_path / "big.txt"
    _big(p)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UserError, match=r"big\.txt: file is 50\.0 MB, over the 20 MB input limit"):
        read(p)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20 * 1024  # KiB: far below 50 MB


def test_swapped_inputs_are_swapped_back_with_a_warning(tmp_path, cli_env):
    """English given first and Chinese second: aligned the right way round, with a warning."""
    out = tmp_path / "aligned.tsv"
    r = termalign("align", str(SEED_EN), str(SEED_ZH), "--unit", "line", "-o", str(out), env=cli_env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "swapping" in r.stderr and "Traceback" not in r.stderr
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert ["第七十五届会议", "Seventy-fifth session"] in [row[2:4] for row in rows]
