"""Full-text search: a pagefind index of the built HTML, written into the site as /pagefind/.

Runs at the end of the build, over the staging folder, before it is swapped in. Pages declare
lang="zh-CN", and pagefind's *extended* binary (the `pagefind[extended]` dependency, which the
pagefind package prefers when installed) segments Chinese text into words, so a query such as
建国门 finds 建国门街道; the standard binary cuts Chinese differently at index and at query time
and finds nothing for it.
English labels on the same pages are indexed too. The search UI (pagefind-ui.js/.css) is written
by the same call; static/js/search.js mounts it on any element with id="search".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from site_builder.exceptions import SiteBuilderError

OUTPUT_DIR = "pagefind"


def build_index(site_root: Path) -> None:
    """Index every HTML page under site_root and write site_root/pagefind/."""
    site_root = Path(site_root).resolve()
    # The pagefind binary, run to its end. (Its Python API stops the indexing service as soon as
    # it answers WriteFiles, which under load left pagefind-*.js truncated in the site.)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_root), "--output-subdir", OUTPUT_DIR, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:  # the pagefind binary missing or not executable
        raise SiteBuilderError(f"search index: pagefind could not run on {site_root}: {exc}") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise SiteBuilderError(f"search index: pagefind failed on {site_root} (exit {proc.returncode}): {detail}")
    if not (site_root / OUTPUT_DIR / "pagefind-entry.json").is_file():
        raise SiteBuilderError(f"search index: pagefind wrote no index under {site_root}")
