"""readability runs only where its text could replace trafilatura's: the output stays trafilatura's own."""

from contextlib import nullcontext

import pytest
import trafilatura
import trafilatura.core
import trafilatura.external
from trafilatura.utils import load_html

from worker.core.extraction import TRAFILATURA
from worker.core.readability_gate import readability_when_it_can_win

SENTENCE = ("The council voted on Tuesday to rebuild the harbour wall before the winter storms, after engineers"
            " found that the old stones had shifted by more than a hand's width since the spring.")
ARTICLE = "".join(f"<p>Paragraph {i}. {SENTENCE}</p>" for i in range(6))
MENU = "".join(f"<li><a href='/section-{i}'>Section {i} of the site</a></li>" for i in range(60))
# The article is most of the page: readability's text, a part of the page, cannot be twice trafilatura's
WELL_FORMED = f"<html><body><article><h1>Harbour wall</h1>{ARTICLE}</article></body></html>"
# trafilatura's text is a small part of the page, or it has no paragraphs: readability may win
MOSTLY_MENU = f"<html><body><div class='menu'><ul>{MENU}</ul></div><article>{ARTICLE[:600]}</article></body></html>"
NO_PARAGRAPHS = ("<html><body><div class='content'><table>" + "".join(
    f"<tr><td>Row {i}. {SENTENCE}</td></tr>" for i in range(6)) + "</table></div></body></html>")


@pytest.fixture
def readability_calls(monkeypatch) -> list[object]:
    calls = []
    real = trafilatura.external.try_readability

    def counted(tree):
        calls.append(tree)
        return real(tree)

    monkeypatch.setattr(trafilatura.external, "try_readability", counted)
    return calls


def body_text(html: str, gated: bool) -> str:
    with readability_when_it_can_win() if gated else nullcontext():
        document = trafilatura.bare_extraction(load_html(html), options=TRAFILATURA)
    return " ".join(document.body.itertext())


def test_readability_is_skipped_where_it_cannot_win_and_the_text_is_the_same(readability_calls):
    stock = body_text(WELL_FORMED, gated=False)
    assert len(readability_calls) == 1
    assert body_text(WELL_FORMED, gated=True) == stock
    assert len(readability_calls) == 1  # not run again
    assert "Paragraph 5" in stock


@pytest.mark.parametrize("html", [MOSTLY_MENU, NO_PARAGRAPHS])
def test_readability_runs_where_it_could_win(readability_calls, html):
    stock = body_text(html, gated=False)
    assert body_text(html, gated=True) == stock
    assert len(readability_calls) == 2


def test_the_patches_are_undone_after_the_block_even_when_it_raises(readability_calls):
    comparison, readability = trafilatura.core.compare_extraction, trafilatura.external.try_readability
    with pytest.raises(RuntimeError), readability_when_it_can_win():
        assert trafilatura.core.compare_extraction is not comparison
        raise RuntimeError("extraction failed")
    assert trafilatura.core.compare_extraction is comparison
    body_text(WELL_FORMED, gated=True)
    assert trafilatura.external.try_readability is readability
