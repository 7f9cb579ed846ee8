"""The workbench end to end: `termalign serve` in a subprocess, Debian's chromium driven by Playwright.

A translator's session on the seed pair: load the page, align the seed pair from the page,
review the bitext (merge and split with the keyboard), look at the alignment map, approve
核裁军 → nuclear disarmament, search it, export TBX; a pair holding `<script>` shows as
text; the check view finds a number planted in an uploaded pair. A screenshot of each view goes to out/screenshots/.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_EN, SEED_ZH

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "out" / "screenshots"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} absent: apt-get install -y chromium fonts-noto-cjk", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (never `playwright install`)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, cli_env):
    """`termalign serve` on a fresh term base, without the automatic seed (the test aligns it from the page)."""
    port = free_port()
    db = tmp_path_factory.mktemp("e2e") / "tb.sqlite3"
    log = (tmp_path_factory.getbasetemp() / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "termalign", "serve", "--db", str(db), "--port", str(port),
                             "--no-seed"], env=cli_env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url + "/api/documents", timeout=1)
            break
        if proc.poll() is not None:
            pytest.fail(f"termalign serve exited with {proc.returncode}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), args=BROWSER_ARGS,
            headless=True, viewport={"width": 1366, "height": 900}, accept_downloads=True,
            bypass_csp=True)  # lets wait_for_function evaluate; also shows escaping works without CSP's help
        pg = ctx.new_page()
        pg.errors = []
        pg.dialogs = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg
        ctx.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def open_uploaded(page, server: str, zh: Path, en: Path, name: str) -> None:
    """Upload a pair from the Documents view, wait for its alignment, open its bitext."""
    page.goto(server + "/#docs")
    page.set_input_files("#upload-form input[name=src]", str(zh))
    page.set_input_files("#upload-form input[name=tgt]", str(en))
    page.fill("#upload-form input[name=name]", name)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(f"#doc-table tbody tr[data-id]:has-text('{name}')", timeout=300_000)
    page.locator(f"#doc-table tbody tr[data-id]:has-text('{name}') a[href^='#bitext']").click()


def test_translator_session_on_the_seed_pair(server, page, tmp_path):
    page.goto(server + "/")
    page.wait_for_selector("#doc-table tbody tr")
    assert "No documents yet" in page.inner_text("#doc-table tbody")

    # align the bundled seed pair from the page, watching the progress bar
    page.select_option("#pick-form select[name=src_file]", "seed/A_RES_75_45.zh.txt")
    page.select_option("#pick-form select[name=tgt_file]", "seed/A_RES_75_45.en.txt")
    page.fill("#pick-form input[name=name]", "A/RES/75/45")
    page.click("#pick-form button[type=submit]")
    page.wait_for_selector("#jobbar progress", timeout=10_000)
    shot(page, "1-documents-aligning")
    page.wait_for_selector("#doc-table tbody tr[data-id]", timeout=600_000)
    page.wait_for_selector("#docs-msg:has-text('Done: align A/RES/75/45')")
    row = page.inner_text("#doc-table tbody tr[data-id]")
    assert "A/RES/75/45" in row and "paragraph" in row
    shot(page, "2-documents")

    # bitext: pairs side by side, low-confidence marked, glossary terms highlighted with their equivalent
    page.click("#doc-table tbody tr[data-id] a[href^='#bitext']")
    page.wait_for_selector("#bitext tbody tr")
    n_rows = page.locator("#bitext tbody tr").count()
    assert n_rows > 30
    low = page.locator("#bitext tbody tr.low").count()
    assert f"{low} low-confidence" in page.inner_text("#bitext-stats")
    mark = page.locator("#bitext td.zh mark.term", has_text="核裁军").first
    assert "nuclear disarmament" in mark.get_attribute("title")
    assert page.locator("#bitext td.en mark.term", has_text="nuclear disarmament").count() >= 1
    # keyboard review: select the 4th row, merge it with the next, split it again
    page.locator("#bitext tbody tr").nth(3).click()
    page.keyboard.press("m")
    page.wait_for_function(f"document.querySelectorAll('#bitext tbody tr').length === {n_rows - 1}")
    assert "merge: done" in page.inner_text("#bitext-msg")
    page.keyboard.press("s")
    page.wait_for_function(f"document.querySelectorAll('#bitext tbody tr').length === {n_rows}")
    # re-pair with the mouse (⇄ on row 5, then click row 6), and back with the keyboard (r, ↓, Enter)
    en = [page.locator("#bitext tbody tr").nth(k).locator("td.en").inner_text() for k in (4, 5)]
    page.locator("#bitext tbody tr").nth(4).locator("button[title^='re-pair']").click()
    page.locator("#bitext tbody tr").nth(5).locator("td.zh").click()
    page.wait_for_selector("#bitext-msg:has-text('swap: done')")
    assert [page.locator("#bitext tbody tr").nth(k).locator("td.en").inner_text() for k in (4, 5)] == en[::-1]
    page.locator("#bitext tbody tr").nth(4).locator("td.num").click()
    for key in ("r", "ArrowDown", "Enter"):
        page.keyboard.press(key)
    page.wait_for_function("t => document.querySelector('#bitext tbody tr:nth-child(5) td.en').innerText === t",
                           arg=en[0])
    assert [page.locator("#bitext tbody tr").nth(k).locator("td.en").inner_text() for k in (4, 5)] == en
    # unlink (u): two one-sided rows, marked low; merge (m) puts them back together
    page.keyboard.press("u")
    page.wait_for_function(f"document.querySelectorAll('#bitext tbody tr').length === {n_rows + 1}")
    assert page.locator("#bitext tbody tr.low").count() == low + 2
    page.keyboard.press("m")
    page.wait_for_function(f"document.querySelectorAll('#bitext tbody tr').length === {n_rows}")
    assert page.locator("#bitext tbody tr.low").count() == low
    page.locator("#bitext tbody tr").nth(3).scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "3-bitext")

    # the alignment map
    page.click("#tabs a[data-view=map]")
    page.wait_for_selector("#map-info:has-text('segments')")
    assert page.evaluate("document.querySelector('#map-canvas').width") > 100
    shot(page, "4-map")

    # glossary: approve 核裁军 → nuclear disarmament
    page.click("#tabs a[data-view=glossary]")
    page.wait_for_selector("#glossary tbody tr")
    page.fill("#g-filter", "核裁军")
    page.wait_for_function("[...document.querySelectorAll('#glossary tbody tr[data-term]')]"
                           ".every(r => r.dataset.term.includes('核裁军'))")  # the filtered list is shown
    target = page.locator("#glossary tbody tr[data-term='核裁军'][data-target='nuclear disarmament']")
    target.wait_for()
    target.locator("td button.link").click()  # its contexts, fetched from the lookup API
    page.wait_for_function("document.querySelectorAll('#glossary tr.ctx:not([hidden]) .kwic').length >= 5")
    assert page.locator("#glossary tr.ctx:not([hidden]) .kwic mark.term").count() >= 10  # both languages marked
    target.locator("button.approve").click()
    page.wait_for_function("document.querySelector(\"#glossary tbody tr[data-term='核裁军'][data-target='nuclear disarmament'] td.status\").textContent === 'approved'")
    # another entry's status menu: forbidden, kept through the API (and exported as a deprecated term)
    other = page.locator("#glossary tbody tr[data-term]:not([data-target='nuclear disarmament'])").first
    key = {"term": other.get_attribute("data-term"), "target": other.get_attribute("data-target")}
    other.locator("select.set-status").select_option("forbidden")
    page.wait_for_function("k => [...document.querySelectorAll('#glossary tbody tr[data-term]')].some(r => r.dataset.term"
                           " === k.term && r.dataset.target === k.target && r.querySelector('td.status').textContent"
                           " === 'forbidden')", arg=key)
    page.fill("#g-filter", "")
    page.wait_for_function("document.querySelectorAll('#glossary tbody tr[data-term]').length > 20")
    shot(page, "5-glossary")

    # search it: the equivalent and every bilingual context, term marked
    page.click("#tabs a[data-view=search]")
    page.fill("#search-q", "核裁军")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-ctx tbody tr")
    assert "nuclear disarmament" in page.inner_text("#search-eq")
    assert "approved" in page.inner_text("#search-eq")
    assert page.locator("#search-ctx tbody tr").count() >= 5
    assert page.locator("#search-ctx mark.term", has_text="核裁军").count() >= 5
    shot(page, "6-search")

    # export the approved terms as TBX
    page.click("#tabs a[data-view=glossary]")
    page.select_option("#g-format", "tbx")
    with page.expect_download() as dl:
        page.click("#g-export")
    path = tmp_path / "glossary.tbx"
    dl.value.save_as(path)
    from lxml import etree

    terms = [t.text for t in etree.parse(str(path)).iter() if isinstance(t.tag, str) and t.tag.endswith("term")]
    assert "核裁军" in terms and "nuclear disarmament" in terms
    assert key["target"] in terms and "deprecatedTerm-admn-sts" in path.read_text(encoding="utf-8")
    assert page.errors == [] and page.dialogs == []


def test_script_in_a_paragraph_shows_as_text(server, page, tmp_path):
    zh = tmp_path / "x.zh.txt"
    en = tmp_path / "x.en.txt"
    zh.write_text("第一段：<script>alert('zh')</script><img src=x onerror=alert(2)>\n\n第二段讨论核裁军。\n", encoding="utf-8")
    en.write_text("First: <script>alert('en')</script><img src=x onerror=alert(3)>\n\nThe second is on nuclear disarmament.\n",
                  encoding="utf-8")
    open_uploaded(page, server, zh, en, "<i>markup name</i>")
    page.wait_for_selector("#bitext td.zh:has-text('<script>')")
    text = page.inner_text("#bitext tbody")
    assert "<script>alert('zh')</script>" in text and "<img src=x onerror=alert(3)>" in text
    assert page.locator("#bitext script, #bitext img").count() == 0
    shot(page, "7-escaped-markup")
    assert page.dialogs == [] and page.errors == []
    # a bad upload gets a clear message on the page, not a crash
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.goto(server + "/#docs")
    page.set_input_files("#upload-form input[name=src]", str(bad))
    page.set_input_files("#upload-form input[name=tgt]", str(en))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#docs-msg.err")
    assert "tool.exe: unsupported file type" in page.inner_text("#docs-msg")


def test_check_view_shows_a_planted_fault(server, page, tmp_path):
    """Four paragraphs of the seed pair, the English with its paragraph number changed (96 → 97):
    the check of the uploaded pair names it, by kind, on its bitext row."""
    zh_lines = SEED_ZH.read_text(encoding="utf-8").splitlines()
    en_lines = SEED_EN.read_text(encoding="utf-8").splitlines()
    zh_text = "\n\n".join(zh_lines[k - 1] for k in (14, 54, 56, 58)) + "\n"
    en_text = "\n\n".join(en_lines[k - 1] for k in (15, 55, 57, 59)).replace("para. 96", "para. 97") + "\n"
    assert "para. 97" in en_text and "第 96 段" in zh_text
    zh, en = tmp_path / "planted.zh.txt", tmp_path / "planted.en.txt"
    zh.write_text(zh_text, encoding="utf-8")
    en.write_text(en_text, encoding="utf-8")
    open_uploaded(page, server, zh, en, "planted fault")
    page.wait_for_selector("#bitext td.en:has-text('para. 97')")
    assert page.locator("#check-panel").is_hidden()
    page.click("#check-run")
    finding = page.locator("#check-list li[data-kind=number]")
    finding.first.wait_for(timeout=60_000)
    assert "96" in finding.first.inner_text() and "97" in finding.first.inner_text()
    assert finding.first.locator("mark.finding", has_text="96").count() == 1  # marked in the Chinese
    assert "number 1" in page.inner_text("#check-kinds")
    # (the term base also holds the seed's terms when the whole module runs: a term finding may join it)
    assert "of 4 aligned pairs" in page.inner_text("#check-summary")
    row = page.locator("#bitext tbody tr.has-finding", has_text="para. 97")
    assert row.count() == 1 and "number" in row.locator(".flag").get_attribute("title")
    # the kind filter: only that kind's findings listed
    page.click("#check-kinds button[data-kind=number]")
    kinds = {li.get_attribute("data-kind") for li in page.locator("#check-list li").all()}
    assert kinds == {"number"}
    finding.first.locator("button.link").click()  # selects its row in the bitext
    assert "para. 97" in page.inner_text("#bitext tbody tr.sel")
    shot(page, "8-check")
    assert page.errors == [] and page.dialogs == []
