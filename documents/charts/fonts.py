"""The CJK font the charts are drawn in (中文字体): one this machine has, found once."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

# Simplified Chinese first: a collection's Japanese face draws some hanzi in Japanese forms.
FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Serif CJK SC",
)
# Where fonts-noto-cjk and the usual packages put them, for a font installed after
# matplotlib built its font cache.
KNOWN_FILES: Final = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/adobe-source-han-sans/SourceHanSans-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("C:/Windows/Fonts/simhei.ttf"),
    Path("C:/Windows/Fonts/msyh.ttc"),
)
FC_MATCH_TIMEOUT: Final = 5.0  # seconds
SAMPLE: Final = "中文字体招商"  # a font that lacks these is no CJK font (fc-match may offer one)


@dataclass(frozen=True, slots=True)
class ChartFont:
    """A CJK font known to matplotlib: its family name and the file it comes from."""

    family: str
    path: str


def _known(families: tuple[str, ...]) -> ChartFont | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in names:
            # The face matplotlib will draw with: the regular weight, not the bold.
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
            return ChartFont(family, str(path))
    return None


def _register(path: Path) -> ChartFont | None:
    """Add a font file (every face of a collection) to matplotlib, and return its best face."""
    from matplotlib import font_manager

    before = len(font_manager.fontManager.ttflist)
    try:
        face = font_manager.get_font(str(path))
        if not all(face.get_char_index(ord(c)) for c in SAMPLE):
            return None
        font_manager.fontManager.addfont(path)
    except (OSError, RuntimeError, ValueError):
        log.debug("chart font %s could not be read", path, exc_info=True)
        return None
    added = font_manager.fontManager.ttflist[before:]
    names = [f.name for f in added]
    for family in FAMILIES:
        if family in names:
            return ChartFont(family, str(path))
    return ChartFont(names[0], str(path)) if names else None


def _fc_match() -> Path | None:
    """The file fontconfig picks for Simplified Chinese, when fontconfig is installed."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    try:
        done = subprocess.run(
            [fc, ":lang=zh-cn", "-f", "%{file}"],
            capture_output=True,
            text=True,
            timeout=FC_MATCH_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    return found if found is not None and found.is_file() else None


def find_cjk_font() -> ChartFont | None:
    """A CJK font on this machine: one of FAMILIES that matplotlib knows, else a known file,
    else fontconfig's choice for zh-cn; None when there is none."""
    found = _known(FAMILIES)
    if found is not None:
        return found
    for path in KNOWN_FILES:
        if path.is_file() and (found := _register(path)) is not None:
            return found
    matched = _fc_match()
    return _register(matched) if matched is not None else None


@cache
def cjk_font() -> ChartFont | None:
    """The charts' CJK font, looked for once per process; when there is none, the charts are
    not drawn and this is logged once."""
    found = find_cjk_font()
    if found is None:
        log.warning(
            "no CJK font found (install fonts-noto-cjk): charts are not sent, texts still are"
        )
    return found
