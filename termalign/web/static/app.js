// termalign workbench: plain JS, no build step. User text only ever enters the page as text
// nodes (el(), withSpans()), never through innerHTML, so a "<script>" paragraph stays text.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const state = { docs: [], doc: null, bitext: null, sel: -1, pairing: -1, heat: null, terms: [], check: null, checkKind: "" };

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else if (k === "class") n.className = v;
    else if (v !== null && v !== undefined && v !== false) n.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) n.append(kid instanceof Node ? kid : String(kid));
  return n;
}

// Text with highlighted spans [{start, end, term, gloss}] (sorted; one overlapping an earlier span is left out).
function withSpans(text, spans, cls = "term") {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const s of spans || []) {
    if (s.start < at) continue;
    frag.append(text.slice(at, s.start));
    frag.append(el("mark", { class: cls, title: s.gloss ? `${s.term} → ${s.gloss}` : s.term }, text.slice(s.start, s.end)));
    at = s.end;
  }
  frag.append(text.slice(at));
  return frag;
}

async function api(path, opts = {}) {
  const o = { ...opts, headers: { ...(opts.headers || {}) } };
  if (o.method && o.method !== "GET") o.headers["X-Termalign"] = "1";
  if (o.json !== undefined) { o.body = JSON.stringify(o.json); o.headers["Content-Type"] = "application/json"; }
  const r = await fetch(path, o);
  const body = (r.headers.get("Content-Type") || "").includes("json") ? await r.json() : await r.text();
  if (!r.ok) throw new Error((body && body.error) || `${r.status} ${r.statusText}`);
  return body;
}

function say(id, text, ok = false) {
  const m = $(id);
  m.textContent = text || "";
  m.className = "msg" + (ok ? " ok" : text ? " err" : "");
}

// --- routing -------------------------------------------------------------------------------

const views = { docs: showDocs, bitext: showBitext, map: showMap, glossary: showGlossary, search: showSearch,
  languages: async () => {} };

function route() {
  const [view, arg] = (location.hash.slice(1) || "docs").split("/");
  const name = views[view] ? view : "docs";
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== `view-${name}`;
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("active", a.dataset.view === name);
  if (arg && /^\d+$/.test(arg)) state.doc = Number(arg);
  views[name]().catch((e) => console.error(e));
}

async function loadDocs() {
  state.docs = await api("/api/documents");
  if (state.doc === null || !state.docs.some((d) => d.id === state.doc)) state.doc = state.docs.length ? state.docs[0].id : null;
  for (const sel of document.querySelectorAll(".doc-select")) {
    sel.replaceChildren(...state.docs.map((d) => el("option", { value: d.id, selected: d.id === state.doc }, d.name)));
  }
}

// --- documents and jobs -------------------------------------------------------------------

async function showDocs() {
  await loadDocs();
  const rows = state.docs.map((d) => el("tr", { "data-id": d.id },
    el("td", {}, d.name), el("td", {}, d.unit), el("td", {}, `${d.n_src} / ${d.n_tgt}`), el("td", {}, d.n_beads),
    el("td", {}, d.n_low), el("td", {}, d.n_terms), el("td", {}, (d.created || "").slice(0, 16).replace("T", " ")),
    el("td", {}, el("a", { href: `#bitext/${d.id}` }, "bitext"), " · ", el("a", { href: `#map/${d.id}` }, "map"), " · ",
      el("button", { class: "link", onclick: () => removeDoc(d) }, "delete"))));
  $("#doc-table tbody").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 8 }, "No documents yet: upload or pick a pair below (progress shows at the top)."))]));
  const files = await api("/api/files");
  for (const [name, guess] of [["src_file", ".zh."], ["tgt_file", ".en."]]) {
    const sel = $(`#pick-form select[name=${name}]`);
    if (!sel.options.length) sel.replaceChildren(...files.map((f) => el("option", { value: f, selected: f.includes(guess) }, f)));
  }
}

