"""Site search: a pagefind index of the search documents (search_docs.py), written into the site
as /pagefind/.

The index is built from the documents alone (names, titles, labels; never figures), not from
the built HTML: it costs the same whatever the pages hold, it can run while the pages are
rendered (start_index), and a build whose documents are unchanged keeps the index it has, e.g.
after a report's figures were edited. The build compares site_key(site), which hashes what the
documents are made from without making them; docs_key(docs) hashes documents already made.

Each document goes to pagefind as a small stand-in HTML page (its title as <h1>, its lines as
paragraphs, each section an <h2> with an id: a sub-result) through pagefind's service mode: the
binary reads requests on stdin and answers on stdout. We speak that protocol here rather than through pagefind's Python API, which waits
0.1 s per answer (tens of minutes for 20,000 documents) and whose write_files() let the service
stop before pagefind-*.js were whole; we ask for the files instead (GetFiles) and write them
ourselves, so the index on disk is exactly what pagefind produced.

Pages declare lang="zh-CN", and pagefind's *extended* binary (the `pagefind[extended]`
dependency, which pagefind.service.get_executable prefers when installed) segments Chinese text
into words, so a query such as 建国门 finds 建国门街道办事处; the standard binary cuts Chinese
differently at index and at query time and finds nothing for it. The search UI
(pagefind-ui.js/.css) is among the files written; static/js/search.js mounts it on id="search".

Beside it, in /pagefind/names/, the names index (search_names.py): every agency's names and place,
which search.js matches as substrings and lists above pagefind's results, so that an agency is
found by its name whatever word cut pagefind and the browser make. It is made from the same
documents, in the same job: the search key decides when both are written again. (Parts of names
are the names index's job alone: pagefind was also given every ending of each name, 北华区人民政府
-> 华区人民政府, 区人民政府 ..., until the names index found them all; at 20,000 agencies those
words cost ~6 of its ~22 s of CPU.) The agencies themselves are the names index's alone: their
documents are not given to pagefind (pagefind() picks what it indexes), which indexes the
years, figures, regions and prose pages; a query with a year (建国门 2024) links the report page
from the names index's entry, which lists the agency's report years.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path, PurePosixPath

from site_builder.render import search_docs, search_names
from site_builder.exceptions import SiteBuilderError
from site_builder.load.site import not_in_both
from site_builder.render.prose import PAGES_DIR, ProsePage, page_of
from site_builder.render.search_docs import SearchDoc, documents


__all__ = ["OUTPUT_DIR", "SearchDoc", "documents", "site_documents", "docs_key", "site_key", "build_index", "start_index",
           "IndexJob", "pagefind"]

OUTPUT_DIR = "pagefind"
LANGUAGE = "zh-cn"
_NEW_INDEX, _FIRST_DOC = 1, 2  # message ids: the index, then one per document, then GetFiles
_EXIT_SECONDS = 30  # a service whose output closed is exiting: how long its exit code may take
_WAIT_SECONDS = 600  # 20,000 reports take ~2 s: far beyond any real index, short of forever


def _read_pages(content_dir: Path) -> list[ProsePage]:
    """The prose pages (prose.read_pages), rendered again only when a file's bytes changed (every
    rebuild asks for the site key)."""
    folder = Path(content_dir) / PAGES_DIR
    files = tuple((f, f.read_bytes()) for f in sorted(folder.glob("*.md"))) if folder.is_dir() else ()
    return list(_pages_of(files))


@lru_cache(maxsize=4)
def _pages_of(files: tuple[tuple[Path, bytes], ...]) -> tuple[ProsePage, ...]:
    return tuple(page_of(path, data.decode("utf-8")) for path, data in files)


def _executable() -> Path:
    # (pagefind's package is imported only to index: a build that keeps its index does without)
    from pagefind.service import get_executable

    exe = get_executable()
    if exe is None:
        raise SiteBuilderError("search index: no pagefind binary found (install the pagefind[extended] package)")
    return exe


def _indexer_version() -> str:
    try:
        return metadata.version("pagefind_bin_extended")
    except metadata.PackageNotFoundError:
        return "pagefind " + str(_executable())


@lru_cache(maxsize=1)
def _salt() -> bytes:
    """What else shapes the index: the code that makes documents, stand-ins and the names index,
    the catalogue the metric documents are labelled from, and the pagefind version."""
    h = hashlib.blake2b(digest_size=16)
    h.update(Path(__file__).read_bytes())
    h.update(Path(search_docs.__file__).read_bytes())
    h.update(Path(search_names.__file__).read_bytes())
    h.update(resources.files("site_builder").joinpath("metrics.csv").read_bytes())
    h.update(_indexer_version().encode("utf-8"))
    return h.digest()


def docs_key(docs: list[SearchDoc]) -> str:
    """A hash of the documents and of what turns them into an index: equal keys mean the index
    would be written byte for byte the same."""
    h = hashlib.blake2b(_salt(), digest_size=16)
    for d in docs:
        sections = [[x.anchor, x.heading, list(x.lines)] for x in d.sections]
        h.update(json.dumps([d.url, d.kind, d.title, list(d.lines), sections, d.html, list(d.other_names), list(d.place),
                             list(d.years)], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def site_key(site, prose_pages: list[ProsePage] | None = None, last: tuple | None = None) -> str:
    """The key of a Site's search documents without making them: a hash of their basis (see
    search_docs.py), the prose pages and what docs_key() covers besides. Cheap enough for every
    build: each agency's part of the basis is encoded once and kept with the Site (Site.kept),
    and a Site made by the dev server's edit keeps those of the agencies whose reports did not
    change, so a rebuild encodes only the edited agency's (62 -> ~10 ms at 20,000 reports). When
    it equals the last build's, the index that build wrote is the one this build would write.

    `last`: (the Site `site` was made from by the dev server's edit of report files alone, the
    prose pages unchanged; that Site's key): its key when the basis is the same (same_basis),
    without the pass over every agency's part (~15 ms at 20,000 reports)."""
    if last is not None and same_basis(last[0], site):
        return last[1]
    pages = _read_pages(site.content_dir) if prose_pages is None else prose_pages
    h = hashlib.blake2b(_salt(), digest_size=16)
    # agency slug -> (its aliases, its facts encoded): an agency's facts are its own and its
    # reports' (an agency that differs makes a Site that keeps none), its aliases its entry's
    kept = site.kept(("search facts",), per="agency")
    by_slug = site.groups.by_slug
    for a in site.agencies:
        also = a.aliases
        entry = kept.get(a.slug)
        if entry is None or entry[0] != also:
            facts = search_docs.AgencyFacts(a.slug, a.name, a.city, a.district, a.level, also,
                                            tuple((r.year, r.agency) for r in by_slug[a.slug]), a.province)
            entry = kept[a.slug] = (also, json.dumps(facts, ensure_ascii=False).encode("utf-8") + b"\n")
        h.update(entry[1])
    given = search_docs.metrics_given(site)
    h.update(json.dumps([list(site.years), given]).encode("utf-8"))
    # The region documents: each node's path and names. Its counts and levels follow from its
    # agencies' facts, hashed above, and which agencies a node holds from their places; the
    # paths (pinyin) are the tree's. The tree is kept by the dev server's next Site while no
    # agency comes or goes, so this walk is all a rebuild pays.
    h.update(json.dumps([[r.path, r.names] for r in site.regions.nodes()], ensure_ascii=False).encode("utf-8"))
    for page in sorted(pages, key=lambda p: p.stem):
        h.update(json.dumps([page.stem, page.title, page.html], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def same_basis(old, new) -> bool:
    """Whether the Site `new`, made from `old` by with_reports, has the same search basis but for
    the prose pages (search_docs.basis): the very same agencies (names, places, aliases) and
    region tree, the same years and metrics given, and each report not in both replaced by one of
    the same agency, year and printed name (an edit of its figures)."""
    if (new.agencies is not old.agencies or new.regions is not old.regions or new.years != old.years
            or search_docs.metrics_given(new) != search_docs.metrics_given(old)):
        return False
    gone, came = not_in_both(old.reports, new.reports)

    def facts(site, reports) -> list[tuple]:
        return sorted((site.agency_of[r.path].slug, r.year, r.agency) for r in reports)

    return facts(old, gone) == facts(new, came)


def standin(doc: SearchDoc) -> str:
    """The page pagefind indexes for one document. Text from reports is untrusted: escaped."""
    if doc.html:
        body = doc.html  # a prose page: its own <h1> and headings
    else:
        body = f"<h1>{html.escape(doc.title)}</h1>" + _paragraphs(doc.lines)
        for x in doc.sections:
            body += f'<h2 id="{html.escape(x.anchor)}">{html.escape(x.heading)}</h2>' + _paragraphs(x.lines)
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def _paragraphs(lines: tuple[str, ...]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def _message(message_id: int, payload: dict) -> bytes:
    data = json.dumps({"message_id": message_id, "payload": payload}, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(data) + b","


def pagefind(docs: list[SearchDoc]) -> list[SearchDoc]:
    """The documents pagefind indexes: all but the agencies' (the names index finds those)."""
    return [d for d in docs if d.kind != "agency"]


def _requests(docs: list[SearchDoc]) -> tuple[list[bytes], int]:
    msgs = [_message(_NEW_INDEX, {"type": "NewIndex", "config": {"force_language": LANGUAGE}})]
    for i, doc in enumerate(docs):
        msgs.append(_message(_FIRST_DOC + i, {"type": "AddFile", "index_id": 0, "url": doc.url,
                                               "file_contents": standin(doc), "file_path": None}))
    last = _FIRST_DOC + len(docs)
    msgs.append(_message(last, {"type": "GetFiles", "index_id": 0}))
    return msgs, last


class IndexJob:
    """One pagefind service process indexing a list of documents, and a thread that feeds it,
    reads its answers and writes the files it returns into site_root/pagefind/. The process
    and the thread do not hold up the caller: start it, render the pages, then wait()."""

    def __init__(self, site_root: Path, docs: list[SearchDoc]):
        self.site_root = Path(site_root)
        self.docs = docs
        self.files = 0
        self.names: dict[str, int] = {}  # the names index's files (search_names.py) and their sizes
        self.error: str | None = None
        self.failure: OSError | None = None  # writing the index failed (a full disk ...): raised as is by wait()
        self._proc: subprocess.Popen | None = None
        self._cancelled = False
        from site_builder.lifeline import death_signal, has_death_signal  # (only an index needs it)

        self.indexed = pagefind(docs)
        msgs, self._last = _requests(self.indexed)
        self._stderr = tempfile.TemporaryFile()
        try:
            # (death_signal: the service ends with the build, even a killed one; see lifeline)
            self._proc = subprocess.Popen([str(_executable()), "--service"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=self._stderr,
                                          preexec_fn=death_signal if has_death_signal() else None)
        except OSError as exc:  # the binary missing or not executable
            self._stderr.close()
            raise SiteBuilderError(f"search index: pagefind could not run: {exc}") from exc
        self._thread = threading.Thread(target=self._run, args=(msgs,), name="search-index", daemon=True)
        self._thread.start()

    def _feed(self, msgs: list[bytes]) -> None:
        proc = self._proc
        try:
            for i in range(0, len(msgs), 256):
                proc.stdin.write(b"".join(msgs[i : i + 256]))
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the service died or was cancelled: the reader sees its output end and says so

    def _run(self, msgs: list[bytes]) -> None:
        proc = self._proc
        feeder = threading.Thread(target=self._feed, args=(msgs,), name="search-index-feed", daemon=True)
        feeder.start()
        try:
            # (made while pagefind indexes in its own process; written once its folder is)
            names = search_names.shards(self.docs)
            files = self._answers(proc)
            if files is not None and not self._cancelled:
                self.files = _write_files(self.site_root / OUTPUT_DIR, files)
                self.names = search_names.write_shards(self.site_root / OUTPUT_DIR, names)
                self.files += len(self.names)
        except OSError as exc:  # the environment's (see wait)
            self.failure = exc
            self.error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # reported by wait(): this thread must not die silently
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            # Stopped, not asked to stop: its input closing is no signal while a process forked
            # meanwhile (the render's workers) still holds the pipe, and everything it had to give
            # is in hand (GetFiles; nothing of it is left to be written by the service itself).
            if proc.poll() is None:
                proc.kill()
            try:
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            feeder.join()
            proc.wait()

    def _answers(self, proc: subprocess.Popen) -> list[dict] | None:
        """Read answers until the one to GetFiles; its files (None after an error)."""
        buffer = b""
        while True:
            chunk = proc.stdout.read1(1 << 20)
            if not chunk:  # its output closed: it has stopped, or is stopping
                try:
                    code = proc.wait(timeout=_EXIT_SECONDS)
                except subprocess.TimeoutExpired:
                    code = None
                self._stderr.seek(0)
                detail = self._stderr.read().decode("utf-8", "replace").strip()[-2000:]
                if not self._cancelled:
                    self.error = f"pagefind stopped before it answered (exit {code}): {detail}"
                return None
            buffer += chunk
            *answers, buffer = buffer.split(b",")
            for raw in answers:
                answer = json.loads(base64.b64decode(raw))
                payload = answer.get("payload") or {}
                kind = payload.get("type")
                if kind == "Error":
                    self.error = self._describe_error(answer)
                    return None
                if answer.get("message_id") == _NEW_INDEX and payload.get("index_id") != 0:
                    self.error = f"pagefind opened index {payload.get('index_id')!r}, not 0"
                    return None
                if answer.get("message_id") == self._last:
                    if kind != "GetFiles":
                        self.error = f"pagefind answered {kind!r} to GetFiles"
                        return None
                    return payload["files"]

    def _describe_error(self, answer: dict) -> str:
        payload = answer["payload"]
        message_id = answer.get("message_id")
        if message_id is None and payload.get("original_message"):
            try:
                message_id = json.loads(payload["original_message"]).get("message_id")
            except (ValueError, AttributeError):
                message_id = None
        where = ""
        if isinstance(message_id, int) and _FIRST_DOC <= message_id < self._last:
            where = f" (document {self.indexed[message_id - _FIRST_DOC].url})"
        return f"pagefind: {payload.get('message', 'error')}{where}"

    def wait(self, timeout: float = _WAIT_SECONDS) -> int:
        """Wait for the index to be written; the number of files. Raises SiteBuilderError."""
        self._thread.join(timeout)
        if self._thread.is_alive():  # a pagefind that hangs must not hang the build
            self.cancel()
            raise SiteBuilderError(f"search index: pagefind gave no index within {timeout:g} s "
                                   f"({len(self.docs)} documents into {self.site_root / OUTPUT_DIR})")
        self._stderr.close()
        if self._cancelled:
            raise SiteBuilderError("search index: cancelled")
        if self.failure is not None:
            raise self.failure  # (the build says what it is: output.environment_error)
        if self.error:
            raise SiteBuilderError(f"search index of {len(self.docs)} documents into {self.site_root / OUTPUT_DIR}: {self.error}")
        return self.files

    def cancel(self) -> None:
        """Stop the indexer (the build failed): kill the process, wait for the thread."""
        self._cancelled = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self._thread.join()
        self._stderr.close()


def _write_files(folder: Path, files: list[dict]) -> int:
    if folder.exists():
        shutil.rmtree(folder)
    made: set[Path] = set()
    for f in sorted(files, key=lambda f: f["path"]):
        rel = PurePosixPath(f["path"])
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise SiteBuilderError(f"search index: pagefind returned a file outside its folder: {f['path']!r}")
        target = folder.joinpath(*rel.parts)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(base64.b64decode(f["content"]))
    if not (folder / "pagefind-entry.json").is_file():
        raise SiteBuilderError(f"search index: pagefind wrote no pagefind-entry.json into {folder}")
    return len(files)


def start_index(site_root: Path, docs: list[SearchDoc]) -> IndexJob:
    """Begin indexing `docs` into site_root/pagefind/ (replaced whole) while the caller goes on;
    job.wait() finishes it and raises SiteBuilderError on failure, job.cancel() abandons it."""
    if not docs:
        raise SiteBuilderError(f"search index: no documents to index into {Path(site_root) / OUTPUT_DIR}")
    return IndexJob(site_root, docs)


def build_index(site_root: Path, docs: list[SearchDoc]) -> int:
    """Index `docs` into site_root/pagefind/ and return when it is written (the number of files)."""
    return start_index(site_root, docs).wait()


def site_documents(site, prose_pages: list[ProsePage] | None = None) -> list[SearchDoc]:
    """documents() of a loaded Site with its prose pages (by default content/pages/*.md)."""
    return documents(site, _read_pages(site.content_dir) if prose_pages is None else prose_pages)
