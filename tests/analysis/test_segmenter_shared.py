"""One segmenter (one copy of jieba's dictionary, about 50 MB) per set of word files in a
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


def test_the_segmenter_shares_jiebas_words_without_adding_ours_to_it() -> None:
    """Its dictionary is a copy of jieba's global one (the same word objects, not a second
    load), our user words go into the copy only, and it cuts as a tokenizer loaded anew."""
    import jieba

    from analysis.segment import read_userdict

    segmenter = load_segmenter()
    text = "沈海高速服务区ETC门架故障，地铁3号线收费站排队"
    segmenter.words(text)
    ours = segmenter._tokenizer.FREQ
    word = next(w for w in ("高速", "收费站", "故障") if w in jieba.dt.FREQ)
    shared = next(k for k in ours if k == word)
    assert shared is next(k for k in jieba.dt.FREQ if k == word)
    user_words = [w for w, _f, _t in read_userdict(default_config_file("userdict.txt"))]
    assert any(w not in jieba.dt.FREQ for w in user_words)
    assert all(w in ours for w in user_words)

    fresh = jieba.Tokenizer()
    for w, freq, tag in read_userdict(default_config_file("userdict.txt")):
        fresh.add_word(w, freq, tag)
    assert segmenter.words(text) == [w.strip() for w in fresh.lcut(text) if w.strip()]