async function removeDoc(d) {
  if (!confirm(`Delete ${d.name} and its terms' occurrences?`)) return;
  await api(`/api/documents/${d.id}`, { method: "DELETE" });
  showDocs();
}

async function submitPair(ev) {
  ev.preventDefault();
  try {
    const job = await api("/api/documents", { method: "POST", body: new FormData(ev.target) });
    say("#docs-msg", `Started: ${job.title}`, true);
    watchJobs();
  } catch (e) { say("#docs-msg", e.message); }
}

let jobTimer = null;
async function watchJobs() {
  clearTimeout(jobTimer);
  const jobs = await api("/api/jobs");
  const live = jobs.filter((j) => j.state === "queued" || j.state === "running");
  const recent = jobs.filter((j) => j.state === "error").slice(-1);
  $("#jobbar").replaceChildren(...live.map((j) => el("div", { class: "job" },
    el("span", {}, `${j.title}: ${j.stage} (${j.elapsed} s)`),
    el("progress", { max: 1, value: j.progress }))),
    ...recent.map((j) => el("div", { class: "job err" }, `${j.title} failed: ${j.message}`)));
  if (live.length) { jobTimer = setTimeout(watchJobs, 700); watchJobs.had = true; return; }
  if (watchJobs.had) {
    watchJobs.had = false;
    const last = jobs[jobs.length - 1];
    if (last && last.state === "done") say("#docs-msg", `Done: ${last.title} (${last.result.beads} pairs, ${last.result.terms} terms, ${last.elapsed} s)`, true);
    else if (last) say("#docs-msg", `${last.title} failed: ${last.message}`);
    route();
  }
}

// --- bitext ---------------------------------------------------------------------------------

async function showBitext() {
  await loadDocs();
  if (state.doc === null) return say("#bitext-msg", "No document yet.");
  state.bitext = await api(`/api/documents/${state.doc}/bitext`);
  $("#export-tmx").href = `/api/documents/${state.doc}/export?format=tmx`;
  $("#export-csv").href = `/api/documents/${state.doc}/export?format=csv`;
  renderBitext();
  renderCheck();
  if (state.sel >= 0) select(state.sel);
}

function renderBitext() {
  const b = state.bitext;
  const low = b.beads.filter((x) => x.low).length;
  $("#bitext-stats").textContent = `${b.beads.length} pairs · ${low} low-confidence (score < ${b.low_threshold})`;
  const found = checkByBead();
  const rows = b.beads.map((x, i) => el("tr", {
    class: [x.low ? "low" : "", i === state.sel ? "sel" : "", i === state.pairing ? "pairing" : "",
      found[i] ? "has-finding" : ""].join(" ").trim(),
    "data-index": i, onclick: () => clickRow(i),
  },
  el("td", { class: "num" }, i + 1, found[i] ? el("span", { class: "flag", title: found[i].map((f) => `${f.kind}: ${f.detail}`).join("\n") },
    ` ⚑${found[i].length > 1 ? found[i].length : ""}`) : null),
  el("td", { class: "score" }, el("meter", { min: 0, max: 1, low: b.low_threshold, optimum: 1, value: Math.max(0, x.score) }), " ", x.score.toFixed(2)),
  el("td", { class: "zh", lang: "zh" }, withSpans(x.source, x.source_spans)),
  el("td", { class: "en", lang: "en" }, withSpans(x.target, x.target_spans)),
  el("td", { class: "ops" },
    el("button", { title: "merge with next (m)", onclick: (e) => { e.stopPropagation(); editBead("merge", i); } }, "⤓"),
    el("button", { title: "split (s)", onclick: (e) => { e.stopPropagation(); editBead("split", i); } }, "✂"),
    el("button", { title: "re-pair: choose the row whose English belongs here (r)", onclick: (e) => { e.stopPropagation(); startPairing(i); } }, "⇄"),
    el("button", { title: "unlink (u)", onclick: (e) => { e.stopPropagation(); editBead("unlink", i); } }, "⊘"))));
  $("#bitext tbody").replaceChildren(...rows);
}

