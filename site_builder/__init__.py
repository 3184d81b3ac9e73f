"""site_builder: turn a folder of 政府信息公开工作年度报告 into a comparative static website."""

from pathlib import Path

__version__ = "0.1.0"

# the project's folder: its templates/ and static/ are a build's defaults
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def records(content_dir="content", jobs=None):
    """The figures the reports of `content_dir` print, as a pandas DataFrame (its columns:
    site_builder.load.frames.COLUMNS). Imported when called: the CLI does without pandas."""
    from site_builder.load.frames import records as load_records

    return load_records(content_dir, jobs=jobs)
