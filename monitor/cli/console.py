"""The consoles every command prints through.

On a terminal, rich fits tables to the window as usual. When stdout is a pipe or a file
(`govmon findings > a.txt`, `| grep`, a test), rich would assume 80 columns and cut or fold
names and paths; there, nothing is wrapped or cut: a line is as long as its content.
"""

from __future__ import annotations

from rich.console import Console

# Wide enough for any row a command prints; rich renders a table only as wide as it needs.
UNBOUNDED_WIDTH = 100_000


def out_console() -> Console:
    """Where a command's results go (stdout)."""
    return _console(stderr=False)


def err_console() -> Console:
    """Progress bars and notes that are not the result (stderr)."""
    return _console(stderr=True)


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:
        console.soft_wrap = True
        console.width = UNBOUNDED_WIDTH
    return console


def heading(console: Console, title: str) -> None:
    """A section heading: a rule on a terminal, a plain line elsewhere (a rule would be as wide
    as the unbounded console)."""
    if console.is_terminal:
        console.rule(title, characters="─")
    else:
        console.print(f"── {title} ──", markup=False)
