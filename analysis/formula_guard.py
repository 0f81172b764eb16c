"""Spreadsheet formula injection: a cell from the internet or a form that starts with "=",
"+", "-", "@" (or a tab or carriage return) is taken for a formula by Excel and WPS when a
CSV is opened ("=cmd|' /C calc'!A0"). Every CSV govmon writes passes its cells through
:func:`guard_formula`, which puts an apostrophe in front (shown as text, the usual convention);
every CSV govmon reads passes them through :func:`unguard_formula`, so a file written by govmon
reads back the same. In .xlsx files a string cell is written with the string type instead.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def guard_formula(text: str) -> str:
    """The cell as written to a CSV: never read as a formula."""
    return "'" + text if looks_like_formula(text) else text


def unguard_formula(text: str) -> str:
    """A cell as read from a CSV: the apostrophe :func:`guard_formula` added is taken off."""
    return text[1:] if text.startswith("'") and looks_like_formula(text[1:]) else text
