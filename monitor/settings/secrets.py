"""Secret references: ``{ env = "NAME" }`` or ``{ file = "PATH" }``, resolved at load.

Resolved values are registered so that the log filter can redact them wherever they
turn up (an exception text, a URL, a response body echoed back by a server). They share one
registry with the channel secrets (``alerts.channels.redaction``), so each kind of secret is
masked wherever the other is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alerts.channels import redaction


def register_secret(value: str) -> None:
    """Remember a secret value so that :func:`redact` masks it."""
    redaction.remember(value)


def redact(text: str) -> str:
    """Replace every known secret value in ``text`` with ``***``."""
    return redaction.redact(text)


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
