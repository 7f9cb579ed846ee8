"""The workbench's routes: one HTML page and the JSON API it (and any CAT-tool plug-in) calls.

Flask, because it is maintained, small, synchronous like the rest of termalign, escapes
templates by default, enforces an upload limit (MAX_CONTENT_LENGTH → 413) and ships a test
client. Served by waitress (pure-Python, threaded) from `termalign serve`.

Safety: every user string travels as JSON and is put in the page as text nodes; ids are
integers in the URL; files are picked by a name from a listing, never by path; changes need a
custom header (a cross-site form cannot send it) and the Host must be a local name when the
server listens on loopback (DNS rebinding).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from align.pipeline import MAX_FILES
from glossary.review import WHERE
from termalign import __version__
from termalign.errors import UserError
from termalign.termbase import STATUSES

from . import edit
from .service import Settings, Workbench
from .store import SORTS
from .validate import Field, choice_arg, int_arg, json_object, text_arg

log = logging.getLogger(__name__)

ALIGN_FORMATS = {"tmx": "application/x-tmx+xml", "csv": "text/csv; charset=utf-8"}
GLOSSARY_FORMATS = {"csv": "text/csv; charset=utf-8", "tmx": "application/x-tmx+xml",
                    "tbx": "application/x-tbx+xml", "tbx2019": "application/x-tbx+xml",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "omegat": "text/tab-separated-values; charset=utf-8",
                    # the CAT-tool presets of the CSV writer (glossary.export.PRESETS)
                    "phrase": "text/csv; charset=utf-8", "memoq": "text/tab-separated-values; charset=utf-8",
                    "trados": "text/tab-separated-values; charset=utf-16", "deepl": "text/csv; charset=utf-8"}
EXTENSIONS = {"omegat": "txt", "tbx2019": "tbx", "phrase": "csv", "memoq": "txt", "trados": "txt", "deepl": "csv"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHANGE_HEADER = "X-Termalign"

QUERY_MAX = 10_000  # longer queries are refused; up to this, lookups use the first 200 characters
# the JSON bodies the API takes (termalign/web/validate.py checks them)
TERM_EXAMPLE = '{"source_term": "...", "target_term": "..."}'
# (a missing term is the endpoints' own message: "say which entry")
NEW_TERM = {"source_term": Field(str, max_len=200), "target_term": Field(str, max_len=500)}
TERM_CHANGE = {"source_term": Field(str, max_len=200), "target_term": Field(str, max_len=500),
               "status": Field(str, nullable=True, max_len=20), "new_target": Field(str, nullable=True, max_len=500)}
MERGE = {"keep": Field(str, required=True, max_len=500), "other": Field(str, required=True, max_len=500),
         "source_term": Field(str, nullable=True, max_len=200)}
STOP_WORD = {"word": Field(str, required=True, max_len=200), "where": Field(str, nullable=True, max_len=10)}
BEAD_EDIT = {"op": Field(str, required=True, max_len=20), "index": Field(int, required=True),
             **{k: Field(int, nullable=True) for k in ("src_at", "tgt_at", "other")}}


def create_app(settings: Settings, seed: bool = True, local_only: bool = True) -> Flask:
    """The app over a term base file; with `seed`, an empty term base gets the seed pair aligned."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(settings.max_upload_mb * 1024 * 1024)
    app.json.ensure_ascii = False
    wb = Workbench(settings)
    app.extensions["workbench"] = wb
    if seed:
        wb.ensure_seed()

    @app.before_request
    def _guard():
        if local_only and _hostname(request.host) not in LOCAL_HOSTS:
            abort(403, "this workbench only answers to localhost")
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.headers.get(CHANGE_HEADER) != "1":
            abort(403, f"changes need the {CHANGE_HEADER} header (sent by the workbench page)")

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                                   "frame-ancestors 'none'; base-uri 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    @app.errorhandler(UserError)
    def _user_error(e: UserError):
        # a browser is told "the term base", not where the server keeps it
        return jsonify(error=str(e).replace(f"the term base {wb.store.tb.path}", "the term base")), 400

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        if e.code == 413:
            msg = f"upload too large: the limit is {settings.max_upload_mb:g} MB (termalign serve --max-upload-mb)"
        else:
            msg = e.description or e.name
        if request.path.startswith("/api/") or e.code in (403, 413):
            return jsonify(error=msg), e.code
        return e

    @app.errorhandler(Exception)
    def _bug(e: Exception):
        log.exception("%s %s failed", request.method, request.path)
        return jsonify(error=f"internal error ({type(e).__name__}): see the server log"), 500

    # --- page ------------------------------------------------------------------------------

    @app.get("/")
    def index():
        return render_template("index.html", version=__version__)

    # --- documents and jobs ----------------------------------------------------------------

    @app.get("/api/documents")
    def documents():
        return jsonify(wb.store.documents())

    @app.get("/api/files")
    def files():
        return jsonify(sorted(wb.pickable()))

    @app.post("/api/documents")
    def add_document():
        unit = text_arg("unit", "paragraph", form=True)
        name = text_arg("name", "", max_len=300, form=True)
        if request.files:
            ups = [request.files.get(k) for k in ("src", "tgt")]
            if not all(u and u.filename for u in ups):
                raise UserError("upload both a Chinese (src) and an English (tgt) file")
            job = wb.submit_uploads(name, [(u.filename, u.read()) for u in ups], unit)
        else:
            listing = wb.pickable()
            picked = [text_arg(k, "", max_len=1000, form=True) for k in ("src_file", "tgt_file")]
            missing = [p for p in picked if p not in listing]
            if missing:
                raise UserError(f"no such file to pick: {missing[0]!r} (see /api/files)")
            job = wb.submit_files(name, listing[picked[0]], listing[picked[1]], unit)
        return jsonify(job.as_dict()), 202

    @app.post("/api/align-many")
    def align_many():
        """2–6 uploaded files (`files`), one per language: a job whose result is the units."""
        parts = request.files.getlist("files")
        # a part without a file name arrives as a form field, or with filename="": unless empty (a file
        # input left unused) it is a file that cannot be read without its name (the extension says how)
        if any(v.strip() for v in request.form.getlist("files")) or any(
                not (u.filename or "").strip() and u.stream.read(1) for u in parts):
            raise UserError("an uploaded file has no name: send each file with its name (its extension says how to read it)")
        ups = [u for u in parts if (u.filename or "").strip()]
        if not 2 <= len(ups) <= MAX_FILES:
            raise UserError(f"upload 2 to {MAX_FILES} files, one per language (got {len(ups)})")
        job = wb.submit_many([(u.filename, u.read()) for u in ups], text_arg("unit", "paragraph", form=True))
        return jsonify(job.as_dict()), 202

    @app.get("/api/jobs")
    def jobs():
        return jsonify([j.as_dict() for j in wb.jobs.all()])

    @app.get("/api/jobs/<int:job_id>")
    def job(job_id: int):
        j = wb.jobs.get(job_id)
        if j is None:
            abort(404, f"no job {job_id}")
        return jsonify(j.as_dict())

    def _doc(doc_id: int) -> dict:
        d = wb.store.document(doc_id)
        if d is None:
            abort(404, f"no document {doc_id}")
        return d

    @app.delete("/api/documents/<int:doc_id>")
    def delete_document(doc_id: int):
        _doc(doc_id)
        wb.store.delete_document(doc_id)
        return jsonify(ok=True)

    # --- bitext ----------------------------------------------------------------------------

    @app.get("/api/documents/<int:doc_id>/bitext")
    def bitext(doc_id: int):
        return jsonify(wb.store.bitext(_doc(doc_id)["id"]))

    @app.post("/api/documents/<int:doc_id>/beads")
    def edit_beads(doc_id: int):
        _doc(doc_id)
        body = json_object(BEAD_EDIT, '{"op": "merge", "index": 3}')
        al = wb.store.alignment(doc_id)
        wb.store.save_beads(doc_id, edit.apply(al.beads, body["op"], body))
        return jsonify(wb.store.bitext(doc_id))

    @app.get("/api/documents/<int:doc_id>/check")
    def check(doc_id: int):
        """QA of the pair as stored, the same check as `termalign check --db` over this term base."""
        _doc(doc_id)
        return jsonify(wb.store.check(doc_id))

    @app.get("/api/documents/<int:doc_id>/heatmap")
    def heatmap(doc_id: int):
        _doc(doc_id)
        return jsonify(wb.store.heatmap(doc_id))

    @app.get("/api/documents/<int:doc_id>/export")
    def export_alignment(doc_id: int):
        from align.export import render

        fmt = request.args.get("format", "tmx")
        if fmt not in ALIGN_FORMATS:
            raise UserError(f"unknown format {fmt!r}: expected one of {', '.join(ALIGN_FORMATS)}")
        data = render(wb.store.alignment(_doc(doc_id)["id"]), fmt)
        return _download(data, ALIGN_FORMATS[fmt], f"alignment-{doc_id}.{fmt}")

    # --- glossary --------------------------------------------------------------------------

    @app.get("/api/glossary")
    def glossary():
        return jsonify(wb.store.terms(status=choice_arg("status", STATUSES) or None, q=text_arg("q") or None,
                                      sort=choice_arg("sort", SORTS, "score"), doc_id=int_arg("doc", None, 0, 2**62),
                                      limit=int_arg("limit", 2000, 1, 10000)))

    @app.get("/api/glossary/multi")
    def multi_glossary():
        """Term entries in several languages (`termalign corpus import`): a column per language."""
        return jsonify(wb.store.multi_terms(q=text_arg("q") or None, limit=int_arg("limit", 2000, 1, 10000)))

    @app.post("/api/glossary")
    def add_term():
        body = json_object(NEW_TERM, TERM_EXAMPLE)
        src, tgt = body.get("source_term", "").strip(), body.get("target_term", "").strip()
        if not src or not tgt:
            raise UserError("a term needs both source_term and target_term")
        return jsonify(wb.store.add_term(src, tgt)), 201

    @app.patch("/api/glossary")
    def change_term():
        """Approve/reject/reset one (term, equivalent) and/or edit the equivalent's text."""
        body = json_object(TERM_CHANGE, TERM_EXAMPLE)
        src, tgt = body.get("source_term", ""), body.get("target_term", "")
        status, new_target = body.get("status"), body.get("new_target")
        if not src or not tgt:
            raise UserError("say which entry: source_term and target_term")
        if status is not None and status not in STATUSES:
            raise UserError(f"unknown status {status!r}: expected one of {', '.join(STATUSES)}")
        if new_target is not None and not new_target.strip():
            raise UserError("the equivalent cannot be empty")
        return jsonify(wb.store.update_term(src, tgt, status, None if new_target is None else new_target.strip()))

    @app.post("/api/glossary/merge")
    def merge_variants():
        """Two spellings of one term into one entry: equivalents of `source_term`, else two source terms."""
        body = json_object(MERGE, '{"keep": "cooperation", "other": "co-operation", "source_term": "合作"}')
        return jsonify(wb.store.merge(body.get("source_term"), body["keep"].strip(), body["other"].strip()))

    @app.get("/api/stoplist")
    def stop_list():
        return jsonify(wb.store.stop_words())

    @app.route("/api/stoplist", methods=["POST", "DELETE"])
    def change_stop_list():
        """Add or remove a stop word (applied by the next extraction into the term base)."""
        body = json_object(STOP_WORD, '{"word": "the", "where": "start"}')
        where = body.get("where")
        if where is not None and where not in WHERE:  # "" too, which the term base would read as "any"
            raise UserError(f"where must be {', '.join(WHERE[:-1])} or {WHERE[-1]}, not {where!r}")
        return jsonify(wb.store.change_stop_word(body["word"], where, add=request.method == "POST"))

    @app.get("/api/glossary/export")
    def export_glossary():
        fmt = request.args.get("format", "tbx")
        if fmt not in GLOSSARY_FORMATS:
            raise UserError(f"unknown format {fmt!r}: expected one of {', '.join(GLOSSARY_FORMATS)}")
        status = request.args.get("status", "approved")
        from .exports import PRESETS, render_terms

        data = render_terms(wb.store.approved_rows(status != "all"), fmt, wb.store.signatures())
        name = f"glossary-{fmt}" if fmt in PRESETS else "glossary"
        return _download(data, GLOSSARY_FORMATS[fmt], f"{name}.{EXTENSIONS.get(fmt, fmt)}")

    # --- lookup and search -----------------------------------------------------------------

    @app.get("/api/lookup")
    def lookup():
        q = text_arg("q", max_len=QUERY_MAX)[:200]  # a plug-in may send a whole selection: look its start up
        if not q:
            raise UserError("give a term: /api/lookup?q=TERM")
        return jsonify(wb.store.lookup(q, contexts=int_arg("contexts", 5, 0, 100)))

    @app.get("/api/search")
    def search():
        q = text_arg("q", max_len=QUERY_MAX)[:200]
        if not q:
            raise UserError("give a term: /api/search?q=TERM")
        limit = int_arg("limit", 200, 1, 1000)
        t0 = time.perf_counter()
        out = {"query": q, "equivalents": wb.store.lookup(q, contexts=0),
               "contexts": wb.store.concordance(q, limit=limit)}
        out["truncated"] = len(out["contexts"]) >= limit
        out["ms"] = round((time.perf_counter() - t0) * 1000, 1)
        return jsonify(out)

    return app


def _hostname(host: str) -> str:
    """"localhost:8765" -> "localhost", "[::1]:8765" -> "[::1]"."""
    if host.startswith("["):
        return host[:host.find("]") + 1]
    return host.rsplit(":", 1)[0]


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
