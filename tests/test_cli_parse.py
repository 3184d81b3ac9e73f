"""site-builder parse FILE...: the maintainer's view of what the parser read from a report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"


def run_parse(capsys, *files) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["parse", *map(str, files)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows(out: str) -> dict[str, list[str]]:
    """metric id -> the cells printed after its label: the values (seven columns when the report
    has table 三, else one), the line and the origin. Labels may hold spaces ('行政复议 总计')."""
    lines = out.splitlines()
    width = 7 if any(l.split()[-2:] == ["line", "origin"] and "总计" in l.split() for l in lines) else 1
    table = {}
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and "." in parts[0] and parts[0][0].islower() and parts[0] not in table:
            table[parts[0]] = parts[-(width + 2):]
    return table


def test_prose_report(capsys):
    code, out, err = run_parse(capsys, REPORTS / "jianguomen-2011.txt")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == str(REPORTS / "jianguomen-2011.txt")
    assert lines[1].split() == ["agency", "建国门街道", "year", "2011", "era", "pre2019", "encoding", "utf-8", "4", "figures"]
    assert rows(out) == {
        "proactive.total": ["303", "62", "prose"],
        "proactive.e_rate": ["100", "62", "prose"],
        "consultations.total": ["23000~", "66", "prose"],  # ~ marks an approximate figure (余)
        "requests.new": ["0", "66", "prose"],
    }
    assert "  checks: 0 passed, 0 broken" in lines


def test_stat_table_report(capsys):
    code, out, _ = run_parse(capsys, REPORTS / "taoranting-2017.txt")
    assert code == 0
    assert "era pre2019  (with 统计表)" in out
    table = rows(out)
    assert table["proactive.total"] == ["975", "65", "stat"]
    assert table["proactive.wechat"] == ["170", "145", "stat"]
    assert table["consultations.total"] == ["964", "32", "prose"]
    assert table["litigation.total"] == ["0", "305", "stat"]
    assert len(table) == 14
    assert "  checks: 5 passed, 0 broken" in out.splitlines()


def test_template_report_shows_columns_and_broken_rules(capsys):
    code, out, _ = run_parse(capsys, REPORTS / "donghuashi-2019.txt")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[:6] == ["agency", "东花市街道", "year", "2019", "era", "2019"]
    header = lines[2].split()
    assert header[2:] == ["自然人", "商业", "科研", "公益", "法律", "其他", "总计", "line", "origin"]
    table = rows(out)
    assert table["requests.new"] == ["2", "0", "0", "0", "0", "0", "2", "53", "table"]
    assert table["outcome.unable.not_held"] == ["2", "0", "0", "0", "0", "0", "2", "66", "table"]
    assert table["outcome.total"] == ["0", "0", "0", "0", "0", "0", "0", "77", "table"]
    assert table["outcome.withheld"][-2:] == ["58", "derived"]
    assert table["review.total"] == ["—"] * 6 + ["1", "85", "table"]
    assert table["procurement.amount_wan"] == ["—"] * 6 + ["184.8083", "46", "table"]
    assert table["proactive.weibo"] == ["—"] * 6 + ["340", "11", "prose"]
    assert "  checks: 36 passed, 4 broken" in lines
    broken = [l.strip() for l in lines if l.strip().startswith("BROKEN")]
    assert sorted(broken) == sorted([
        "BROKEN t3.balance [natural_person] expected 2, printed 0  (line 77: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理)",
        "BROKEN t3.balance [total] expected 2, printed 0  (line 77: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理)",
        "BROKEN t3.outcome_total [natural_person] expected 2, printed 0  (line 77: 办理结果总计 = 各项办理结果之和)",
        "BROKEN t3.outcome_total [total] expected 2, printed 0  (line 77: 办理结果总计 = 各项办理结果之和)",
    ])


def test_warnings_are_printed(tmp_path, capsys):
    """The 2024 report without its table 四: parsed, and the warning says what is missing."""
    lines = (REPORTS / "jianguomen-2024.txt").read_text(encoding="utf-8").split("\n")
    cut = next(i for i, l in enumerate(lines) if l.startswith("四、政府信息公开行政复议"))
    path = tmp_path / "jianguomen-2024-no-t4.txt"
    path.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    code, out, _ = run_parse(capsys, path)
    assert code == 0
    assert f"  warning: {path}: table 四 (行政复议、行政诉讼) was not found" in out.splitlines()
    table = rows(out)
    assert "review.upheld" not in table
    # the prose states them: "产生关于信息公开的行政复议1次（尚未审结）；…行政诉讼0次" (line 14)
    assert table["review.total"] == ["—"] * 6 + ["1", "14", "prose"]
    assert table["litigation.total"] == ["—"] * 6 + ["0", "14", "prose"]
    assert table["outcome.total"][-2:] == ["347", "table"]


def test_several_files_in_one_call(capsys):
    seeds = ["donghuashi-2019.txt", "jianguomen-2011.txt", "jianguomen-2024.txt", "taoranting-2017.txt", "xinqi-2013.txt"]
    code, out, _ = run_parse(capsys, *[REPORTS / s for s in seeds])
    assert code == 0
    heads = [l for l in out.splitlines() if l.startswith("  agency ")]
    assert [h.split()[1:4:2] for h in heads] == [
        ["东花市街道", "2019"], ["建国门街道", "2011"], ["建国门街道", "2024"], ["陶然亭街道", "2017"], ["新碶街道", "2013"],
    ]


def test_missing_file_is_an_error(tmp_path, capsys):
    code, out, err = run_parse(capsys, tmp_path / "nope.txt")
    assert code == 1
    assert err == f"error: {tmp_path / 'nope.txt'}: cannot read the file: No such file or directory\n"


@pytest.mark.parametrize("argv", [["site-builder"], [sys.executable, "-m", "site_builder"]])
def test_console_script_and_module(argv):
    proc = subprocess.run(
        argv + ["parse", str(REPORTS / "jianguomen-2024.txt")],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "agency 建国门街道   year 2024   era 2021" in proc.stdout
    assert rows(proc.stdout)["penalty.decisions"] == ["—"] * 6 + ["139", "54", "table"]
    assert "checks: 42 passed, 0 broken" in proc.stdout
