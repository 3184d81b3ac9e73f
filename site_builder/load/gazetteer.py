"""China's administrative divisions, from the gazetteer library cpca (MIT): its table of
adcodes, read as a plain CSV (the 34 provincial-level divisions, their cities and counties), and
a place inferred from free text by cpca itself, imported only when an agency needs it (it brings
pandas: ~0.5 s on first use).

An agency's place is three names: province (a 直辖市 is its own province and its own city),
city, district (a county-level division: 区, 县, 旗, county-level 市). Names are the gazetteer's
full official names (北京市, 内蒙古自治区, 东城区); "" where unknown.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import warnings
from pathlib import Path
from typing import NamedTuple

from site_builder.exceptions import SiteBuilderError


class Place(NamedTuple):
    province: str = ""
    city: str = ""
    district: str = ""

    @property
    def placed(self) -> bool:
        return bool(self.province)

    def __str__(self) -> str:
        # (a 直辖市's city is the province: named once)
        parts = [self.province] + ([self.city] if self.city != self.province else []) + [self.district]
        return " ".join(p for p in parts if p)


UNPLACED = Place()

# The short forms a province is written in (北京 for 北京市, 广西 for 广西壮族自治区), as cpca forms them.
_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
# cities of the adcodes table that are not a city: a 直辖市's districts, and counties a province runs itself
_NOT_A_CITY = ("市辖区", "县")
_PROVINCE_RUN = "省直辖县级行政区划"


def _table() -> Path:
    spec = importlib.util.find_spec("cpca")  # (found, not imported: its import loads pkg_resources)
    if spec is None or not spec.submodule_search_locations:
        raise SiteBuilderError("the gazetteer library cpca is not installed (pip install cpca)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


class Gazetteer:
    """The provinces, cities and counties of cpca's adcodes table (read once, when first asked),
    and the places inferred from texts (kept: the same name is inferred once per session)."""

    def __init__(self) -> None:
        self._loaded = False
        self.provinces: tuple[str, ...] = ()  # (all 34, once loaded: all_provinces())
        self._inferred: dict[str, Place] = {}

    def _load(self) -> None:
        if self._loaded:
            return
        names: dict[str, str] = {}  # 6-digit adcode -> name
        with open(_table(), encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            if next(rows)[:2] != ["adcode", "name"]:
                raise SiteBuilderError(f"{_table()}: not the adcodes table this version of site_builder reads")
            for row in rows:
                names[row[0][:6]] = row[1]
        provinces = {code[:2]: name for code, name in names.items() if code.endswith("0000")}
        self.provinces = tuple(sorted(provinces.values()))
        self._short = {}
        for name in self.provinces:
            self._short[name] = name
            self._short[_PROVINCE_SUFFIX.sub("", name)] = name
        self._cities: dict[str, dict[str, Place]] = {p: {} for p in self.provinces}
        self._counties: dict[str, list[Place]] = {}  # county name -> its places (names repeat: 新华区)
        self._city_places: dict[str, list[Place]] = {}
        for code, name in sorted(names.items()):
            province = provinces[code[:2]]
            if code.endswith("0000"):
                continue
            if code.endswith("00"):
                if name not in _NOT_A_CITY and name != _PROVINCE_RUN:
                    place = Place(province, name)
                    self._cities[province][name] = place
                    self._city_places.setdefault(name, []).append(place)
                continue
            if name in _NOT_A_CITY:
                continue
            city = names.get(code[:4] + "00", "")
            if self.is_municipality(province) or city in _NOT_A_CITY:
                place = Place(province, province, name)
            elif city == _PROVINCE_RUN:
                place = Place(province, name)  # a county a province runs itself stands for a city (仙桃市)
            else:
                place = Place(province, city, name)
            self._counties.setdefault(name, []).append(place)
        self._loaded = True

    def province(self, name: str) -> str:
        """The province's full name for its full or short name (北京, 北京市 -> 北京市); "" for
        anything else."""
        self._load()
        return self._short.get(name, "")

    def all_provinces(self) -> tuple[str, ...]:
        self._load()
        return self.provinces

    @staticmethod
    def is_municipality(province: str) -> bool:
        """A 直辖市 (北京市, 天津市, 上海市, 重庆市): the only provincial-level names ending in 市."""
        return province.endswith("市")

    def folder_place(self, folders: tuple[str, ...]) -> Place:
        """The place that folders under content/reports/ name: <province>[/<city>[/<district>]], a
        直辖市 with or without its city (北京市/东城区, 北京市/北京市/东城区). The first folder must
        be a province (else no place: folders may sort reports in other ways), and a folder without a
        Chinese character ends the place (北京市/2024/: the province); the second is a
        city when the gazetteer knows it as one of the province's, a county (its city then from
        the gazetteer) when it knows it as a county of the province and not a city, else a city
        by its position; the third a district. Folders deeper than a district say nothing."""
        if not folders:
            return UNPLACED
        province = self.province(folders[0])
        if not province:
            return UNPLACED
        rest = []
        for name in folders[1:3]:
            if not _HAN.search(name):
                break  # (a folder of years or batches: no place, nor any below it)
            rest.append(name)
        if self.is_municipality(province):
            if rest and self.province(rest[0]) == province:
                rest = rest[1:]
            return Place(province, province, rest[0] if rest else "")
        if not rest:
            return Place(province)
        second = rest[0]
        if second not in self._cities[province]:
            counties = [p for p in self._counties.get(second, ()) if p.province == province]
            if len(counties) == 1:
                return counties[0]
        return Place(province, second, rest[1] if len(rest) > 1 else "")

    def infer(self, texts: list[str]) -> list[Place]:
        """The place each text names, by cpca; UNPLACED where it names none for certain. A unit
        counts only when its full name is written (cpca also matches short forms: 朝阳街道 would
        be 朝阳市), and a county name that several counties share (新华区) only with its city or
        province written before it. A name's place goes as deep as the text goes: 宁波市 is a
        city, 北京市 a province (and its city)."""
        self._load()
        todo = [t for t in dict.fromkeys(texts) if t not in self._inferred]
        if todo:
            cpca = _import_cpca()
            columns = ["省", "市", "区", "省_pos", "市_pos", "区_pos"]
            frame = cpca.transform(todo, pos_sensitive=True)[columns]
            for text, row in zip(todo, frame.itertuples(index=False, name=None)):
                self._inferred[text] = self._checked(text, *row)
        return [self._inferred[t] for t in texts]

    def _checked(self, text: str, province, city, county, p_at, c_at, d_at) -> Place:
        p_at, c_at, d_at = int(p_at), int(c_at), int(d_at)
        p_named = isinstance(province, str) and p_at >= 0
        c_named = isinstance(city, str) and c_at >= 0
        # where a unit may start: the text's start, after a character that is not a Chinese one,
        # or right after the unit above it (宁波市北仑区): never inside a word (宝西区 is not 西区)
        starts = {0}
        if p_named:
            starts.update(p_at + len(n) for n in (province, _PROVINCE_SUFFIX.sub("", province)))
        if c_named:
            starts.update(c_at + len(n) for n in (city, city.removesuffix("市")))

        def written(name, at) -> bool:
            return (isinstance(name, str) and at >= 0 and text.startswith(name, at)
                    and (at in starts or not _HAN.match(text[at - 1])))

        if written(county, d_at):
            # (a unit named in short, 浙江 or 宁波, still tells which of several counties is meant)
            places = [p for p in self._counties.get(county, ())
                      if (not p_named or p.province == province) and (not c_named or p.city == city)]
            return places[0] if len(places) == 1 else UNPLACED
        if written(city, c_at) and city not in _NOT_A_CITY:
            places = [p for p in self._city_places.get(city, ()) if not p_named or p.province == province]
            return places[0] if len(places) == 1 else UNPLACED
        if written(province, p_at):
            return Place(province, province if self.is_municipality(province) else "")
        return UNPLACED


def _import_cpca():
    """cpca, imported when first needed (only a build with agencies to place pays for it and
    pandas). It reads its table through setuptools' pkg_resources, whose newer releases warn
    that it is deprecated on import: a notice about cpca's code, not about the user's input."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        try:
            import cpca
        except ImportError as exc:
            raise SiteBuilderError(f"the gazetteer library cpca cannot be imported ({exc}): it places agencies "
                                   "without an agencies.toml entry (pip install 'cpca>=0.5.5,<0.6' setuptools)") from exc
    return cpca


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
