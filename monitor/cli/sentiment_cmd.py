"""`govmon sentiment train|eval|review`: learn sentiment from the deployment's own data, measure
it, and pick the comments reviewers should label."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click
from sqlalchemy import select

from monitor.cli.console import out_console
from monitor.cli.context import AppContext, config_option, pass_app
from monitor.db.models import Comment
from monitor.errors import InputError

CSV_PATH = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def sentiment() -> None:
    """情感分析模型：用本系统采集的评论（表情作弱标注）和人工标注训练，并评估效果。"""


def _labelled(path: Path) -> tuple[list[str], list[int]]:
    from analysis.sentiment.labelled_csv import LabelledCsvError, read_labelled_csv

    try:
        data = read_labelled_csv(path)
    except LabelledCsvError as exc:
        raise InputError(str(exc)) from None
    if not data.texts:
        raise InputError(f"标注文件 {path} 没有可用的正面或负面样本")
    if data.skipped_neutral or data.skipped_unlabelled:
        click.echo(
            f"标注文件 {path}：跳过中性 {data.skipped_neutral} 条、"
            f"未填标签 {data.skipped_unlabelled} 条（训练和评估只用正面、负面）"
        )
    return data.texts, data.labels


@sentiment.command()
@click.option(
    "--csv", "csv_path", type=CSV_PATH, help="人工标注文件（text,label 两列），与数据库评论一起训练"
)
@click.option("--no-database", is_flag=True, help="只用 --csv 文件训练，不读数据库中的评论")
@config_option
@pass_app
def train(app: AppContext, csv_path: Path | None, no_database: bool) -> None:
    """训练新模型；在留出样本上胜过当前引擎才切换。"""
    from analysis.sentiment.emoticons import load_emoticon_map
    from analysis.sentiment.factory import persist_outcome
    from analysis.sentiment.training import TrainingDataError, build_examples, train_and_compare
    from monitor.pipeline.sentiment import current_engine

    settings = app.settings.sentiment
    if no_database and csv_path is None:
        raise InputError("--no-database 需要同时给出 --csv 标注文件")
    comments: list[str] = []
    if not no_database:
        with app.session() as session:
            comments = list(
                session.scalars(select(Comment.text).where(Comment.is_official.is_(False)))
            )
    reviewed = list(zip(*_labelled(csv_path), strict=True)) if csv_path else []
    if not no_database:  # labels given in the web console (情感标注)
        from monitor.store.sentiment_labels import stored_labels

        with app.session() as session:
            reviewed += stored_labels(session)
    emoticons = load_emoticon_map(settings.emoticons_file)
    examples = build_examples(
        comments, reviewed, emoticons, settings.split_reposts, settings.max_text_chars
    )
    console = out_console()
    console.print(
        f"训练样本 {len(examples)} 条（数据库评论 {len(comments)} 条中带表情标注的，"
        f"加人工标注 {len(reviewed)} 条）"
    )
    source = (
        "database" + (f"+{csv_path.name}" if csv_path else "") if not no_database else str(csv_path)
    )
    started = time.monotonic()
    try:
        # Minutes on a large database (segmenting every text, then fitting): show it is alive.
        with console.status(f"正在训练并在留出样本上比较（{len(examples)} 条样本）…"):
            outcome = train_and_compare(
                examples,
                current_engine(settings),
                settings,
                emoticons,
                dt.datetime.now(dt.UTC),
                source,
            )
    except TrainingDataError as exc:
        raise InputError(str(exc)) from None
    console.print(f"训练与比较用时 {time.monotonic() - started:.0f} 秒")
    folder = persist_outcome(outcome, settings.model_dir)
    console.print(outcome.message, markup=False)
    console.print(
        f"模型已保存：{folder}" + ("（已启用）" if outcome.switch else "（未启用）"), markup=False
    )


@sentiment.command("eval")
@click.option("--csv", "csv_path", type=CSV_PATH, required=True, help="标注文件（text,label 两列）")
@config_option
@pass_app
def evaluate_cmd(app: AppContext, csv_path: Path) -> None:
    """在标注文件上比较当前引擎与 snownlp 默认模型：准确率、宏F1、各类召回率、速度。"""
    from analysis.sentiment.emoticons import load_emoticon_map
    from analysis.sentiment.metrics import evaluate, format_reports
    from analysis.sentiment.snownlp_engine import SnowNLPEngine
    from monitor.pipeline.sentiment import current_engine

    settings = app.settings.sentiment
    texts, labels = _labelled(csv_path)
    engine = current_engine(settings)
    baseline_engine = SnowNLPEngine(
        load_emoticon_map(settings.emoticons_file),
        settings.emoticon_weight,
        settings.max_text_chars,
    )
    baseline = evaluate(baseline_engine, texts, labels, settings.batch_size)
    reports = [baseline]
    if engine.name != baseline_engine.name:
        reports.insert(0, evaluate(engine, texts, labels, settings.batch_size))
    else:
        out_console().print("当前引擎即 snownlp 默认模型（尚未训练：govmon sentiment train）")
    click.echo(f"标注文件 {csv_path}：{len(texts)} 条")
    click.echo(format_reports(reports, baseline))


@sentiment.command()
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="写出的待标注 CSV 文件（用 Excel 或 WPS 打开，在 label 列填写）",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=300,
    show_default=True,
    help="最多写出多少条",
)
@click.option(
    "--pool",
    type=click.IntRange(1, 10_000_000),
    default=50_000,
    show_default=True,
    help="从最新的多少条公众评论中挑选",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖（会丢掉其中已填的标注）")
@config_option
@pass_app
def review(app: AppContext, out_path: Path, limit: int, pool: int, force: bool) -> None:
    """挑出表情无法标注的评论（表情正负混杂的在前，其后是模型最拿不准的），写成待人工标注的表。"""
    from analysis.sentiment.labelled_csv import write_review_sheet
    from monitor.pipeline.sentiment_review import review_pick

    if out_path.exists() and not force:
        raise InputError(
            f"文件 {out_path} 已存在：其中可能有已填的标注。换一个文件名，或加 --force 覆盖"
        )
    settings = app.settings.sentiment
    with app.session() as session:
        # Comments already labelled in the web console are not asked again.
        chosen = review_pick(session, settings, limit, pool)
    picked, where, engine_name = chosen.items, chosen.where, chosen.engine_name
    try:
        write_review_sheet(out_path, picked, where, app.settings.general.timezone)
    except OSError as exc:
        raise InputError(f"无法写出 {out_path}：{exc.strerror}") from None
    click.echo(
        f"已写出 {len(picked)} 条待标注评论到 {out_path}（从最新 {chosen.pooled} 条公众评论中挑选；"
        f"模型把握程度按当前引擎 {engine_name} 在 govmon analyze 中的打分）。"
    )
    click.echo(
        "在 label 列填 1（正面）、0（负面）或 2（中性），拿不准的留空；"
        f"然后运行：govmon sentiment train --csv {out_path}"
    )
