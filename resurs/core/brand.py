"""The installation's brand colour: checked once at start-up, and the shades the stylesheet derives from it.

White text sits on the brand colour (header, primary buttons) and the brand colour is the link colour on white
and on Bootstrap's light grey panels, so it must reach WCAG 2.1 AA contrast (4.5:1) against both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

DEFAULT_BRAND_COLOR = "#1f5f8b"
AA_CONTRAST = 4.5
# White (cards, tables) and the page's background (resurs.css): where brand-coloured links sit.
LIGHT_BACKGROUNDS = ("#ffffff", "#f6f7f9")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of an ``#rrggbb`` colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validated_brand_color(value: str) -> str:
    """The colour, lower-cased; ImproperlyConfigured (at start-up) when it is malformed or too light."""
    if not HEX_COLOR.match(value or ""):
        raise ImproperlyConfigured(f"RESURS_BRAND_COLOR must look like #1f5f8b, not {value!r}.")
    worst = min(contrast_ratio(value, background) for background in LIGHT_BACKGROUNDS)
    if worst < AA_CONTRAST:
        raise ImproperlyConfigured(
            f"RESURS_BRAND_COLOR {value} is too light: white text on it and it on light backgrounds reach only "
            f"{worst:.2f}:1, and WCAG AA needs {AA_CONTRAST}:1. Choose a darker shade."
        )
    return value.lower()


@dataclass(frozen=True)
class BrandPalette:
    color: str
    dark: str  # hover and pressed states
    subtle: str  # light tint for active menu entries and highlighted rows

    @property
    def rgb(self) -> str:
        return ", ".join(str(v) for v in _rgb(self.color))

    @property
    def dark_rgb(self) -> str:
        return ", ".join(str(v) for v in _rgb(self.dark))

    def as_css(self) -> str:
        """The custom properties resurs.css builds every brand-coloured rule on (its :root has the default's)."""
        return (
            ":root {\n"
            f"  --resurs-brand: {self.color};\n"
            f"  --resurs-brand-rgb: {self.rgb};\n"
            f"  --resurs-brand-dark: {self.dark};\n"
            f"  --resurs-brand-dark-rgb: {self.dark_rgb};\n"
            f"  --resurs-brand-subtle: {self.subtle};\n"
            "}\n"
        )


def brand_palette(color: str) -> BrandPalette:
    """The brand colour with a shade 20% darker (towards black) and a tint 88% lighter (towards white)."""
    rgb = _rgb(color)
    dark = tuple(round(v * 0.8) for v in rgb)
    subtle = tuple(round(v + (255 - v) * 0.88) for v in rgb)
    return BrandPalette(color=color.lower(), dark=_hex(dark), subtle=_hex(subtle))
