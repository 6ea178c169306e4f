"""A listing's text: every item of its main landmark, where trafilatura keeps one card or one block of them."""

from __future__ import annotations

import random

from lxml import html as lxml_html

from tests.factories import WORDS, sentence
from tests.test_page_types import EVERY_TYPE, run, shell
from worker.core.listings import listing_paragraphs
from worker.core.model import Article, DeadLetter, PageType

URL = "https://www.example.com/recipes/"


def headline(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()


def recipe_index(landmark: str = "<main class='site-main'>", end: str = "</main>") -> tuple[str, list[str]]:
    """A section front as recipe and shop sites build them: an introduction of a few prose lines, then a filter
    form and plain <div> cards of a linked title and a teaser, inside the page's main landmark."""
    rng = random.Random(21)
    titles = [headline(rng) for _ in range(14)]
    cards = "".join(
        f"<div class='card'><a class='card__link' href='/recipes/{i}-{title.lower().replace(' ', '-')}'>"
        f"<span class='card__title'>{title}</span></a><div class='card__teaser'>{sentence(rng, 9)}</div></div>"
        for i, title in enumerate(titles)
    )
    intro = f"<div class='intro-content'><h1>Recipes</h1><p>{sentence(rng, 40)}</p><p>{sentence(rng, 35)}</p></div>"
    form = "<form class='filters'><label>Sort by</label><select><option>Newest first</option></select></form>"
    return shell(f"{landmark}{intro}{form}<div class='card-grid'>{cards}</div>{end}"), titles


def test_a_listing_keeps_every_item_of_its_main_landmark_and_no_filter_controls():
    page, titles = recipe_index()
    outcome = run(URL, page, EVERY_TYPE)
    assert isinstance(outcome, Article) and outcome.page_type is PageType.LISTING
    assert all(title in outcome.text for title in titles)
    assert "Sort by" not in outcome.text and "Newest first" not in outcome.text
    assert "Home" not in outcome.text  # the site's header is outside the landmark


def test_an_element_with_the_main_role_is_the_landmark_too():
    page, titles = recipe_index("<div role='main' class='content-area'>", "</div>")
    outcome = run(URL, page, EVERY_TYPE)
    assert isinstance(outcome, Article) and all(title in outcome.text for title in titles)


def test_listings_not_published_are_refused_as_before():
    outcome = run(URL, recipe_index()[0])
    assert isinstance(outcome, DeadLetter) and outcome.page_type is PageType.LISTING


def test_an_extraction_that_covers_the_landmark_stands():
    tree = lxml_html.fromstring("<html><body><main><h2>Ferry times</h2><p>Boats leave every hour from the pier.</p>"
                                "</main></body></html>")
    assert listing_paragraphs(tree, ("Boats leave every hour from the pier.",)) is None
    assert listing_paragraphs(tree, ("Ferry times",)) == ("Ferry times", "Boats leave every hour from the pier.")


def test_without_a_single_landmark_the_extraction_stands():
    two = lxml_html.fromstring("<html><body><main><p>One block of text</p></main><main><p>Another one</p></main>"
                               "</body></html>")
    none = lxml_html.fromstring("<html><body><div><p>One block of text</p></div></body></html>")
    assert listing_paragraphs(two, ()) is None and listing_paragraphs(none, ()) is None


def test_bare_text_and_tails_in_the_landmark_are_blocks_of_their_own():
    tree = lxml_html.fromstring("<html><body><main>Weekly menus<div><a href='/a'>Soup</a> with bread</div>"
                                "<button>Load more</button></main></body></html>")
    assert listing_paragraphs(tree, ()) == ("Weekly menus", "Soup", "with bread")
