"""click's own usage errors in Chinese, like govmon's: "用法错误：没有选项 --acount，是否想用
--account？", exit code 2.

click words these in English (its gettext catalogue has no Chinese). The exception classes
carry what went wrong (the option, the parameter, the close matches); the English sentences
that remain are click's message ids, which do not change between releases, and are matched
whole. A sentence not known here is shown as click wrote it rather than lost.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import IO, Any

import click

_KINDS = {"file": "文件", "directory": "目录", "path": "路径"}


def _choices(text: str) -> str:
    return "、".join(part.strip().strip("'\"") for part in text.split(","))


# click's sentences (its message ids), whole, → Chinese.
_SENTENCES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"'(.*)' is not a valid integer( range)?\."), lambda m: f"'{m[1]}' 不是整数"),
    (re.compile(r"'(.*)' is not a valid float( range)?\."), lambda m: f"'{m[1]}' 不是数字"),
    (re.compile(r"'(.*)' is not a valid boolean\."), lambda m: f"'{m[1]}' 不是是/否值"),
    (re.compile(r"'(.*)' is not a valid UUID\."), lambda m: f"'{m[1]}' 不是有效的 UUID"),
    (re.compile(r"(.*) is not in the range (.*)\."), lambda m: f"{m[1]} 不在范围 {m[2]} 内"),
    (
        re.compile(r"'(.*)' is not one of (.*)\."),
        lambda m: f"'{m[1]}' 不是可选的值（可选：{_choices(m[2])}）",
    ),
    (
        re.compile(r"'(.*)' is not (.*)\."),
        lambda m: f"'{m[1]}' 不是可选的值（只能是 {_choices(m[2])}）",
    ),
    (
        re.compile(r"'(.*)' does not match the formats? (.*)\."),
        lambda m: f"'{m[1]}' 不符合格式 {_choices(m[2])}",
    ),
    (
        re.compile(r"(\w+) '(.*)' does not exist\."),
        lambda m: f"{_KINDS.get(m[1].lower(), m[1])} {m[2]} 不存在",
    ),
    (re.compile(r"(\w+) '(.*)' is a file\."), lambda m: f"{m[2]} 是文件，这里需要目录"),
    (re.compile(r"(\w+) '(.*)' is a directory\."), lambda m: f"{m[2]} 是目录，这里需要文件"),
    (re.compile(r"(\w+) '(.*)' is not readable\."), lambda m: f"{m[2]} 不可读"),
    (re.compile(r"(\w+) '(.*)' is not writable\."), lambda m: f"{m[2]} 不可写"),
    (re.compile(r"(\w+) '(.*)' is not executable\."), lambda m: f"{m[2]} 不可执行"),
    (re.compile(r"Option '(.*)' requires an argument\."), lambda m: f"选项 {m[1]} 需要一个值"),
    (
        re.compile(r"Option '(.*)' requires (\d+) arguments\."),
        lambda m: f"选项 {m[1]} 需要 {m[2]} 个值",
    ),
    (re.compile(r"Option '(.*)' does not take a value\."), lambda m: f"选项 {m[1]} 不带值"),
    (
        re.compile(r"Argument '(.*)' takes (\d+) values\."),
        lambda m: f"参数 {m[1]} 需要 {m[2]} 个值",
    ),
    (
        re.compile(r"Got unexpected extra arguments? \((.*)\)"),
        lambda m: f"多余的参数：{m[1]}",
    ),
    (re.compile(r"Missing command\."), lambda m: "缺少子命令"),
    (re.compile(r"Value must be an iterable\."), lambda m: "值应为一组"),
]


def _sentence(text: str) -> str:
    for pattern, chinese in _SENTENCES:
        match = pattern.fullmatch(text.strip())
        if match:
            return chinese(match)
    return text


def _suggest(name: str, possibilities: list[str] | None) -> str:
    """ "，是否想用 --account？": the closest name alone when it is close, else a few."""
    if not possibilities:
        return ""

    def likeness(candidate: str) -> float:
        return difflib.SequenceMatcher(None, name, candidate).ratio()

    ranked = sorted(possibilities, key=lambda c: (-likeness(c), c))
    if len(ranked) == 1 or likeness(ranked[0]) >= 0.8:
        return f"，是否想用 {ranked[0]}？"
    return f"，是否想用 {'、'.join(ranked[:3])} 之一？"


def _hint(exc: click.BadParameter | click.MissingParameter) -> str:
    """The parameter as the user typed it ("--format", "FILE"), without click's quotes."""
    if exc.param_hint is not None:
        hint = exc.param_hint
        text = " / ".join(hint) if not isinstance(hint, str) else hint
    elif exc.param is not None:
        text = exc.param.get_error_hint(exc.ctx) if exc.ctx else str(exc.param.name)
    else:
        text = ""
    return text.replace("'", "").strip()


def message(exc: click.ClickException) -> str:
    """The error in Chinese, without the "用法错误：" prefix."""
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}{_suggest(exc.option_name, exc.possibilities)}"
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        what = {"argument": "参数", "option": "选项"}.get(kind, "参数")
        return f"缺少{what} {_hint(exc)}"
    if isinstance(exc, click.BadParameter):
        hint = _hint(exc)
        return f"{hint} 的值有误：{_sentence(exc.message)}" if hint else _sentence(exc.message)
    command = re.fullmatch(r"No such command '(.*)'\.", exc.message)
    if command and isinstance(exc, click.UsageError):
        name = command[1]
        group = exc.ctx.command if exc.ctx else None
        names = group.list_commands(exc.ctx) if isinstance(group, click.Group) and exc.ctx else []
        return f"没有命令 {name}{_suggest(name, difflib.get_close_matches(name, names))}"
    return _sentence(exc.message)


class ChineseUsageError(click.UsageError):
    """A usage error shown in Chinese: the usage line, where to find help, what went wrong."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(message(original), original.ctx)

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            click.echo(f"用法：{ctx.command_path} {pieces}", err=True)
            click.echo(f"查看帮助：{ctx.command_path} --help", err=True)
        click.echo(f"用法错误：{self.message}", err=True)


class ChineseClickError(click.ClickException):
    """Any other error click raises itself (a file it cannot open), in Chinese."""

    def __init__(self, original: click.ClickException) -> None:
        super().__init__(_file_message(original) or _sentence(original.message))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"错误：{self.message}", err=True)


def _file_message(exc: click.ClickException) -> str:
    if isinstance(exc, click.FileError):
        return f"无法打开文件 {exc.ui_filename}：{exc.message}"
    return ""


def in_chinese(exc: click.ClickException) -> click.ClickException:
    """The same error, told in Chinese (an error already in Chinese is returned as it is)."""
    if isinstance(exc, (ChineseUsageError, ChineseClickError)):
        return exc
    if isinstance(exc, click.UsageError):
        return ChineseUsageError(exc)
    return ChineseClickError(exc)
