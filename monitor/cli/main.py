"""The `govmon` command line. Errors are one Chinese sentence and an exit code, no traceback."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.cli.context import AppContext, config_option
from monitor.cli.usage_zh import in_chinese
from monitor.errors import GovmonError
from monitor.settings.secrets import redact

log = logging.getLogger("monitor")


# Subcommands are imported when used: `govmon init` need not load pandas, jieba or snownlp.
COMMANDS: dict[str, str] = {
    "demo": "monitor.cli.demo_cmd:demo",
    "init": "monitor.cli.init_cmd:init",
    "accounts": "monitor.cli.accounts_cmd:accounts",
    "collect": "monitor.cli.collect_cmd:collect",
    "analyze": "monitor.cli.analyze_cmd:analyze",
    "findings": "monitor.cli.analyze_cmd:findings",
    "sentiment": "monitor.cli.sentiment_cmd:sentiment",
    "alerts": "monitor.cli.alerts_cmd:alerts",
    "digest": "monitor.cli.digest_cmd:digest",
    "run": "monitor.cli.run_cmd:run",
    "worker": "monitor.cli.worker_cmd:worker",
    "status": "monitor.cli.status_cmd:status",
    "web": "monitor.cli.web_cmd:web",
    "users": "monitor.cli.users_cmd:users",
}


class GovmonGroup(click.Group):
    """Turns a user's mistake into a clear message and a crash into one line plus the log."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:  # `govmon --bogus`: click's words, in Chinese
            raise in_chinese(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GovmonError as exc:
            click.echo(f"错误：{redact(exc.message)}", err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:  # a subcommand's usage error, in Chinese
            raise in_chinese(exc) from None
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `govmon accounts list | head`: the reader has gone, say nothing
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug, not the user's fault: full traceback to the log file
            log.debug("unexpected error", exc_info=True)
            logging.getLogger("monitor.crash").error("内部错误", exc_info=True)
            text = redact(f"{type(exc).__name__}: {exc}")
            click.echo(f"内部错误：{text}（完整信息见日志文件）", err=True)
            ctx.exit(1)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()


@click.group(cls=GovmonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govmon")
@config_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """govmon 政务新媒体监测：备案、更新、互动、舆情与排行，落实《政务新媒体管理办法》。"""
    ctx.ensure_object(AppContext)


def main() -> None:
    cli.main(prog_name="govmon")


if __name__ == "__main__":
    main()
