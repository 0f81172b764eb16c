"""Trained models on disk: one folder per model, and current.json naming the one in use.

A model folder holds model.npz (idf and weight arrays only, read with allow_pickle=False) and meta.json
(when, from what, on how many texts, held-out metrics). Switching model rewrites
current.json atomically, so a reader never sees half a switch.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.sentiment.linear import LinearModel

FORMAT = "govmon-sentiment-hashed-linear/1"
CURRENT = "current.json"


class ModelFileError(ValueError):
    """A model folder is missing, damaged or of another format; the message names it."""


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


# numpy, scipy and rjieba are imported by the functions that read or write a model: every
# analysis asks which model is current (its inputs' fingerprint), most never load one.


def save_model(model: LinearModel, model_dir: Path) -> Path:
    """Write the model into ``model_dir/trained-<hash>/`` and return that folder."""
    import numpy as np

    folder = model_dir / f"trained-{model.fingerprint()}"
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        folder / "model.npz",
        char_idf=model.char_idf,
        word_idf=model.word_idf,
        coef=model.coef,
        intercept=np.array([model.intercept], dtype=np.float64),
    )
    meta = {"format": FORMAT, "name": folder.name, **model.meta}
    _atomic_write(folder / "meta.json", json.dumps(meta, ensure_ascii=False, indent=2))
    return folder


def read_meta(folder: Path) -> dict[str, Any]:
    """meta.json of a model folder, refused unless it is of the format this program reads."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"无法读取情感模型 {folder}：{exc}") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"情感模型 {folder} 的 meta.json 已损坏")
    if meta.get("format") != FORMAT:
        raise ModelFileError(
            f"情感模型 {folder} 的格式为 {meta.get('format')!r}，本程序只能读取 {FORMAT}"
        )
    return meta


def load_model(folder: Path) -> LinearModel:
    """Read a model folder written by ``save_model``."""
    import numpy as np

    from analysis.sentiment.linear import LinearModel

    meta = read_meta(folder)
    try:
        with np.load(folder / "model.npz", allow_pickle=False) as arrays:
            model = LinearModel(
                char_idf=arrays["char_idf"].astype(np.float32),
                word_idf=arrays["word_idf"].astype(np.float32),
                coef=arrays["coef"].astype(np.float32),
                intercept=float(arrays["intercept"][0]),
                meta={k: v for k, v in meta.items() if k not in {"format", "name"}},
            )
    except (OSError, KeyError, ValueError, IndexError) as exc:
        raise ModelFileError(f"无法读取情感模型 {folder}：{exc}") from None
    sizes = (len(model.char_idf), len(model.word_idf), len(model.coef))
    if sizes[0] != sizes[1] or sizes[2] != sizes[0] + sizes[1] or sizes[0] == 0:
        raise ModelFileError(f"情感模型 {folder} 已损坏：特征与权重长度不一致")
    return model


def current_model_folder(model_dir: Path) -> Path | None:
    """The folder named by current.json, or None before any model was switched to."""
    pointer = model_dir / CURRENT
    if not pointer.exists():
        return None
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["name"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelFileError(f'{pointer} 已损坏：应为 {{"name": "trained-…"}}') from None
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise ModelFileError(f"{pointer} 中的模型名 {name!r} 无效")
    return model_dir / name


def activate_model(model_dir: Path, folder: Path) -> None:
    """Make ``folder`` (inside ``model_dir``) the model in use."""
    if folder.parent.resolve() != model_dir.resolve():
        raise ModelFileError(f"模型 {folder} 不在模型目录 {model_dir} 中")
    load_model(folder)  # refuse to point at something unreadable
    _atomic_write(model_dir / CURRENT, json.dumps({"name": folder.name}) + "\n")


def describe_engine(model_dir: Path, engine: str) -> tuple[str, str | None]:
    """The engine analysis will use, in one Chinese line, and a problem for a human or None.

    Reads only current.json and meta.json: cheap enough for every `govmon status`.
    """
    if engine == "snownlp":
        return 'snownlp 默认模型（设置 engine = "snownlp"）', None
    try:
        folder = current_model_folder(model_dir)
        if folder is None:
            if engine == "trained":
                problem = (
                    f'设置 engine = "trained"，但 {model_dir} 中没有已启用的情感模型，'
                    "分析会失败：运行 govmon sentiment train"
                )
                return "没有已训练的模型", problem
            return "snownlp 默认模型（尚未训练：govmon sentiment train）", None
        meta = read_meta(folder)
    except ModelFileError as exc:
        return "情感模型无法读取", str(exc)
    parts = [str(meta.get("trained_at", ""))[:10] + " 训练"]
    if isinstance(meta.get("n_examples"), int):
        parts.append(f"样本 {meta['n_examples']} 条")
    holdout = meta.get("holdout")
    if isinstance(holdout, dict) and isinstance(holdout.get("macro_f1"), int | float):
        parts.append(f"留出集宏F1 {holdout['macro_f1']:.3f}")
    compared = meta.get("compared_with")
    if isinstance(compared, dict) and isinstance(compared.get("macro_f1"), int | float):
        parts.append(f"原引擎 {compared.get('engine', '')} {compared['macro_f1']:.3f}")
    return f"{folder.name}（{'，'.join(parts)}）", None
