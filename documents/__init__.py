"""Builders of the mechanism's office documents: Word (`word/`) and Excel (`excel/`) files,
filled from plain dataclasses with the fixed texts of `templates/documents/*.j2`."""
