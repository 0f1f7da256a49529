from ui.text import clip


def test_short_text_is_kept_whole():
    assert clip("Improve vetting.", 300) == "Improve vetting."


def test_long_text_is_cut_at_a_word_with_an_ellipsis():
    text = "The force should improve how it vets its officers and staff."
    assert clip(text, 30) == "The force should improve how…"
    assert clip(text, 30, ellipsis="...") == "The force should improve..."
    assert len(clip(text, 30)) <= 30


def test_one_long_word_is_cut_inside_it():
    assert clip("x" * 50, 10) == "x" * 9 + "…"


def test_a_download_name_keeps_accents_and_spaces_but_no_folders():
    from ui.files import download_name

    assert download_name("Debrief procedure (révisé).pdf", "x") == "Debrief procedure (révisé).pdf"
    assert download_name("..\\..\\secret/passwd", "x") == "passwd"
    assert download_name('a"b<c>.pdf', "x") == "abc.pdf"
    assert download_name("\x00\x07", "fallback") == "fallback"
