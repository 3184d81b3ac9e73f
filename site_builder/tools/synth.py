"""A synthetic corpus of annual reports, deterministic from a seed, for benchmarks and round-trip tests.

Each report is written in one of the three eras (pre-2019 prose with or without the attached
统计表, the 2019 template, the 2021 template) and one of three text layouts:

- ``cells``: a Word table as text — every cell on its own line (tab-prefixed), rows apart;
- ``tabs``: a Word table as text — one row per line, cells separated by tabs;
- ``pdf``: PDF text — one row per line, cells apart by runs of spaces, labels spaced out per
  character or wrapped onto the next line.

The figures are consistent (the template's 勾稽关系 hold) except in a controlled fraction of
reports, which break one rule on purpose. ``generate()`` returns what it wrote — every figure
the parser should read back, per report — so a test can check the round trip.

Agencies, two ways. ``places=True`` (``site-builder synth``'s default): agencies at every level
of model.LEVELS, in plausible proportions, placed in real provinces and cities and made-up
districts; some 街道 and 乡镇 share a name with others elsewhere (城关镇…: one agencies.toml entry
each, keyed by name and district, with ``name =``, their reports in their district's folder
``reports/<province>/<city>/<district>/``), and a few have no entry, placed by that folder alone.
``places=False`` (the default of ``generate()``, ``synth --flat``): the flat corpus of earlier
versions, four kinds of district agency in eight cities, which the tests and the parse digest pin.
Two shapes: ``years`` (every agency every year) and ``agencies`` (one report per agency, one year).

Prose that states a figure is kept on one line (the parser reads prose line by line, as a
report's sentences are never wrapped inside a number in the formats it reads); filler prose
wraps freely in the PDF layout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from site_builder.model import APPLICANTS
from site_builder.parser.layouts import OTHER_ROWS_2021, T3_ROWS, WITHHELD_ROWS
from site_builder.parser.template import T4_METRICS

ERAS = ("pre2019", "2019", "2021")
LAYOUTS = ("cells", "tabs", "pdf")
KINDS = ("街道", "区人民政府", "局", "委员会")

# Syllables with their pinyin, so slugs need no pypinyin (fast, and stable for the generator).
_SYLLABLES = (
    ("安", "an"), ("宝", "bao"), ("北", "bei"), ("长", "chang"), ("朝", "chao"), ("崇", "chong"),
    ("大", "da"), ("德", "de"), ("东", "dong"), ("丰", "feng"), ("福", "fu"), ("广", "guang"),
    ("海", "hai"), ("和", "he"), ("华", "hua"), ("嘉", "jia"), ("建", "jian"), ("金", "jin"),
    ("景", "jing"), ("康", "kang"), ("兰", "lan"), ("龙", "long"), ("明", "ming"), ("宁", "ning"),
    ("平", "ping"), ("青", "qing"), ("庆", "qing"), ("仁", "ren"), ("瑞", "rui"), ("山", "shan"),
    ("顺", "shun"), ("泰", "tai"), ("天", "tian"), ("通", "tong"), ("文", "wen"), ("西", "xi"),
    ("祥", "xiang"), ("新", "xin"), ("兴", "xing"), ("阳", "yang"), ("永", "yong"), ("裕", "yu"),
    ("元", "yuan"), ("云", "yun"), ("振", "zhen"), ("中", "zhong"), ("周", "zhou"), ("紫", "zi"),
)
_BUREAUS = (
    ("市场监督管理", "shichang-jianguan"), ("生态环境", "shengtai-huanjing"), ("住房和城乡建设", "zhujian"),
    ("交通", "jiaotong"), ("教育", "jiaoyu"), ("民政", "minzheng"), ("财政", "caizheng"),
    ("人力资源和社会保障", "renshe"), ("卫生健康", "weijian"), ("应急管理", "yingji"),
)
_COMMITTEES = (
    ("发展和改革", "fagai"), ("卫生健康", "weijian"), ("教育", "jiaowei"), ("科学技术", "kewei"),
    ("经济和信息化", "jingxin"), ("民族宗教事务", "minzong"),
)
_CITIES = ("北京市", "宁波市", "杭州市", "成都市", "武汉市", "西安市", "南京市", "广州市")
_PROVINCE_OF = {"北京市": "北京市", "宁波市": "浙江省", "杭州市": "浙江省", "成都市": "四川省", "武汉市": "湖北省",
                "西安市": "陕西省", "南京市": "江苏省", "广州市": "广东省"}
# each kind of synthetic agency's level (model.LEVELS)
_LEVEL_OF = {"街道": "街道", "区人民政府": "区县政府", "局": "区县部门", "委员会": "区县部门"}

# China's provinces and some of their cities, real names with their pinyin (the districts below
# them are made from _SYLLABLES). A 直辖市 is its own province and city.
_PROVINCES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("北京市", "beijing", ()), ("上海市", "shanghai", ()), ("天津市", "tianjin", ()), ("重庆市", "chongqing", ()),
    ("河北省", "hebei", (("石家庄市", "shijiazhuang"), ("唐山市", "tangshan"), ("保定市", "baoding"))),
    ("山西省", "shanxi", (("太原市", "taiyuan"), ("大同市", "datong"))),
    ("内蒙古自治区", "neimenggu", (("呼和浩特市", "huhehaote"), ("包头市", "baotou"))),
    ("江苏省", "jiangsu", (("南京市", "nanjing"), ("苏州市", "suzhou"), ("无锡市", "wuxi"), ("徐州市", "xuzhou"))),
    ("浙江省", "zhejiang", (("杭州市", "hangzhou"), ("宁波市", "ningbo"), ("温州市", "wenzhou"), ("绍兴市", "shaoxing"))),
    ("安徽省", "anhui", (("合肥市", "hefei"), ("芜湖市", "wuhu"))),
    ("福建省", "fujian", (("福州市", "fuzhou"), ("厦门市", "xiamen"), ("泉州市", "quanzhou"))),
    ("山东省", "shandong", (("济南市", "jinan"), ("青岛市", "qingdao"), ("烟台市", "yantai"))),
    ("河南省", "henan", (("郑州市", "zhengzhou"), ("洛阳市", "luoyang"))),
    ("湖北省", "hubei", (("武汉市", "wuhan"), ("宜昌市", "yichang"))),
    ("湖南省", "hunan", (("长沙市", "changsha"), ("株洲市", "zhuzhou"))),
    ("广东省", "guangdong", (("广州市", "guangzhou"), ("深圳市", "shenzhen"), ("佛山市", "foshan"), ("东莞市", "dongguan"))),
    ("广西壮族自治区", "guangxi", (("南宁市", "nanning"), ("桂林市", "guilin"))),
    ("四川省", "sichuan", (("成都市", "chengdu"), ("绵阳市", "mianyang"))),
    ("陕西省", "shaanxi", (("西安市", "xian"), ("宝鸡市", "baoji"))),
    ("甘肃省", "gansu", (("兰州市", "lanzhou"), ("天水市", "tianshui"))),
)
_MUNICIPALITIES = frozenset(p for p, _, cities in _PROVINCES if not cities)
# How many agencies of each level (model.LEVELS) in a hundred: many 街道 and 乡镇, fewer bureaus, few 省级.
_LEVEL_WEIGHTS = (
    ("省级政府", 0.3), ("省级部门", 2.0), ("市级政府", 0.7), ("市级部门", 6.0), ("区县政府", 4.0),
    ("区县部门", 18.0), ("街道", 30.0), ("乡镇", 37.0), ("功能区", 2.0),
)
_PROVINCIAL_DEPTS = (
    ("教育厅", "jiaoyu-ting"), ("民政厅", "minzheng-ting"), ("财政厅", "caizheng-ting"), ("自然资源厅", "ziran-ziyuan-ting"),
    ("生态环境厅", "shengtai-huanjing-ting"), ("住房和城乡建设厅", "zhujian-ting"), ("交通运输厅", "jiaotong-ting"),
    ("水利厅", "shuili-ting"), ("农业农村厅", "nongye-ting"), ("商务厅", "shangwu-ting"), ("公安厅", "gongan-ting"),
    ("卫生健康委员会", "weijian-wei"), ("发展和改革委员会", "fagai-wei"), ("市场监督管理局", "shichang-jianguan-ju"),
)
# Names that many places give their 街道 or 乡镇: each is several agencies, one per district.
_HOMONYMS = (
    ("城关镇", "chengguan-zhen"), ("新城街道", "xincheng-jiedao"), ("城南街道", "chengnan-jiedao"),
    ("城北街道", "chengbei-jiedao"), ("城东街道", "chengdong-jiedao"), ("太平镇", "taiping-zhen"),
    ("永安镇", "yongan-zhen"), ("长安镇", "changan-zhen"), ("新集镇", "xinji-zhen"), ("和平乡", "heping-xiang"),
)

_FILLER = (
    "坚持以人民为中心的发展思想，把政务公开作为转变政府职能、建设法治政府的重要抓手",
    "进一步健全工作机制，明确各科室职责分工，形成主要领导亲自抓、分管领导具体抓的工作格局",
    "围绕中心工作和群众关注热点，加大重点领域信息公开力度，提升公开质量和实效",
    "严格落实保密审查制度，坚持先审查、后公开，一事一审、全面审查",
    "规范政府信息管理，动态更新公开目录，做好历史信息的归档和清理工作",
    "加强政策解读，通过图文、问答等形式解读重要政策，回应社会关切",
    "依托政务服务大厅设置公开查阅点，为群众查阅政府信息提供便利",
    "组织开展业务培训，提升工作人员的业务能力和依法行政水平",
    "将政务公开纳入绩效考核，强化监督检查，对发现的问题及时督促整改",
    "畅通互动渠道，认真办理群众来信来电，做到件件有着落、事事有回音",
    "推进决策公开，重大决策事项在出台前向社会公开征求意见",
    "持续优化平台栏目设置，方便公众检索和获取信息",
    "公开财政预算决算、社会救助、老旧小区改造等与群众切身利益密切相关的信息",
    "信息员初审信息完整性、准确性，科室负责人复审业务专业性、合规性",
    "将信息公开宣传纳入社区日常工作内容，结合各类活动告知居民公开栏位置",
)
_PROBLEMS = (
    "一是公开内容的深度和广度还需拓展，部分信息更新不够及时",
    "二是政策解读形式较为单一，解读的针对性和可读性有待提升",
    "三是工作人员业务能力参差不齐，培训的系统性还需加强",
    "下一步将进一步完善制度，加强培训，提升政务公开工作的规范化水平",
)


@dataclass(frozen=True)
class SynthAgency:
    name: str  # as its reports print it
    slug: str  # its entry's slug; for an agency without an entry, only its reports' file names
    kind: str  # one of KINDS (the flat corpus) or of model.LEVELS (with places)
    district: str
    city: str
    aliases: tuple[str, ...] = ()
    province: str = ""
    level: str = ""  # one of model.LEVELS' zh
    key: str = ""  # its agencies.toml entry's key when that is not its name (a homonym's)
    listed: bool = True  # False: no agencies.toml entry, placed only by its reports' folder
    folder: str = ""  # where its reports sit under reports/ ("" = reports/ itself)


@dataclass
class SynthReport:
    """What one generated report states: the ground truth the parser must read back."""

    path: str  # relative to the content folder, e.g. "reports/anhua-jiedao-00003-2019.txt"
    agency: str  # canonical name (what the parser's title reading gives after clean_agency)
    slug: str
    year: int
    era: str
    layout: str
    has_stat_table: bool
    figures: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (metric, applicant) -> value
    approximate: set[tuple[str, str]] = field(default_factory=set)
    broken: tuple[str, ...] = ()  # rule ids (prefix before ':') that this report breaks on purpose


@dataclass
class Corpus:
    content_dir: Path
    agencies: list[SynthAgency]
    reports: list[SynthReport]


# ---------------------------------------------------------------------------------- agencies


def make_agencies(count: int, seed: int) -> list[SynthAgency]:
    rng = random.Random(f"agencies:{seed}")
    out: list[SynthAgency] = []
    seen: set[str] = set()
    i = 0
    while len(out) < count:
        i += 1
        a, b = rng.choice(_SYLLABLES), rng.choice(_SYLLABLES)
        base, base_py = a[0] + b[0], f"{a[1]}{b[1]}"
        kind = KINDS[rng.randrange(len(KINDS)) if i > len(KINDS) else i - 1]
        district_a, district_b = rng.choice(_SYLLABLES), rng.choice(_SYLLABLES)
        district = district_a[0] + district_b[0] + "区"
        city = rng.choice(_CITIES)
        n = len(out) + 1
        if kind == "街道":
            name, slug = base + "街道", f"{base_py}-jiedao-{n:05d}"
            aliases: tuple[str, ...] = (name + "办事处",)
        elif kind == "区人民政府":
            name, slug = base + "区人民政府", f"{base_py}-qu-{n:05d}"
            district = base + "区"
            aliases = (base + "区政府",)
        elif kind == "局":
            bureau, bureau_py = rng.choice(_BUREAUS)
            name, slug = f"{base}区{bureau}局", f"{base_py}-{bureau_py}-ju-{n:05d}"
            district = base + "区"
            aliases = ()
        else:
            com, com_py = rng.choice(_COMMITTEES)
            name, slug = f"{base}区{com}委员会", f"{base_py}-{com_py}-wei-{n:05d}"
            district = base + "区"
            aliases = ()
        if name in seen:
            continue
        seen.add(name)
        out.append(SynthAgency(name=name, slug=slug, kind=kind, district=district, city=city, aliases=aliases,
                               province=_PROVINCE_OF[city], level=_LEVEL_OF[kind]))
    return out


@dataclass(frozen=True)
class _Place:
    province: str
    province_py: str
    city: str  # a 直辖市's own name
    city_py: str
    district: str = ""
    district_py: str = ""

    @property
    def folder(self) -> str:
        """Its folder under reports/: province/city/district, a 直辖市 without the city."""
        parts = (self.province,) if self.province == self.city else (self.province, self.city)
        return "/".join(parts + ((self.district,) if self.district else ()))


def _syllables(rng: random.Random, n: int) -> tuple[str, str]:
    picked = [rng.choice(_SYLLABLES) for _ in range(n)]
    return "".join(z for z, _ in picked), "".join(p for _, p in picked)


def _districts(count: int, seed: int) -> list[_Place]:
    """`count` districts (区 or 县) of unique made-up names, dealt round the cities in turn."""
    rng = random.Random(f"districts:{seed}")
    cities = [_Place(prov, prov_py, city, city_py) for prov, prov_py, cities in _PROVINCES
              for city, city_py in (cities or ((prov, prov_py),))]
    out: list[_Place] = []
    seen: set[str] = set()
    while len(out) < count:
        # two syllables while they last, three once they may not (2,304 pairs)
        zh, py = _syllables(rng, 2 if len(seen) < 1500 else 3)
        suffix, suffix_py = ("区", "qu") if rng.random() < 0.55 else ("县", "xian")
        if zh + suffix in seen:
            continue
        seen.add(zh + suffix)
        c = cities[len(out) % len(cities)]
        out.append(_Place(c.province, c.province_py, c.city, c.city_py, zh + suffix, f"{py}-{suffix_py}"))
    return out


def make_place_agencies(count: int, seed: int, homonyms: float = 0.05, unlisted: float = 0.0) -> list[SynthAgency]:
    """`count` agencies at every level of model.LEVELS (in _LEVEL_WEIGHTS' proportions), each in a
    province, city and district of its level: 省级 in a province, 市级 and 功能区 in a city (never a
    直辖市: its 市级 is 省级), the rest in a district (about 25 agencies a district).

    A share `homonyms` of the 街道 and 乡镇 take a name many districts use (城关镇…): each is its own
    entry, keyed by name and district, with `name =`, and its reports sit in its district's folder
    (reports/<province>/<city>/<district>/), since their title alone cannot say which it is. A share
    `unlisted` of the other 街道 and 乡镇 get no entry: their folder is all that places them."""
    rng = random.Random(f"places:{seed}")
    districts = _districts(max(8, count // 25), seed)
    provinces = sorted({(d.province, d.province_py) for d in districts})
    cities = sorted({(d.province, d.province_py, d.city, d.city_py) for d in districts if d.province != d.city})
    levels = [lvl for lvl, _ in _LEVEL_WEIGHTS]
    weights = [w for _, w in _LEVEL_WEIGHTS]
    common = {name for name, _ in _HOMONYMS}
    seen: set[str] = set()  # names of the agencies that are not homonyms, and every entry's key
    out: list[SynthAgency] = []
    while len(out) < count:
        level = rng.choices(levels, weights)[0]
        n = len(out) + 1
        key, listed, folder = "", True, ""
        aliases: tuple[str, ...] = ()
        if level in ("省级政府", "省级部门"):
            prov, prov_py = rng.choice(provinces)
            # a province's own agencies have no city; a 直辖市 is its own city
            place = _Place(prov, prov_py, prov if prov in _MUNICIPALITIES else "", prov_py if prov in _MUNICIPALITIES else "")
            if level == "省级政府":
                name, slug = prov + "人民政府", f"{prov_py}-zhengfu"
            else:
                dept, dept_py = rng.choice(_PROVINCIAL_DEPTS)
                name, slug = prov + dept, f"{prov_py}-{dept_py}"
        elif level in ("市级政府", "市级部门", "功能区"):
            prov, prov_py, city, city_py = rng.choice(cities)
            place = _Place(prov, prov_py, city, city_py)
            if level == "市级政府":
                name, slug = city + "人民政府", f"{city_py}-zhengfu"
            elif level == "功能区":
                zone, zone_py = _syllables(rng, 2)
                name, slug = f"{city}{zone}经济开发区管理委员会", f"{city_py}-{zone_py}-kaifaqu"
            else:
                office, office_py = rng.choice(_BUREAUS + _COMMITTEES)
                unit, unit_py = ("委员会", "wei") if (office, office_py) in _COMMITTEES else ("局", "ju")
                name, slug = f"{city}{office}{unit}", f"{city_py}-{office_py}-{unit_py}"
        else:
            place = rng.choice(districts)
            if level == "区县政府":
                name, slug = place.district + "人民政府", f"{place.district_py}-zhengfu"
            elif level == "区县部门":
                office, office_py = rng.choice(_BUREAUS + _COMMITTEES)
                unit, unit_py = ("委员会", "wei") if (office, office_py) in _COMMITTEES else ("局", "ju")
                name, slug = f"{place.district}{office}{unit}", f"{place.district_py}-{office_py}-{unit_py}"
            elif rng.random() < homonyms:
                candidates = [h for h in _HOMONYMS if h[0].endswith("街道") == (level == "街道")]
                name, slug = rng.choice(candidates)
                slug = f"{slug}-{place.district_py}"
                key, folder = f"{name}（{place.district}）", place.folder
            else:
                base, base_py = _syllables(rng, rng.choice((2, 2, 3)))
                if level == "街道":
                    name, slug = base + "街道", f"{base_py}-jiedao"
                else:
                    suffix, suffix_py = ("镇", "zhen") if rng.random() < 0.8 else ("乡", "xiang")
                    name, slug = base + suffix, f"{base_py}-{suffix_py}"
                if rng.random() < unlisted:
                    listed, folder = False, place.folder
            if level == "街道" and not key:
                aliases = (name + "办事处",)
        if (key or name) in seen or (not key and name in common):
            continue
        seen.add(key or name)
        out.append(SynthAgency(
            name=name, slug=f"{slug}-{n:05d}", kind=level, district=place.district, city=place.city,
            aliases=aliases, province=place.province, level=level, key=key, listed=listed, folder=folder,
        ))
    return out


def agencies_toml(agencies: list[SynthAgency]) -> str:
    lines = ["# Generated by `site-builder synth`: one entry per synthetic agency.", ""]
    for a in agencies:
        if not a.listed:
            continue
        lines.append(f'[agencies."{a.key or a.name}"]')
        if a.key:
            lines.append(f'name = "{a.name}"')
        lines.append(f'slug = "{a.slug}"')
        if a.aliases:
            lines.append("aliases = [" + ", ".join(f'"{x}"' for x in a.aliases) + "]")
        for field_name in ("district", "province", "city", "level"):
            value = getattr(a, field_name)
            if value:
                lines.append(f'{field_name} = "{value}"')
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- layout


class Writer:
    """Builds a report's lines in one layout."""

    def __init__(self, rng: random.Random, layout: str):
        self.rng = rng
        self.layout = layout
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.rng.random() < 0.6:
            self.lines.append("")

    def heading(self, text: str) -> None:
        self.blank()
        self.lines.append(text)
        self.blank()

    def paragraph(self, sentences: list[str]) -> None:
        """Filler prose: in the PDF layout wrapped at a fixed width, anywhere."""
        text = "，".join(sentences) + "。"
        indent = self.rng.choice(("", "  ", "\u3000\u3000"))
        if self.layout == "pdf":
            width = self.rng.randint(28, 40)
            for k in range(0, len(text), width):
                self.lines.append((indent if k == 0 else "") + text[k : k + width])
        else:
            self.lines.append(indent + text)

    def statement(self, text: str) -> None:
        """A sentence that states figures: always on one line."""
        indent = self.rng.choice(("", "  ", "\u3000\u3000"))
        self.lines.append(indent + text)

    def spaced(self, label: str) -> str:
        """A label as PDF text extraction may print it: spaced out per character, sometimes."""
        if self.layout == "pdf" and self.rng.random() < 0.25:
            return " ".join(label)
        return label

    def row(self, labels: list[str], values: list[str]) -> None:
        """One table row: label cells then value cells."""
        rng = self.rng
        if self.layout == "cells":
            for cell in labels:
                self.lines.append("\t" + cell)
            for v in values:
                self.lines.append("\t" + v)
            self.lines.append("")
        elif self.layout == "tabs":
            lead = "\t" * rng.choice((0, 0, 1))
            self.lines.append(lead + "\t".join(labels + values))
        else:
            labels = [self.spaced(c) for c in labels]
            label = (" " * rng.randint(1, 3)).join(labels)
            if len(label) > 22 and rng.random() < 0.5 and values:
                # the label wraps: its head on one line, its tail with the numbers
                cut = rng.randint(8, len(label) - 4)
                while cut > 1 and (label[cut - 1] in "0123456789.、 " or label[cut] in "0123456789.、"):
                    cut -= 1  # never leave a row's own numbering ("1.") alone at a line's end
                self.lines.append(label[:cut])
                label = label[cut:]
            gaps = [" " * rng.randint(2, 6) for _ in values]
            self.lines.append(label + "".join(g + v for g, v in zip(gaps, values)))

    def header(self, cells: list[str]) -> None:
        """A header row (text only)."""
        if self.layout == "cells":
            for cell in cells:
                self.lines.append("\t" + cell)
            self.lines.append("")
        elif self.layout == "tabs":
            self.lines.append("\t".join(cells))
        else:
            self.lines.append((" " * self.rng.randint(2, 5)).join(self.spaced(c) for c in cells))


def fmt(value: Decimal | int) -> str:
    return str(value)


def prose_num(rng: random.Random, n: int) -> str:
    if n >= 1000 and rng.random() < 0.3:
        return f"{n:,}"
    if rng.random() < 0.3:
        return f" {n} "
    return str(n)


# ---------------------------------------------------------------------------------- figures


def _split(rng: random.Random, total: int, parts: int, zeros: float = 0.5) -> list[int]:
    """total spread over `parts` non-negative integers, many of them zero as in real reports."""
    if parts == 1:
        return [total]
    weights = [0.0 if rng.random() < zeros else rng.random() + 0.05 for _ in range(parts)]
    if not any(weights):
        weights[0] = 1.0
    s = sum(weights)
    out = [int(total * w / s) for w in weights]
    rest = total - sum(out)
    k = max(range(parts), key=lambda i: weights[i])
    out[k] += rest
    return out


@dataclass
class Template:
    """Table 三 and 四 values of a 2019/2021 report, as printed."""

    t3: dict[str, list[int]]  # metric -> seven values (six columns and 总计)
    t4: list[int]
    broken: tuple[str, ...]


def _t3_rows(era: str) -> list[str]:
    return [r.metric for r in T3_ROWS if era in r.eras]


def make_template(rng: random.Random, era: str, scale: int, broken: bool) -> Template:
    rows = _t3_rows(era)
    outcome_rows = [m for m in rows if m.startswith("outcome.") and m != "outcome.total"]
    cols = len(APPLICANTS) - 1
    t3: dict[str, list[int]] = {m: [0] * cols for m in rows}
    for c in range(cols):
        base = scale if c == 0 else (scale // 8 if rng.random() < 0.5 else 0)
        new = rng.randint(0, max(base, 0))
        carried = rng.randint(0, max(new // 10, 0)) if rng.random() < 0.3 else 0
        forward = rng.randint(0, (new + carried) // 5) if rng.random() < 0.3 else 0
        done = new + carried - forward
        spread = _split(rng, done, len(outcome_rows), zeros=0.7)
        t3["requests.new"][c] = new
        t3["requests.carried_over"][c] = carried
        t3["requests.carried_forward"][c] = forward
        for m, v in zip(outcome_rows, spread):
            t3[m][c] = v
        t3["outcome.total"][c] = done
    printed = {m: vals + [sum(vals)] for m, vals in t3.items()}
    t4: list[int] = []
    for _group in range(3):
        parts = [rng.randint(0, 3) if rng.random() < 0.3 else 0 for _ in range(4)]
        t4 += parts + [sum(parts)]
    rules: tuple[str, ...] = ()
    if broken:
        bump = rng.randint(1, 3)
        if rng.random() < 0.5:
            printed["outcome.total"][-1] += bump
            rules = ("t3.outcome_total", "t3.row_total", "t3.balance")
        else:
            t4[4] += bump
            rules = ("t4.total",)
    return Template(printed, t4, rules)


# ---------------------------------------------------------------------------------- reports


def _title(w: Writer, agency: SynthAgency, year: int) -> None:
    rng = w.rng
    name = agency.name
    if agency.kind == "街道" and rng.random() < 0.4:
        name = agency.name + "办事处"
    y = f"{year} " if rng.random() < 0.3 else str(year)
    style = rng.randrange(4)
    for _ in range(rng.randint(0, 2)):
        w.add("")
    if style == 0:
        w.add(f"{name}{y}年政府信息公开工作年度报告")
    elif style == 1:
        w.add(name, "", f"{y}年政府信息公开工作年度报告")
    elif style == 2:
        w.add(f"{name}{y}年政府信息公开", "工作年度报告")
    else:
        w.add(f"{y}年度{name}政府信息公开工作年度报告")
    w.add("")


def _numbering(rng: random.Random, k: int) -> str:
    cn = "一二三四五六七八九十"[k]
    return rng.choice((f"（{cn}）", f"({cn})", f"{cn}、"))


def _fill(w: Writer, n: int) -> None:
    for _ in range(n):
        w.paragraph(w.rng.sample(_FILLER, w.rng.randint(2, 4)))


def _proactive_prose(w: Writer, rep: SynthReport, year: int, scale: int, era: str) -> None:
    rng = w.rng
    total = rng.randint(scale * 5, scale * 40 + 50)
    website = rng.randint(total // 2, total)
    weibo = rng.randint(0, total)
    wechat = rng.randint(0, total)
    f = rep.figures
    f[("proactive.total", "total")] = Decimal(total)
    sentence = rng.choice((
        f"{year}年共主动公开政府信息{prose_num(rng, total)}条",
        f"全年主动公开政府信息{prose_num(rng, total)}条",
        f"本年度主动公开政府信息总数为{prose_num(rng, total)}条",
    ))
    parts = [sentence]
    if rng.random() < 0.8:
        f[("proactive.website", "total")] = Decimal(website)
        parts.append(rng.choice((f"在政府网站公开信息{prose_num(rng, website)}条", f"通过门户网站发布信息{prose_num(rng, website)}条")))
    if rng.random() < 0.7:
        f[("proactive.weibo", "total")] = Decimal(weibo)
        f[("proactive.wechat", "total")] = Decimal(wechat)
        if rng.random() < 0.5:
            parts.append(f"政务微博和微信公开信息分别为 {weibo} 条和 {wechat} 条")
        else:
            parts.append(f"政务微博发布信息{prose_num(rng, weibo)}条")
            parts.append(f"微信公众号发布信息{prose_num(rng, wechat)}条")
    if era == "pre2019" and rng.random() < 0.7:
        rate = rng.choice((100, 100, 98, 95))
        f[("proactive.e_rate", "total")] = Decimal(rate)
        parts.append(f"其中全文电子化率达{rate}%")
    w.statement("，".join(parts) + "。")


def _consultations(w: Writer, rep: SynthReport, year: int, scale: int) -> None:
    rng = w.rng
    if rng.random() < 0.3:
        return
    n = rng.randint(0, scale * 30 + 10)
    key = ("consultations.total", "total")
    rep.figures[key] = Decimal(n)
    if n >= 100 and rng.random() < 0.3:
        n = n // 100 * 100
        rep.figures[key] = Decimal(n)
        rep.approximate.add(key)
        w.statement(f"{year}年，共接受公民、法人和其他组织政府信息公开方面的咨询{n}余人次。")
    else:
        w.statement(f"{year}年，本单位共接受公众咨询{prose_num(rng, n)}人次，均及时予以答复。")


def _pre2019_requests_prose(w: Writer, rep: SynthReport, year: int, scale: int) -> None:
    rng = w.rng
    f = rep.figures
    n = rng.randint(0, scale)
    if n == 0:
        f[("requests.new", "total")] = Decimal(0)
        w.statement(f"{year}年，本单位未收到政府信息公开申请。")
    else:
        f[("requests.new", "total")] = Decimal(n)
        w.statement(f"本单位{year}年度共收到政府信息公开申请{prose_num(rng, n)}件。")
        a, b, c, d = _split(rng, n, 4)
        for metric, v in (("outcome.disclosed", a), ("outcome.partial", b), ("outcome.withheld", c), ("outcome.unable.not_held", d)):
            f[(metric, "total")] = Decimal(v)
        w.statement(f"在已经答复的申请中：“同意公开”的{a}件，“同意部分公开”的{b}件，“不同意公开”的{c}件，“非本单位掌握”的{d}件。")
    r = rng.randint(0, 2) if rng.random() < 0.3 else 0
    l = rng.randint(0, 2) if rng.random() < 0.3 else 0
    f[("review.total", "total")] = Decimal(r)
    f[("litigation.total", "total")] = Decimal(l)
    if r == 0 and l == 0:
        w.statement(f"{year}年，未收到针对本单位政府信息公开的行政复议申请、行政诉讼案。")
    elif l == 0:
        w.statement(f"{year}年，因政府信息公开申请行政复议{r}件，未发生行政诉讼。")
    elif r == 0:
        w.statement(f"{year}年，未发生行政复议，提起行政诉讼{l}件。")
    else:
        w.statement(f"{year}年，因政府信息公开申请行政复议{r}件，行政诉讼{l}件。")


def _stat_table(w: Writer, rep: SynthReport, year: int, scale: int, broken: bool) -> None:
    """The pre-2019 统计表, consistent with the prose figures already written."""
    rng = w.rng
    f = rep.figures
    total = int(f[("proactive.total", "total")])
    website = int(f.get(("proactive.website", "total"), rng.randint(0, total)))
    weibo = int(f.get(("proactive.weibo", "total"), rng.randint(0, total)))
    wechat = int(f.get(("proactive.wechat", "total"), rng.randint(0, total)))
    for metric, v in (("proactive.website", website), ("proactive.weibo", weibo), ("proactive.wechat", wechat)):
        f[(metric, "total")] = Decimal(v)
    req = rng.randint(0, scale)
    channels = _split(rng, req, 4)
    closed_on_time = rng.randint(0, req)
    replies = _split(rng, req, 8, zeros=0.6)
    review = [rng.randint(0, 1) if rng.random() < 0.2 else 0 for _ in range(3)]
    suits = [rng.randint(0, 1) if rng.random() < 0.2 else 0 for _ in range(3)]
    printed_req = req + (rng.randint(1, 3) if broken else 0)
    if broken:
        rep.broken = ("stat.requests",)
    f[("requests.new", "total")] = Decimal(printed_req)
    for metric, v in zip(("outcome.disclosed", "outcome.partial", "outcome.withheld", "outcome.unable.not_held", "outcome.unable.not_exist"), replies[1:6]):
        f[(metric, "total")] = Decimal(v)
    f[("review.total", "total")] = Decimal(sum(review))
    f[("litigation.total", "total")] = Decimal(sum(suits))

    w.add("", "附件", "政府信息公开情况统计表", f"（{year}年度）")
    w.header(["填报单位（盖章）："])
    w.header(["统 计 指 标", "单位", "统计数"])
    numbering = rng.random() < 0.5
    rows: list[tuple[str, str, int | None]] = [
        ("一、主动公开情况", "", None),
        ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", total),
        ("其中：主动公开规范性文件数", "条", rng.randint(0, 5)),
        ("制发规范性文件总数", "件", rng.randint(0, 5)),
        ("（二）重点领域公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", rng.randint(0, total)),
        ("（三）通过不同渠道和方式公开政府信息的情况", "", None),
        ("1.政府公报公开政府信息数", "条", 0),
        ("2.政府网站公开政府信息数", "条", website),
        ("3.政务微博公开政府信息数", "条", weibo),
        ("4.政务微信公开政府信息数", "条", wechat),
        ("5.其他方式公开政府信息数", "条", rng.randint(0, 50)),
        ("二、回应解读情况", "", None),
        ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", rng.randint(0, 5)),
        ("三、依申请公开情况", "", None),
        ("（一）收到申请数", "件", printed_req),
        ("1.当面申请数", "件", channels[0]),
        ("2.传真申请数", "件", channels[1]),
        ("3.网络申请数", "件", channels[2]),
        ("4.信函申请数", "件", channels[3]),
        ("（二）申请办结数", "件", req),
        ("1.按时办结数", "件", closed_on_time),
        ("2.延期办结数", "件", req - closed_on_time),
        ("（三）申请答复数", "件", req),
        ("1.属于已主动公开范围数", "件", replies[0]),
        ("2.同意公开答复数", "件", replies[1]),
        ("3.同意部分公开答复数", "件", replies[2]),
        ("4.不同意公开答复数", "件", replies[3]),
        ("其中：涉及国家秘密", "件", 0),
        ("5.不属于本行政机关公开数", "件", replies[4]),
        ("6.申请信息不存在数", "件", replies[5]),
        ("7.告知作出更改补充数", "件", replies[6]),
        ("8.告知通过其他途径办理数", "件", replies[7]),
        ("四、行政复议数量", "件", sum(review)),
        ("（一）维持具体行政行为数", "件", review[0]),
        ("（二）被依法纠错数", "件", review[1]),
        ("（三）其他情形数", "件", review[2]),
        ("五、行政诉讼数量", "件", sum(suits)),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", suits[0]),
        ("（二）被依法纠错数", "件", suits[1]),
        ("（三）其他情形数", "件", suits[2]),
        ("六、举报投诉数量", "件", 0),
        ("七、依申请公开信息收取的费用", "元", None),
        ("八、机构建设和保障经费情况", "", None),
        ("（一）政府信息公开工作专门机构数", "个", rng.randint(0, 2)),
        ("（二）从事政府信息公开工作人员数", "人", rng.randint(1, 5)),
        ("九、政府信息公开会议和培训情况", "", None),
        ("（一）举办各类培训班数", "次", rng.randint(0, 6)),
        ("（二）接受培训人员数", "人次", rng.randint(0, 120)),
    ]
    for label, unit, value in rows:
        if not numbering and label[0] == "（" and rng.random() < 0.5:
            label = "(" + label[1] + ")" + label[3:]
        if w.layout == "cells":
            w.row([label], [unit, "" if value is None else str(value)])
        elif value is None:
            w.header([label] + ([unit] if unit else []))
        else:
            w.row([label, unit], [str(value)])


def _t2(w: Writer, rep: SynthReport, era: str, scale: int) -> None:
    rng = w.rng
    f = rep.figures
    w.heading("二、主动公开政府信息情况")

    def small() -> int:
        return rng.randint(0, 3) if rng.random() < 0.3 else 0

    if era == "2021":
        w.header(["第二十条第（一）项"])
        w.header(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
        for label, prefix in (("规章", "rules"), ("行政规范性文件", "normative_docs")):
            vals = [small(), small(), rng.randint(0, 20)]
            for col, v in zip(("issued", "repealed", "in_force"), vals):
                f[(f"{prefix}.{col}", "total")] = Decimal(v)
            w.row([label], [str(v) for v in vals])
        for section, label, metric, amount in (
            ("第二十条第（五）项", "行政许可", "licensing.decisions", False),
            ("第二十条第（六）项", "行政处罚", "penalty.decisions", False),
            (None, "行政强制", "coercion.decisions", False),
            ("第二十条第（八）项", "行政事业性收费", "fees.amount_wan", True),
        ):
            if section:
                w.header([section])
                w.header(["信息内容", "本年收费金额（单位：万元）" if amount else "本年处理决定数量"])
            if amount:
                v = Decimal(rng.randint(0, 99999)) / 100 if rng.random() < 0.4 else Decimal(0)
            else:
                v = Decimal(rng.randint(0, scale * 10) if rng.random() < 0.5 else 0)
            f[(metric, "total")] = v
            w.row([label], [fmt(v)])
        return
    w.header(["第二十条第（一）项"])
    w.header(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"])
    for label, prefix in (("规章", "rules"), ("规范性文件", "normative_docs")):
        vals = [small(), small(), rng.randint(0, 20)]
        for col, v in zip(("made_2019", "published_2019", "public_total_2019"), vals):
            f[(f"{prefix}.{col}", "total")] = Decimal(v)
        w.row([label], [str(v) for v in vals])
    header = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    for section, label, metric in (
        ("第二十条第（五）项", "行政许可", "licensing.decisions"),
        (None, "其他对外管理服务事项", None),
        ("第二十条第（六）项", "行政处罚", "penalty.decisions"),
        (None, "行政强制", "coercion.decisions"),
    ):
        if section:
            w.header([section])
            w.header(header)
        vals = [rng.randint(0, 30), rng.randint(0, 5), rng.randint(0, scale * 10) if rng.random() < 0.5 else 0]
        if metric:
            f[(metric, "total")] = Decimal(vals[2])
        w.row([label], [str(v) for v in vals])
    w.header(["第二十条第（八）项"])
    w.header(["信息内容", "上一年项目数量", "本年增/减"])
    w.row(["行政事业性收费"], [str(rng.randint(0, 5)), "0"])
    w.header(["第二十条第（九）项"])
    w.header(["信息内容", "采购项目数量", "采购总金额（万元，保留四位小数）"])
    projects = rng.randint(0, 60)
    amount = Decimal(rng.randint(0, 9_999_999)) / 10000 if projects else Decimal(0)
    amount = amount.quantize(Decimal("0.0001")) if projects else amount
    f[("procurement.projects", "total")] = Decimal(projects)
    f[("procurement.amount_wan", "total")] = amount
    w.row(["政府集中采购"], [str(projects), fmt(amount)])


_T3_LABELS: dict[str, list[str]] = {
    "requests.new": ["一、本年新收政府信息公开申请数量"],
    "requests.carried_over": ["二、上年结转政府信息公开申请数量"],
    "outcome.disclosed": ["三、本年度办理结果", "（一）予以公开"],
    "outcome.partial": ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "outcome.withheld.state_secret": ["（三）不予公开", "1.属于国家秘密"],
    "outcome.withheld.prohibited_by_law": ["2.其他法律行政法规禁止公开"],
    "outcome.withheld.security_stability": ["3.危及“三安全一稳定”"],
    "outcome.withheld.third_party": ["4.保护第三方合法权益"],
    "outcome.withheld.internal_affairs": ["5.属于三类内部事务信息"],
    "outcome.withheld.process_info": ["6.属于四类过程性信息"],
    "outcome.withheld.enforcement_file": ["7.属于行政执法案卷"],
    "outcome.withheld.admin_query": ["8.属于行政查询事项"],
    "outcome.unable.not_held": ["（四）无法提供", "1.本机关不掌握相关政府信息"],
    "outcome.unable.needs_creation": ["2.没有现成信息需要另行制作"],
    "outcome.unable.unclear": ["3.补正后申请内容仍不明确"],
    "outcome.not_processed.petition": ["（五）不予处理", "1.信访举报投诉类申请"],
    "outcome.not_processed.duplicate": ["2.重复申请"],
    "outcome.not_processed.publication": ["3.要求提供公开出版物"],
    "outcome.not_processed.vexatious": ["4.无正当理由大量反复申请"],
    "outcome.not_processed.confirm_existing": ["5.要求行政机关确认或重新出具已获取信息"],
    "outcome.other": ["（六）其他处理"],
    "outcome.other.no_correction": ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "outcome.other.unpaid_fee": ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "outcome.other.other": ["3.其他"],
    "outcome.total": ["（七）总计"],
    "requests.carried_forward": ["四、结转下年度继续办理"],
}


def _t3(w: Writer, rep: SynthReport, era: str, tpl: Template) -> None:
    f = rep.figures
    w.heading("三、收到和处理政府信息公开申请情况")
    w.header(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"])
    w.header(["自然人", "法人或其他组织", "总计"])
    w.header(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    half_width = w.rng.random() < 0.3
    enum_comma = w.rng.random() < 0.3
    for metric in _t3_rows(era):
        values = tpl.t3[metric]
        for applicant, v in zip(APPLICANTS, values):
            f[(metric, applicant)] = Decimal(v)
        labels = list(_T3_LABELS[metric])
        if half_width:
            labels = [c.replace("（", "(").replace("）", ")") for c in labels]
        if enum_comma:
            labels = [c.replace(".", "、", 1) if c[:1].isdigit() else c for c in labels]
        w.row(labels, [str(v) for v in values])
    # Totals the parser derives from the printed rows
    derived = [("outcome.withheld", WITHHELD_ROWS)]
    if era == "2021":
        derived.append(("outcome.other", OTHER_ROWS_2021))
    for metric, parts in derived:
        for col, applicant in enumerate(APPLICANTS):
            f[(metric, applicant)] = Decimal(sum(tpl.t3[p][col] for p in parts))


def _t4(w: Writer, rep: SynthReport, tpl: Template) -> None:
    f = rep.figures
    w.heading(w.rng.choice(("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况")))
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    w.header(["行政复议", "行政诉讼"])
    w.header(results + ["未经复议直接起诉", "复议后起诉"])
    w.header(results + results)
    for metric, v in zip(T4_METRICS, tpl.t4):
        f[(metric, "total")] = Decimal(v)
    f[("litigation.total", "total")] = Decimal(tpl.t4[9] + tpl.t4[14])
    values = [str(v) for v in tpl.t4]
    if w.layout == "cells":
        for v in values:
            w.add("\t" + v)
    elif w.layout == "tabs":
        w.add("\t".join(values))
    else:
        w.add("".join(" " * w.rng.randint(1, 4) + v for v in values).strip())


# a report's figures grow with its agency's reach
_SCALE = {"街道": 8, "区人民政府": 60, "局": 30, "委员会": 15,
          "省级政府": 200, "省级部门": 60, "市级政府": 100, "市级部门": 30, "区县政府": 60, "区县部门": 20,
          "乡镇": 5, "功能区": 15}


def write_report(agency: SynthAgency, year: int, seed: int, broken_rate: float) -> tuple[str, SynthReport]:
    """The text of one report and what it states."""
    rng = random.Random(f"report:{seed}:{agency.slug}:{year}")
    era = "pre2019" if year < 2019 else ("2019" if year < 2021 else "2021")
    layout = rng.choice(LAYOUTS)
    has_stat = era == "pre2019" and rng.random() < 0.5
    broken = rng.random() < broken_rate
    scale = _SCALE[agency.kind]
    folder = f"{agency.folder}/" if agency.folder else ""
    rep = SynthReport(
        path=f"reports/{folder}{agency.slug}-{year}.txt", agency=agency.name, slug=agency.slug, year=year,
        era=era, layout=layout, has_stat_table=has_stat,
    )
    w = Writer(rng, layout)
    _title(w, agency, year)
    w.paragraph(["依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，编制本报告"]
                if era != "pre2019" else rng.sample(_FILLER, 2))
    if era == "pre2019":
        w.heading("一、概述")
        _fill(w, rng.randint(1, 3))
        w.heading("二、主动公开政府信息情况")
        _proactive_prose(w, rep, year, scale, era)
        _fill(w, rng.randint(0, 2))
        w.heading(_numbering(rng, 2) + "依申请公开政府信息情况")
        if has_stat:
            rep.figures[("requests.new", "total")] = Decimal(0)  # replaced by the 统计表's figure
        else:
            _pre2019_requests_prose(w, rep, year, scale)
        _consultations(w, rep, year, scale)
        w.heading("三、存在的主要问题及改进措施")
        for p in _PROBLEMS:
            w.paragraph([p])
        if has_stat:
            _stat_table(w, rep, year, scale, broken)
        else:
            if rng.random() < 0.5:
                w.add("", " " * rng.randint(10, 30) + agency.name, " " * rng.randint(10, 30) + f"{year + 1}年1月")
        text_lines = w.lines
    else:
        w.heading("一、总体情况")
        for k in range(rng.randint(2, 4)):
            w.add(_numbering(rng, k) + rng.choice(("组织领导", "主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")))
            if k == 1:
                _proactive_prose(w, rep, year, scale, era)
            _fill(w, 1)
        _consultations(w, rep, year, scale)
        tpl = make_template(rng, era, scale, broken)
        rep.broken = tpl.broken
        _t2(w, rep, era, scale)
        _t3(w, rep, era, tpl)
        _t4(w, rep, tpl)
        w.heading("五、政府信息公开工作存在的主要问题及改进情况")
        for p in _PROBLEMS:
            w.paragraph([p])
        w.heading("六、其他需要报告的事项")
        _fill(w, 1)
        text_lines = w.lines
    return "\n".join(text_lines) + "\n", rep


def _encode(text: str, rng: random.Random) -> bytes:
    """Most reports are UTF-8; some are saved with CRLF, a BOM, or in GB18030 as offices still do."""
    r = rng.random()
    if r < 0.1:
        text = text.replace("\n", "\r\n")
    r = rng.random()
    if r < 0.05:
        return text.encode("gb18030")
    if r < 0.1:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def parse_years(spec: str) -> list[int]:
    """'2014-2024' or '2017,2019,2021' -> years."""
    years: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-", 1)
            years.extend(range(int(a), int(b) + 1))
        elif part:
            years.append(int(part))
    return sorted(set(years))


SHAPES = ("years", "agencies")


def generate(
    out: Path,
    agencies: int,
    years: list[int],
    seed: int = 1,
    reports: int | None = None,
    broken_rate: float = 0.05,
    shape: str = "years",
    places: bool = False,
    homonyms: float = 0.05,
    unlisted: float = 0.0,
) -> Corpus:
    """Write a content folder (reports/ and agencies.toml) into `out` and return what it states.

    shape "years": every agency reports every year (agencies x years); "agencies": one report per
    agency, all in the last of `years` (a province's 街道 and 乡镇 in one year). `reports` caps the
    number of reports, taken agency by agency.

    places=False writes the flat corpus the tests and the parse digest pin (four kinds of
    district agency, in eight cities); places=True agencies at every level of model.LEVELS across
    provinces, cities and districts (make_place_agencies: `homonyms`, `unlisted`).
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, not {shape!r}")
    out = Path(out)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    if shape == "agencies":
        years = years[-1:]
    book = make_place_agencies(agencies, seed, homonyms, unlisted) if places else make_agencies(agencies, seed)
    written: list[SynthReport] = []
    limit = reports if reports is not None else agencies * len(years)
    used: list[SynthAgency] = []
    for agency in book:
        if len(written) >= limit:
            break
        used.append(agency)
        if agency.folder:
            (out / "reports" / agency.folder).mkdir(parents=True, exist_ok=True)
        for year in years:
            if len(written) >= limit:
                break
            text, rep = write_report(agency, year, seed, broken_rate)
            rng = random.Random(f"encoding:{seed}:{agency.slug}:{year}")
            (out / rep.path).write_bytes(_encode(text, rng))
            written.append(rep)
    (out / "agencies.toml").write_text(agencies_toml(used), encoding="utf-8")
    return Corpus(content_dir=out, agencies=used, reports=written)
