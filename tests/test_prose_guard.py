"""trafilatura deletes elements by their class names; those that hold the article's prose are spared."""

from datetime import UTC, datetime

import pytest
import trafilatura
import trafilatura.main_extractor

from worker.core import prose_guard
from worker.core.extraction import extract
from worker.core.model import Page

NOW = datetime(2024, 6, 1, tzinfo=UTC)
JAPANESE = ("レストランでのチップは税抜きの請求額の二十パーセントが普通で、"
            "多くの州では給仕の賃金の大半がそれに頼っているため、このような案内が必要になる。")
SENTENCE = ("Tipping at a full service restaurant is usually twenty percent of the bill before tax, and servers in many"
            " states depend on it for most of their wage, which is why guides like this one exist at all.")


def paragraphs(label: str, count: int, sentence: str = SENTENCE) -> str:
    return "".join(f"<p>{label} {i}. {sentence}</p>" for i in range(count))


def page(inside_the_embed: str, before: str = paragraphs("Before", 8)) -> str:
    """A page-builder article: an HTML embed ("w-embed") around a table is left open, so the parser nests the
    rest of the article inside it."""
    return ("<html><head><title>The restaurant tip chart</title></head><body><div class='blog-container'>"
            "<h1>The restaurant tip chart</h1><div class='rich-text-block'>" + before
            + "<div class='w-embed'><div class='responsive-table'><table><tr><th>Service</th><th>Tip</th></tr>"
            "<tr><td>Bar</td><td>15%</td></tr></table><h2>Why use a tip chart</h2>" + inside_the_embed
            + "</div></div></body></html>")


def ours(html: str) -> list[str]:
    extraction = extract(Page(url="https://blog.example.com/tip-chart", html=html, fetched_at=None), NOW, 50_000)
    return list(extraction.paragraphs)


def test_an_article_nested_in_a_wrapper_named_like_boilerplate_is_kept():
    html = page(paragraphs("After", 4))
    assert "After 3" not in (trafilatura.extract(html) or "")  # stock trafilatura deletes it with the "embed"
    kept = ours(html)
    assert [p.split(".")[0] for p in kept if p.startswith("After")] == [f"After {i}" for i in range(4)]
    assert [p.split(".")[0] for p in kept if p.startswith("Before")] == [f"Before {i}" for i in range(8)]


def test_prose_is_counted_in_words_in_scripts_without_spaces_too():
    html = page(paragraphs("After", 4, JAPANESE), before=paragraphs("Before", 8, JAPANESE))
    assert [p.split(".")[0] for p in ours(html) if p.startswith("After")] == [f"After {i}" for i in range(4)]


def test_junk_by_name_inside_a_spared_wrapper_still_goes():
    """Inside the spared wrapper, a widget is judged on its own: its blurb is prose, but most of its text is links."""
    blurb = "".join(f"<p>About us {i}. {SENTENCE}</p>" for i in range(3))
    links = "".join(f"<li><a href='/section-{i}'>Section {i}</a></li>" for i in range(30))
    kept = ours(page(paragraphs("After", 4) + f"<div class='widget-area'>{blurb}<ul>{links}</ul></div>"))
    assert not any(p.startswith(("About us", "Section")) for p in kept)
    assert any(p.startswith("After 3") for p in kept)


def test_stock_trafilatura_stays_stock_around_our_extraction():
    original = trafilatura.main_extractor.OVERALL_DISCARD_XPATH
    ours(page(paragraphs("After", 4)))
    assert trafilatura.main_extractor.OVERALL_DISCARD_XPATH is original
    with pytest.raises(RuntimeError), prose_guard.sparing_prose():
        assert trafilatura.main_extractor.OVERALL_DISCARD_XPATH is prose_guard.GUARDED
        raise RuntimeError("trafilatura failed")
    assert trafilatura.main_extractor.OVERALL_DISCARD_XPATH is original
