from site_builder.cli import main


def test_build_writes_the_data_contract(tmp_path, root):
    out = tmp_path / "site"
    assert main(["build", "--content", str(root / "content"), "--out", str(out)]) == 0
    header = (out / "data" / "records.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "agency,agency_slug,year,metric,applicant,value,approximate,source"
    assert (out / "data" / "quality.csv").read_text(encoding="utf-8").startswith("agency_slug,year,rule,")

