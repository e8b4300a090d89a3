"""Exports: the registers, audit results, completeness report and destruction list as XLSX, CSV and PDF."""

from admin_api.exports.tabular import FORMATS, MEDIA_TYPES, Table, render

__all__ = ["FORMATS", "MEDIA_TYPES", "Table", "render"]
