"""Jinja2 templates for every text a person reads, and the renderer that fills them."""

from templates.renderer import LOCALES, Renderer

__all__ = ["LOCALES", "Renderer"]
