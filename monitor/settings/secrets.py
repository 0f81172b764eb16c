"""Secret references: ``{ env = "NAME" }`` or ``{ file = "PATH" }``, resolved at load.

Resolved values are registered so that the log filter can redact them wherever they
turn up (an exception text, a URL, a response body echoed back by a server).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a secret value so that :func:`redact` masks it."""
    if value and len(value) >= 4:  # shorter strings would mask ordinary words
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """Replace every known secret value in ``text`` with ``***``."""
    with _lock:
        secrets = sorted(_known, key=len, reverse=True)
    for value in secrets:
        if value in text:
            text = text.replace(value, "***")
    return text


def is_reference(value: Any) -> bool:
    return isinstance(value, dict) and set(value) in ({"env"}, {"file"})


class SecretResolutionError(Exception):
    """A reference that cannot be resolved; the message is Chinese and names the source."""


def resolve_reference(ref: dict[str, str], base_dir: Path) -> str:
    if "env" in ref:
        name = str(ref["env"])
        value = os.environ.get(name)
        if value is None or value == "":
            raise SecretResolutionError(f"环境变量 {name} 未设置或为空")
        register_secret(value)
        return value
    path = Path(str(ref["file"]))
    if not path.is_absolute():
        path = base_dir / path
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretResolutionError(f"无法读取密钥文件 {path}（{exc.strerror or exc}）") from None
    if not value:
        raise SecretResolutionError(f"密钥文件 {path} 为空")
    register_secret(value)
    return value