function clickRow(i) {
  if (state.pairing >= 0 && state.pairing !== i) {
    const from = state.pairing;
    state.pairing = -1;
    return editBead("swap", from, { other: i });
  }
  select(i);
}

function select(i) {
  const n = state.bitext ? state.bitext.beads.length : 0;
  if (!n) return;
  state.sel = Math.max(0, Math.min(n - 1, i));
  for (const tr of document.querySelectorAll("#bitext tbody tr")) tr.classList.toggle("sel", Number(tr.dataset.index) === state.sel);
  const row = $(`#bitext tbody tr[data-index="${state.sel}"]`);
  if (row) row.scrollIntoView({ block: "nearest" });
}

function startPairing(i) {
  state.pairing = i;
  select(i);
  say("#bitext-msg", `Re-pair row ${i + 1}: click the row whose English belongs with it (Esc cancels).`, true);
  renderBitext();
}

async function editBead(op, index, extra = {}) {
  try {
    state.bitext = await api(`/api/documents/${state.doc}/beads`, { method: "POST", json: { op, index, ...extra } });
    state.sel = Math.min(index, state.bitext.beads.length - 1);
    const stale = state.check && state.check.doc === state.doc;
    if (stale) state.check = null; // its pair numbers no longer hold
    say("#bitext-msg", `${op}: done${stale ? " (check again: the pairs changed)" : ""}`, true);
  } catch (e) { say("#bitext-msg", e.message); }
  renderBitext();
  renderCheck();
}

// --- check: `termalign check` on the stored pair, findings on the bitext rows --------------------

async function runCheck() {
  if (state.doc === null) return;
  const doc = state.doc;
  say("#bitext-msg", "Checking…", true);
  try {
    const c = await api(`/api/documents/${doc}/check`);
    state.check = { ...c, doc };
    state.checkKind = "";
    say("#bitext-msg", "");
  } catch (e) { return say("#bitext-msg", e.message); }
  if (doc === state.doc) { renderBitext(); renderCheck(); }
}

function checkByBead() { // bead index -> its findings (for the current document only)
  const by = {};
  if (state.check && state.check.doc === state.doc) for (const f of state.check.findings) (by[f.index] ||= []).push(f);
  return by;
}

function renderCheck() {
  const c = state.check, panel = $("#check-panel");
  panel.hidden = !c || c.doc !== state.doc;
  if (panel.hidden) return;
  $("#check-summary").textContent = c.summary;
  const chip = (kind, label) => el("button", { class: `kind${state.checkKind === kind ? " active" : ""}`, "data-kind": kind || "all",
    onclick: () => { state.checkKind = kind; renderCheck(); } }, label);
  $("#check-kinds").replaceChildren(chip("", `all ${c.findings.length}`),
    ...c.kinds.filter((k) => c.counts[k]).map((k) => chip(k, `${k} ${c.counts[k]}`)));
  const shown = c.findings.filter((f) => !state.checkKind || f.kind === state.checkKind);
  $("#check-list").replaceChildren(...shown.map((f) => el("li", { class: "finding", "data-kind": f.kind, "data-index": f.index },
    el("span", { class: "kind" }, f.kind), " ",
    el("button", { class: "link", title: "show this pair", onclick: () => select(f.index) }, `pair ${f.index + 1}`), ": ", f.detail,
    el("div", { class: "kwic" }, el("p", { lang: "zh" }, withSpans(f.source, f.source_spans, "finding")),
      el("p", { lang: "en" }, withSpans(f.target, f.target_spans, "finding"))))));
}

