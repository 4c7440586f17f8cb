"""Controls, layout constants and small helpers shared by the what-if panels."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

__all__: list[str] = []

_SLIDER = {"continuous_update": False, "style": {"description_width": "170px"},
           "layout": W.Layout(width="520px")}
_BOX = {"style": {"description_width": "170px"}, "layout": W.Layout(width="520px")}
_LATLON = {"style": {"description_width": "170px"}, "layout": W.Layout(width="300px")}


def _png_image(css_class: str) -> W.Image:
    # natural size (a flex column would stretch, and blur, the image to its width)
    img = W.Image(format="png", layout=W.Layout(max_width="100%", align_self="flex-start"))
    img.add_class("satcloud-figure")
    img.add_class(css_class)
    return img


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return "–" if not np.isfinite(value) else f"{value:.2f}"
    return html.escape(str(value))
