"""Internet text in markdown messages: inert, yet a setting name stays copyable."""

from __future__ import annotations

from alerts import sanitize


def test_markdown_active_characters_are_made_inert() -> None:
    text = sanitize.markdown("**粗体** [链接](http://x) <@all> _斜体_ `代码` # 标题")
    for active in ("**", "[", "](", "<@", "`", "#"):
        assert active not in text
    assert "_斜体_" not in text and "＿斜体＿" in text


def test_an_underscore_inside_a_name_is_kept() -> None:
    text = sanitize.markdown("请配置 collectors.rss.rsshub_base_url 或填写订阅地址")
    assert "collectors.rss.rsshub_base_url" in text
    assert sanitize.markdown("gh_7b8c9d") == "gh_7b8c9d"