document.addEventListener("keydown", (e) => {
  if ($("#view-bitext").hidden || e.target.closest("input, select, textarea")) return;
  const keys = { ArrowDown: () => select(state.sel + 1), j: () => select(state.sel + 1),
    ArrowUp: () => select(state.sel - 1), k: () => select(state.sel - 1),
    m: () => editBead("merge", state.sel), s: () => editBead("split", state.sel), u: () => editBead("unlink", state.sel),
    r: () => startPairing(state.sel), Escape: () => { state.pairing = -1; say("#bitext-msg", ""); renderBitext(); },
    Enter: () => state.pairing >= 0 && clickRow(state.sel) };
  if (keys[e.key] && (state.sel >= 0 || e.key === "ArrowDown" || e.key === "j")) { e.preventDefault(); keys[e.key](); }
});

// --- heat map -------------------------------------------------------------------------------

async function showMap() {
  await loadDocs();
  if (state.doc === null) return;
  const h = await api(`/api/documents/${state.doc}/heatmap`);
  state.heat = h;
  $("#map-info").textContent = h.rows ? `${h.n_src} × ${h.n_tgt} segments, drawn as ${h.rows} × ${h.cols} cells; similarity ${h.lo}…${h.hi}` : "no map for this document";
  drawMap();
}

function cellOf(edges, id) { // grid cell holding segment `id`
  let c = 0;
  while (c + 1 < edges.length - 1 && edges[c + 1] <= id) c++;
  return c;
}

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function viridis(t) { // 0..1 → CSS colour along a perceptually even scale
  const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1), i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function drawMap() {
  const h = state.heat, cv = $("#map-canvas");
  const size = Math.min(720, Math.max(320, window.innerWidth - 80));
  const cs = h.rows ? Math.max(1, Math.floor(size / Math.max(h.rows, h.cols))) : 1;
  cv.width = Math.max(1, h.cols * cs); cv.height = Math.max(1, h.rows * cs);
  const ctx = cv.getContext("2d");
  for (let r = 0; r < h.rows; r++) for (let c = 0; c < h.cols; c++) {
    const v = h.values[r * h.cols + c];
    ctx.fillStyle = viridis(v / 255);
    ctx.fillRect(c * cs, r * cs, cs, cs);
  }
  h.boxes = [];
  for (const b of h.beads) {
    if (!b.src.length || !b.tgt.length) { // unaligned segment: a red tick on the edge of its row or column
      ctx.fillStyle = "#ff2d2d";
      for (const i of b.src) ctx.fillRect(0, cellOf(h.row_edges, i) * cs, Math.max(3, cs / 3), cs);
      for (const j of b.tgt) ctx.fillRect(cellOf(h.col_edges, j) * cs, 0, cs, Math.max(3, cs / 3));
      continue;
    }
    const r0 = cellOf(h.row_edges, Math.min(...b.src)), r1 = cellOf(h.row_edges, Math.max(...b.src));
    const c0 = cellOf(h.col_edges, Math.min(...b.tgt)), c1 = cellOf(h.col_edges, Math.max(...b.tgt));
    const box = [c0 * cs, r0 * cs, (c1 - c0 + 1) * cs, (r1 - r0 + 1) * cs, b];
    ctx.strokeStyle = b.low ? "#ff2d2d" : "#ffffff";
    ctx.lineWidth = Math.max(1, cs / 6);
    ctx.strokeRect(...box.slice(0, 4));
    h.boxes.push(box);
  }
}

function mapHit(ev) {
  const h = state.heat; if (!h || !h.boxes) return null;
  const rect = $("#map-canvas").getBoundingClientRect();
  const x = ev.clientX - rect.left, y = ev.clientY - rect.top;
  return h.boxes.find(([bx, by, bw, bh]) => x >= bx && x <= bx + bw && y >= by && y <= by + bh) || null;
}

// --- glossary -------------------------------------------------------------------------------

