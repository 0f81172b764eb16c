"""A font that can draw Chinese for the digest's charts, found through matplotlib's font manager.

Looked for, in order: the configured file; a font already known to matplotlib under a common
CJK family name (Noto Sans CJK, Source Han Sans, WenQuanYi, …); font files on the system whose
names say CJK (matplotlib's cache may predate their installation); the fonts of the optional
``mplfonts`` package. None found: one warning, and the charts use ASCII labels instead of
drawing boxes.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
_FILE_HINT = re.compile(r"(cjk|wqy|sourcehan|droidsansfallback|simhei|msyh|pingfang|uming)", re.I)
_PROBE = "周报舆情"


class FontNotFound(ValueError):
    pass


def covers_chinese(path: str | Path) -> bool:
    try:
        face = FT2Font(str(path))
    except (OSError, RuntimeError):
        return False
    return all(face.get_char_index(ord(c)) for c in _PROBE)


# A CJK collection (.ttc) holds one face per region; the digest is Simplified Chinese.
_REGION_ORDER = (" SC", " CN", " GB", "")
_OTHER_REGIONS = re.compile(r" (JP|KR|K|TC|HK|TW)$|Mono", re.I)


def pick_face(names: list[str]) -> str | None:
    """The Simplified Chinese face among a collection's family names (Noto Sans CJK SC over
    its JP first face, WenQuanYi Micro Hei over its Mono face)."""
    ordered = sorted(names, key=lambda n: "Mono" in n)  # proportional faces first, stable
    for suffix in _REGION_ORDER:
        for name in ordered:
            if suffix and name.endswith(suffix):
                return name
            if not suffix and not _OTHER_REGIONS.search(name):
                return name
    return names[0] if names else None


def _add(path: Path) -> str | None:
    """Register a font file with matplotlib; the family name of its Simplified Chinese face
    if it draws Chinese (every face of a .ttc is registered, so the name resolves without a
    findfont warning)."""
    if not path.is_file() or not covers_chinese(path):
        return None
    font_manager.fontManager.addfont(str(path))
    faces = [f.name for f in font_manager.fontManager.ttflist if f.fname == str(path)]
    return pick_face(faces) or font_manager.FontProperties(fname=str(path)).get_name()


def _known() -> str | None:
    names = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for family in FAMILIES:
        if family in names and covers_chinese(names[family]):
            return family
    return None


def _system_files() -> str | None:
    for path in sorted(font_manager.findSystemFonts()):
        if _FILE_HINT.search(Path(path).name):
            name = _add(Path(path))
            if name:
                return name
    return None


def _mplfonts() -> str | None:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    for name in ("NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf", "SimHei.ttf"):
        found = _add(folder / name)
        if found:
            return found
    return None


@lru_cache(maxsize=8)
def chinese_font(configured: str = "") -> str | None:
    """The family name to draw Chinese with, or None (warned once per configuration)."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FontNotFound(f"找不到 digest.font_path 指定的字体文件 {path}")
        name = _add(path)
        if name is None:
            raise FontNotFound(f"digest.font_path 指定的字体 {path} 不含中文字形")
        return name
    name = _known() or _system_files() or _mplfonts()
    if name is None:
        log.warning(
            "未找到中文字体，周报图表将使用英文标注。可安装 fonts-noto-cjk 或 "
            "fonts-wqy-microhei（Debian/Ubuntu），或 pip install mplfonts，或设置 digest.font_path"
        )
    return name
