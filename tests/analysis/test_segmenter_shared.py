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


TEXTS = [
    "沈海高速服务区ETC门架故障，地铁3号线收费站排队",
    "G15沈海高速温州段因交通事故双向封闭，请绕行甬台温复线",
    "网传明天起地铁全线停运，市交通运输局辟谣：消息不实",
    "我在南京长江大桥堵了两个小时，交警怎么还不来疏导？",
]


def test_the_segmenter_cuts_as_jieba_with_our_words() -> None:
    """rjieba cuts Chinese text as Python jieba does with the same user words."""
    import jieba

    from analysis.segment import read_userdict

    fresh = jieba.Tokenizer()
    for w, freq, tag in read_userdict(default_config_file("userdict.txt")):
        fresh.add_word(w, freq, tag)
    segmenter = load_segmenter()
    for text in TEXTS:
        assert segmenter.words(text) == [w.strip() for w in fresh.lcut(text) if w.strip()]


def test_the_sentiment_cutter_is_jiebas_own_dictionary_without_our_words() -> None:
    """The trained sentiment model reads jieba's words without HMM, as it was trained: our
    transport words, loaded by the topic segmenter, must not reach it."""
    import jieba

    from analysis.segment import read_userdict
    from analysis.sentiment.linear import jieba_words

    load_segmenter().words("预热")  # our user words are loaded in this process
    plain = jieba.Tokenizer()
    for text in TEXTS:
        assert jieba_words(text) == [w for w in plain.lcut(text, HMM=False) if not w.isspace()]
    plain.initialize()
    ours_only = [  # Chinese words jieba does not know (ASCII runs like ETC are kept whole anyway)
        w
        for w, _f, _t in read_userdict(default_config_file("userdict.txt"))
        if w not in plain.FREQ and not w.isascii()
    ]
    assert ours_only and all(w not in jieba_words(f"前方{w}拥堵") for w in ours_only)
