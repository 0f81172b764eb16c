"""`govmon sentiment train|eval`: learn sentiment from the deployment's own data, and measure it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from sqlalchemy import select

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
    emoticons = load_emoticon_map(settings.emoticons_file)
    examples = build_examples(
        comments, reviewed, emoticons, settings.split_reposts, settings.max_text_chars
    )
    console = Console()
    console.print(
        f"训练样本 {len(examples)} 条（数据库评论 {len(comments)} 条中带表情标注的，"
        f"加人工标注 {len(reviewed)} 条）"
    )
    source = (
        "database" + (f"+{csv_path.name}" if csv_path else "") if not no_database else str(csv_path)
    )
    try:
        outcome = train_and_compare(
            examples, current_engine(settings), settings, emoticons, dt.datetime.now(dt.UTC), source
        )
    except TrainingDataError as exc:
        raise InputError(str(exc)) from None
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
        Console().print("当前引擎即 snownlp 默认模型（尚未训练：govmon sentiment train）")
    click.echo(f"标注文件 {csv_path}：{len(texts)} 条")
    click.echo(format_reports(reports, baseline))
