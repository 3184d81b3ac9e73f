from site_builder.cli import main


def test_build_writes_the_data_contract(tmp_path, root):
    out = tmp_path / "site"
    assert main(["build", "--content", str(root / "content"), "--out", str(out)]) == 0
    header = (out / "data" / "records.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "agency,agency_slug,year,metric,applicant,value,approximate,source"
    assert (out / "data" / "quality.csv").read_text(encoding="utf-8").startswith("agency_slug,year,rule,")


def test_homophone_agencies_without_entries_get_distinct_slugs(tmp_path):
    from site_builder.load.agencies import AgencyBook

    book = AgencyBook.load(tmp_path / "none.toml")
    first = book.find("新区街道")
    second = book.find("信区街道")
    assert first.slug == "xin-qu-jie-dao"
    assert second.slug.startswith("xin-qu-jie-dao-") and second.slug != first.slug
    assert book.find("信区街道").slug == second.slug  # stable for the same name


def test_a_derived_slug_never_takes_a_known_agencys_slug(tmp_path):
    from site_builder.load.agencies import AgencyBook

    toml = tmp_path / "agencies.toml"
    toml.write_text('[agencies."其他"]\nslug = "xin-qu-jie-dao"\n', encoding="utf-8")
    book = AgencyBook.load(toml)
    assert book.find("新区街道").slug != "xin-qu-jie-dao"
