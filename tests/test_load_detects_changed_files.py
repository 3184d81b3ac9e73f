"""load_reports reads each file's signature from the build manifest's scan when it has one:
it must be the signature a stat() would give, and "none" (compare the bytes) for a file the
scan found recently modified."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from site_builder.build import incremental
from site_builder.load.loader import _signature, _signatures, cite_paths, load_site, report_files

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_signatures_from_the_scan_are_those_of_a_stat(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    files = report_files(content)
    hour_ago = time.time_ns() - 3600 * 10**9
    for p in files:
        os.utime(p, ns=(hour_ago, hour_ago))
    fresh = files[0]
    fresh.write_bytes(fresh.read_bytes() + b"\n")  # modified just now: the scan hashes it
    scanned = incremental.scan([content])
    cites = cite_paths(files, content)
    from_scan = _signatures(files, cites, content, scanned)
    assert from_scan == [_signature(p) for p in files]
    assert from_scan[0] is None and all(s is not None for s in from_scan[1:])
    # a file the scan does not hold (none here) is stat()ed
    partial = {k: v for k, v in scanned.items() if not k.endswith(cites[1])}
    assert _signatures(files, cites, content, partial) == from_scan


def test_a_site_loaded_with_the_scan_equals_one_loaded_without(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first = load_site(content)
    edited = report_files(content)[2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("2", "3", 1), encoding="utf-8")
    with_scan = load_site(content, known=first.known, scanned=incremental.scan([content]))
    without = load_site(content, known=first.known)
    assert [(r.path, r.figures) for r in with_scan.reports] == [(r.path, r.figures) for r in without.reports]
    assert {c: e[:2] for c, e in with_scan.known.items()} == {c: e[:2] for c, e in without.known.items()}