async function showGlossary() {
  const seq = (showGlossary.seq = (showGlossary.seq || 0) + 1); // a newer filter wins over a slower older answer
  await loadDocs();
  const docSel = $("#g-doc"), keep = docSel.value;
  docSel.replaceChildren(el("option", { value: "" }, "all documents"),
    ...state.docs.map((d) => el("option", { value: d.id, selected: String(d.id) === keep }, d.name)));
  const q = new URLSearchParams({ status: $("#g-status").value, q: $("#g-filter").value, sort: $("#g-sort").value });
  if (docSel.value) q.set("doc", docSel.value);
  const terms = await api(`/api/glossary?${q}`);
  if (seq !== showGlossary.seq) return;
  state.terms = terms;
  $("#g-count").textContent = `${state.terms.length} terms`;
  $("#glossary tbody").replaceChildren(...state.terms.flatMap(termRows));
  showMultiGlossary(seq);
}

// Multilingual entries (corpus import): a column per language, right to left for Arabic.
const RTL = new Set(["ar", "he", "fa", "ur"]);
async function showMultiGlossary(seq) {
  const q = $("#g-filter").value;
  const m = await api(`/api/glossary/multi?${new URLSearchParams(q ? { q } : {})}`);
  if (seq !== showGlossary.seq) return;
  const none = m.entries.length === 0;
  $("#multi-title").hidden = $("#multi-glossary").hidden = none;
  $("#multi-glossary thead tr").replaceChildren(...m.languages.map((x) => el("th", { lang: x }, x)),
    el("th", {}, "Score"), el("th", {}, "Frequency"));
  $("#multi-glossary tbody").replaceChildren(...m.entries.map((e) => el("tr", {},
    ...m.languages.map((x) => {
      const r = e.terms[x];
      return el("td", { lang: x, dir: RTL.has(x) ? "rtl" : "auto", title: r && r.example ? r.example : null }, r ? r.term : "");
    }),
    el("td", {}, e.score.toFixed(2)), el("td", {}, String(e.frequency)))));
}

function termRows(t) {
  const input = el("input", { class: "eq", value: t.target_term, "aria-label": `equivalent of ${t.source_term}` });
  input.addEventListener("change", () => setTerm(t, { new_target: input.value }));
  const kwic = (c) => el("div", { class: "kwic" }, el("p", { lang: "zh" }, withSpans(c.source, c.source_spans)),
    el("p", { lang: "en" }, withSpans(c.target, c.target_spans)));
  const contexts = el("div", { class: "contexts" },
    t.source_example ? kwic({ source: t.source_example, source_spans: t.source_spans, target: t.target_example, target_spans: t.target_spans }) : "");
  const ctx = el("tr", { class: "ctx", hidden: true }, el("td", { colspan: 7 },
    el("div", { class: "meta" }, `type: ${t.type || "–"} · origin: ${t.origin} · documents: ${t.documents || "–"}`
      + (t.variants ? ` · variants: ${t.variants}` : "") + (t.source_variants ? ` · term variants: ${t.source_variants}` : "")),
    contexts,
    el("a", { href: "#search", onclick: () => { $("#search-q").value = t.source_term; } }, "every bilingual context →")));
  const expand = async () => {
    ctx.hidden = !ctx.hidden;
    if (ctx.hidden || contexts.dataset.loaded) return;
    contexts.dataset.loaded = "1";
    const hits = await api(`/api/lookup?q=${encodeURIComponent(t.source_term)}&contexts=10`);
    const hit = hits.find((h) => h.source_term === t.source_term && h.target_term === t.target_term);
    if (hit && hit.contexts.length) contexts.replaceChildren(...hit.contexts.map(kwic));
  };
  const row = el("tr", { class: `st-${t.status}`, "data-term": t.source_term, "data-target": t.target_term },
    el("td", { lang: "zh" }, el("button", { class: "link", title: "show its contexts", onclick: expand }, t.source_term)),
    el("td", {}, input),
    el("td", { class: "num" }, t.score.toFixed(2)),
    el("td", { class: "num" }, t.frequency),
    el("td", { class: "num" }, t.document_frequency),
    el("td", { class: "status" }, t.status),
    el("td", { class: "ops" },
      el("button", { class: "approve", onclick: () => setTerm(t, { status: "approved", new_target: input.value }) }, "Approve"),
      el("button", { class: "reject", onclick: () => setTerm(t, { status: "rejected" }) }, "Reject"),
      statusControl(t)));
  return [row, ctx];
}

