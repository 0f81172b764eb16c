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
