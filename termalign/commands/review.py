"""`termalign review | stoplist | merge`: a reviewer's decisions in the term base, as in a CAT tool.

Every decision lives in the term base (`--db`) and outlives re-extraction: `corpus add`,
`corpus rebuild` and `batch` never overwrite a status, a merge or a stop word; `terms`,
`check`, `corpus export` and the workbench read them.
"""

from __future__ import annotations

import argparse
import sys

from termalign.commands.corpus import add_db_arg, open_db

_STATUS_CHOICES = ("approved", "rejected", "forbidden", "dnt", "do-not-translate", "candidate")


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("review", help="set a term's review status: approved, rejected, forbidden, dnt, candidate",
                       description="Give an equivalent of a term a status: approved (to use), rejected (an "
                                   "extraction error), forbidden (a rendering that must not be used: `check` flags "
                                   "it), dnt (do not translate: the source form stays), candidate (undo). A "
                                   "rendering the term base lacks is added by hand. Without --status: list the "
                                   "term's equivalents with their statuses.")
    r.add_argument("term", help="the source (Chinese) term")
    r.add_argument("target", nargs="?", default=None, help="the equivalent (not needed for dnt)")
    r.add_argument("--status", choices=_STATUS_CHOICES, default=None)
    r.add_argument("--lang", default="zh", help="the source term's language (default zh)")
    add_db_arg(r)
    r.set_defaults(func=run_review)

    s = sub.add_parser("stoplist", help="the term base's stop list: words that block a candidate term",
                       description="Words that block a candidate term at its start, anywhere, or at its end (as "
                                   "memoQ's stop list). Applied by the next extraction into the term base "
                                   "(`corpus add`, `batch`, `corpus rebuild`) and by `glossary --stop-list DB`.")
    ss = s.add_subparsers(dest="stoplist_command", metavar="ACTION", required=True)
    for name, helptext in (("add", "add stop words"), ("remove", "remove stop words (at --where, else everywhere)")):
        a = ss.add_parser(name, help=helptext)
        a.add_argument("words", nargs="+", metavar="WORD")
        a.add_argument("--where", choices=("start", "any", "end"), default=None,
                       help="where the word blocks a candidate (add: default any)")
        add_db_arg(a)
        a.set_defaults(func=run_stoplist)
    ls = ss.add_parser("list", help="the stop list, one `where<TAB>word` a line (a file --stop-list reads)")
    add_db_arg(ls)
    ls.set_defaults(func=run_stoplist)

    m = sub.add_parser("merge", help="merge two variants of a term into one entry (the second kept as a variant)",
                       description="Merge KEEP and OTHER, two spellings of one term: two source terms (核裁军 and a "
                                   "variant), or two equivalents (cooperation / co-operation) of --term, else of "
                                   "every term that has both. OTHER stays as a variant: exports list it, and later "
                                   "extractions file it under KEEP.")
    m.add_argument("keep")
    m.add_argument("other")
    m.add_argument("--term", default=None, help="merge equivalents of this source term only")
    m.add_argument("--lang", default="zh", help="the source terms' language (default zh)")
    add_db_arg(m)
    m.set_defaults(func=run_merge)


def _checked_lang(args: argparse.Namespace) -> None:
    """A term filed under a language code no pair has ('xx', '') would be in no export or lookup."""
    from align.langid import base_language, given_language

    args.lang = base_language(given_language(args.lang, "--lang"))


def run_review(args: argparse.Namespace) -> int:
    from termalign.errors import UserError, check_chars

    _checked_lang(args)
    check_chars(args.term, "the source term")  # as the web API refuses them: no export could hold them all
    check_chars(args.target or "", "the target term")
    if args.status is None:
        with open_db(args, create=False) as tb:
            tid = tb.term_row(args.term, args.lang, must=False)  # a merged variant lists its entry
            rows = [] if tid is None else tb.glossary_rows(min_df=0, include_rejected=True, term_id=tid)
        if not rows:
            raise UserError(f"no term {args.term!r} in the term base")
        for r in rows:
            variants = f"\tvariants: {r['variants']}" if r["variants"] else ""
            print(f"{r['source_term']}\t{r['target_term']}\t{r['status']}\tscore {r['score']:.3f}{variants}")
        return 0
    with open_db(args, create=False) as tb:
        status = tb.review(args.term, args.target, args.status, src_lang=args.lang)
    print(f"{args.term} → {args.target or args.term}: {status}", file=sys.stderr)
    return 0


def run_stoplist(args: argparse.Namespace) -> int:
    from glossary.review import format_stop_list

    with open_db(args, create=args.stoplist_command == "add") as tb:
        if args.stoplist_command == "add":
            for w in args.words:
                tb.add_stop_word(w, args.where or "any")
        elif args.stoplist_command == "remove":
            gone = sum(tb.remove_stop_word(w, args.where) for w in args.words)
            if not gone:
                print("no such stop word", file=sys.stderr)
                return 1
        stop = tb.stop_list()
    if args.stoplist_command == "list":
        sys.stdout.write(format_stop_list(stop))
    else:
        print(f"{len(stop.words)} stop word(s); applied by the next extraction (`termalign corpus rebuild` "
              "re-extracts the stored pairs)", file=sys.stderr)
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from termalign.errors import UserError

    _checked_lang(args)
    with open_db(args, create=False) as tb:
        if args.term:
            tb.merge_equivalents(args.term, args.keep, args.other, lang=args.lang)
            where = [args.term]
        elif tb.term_row(args.keep, args.lang, must=False) and tb.term_row(args.other, args.lang, must=False):
            tb.merge_terms(args.keep, args.other, lang=args.lang)
            print(f"merged term {args.other} into {args.keep}", file=sys.stderr)
            return 0
        else:
            where = tb.terms_with_equivalents(args.keep, args.other)
            if not where:
                raise UserError(f"{args.keep!r} and {args.other!r} are neither two terms nor two equivalents of one "
                                "term in the term base")
            with tb.transaction():
                for term in where:
                    tb.merge_equivalents(term, args.keep, args.other, lang=args.lang)
    print(f"merged {args.other!r} into {args.keep!r} in {len(where)} term(s): {', '.join(where)}", file=sys.stderr)
    return 0