// every review status, as the term base keeps them (forbidden: must not be used; dnt: keep the source form)
const STATUSES = [["candidate", "candidate"], ["approved", "approved"], ["rejected", "rejected"],
  ["forbidden", "forbidden"], ["do-not-translate", "do not translate"]];

function statusControl(t) {
  const sel = el("select", { class: "set-status", "aria-label": `status of ${t.source_term} → ${t.target_term}` },
    ...STATUSES.map(([v, label]) => el("option", { value: v, selected: v === t.status }, label)));
  sel.addEventListener("change", () => setTerm(t, { status: sel.value }));
  return sel;
}

async function setTerm(t, change) {
  if (change.new_target !== undefined && change.new_target.trim() === t.target_term) delete change.new_target;
  try {
    await api("/api/glossary", { method: "PATCH", json: { source_term: t.source_term, target_term: t.target_term, ...change } });
    say("#glossary-msg", `${t.source_term} → ${change.new_target || t.target_term}: ${change.status || "equivalent changed"}`, true);
    showGlossary();
  } catch (e) { say("#glossary-msg", e.message); }
}

async function addTerm(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    await api("/api/glossary", { method: "POST", json: { source_term: f.get("source_term"), target_term: f.get("target_term") } });
    ev.target.reset();
    say("#glossary-msg", "Term added (approved).", true);
    showGlossary();
  } catch (e) { say("#glossary-msg", e.message); }
}

async function mergeVariants(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const body = { keep: f.get("keep"), other: f.get("other"), source_term: f.get("source_term") || null };
  try {
    await api("/api/glossary/merge", { method: "POST", json: body });
    ev.target.reset();
    say("#glossary-msg", `${body.other} merged into ${body.keep} (kept as a variant).`, true);
    showGlossary();
  } catch (e) { say("#glossary-msg", e.message); }
}

function showStopList(words) {
  $("#stop-list").replaceChildren(...words.map((w) => el("li", {}, `${w.word} (${w.where}) `,
    el("button", { class: "link", "aria-label": `remove stop word ${w.word}`, onclick: () => changeStopWord("DELETE", w) }, "×"))));
}

async function changeStopWord(method, w) {
  try { showStopList(await api("/api/stoplist", { method, json: w })); } catch (e) { say("#glossary-msg", e.message); }
}

// --- search ---------------------------------------------------------------------------------

async function showSearch() {
  const q = $("#search-q").value.trim();
  if (!q) return;
  const seq = (showSearch.seq = (showSearch.seq || 0) + 1);
  const r = await api(`/api/search?q=${encodeURIComponent(q)}`);
  if (seq !== showSearch.seq) return;
  $("#search-time").textContent = `${r.contexts.length}${r.truncated ? " (first)" : ""} contexts, ${r.equivalents.length} entries, ${r.ms} ms`;
  $("#search-eq").replaceChildren(...(r.equivalents.length ? r.equivalents.map((e) => el("div", { class: `eqcard st-${e.status || "candidate"}` },
    el("b", { lang: "zh" }, e.source_term), " → ", el("b", {}, e.target_term),
    el("span", { class: "meta" }, ` score ${e.score.toFixed(2)} · frequency ${e.frequency} · ${e.status || ""}`))) : [el("p", {}, "No glossary entry.")]));
  $("#search-ctx tbody").replaceChildren(...r.contexts.map((c) => el("tr", {},
    el("td", {}, el("a", { href: `#bitext/${c.doc_id}` }, c.doc)),
    el("td", { lang: "zh" }, withSpans(c.source, c.source_spans)),
    el("td", { lang: "en" }, withSpans(c.target, c.target_spans)))));
}

