"""Article bodies split across same-class sibling containers come back whole, and nothing comes back twice."""

from worker.core.chunks import add_continuations
from worker.core.parsing import parse_html

SENTENCE = ("The harbour board voted on the new budget after a long debate about the cost of dredging the channel,"
            " the price of fuel for the pilot boats and the wages of the twelve people who keep the lighthouse running")


def chunk(n: int) -> str:
    return "".join(f"<p>Chunk {n} paragraph {i}. {SENTENCE}.</p>" for i in range(2))


def page(*blocks: str) -> str:
    return f"<html><body><article><h1>Budget</h1><div class='body'>{''.join(blocks)}</div></article></body></html>"


def test_the_chunks_after_the_extracted_one_are_added_in_page_order():
    tree = parse_html(page(*(f"<div class='article__chunk'>{chunk(n)}</div>" for n in range(3))))
    first = [f"Chunk 0 paragraph {i}. {SENTENCE}." for i in range(2)]
    result = add_continuations(tree, first)
    assert [p.split(".")[0] for p in result] == [f"Chunk {n} paragraph {i}" for n in range(3) for i in range(2)]


def test_the_extracted_containers_own_text_is_not_added_again_however_trafilatura_cut_it():
    """Regression: trafilatura joined a heading to its paragraph ("How to startThe board…"), so the container's
    own <p>s matched no extracted paragraph and were all appended: every such article came out twice."""
    body = (f"<div class='entry-content'><h3>How to start</h3><p>The first. {SENTENCE}. {SENTENCE}.</p><p>Second one. {SENTENCE}"
            f" again.</p><p>Third one. {SENTENCE} once more.</p></div>")
    tree = parse_html(page(body))
    extracted = [f"How to startThe first. {SENTENCE}. {SENTENCE}.", f"Second one. {SENTENCE} again.",
                 f"Third one. {SENTENCE} once more."]
    assert add_continuations(tree, extracted) == extracted


def test_small_same_class_teasers_are_not_continuations():
    teasers = "".join(f"<div class='article__chunk'><p>Read next: story {i}</p></div>" for i in range(4))
    tree = parse_html(page(f"<div class='article__chunk'>{chunk(0)}</div>", teasers))
    first = [f"Chunk 0 paragraph {i}. {SENTENCE}." for i in range(2)]
    assert add_continuations(tree, first) == first


def test_a_chunk_trafilatura_already_took_joined_into_one_paragraph_is_not_added_again():
    tree = parse_html(page(*(f"<div class='article__chunk'>{chunk(n)}</div>" for n in range(2))))
    extracted = [f"Chunk 0 paragraph 0. {SENTENCE}.", f"Chunk 0 paragraph 1. {SENTENCE}.",
                 f"Chunk 1 paragraph 0. {SENTENCE}. Chunk 1 paragraph 1. {SENTENCE}."]
    assert add_continuations(tree, extracted) == extracted
