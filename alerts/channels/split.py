"""Splitting a long message on line boundaries to fit a bot's byte limit."""

from __future__ import annotations


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(line: str, limit: int) -> list[str]:
    """A single line longer than the limit is cut at character boundaries."""
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = utf8_len(char)
        if size + width > limit and current:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    if current:
        pieces.append(current)
    return pieces


def split_lines(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` UTF-8 bytes, cut between lines whenever possible."""
    if limit < 4:
        raise ValueError("limit must hold at least one character")
    if utf8_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        pieces = _cut(line, limit) if utf8_len(line) > limit else [line]
        for piece in pieces:
            width = utf8_len(piece) + (1 if current else 0)
            if current and size + width > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                width = utf8_len(piece)
            current.append(piece)
            size += width
    if current:
        chunks.append("\n".join(current))
    return [c for c in chunks if c.strip()] or [text[:1]]


def numbered_parts(text: str, limit: int, header: str = "（续 {n}/{total}）") -> list[str]:
    """Split and, when there are several parts, start each with its number."""
    reserve = utf8_len(header.format(n=99, total=99)) + 1
    parts = split_lines(text, limit)
    if len(parts) == 1:
        return parts
    parts = split_lines(text, limit - reserve)
    total = len(parts)
    return [
        part if n == 1 else f"{header.format(n=n, total=total)}\n{part}"
        for n, part in enumerate(parts, start=1)
    ]