// --- several languages side by side -----------------------------------------------------------

async function submitMany(ev) {
  ev.preventDefault();
  try {
    let job = await api("/api/align-many", { method: "POST", body: new FormData(ev.target) });
    while (job.state === "queued" || job.state === "running") {
      say("#many-msg", `${job.title}: ${job.stage} (${job.elapsed} s)`, true);
      await new Promise((r) => setTimeout(r, 700));
      job = await api(`/api/jobs/${job.id}`);
    }
    if (job.state !== "done") throw new Error(job.message);
    say("#many-msg", `${job.result.units.length} units in ${job.result.langs.join(", ")} (pivot ${job.result.pivot}, ${job.elapsed} s)`, true);
    renderMany(job.result);
  } catch (e) { say("#many-msg", e.message); }
}

function renderMany(r) {
  const dir = (lang) => (r.rtl.includes(lang) ? "rtl" : "ltr");
  $("#many thead").replaceChildren(el("tr", {}, el("th", {}, "#"), el("th", {}, "Score"),
    ...r.langs.map((lang) => el("th", { lang, dir: dir(lang) }, lang))));
  $("#many tbody").replaceChildren(...r.units.map((u, i) => el("tr", {}, el("td", { class: "num" }, i + 1),
    el("td", { class: "score" }, u.score.toFixed(2)),
    ...r.langs.map((lang) => el("td", { lang, dir: dir(lang) }, u.texts[lang])))));
}

// --- wiring ---------------------------------------------------------------------------------

window.addEventListener("DOMContentLoaded", () => {
  $("#upload-form").addEventListener("submit", submitPair);
  $("#pick-form").addEventListener("submit", submitPair);
  $("#add-term").addEventListener("submit", addTerm);
  $("#many-form").addEventListener("submit", submitMany);
  $("#merge-form").addEventListener("submit", mergeVariants);
  $("#stop-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    changeStopWord("POST", { word: f.get("word"), where: f.get("where") }).then(() => ev.target.reset());
  });
  $("#review-tools").addEventListener("toggle", async () => { if ($("#review-tools").open) showStopList(await api("/api/stoplist")); });
  $("#search-form").addEventListener("submit", (e) => { e.preventDefault(); showSearch(); });
  $("#check-run").addEventListener("click", runCheck);
  for (const id of ["#g-doc", "#g-status", "#g-sort"]) $(id).addEventListener("change", showGlossary);
  const exportHref = () => { $("#g-export").href = `/api/glossary/export?format=${$("#g-format").value}`; };
  $("#g-format").addEventListener("change", exportHref);
  exportHref();
  $("#g-filter").addEventListener("input", () => { clearTimeout(showGlossary.t); showGlossary.t = setTimeout(showGlossary, 250); });
  for (const sel of document.querySelectorAll(".doc-select")) sel.addEventListener("change", (e) => {
    state.doc = Number(e.target.value); location.hash = `${location.hash.slice(1).split("/")[0]}/${state.doc}`;
  });
  const cv = $("#map-canvas");
  cv.addEventListener("mousemove", (ev) => {
    const hit = mapHit(ev), tip = $("#map-tip");
    tip.hidden = !hit;
    if (hit) { const b = hit[4]; tip.textContent = `pair ${b.index + 1}: zh [${b.src}] ↔ en [${b.tgt}], score ${b.score.toFixed(2)}`; }
  });
  cv.addEventListener("click", (ev) => { const hit = mapHit(ev); if (hit) { state.sel = hit[4].index; location.hash = `bitext/${state.doc}`; } });
  window.addEventListener("hashchange", route);
  route();
  watchJobs();
});
