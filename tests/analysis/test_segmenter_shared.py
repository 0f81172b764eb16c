"""One segmenter (one copy of jieba's dictionary) per set of word files in a
process: hot topics ask with the settings' paths ("" for the shipped files), rumours ask with
none, and both must get the same one (issue 15: the daemon's memory)."""

from __future__ import annotations

from analysis.segment import default_config_file, load_segmenter


def test_default_word_files_give_one_segmenter_however_asked() -> None:
    plain = load_segmenter()
    assert load_segmenter("", "") is plain
    assert load_segmenter(str(default_config_file("userdict.txt")), "") is plain
    assert (
        load_segmenter(
            str(default_config_file("userdict.txt")), str(default_config_file("stopwords.txt"))
        )
        is plain
    )


def test_the_segmenter_cuts_as_jieba_without_adding_our_words_to_it() -> None:
    """rjieba cuts Chinese text as Python jieba does with the same user words, and our words
    never reach jieba's global tokenizer (the trained sentiment model segments with it)."""
    import jieba

    from analysis.segment import read_userdict

    segmenter = load_segmenter()
    user = read_userdict(default_config_file("userdict.txt"))
    fresh = jieba.Tokenizer()
    for w, freq, tag in user:
        fresh.add_word(w, freq, tag)
    texts = [
        "沈海高速服务区ETC门架故障，地铁3号线收费站排队",
        "G15沈海高速温州段因交通事故双向封闭，请绕行甬台温复线",
        "网传明天起地铁全线停运，市交通运输局辟谣：消息不实",
        "我在南京长江大桥堵了两个小时，交警怎么还不来疏导？",
    ]
    for text in texts:
        assert segmenter.words(text) == [w.strip() for w in fresh.lcut(text) if w.strip()]
    jieba.initialize()
    ours_only = [w for w, _f, _t in user if w not in jieba.dt.FREQ]
    assert ours_only  # the user dictionary adds words jieba does not know
    load_segmenter("", "").words("沈海高速")
    assert all(w not in jieba.dt.FREQ for w in ours_only)
