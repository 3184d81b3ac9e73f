"""What a rebuild may skip: the build manifest.

A build records every input it read (each file of the content, templates and static folders
with its size and mtime, the package's own code version, the build options) and every output
file with the hash of its bytes. The next build compares:

- nothing changed (and the output folder is still there): the site is up to date, done;
- something changed: reports are taken from the previous build (same process) or the parse
  cache, pages are rendered, and only files whose bytes differ are written into the live site,
  files no longer produced are removed (see output.commit_in_place). The result is the same
  tree a clean build gives; tests/test_incremental.py checks that byte for byte.

The manifest lives in the cache folder (one per output folder), never in the published site.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.load.cache import code_version

MANIFEST_VERSION = 2


def scan(roots: list[Path]) -> dict[str, tuple]:
    """Every file under the roots (hidden ones skipped) -> (size, mtime_ns, hash if recent)."""
    out: dict[str, tuple[int, int]] = {}
    for root in roots:
        root = Path(root)
        if not root.exists():
            out[f"{root}\0missing"] = (0, 0, None)
            continue
        if root.is_file():
            out[str(root.resolve())] = _entry(str(root), root.stat())
            continue
        # (scandir, not os.walk: a stat per file is the cost, at a province's size 20,000 of
        # them; the dev server scans on every change, so the loop is kept lean)
        stack = [str(root.resolve())]
        recent = time.time_ns() - RACY_NS
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue  # gone, or unreadable: skipped, as os.walk does
            for e in entries:
                if e.name[0] == ".":
                    continue
                try:
                    if e.is_dir():
                        if not e.is_symlink():  # as os.walk: a linked folder is not entered
                            stack.append(e.path)
                        continue
                    st = e.stat()
                except FileNotFoundError:
                    continue
                mtime = st.st_mtime_ns
                # (as _entry(): by content hash while recent)
                out[e.path] = (st.st_size, mtime, None) if mtime <= recent else _entry(e.path, st)
    return out


RACY_NS = 2_000_000_000  # a file modified this recently may change again within one mtime tick


def _hash_file(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return "h:" + hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _entry(path: str, st: os.stat_result) -> tuple:
    """(size, mtime_ns, None), or (size, mtime_ns, content hash) for a file modified in the last
    two seconds: an edit that keeps the size within the filesystem's timestamp granularity would
    otherwise look unchanged to the next build (git's "racily clean" problem)."""
    digest = _hash_file(path) if time.time_ns() - st.st_mtime_ns < RACY_NS else None
    return (st.st_size, st.st_mtime_ns, digest)


@dataclass
class Manifest:
    code: str
    options: dict
    inputs: dict[str, tuple]  # path -> (size, mtime_ns, hash or None)
    outputs: dict[str, str] = field(default_factory=dict)  # relpath -> hash of the bytes (output.content_hash)
    summary: dict = field(default_factory=dict)  # counts for the "up to date" message

    def same_inputs(self, previous: "Manifest") -> bool:
        """Same code, options and input files as the `previous` build's (changed_inputs finds none)."""
        changed = self.changed_inputs(previous)
        return changed is not None and not changed

    def changed_inputs(self, previous: "Manifest") -> set[str] | None:
        """The input files added, removed or changed since `previous`; None when the code or the
        options differ (everything may change). A file the previous scan recorded by content hash
        (it was recent then) is compared by its bytes; any other by size and mtime."""
        if self.code != previous.code or self.options != previous.options:
            return None
        # after file events only the files they named can differ; else every file of either scan
        patched = _patched_from(self.inputs, previous.inputs)
        paths = self.inputs.patched if patched else self.inputs.keys() | previous.inputs.keys()
        return changed_paths(self.inputs, previous.inputs, paths)

    def to_json(self) -> str:
        return json.dumps({
            "version": MANIFEST_VERSION, "code": self.code, "options": self.options,
            "inputs": {k: list(v) for k, v in sorted(self.inputs.items())},
            "outputs": dict(sorted(self.outputs.items())), "summary": self.summary,
        }, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Manifest | None":
        data = json.loads(text)
        if data.get("version") != MANIFEST_VERSION:
            return None
        return cls(data["code"], data["options"], {k: tuple(v) for k, v in data["inputs"].items()},
                   data["outputs"], data.get("summary", {}))


class Scan(dict):
    """A scan made from another by patched(): `base` is that scan (the one the last build took),
    `patched` the paths looked at again; every other entry is the base's own tuple."""

    base: dict | None = None
    patched: frozenset = frozenset()


def patched(base: dict, paths, roots: list[Path]) -> Scan | None:
    """scan() of the same roots as `base`, made by stat()ing only `paths` (the files the file
    watcher saw written, created, renamed or removed) and keeping every other entry of `base`:
    what scan() would return now if nothing else changed (the watcher's word for it). None when
    that cannot be told from the paths alone (a path is now a folder, or lies outside the roots or
    in a hidden folder, which scan() does not enter): the caller scans in full.

    The new scan keeps `base` (only), so that the build compares just the paths with the last
    build's scan (_patched_from) instead of all 20,000 entries."""
    prefixes = tuple(str(Path(r).resolve()) + os.sep for r in roots)
    scan_ = Scan(base)
    for path in paths:
        root = next((p for p in prefixes if path.startswith(p)), None)
        if root is None or any(part[:1] == "." for part in path[len(root):].split(os.sep)):
            return None
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            scan_.pop(path, None)  # removed (or renamed away)
            continue
        if stat.S_ISDIR(st.st_mode):
            return None
        scan_[path] = _entry(path, st)
    if isinstance(base, Scan):
        base.base = None  # (one link back: the chain of every scan since the server started is not kept)
    scan_.base, scan_.patched = base, frozenset(paths)
    return scan_


def _patched_from(inputs: dict, previous: dict) -> bool:
    return isinstance(inputs, Scan) and inputs.base is previous


def changed_paths(inputs: dict, previous: dict, paths) -> set[str]:
    """Of `paths`, those added, removed or changed between the scans (as changed_inputs compares)."""
    changed = set()
    for path in paths:
        now, before = inputs.get(path), previous.get(path)
        if now is None or before is None:
            if now is not before:
                changed.add(path)
            continue
        size, mtime, digest = now
        p_size, p_mtime, p_digest = before
        if size != p_size:
            changed.add(path)
        elif p_digest is not None:
            if (digest or _hash_file(path)) != p_digest:
                changed.add(path)
        elif mtime != p_mtime:
            changed.add(path)
    return changed


def scan_inputs(content: Path, templates: Path, static: Path) -> dict[str, tuple]:
    """scan() of a build's inputs: the content, templates and static folders (a missing one too)."""
    return scan([content, templates, static])


def current(content: Path, templates: Path, static: Path, options: dict, scanned: dict | None = None) -> Manifest:
    """The manifest of a build now; `scanned`: scan_inputs() of its folders, just taken by the
    caller (the dev server's watcher scans them to see that something changed)."""
    return Manifest(code_version(), options, scanned if scanned is not None else scan_inputs(content, templates, static))


def manifest_path(cache_dir: Path, out: Path) -> Path:
    key = hashlib.blake2b(str(Path(out).resolve()).encode(), digest_size=8).hexdigest()
    return Path(cache_dir) / f"manifest-{key}.json"


def load_manifest(cache_dir: Path | None, out: Path) -> Manifest | None:
    if cache_dir is None:
        return None
    try:
        return Manifest.from_json(manifest_path(cache_dir, out).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, KeyError):
        return None  # no manifest or an unreadable one: build in full


def save_manifest(cache_dir: Path | None, out: Path, manifest: Manifest) -> None:
    if cache_dir is None:
        return
    path = manifest_path(cache_dir, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, path)


def forget_manifest(cache_dir: Path | None, out: Path) -> None:
    if cache_dir is not None:
        manifest_path(cache_dir, out).unlink(missing_ok=True)


def output_intact(out: Path, manifest: Manifest) -> bool:
    """The live site still holds every file the manifest says was written (existence only)."""
    out = Path(out)
    if not out.is_dir():
        return False
    return all(os.path.isfile(os.path.join(out, rel)) for rel in manifest.outputs)
