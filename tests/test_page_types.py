"""Page types: what a page declares, where it sits in its site and the shape of its text, on pages written
in the layouts real sites use (cards in plain <div>s, JSON-LD in the head, no semantic markup)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import orjson
import pytest

from tests.factories import WORDS, article_html, envelope, sentence
from worker.core.model import Article, DeadLetter, Limits, Origin, PageType, RawRecord, Reason
from worker.core.page_types import detect
from worker.core.pipeline import process
from worker.settings import Settings

NOW = datetime(2026, 12, 1, tzinfo=UTC)
EVERY_TYPE = frozenset(PageType)


def run(url: str, page: str, published: frozenset[PageType] | None = None):
    record = RawRecord(Origin("pages", 0, 0), None, envelope(url, html=page))
    return process(record, Limits(), NOW, published) if published else process(record, Limits(), NOW)


def shell(body: str, head: str = "", title: str = "The Daily Example") -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><div class='header'><a href='/'>Home</a> <a href='/science/'>Science</a></div>{body}"
            "<div class='site-footer'>© The Daily Example</div></body></html>")


def json_ld(**obj) -> str:
    return f"<script type='application/ld+json'>{orjson.dumps({'@context': 'https://schema.org', **obj}).decode()}</script>"


def section_page(items: int = 12) -> str:
    """A section front: a grid of cards, each a linked headline and a one-line teaser."""
    rng = random.Random(7)
    cards = []
    for i in range(items):
        headline = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
        slug = headline.lower().replace(" ", "-")
        cards.append(f"<div class='card card--small'><a class='card__link' href='/science/2024/03/{i:02d}/{slug}'>"
                     f"<div class='card__title'>{headline}</div></a>"
                     f"<div class='card__teaser'>{sentence(rng, 16)}</div><span class='card__date'>5 March</span></div>")
    return shell(f"<div class='page'><h1>Science</h1><div class='grid'>{''.join(cards)}</div></div>")


def forum_thread() -> str:
    rng = random.Random(3)
    posts = "".join(
        f"<div class='post' id='post-{i}'><div class='post-author'><span class='username'>user{i}</span></div>"
        f"<div class='post-body'>{' '.join(sentence(rng) for _ in range(3))}</div></div>" for i in range(6)
    )
    head = json_ld(**{"@type": "DiscussionForumPosting", "headline": "Harbour ferry timetable thoughts",
                      "author": {"@type": "Person", "name": "user0"}, "datePublished": "2024-03-05T10:00:00Z"})
    return shell(f"<div class='thread'><h1>Harbour ferry timetable thoughts</h1>{posts}</div>", head)


def product_page() -> str:
    rng = random.Random(5)
    head = json_ld(**{"@type": "Product", "name": "Harbour Rain Jacket",
                      "offers": {"@type": "Offer", "price": "89.00", "priceCurrency": "EUR"}})
    head += "<meta property='og:type' content='product'>"
    body = ("<div class='product'><h1>Harbour Rain Jacket</h1><div class='price'>€89.00</div>"
            f"<div class='description'>{' '.join(sentence(rng) for _ in range(5))}</div>"
            "<button class='add-to-cart'>Add to cart</button></div>")
    return shell(body, head)


def docs_page() -> str:
    rng = random.Random(9)
    steps = "".join(f"<p>{sentence(rng, 20)} {sentence(rng, 18)}</p><pre><code>worker run --step {i}</code></pre>"
                    for i in range(5))
    return shell(f"<div class='doc-content'><h1>Installing the worker</h1>{steps}</div>")


def long_article(paragraphs: int = 9) -> str:
    rng = random.Random(11)
    return article_html("About our harbour", [" ".join(sentence(rng) for _ in range(3)) for _ in range(paragraphs)])


def test_a_section_front_of_cards_is_a_listing_and_is_not_published_by_default():
    outcome = run("https://www.example.com/science/", section_page())
    assert isinstance(outcome, DeadLetter) and outcome.reason is Reason.NOT_ARTICLE
    assert outcome.page_type is PageType.LISTING and "listing" in outcome.message


def test_a_listing_is_published_with_its_type_when_listings_are_asked_for():
    outcome = run("https://www.example.com/science/", section_page(), EVERY_TYPE)
    assert isinstance(outcome, Article) and outcome.page_type is PageType.LISTING


def test_a_page_that_declares_a_collection_is_a_listing():
    rng = random.Random(2)
    items = "".join(f"<div class='tile'><a href='/p/{i}'>{sentence(rng, 5)}</a><div class='price'>€{i}9</div></div>"
                    for i in range(20))
    page = shell(f"<div class='collection'><h1>Wool socks</h1><div>{sentence(rng, 25)}</div>{items}</div>",
                 json_ld(**{"@type": "CollectionPage", "name": "Wool socks"}))
    assert detect_page(page, "https://shop.example.com/collections/wool-socks") is PageType.LISTING


def test_a_forum_thread_is_a_forum_page():
    outcome = run("https://boards.example.com/harbour/ferry-timetable-thoughts", forum_thread(), EVERY_TYPE)
    assert isinstance(outcome, Article) and outcome.page_type is PageType.FORUM
    refused = run("https://boards.example.com/harbour/ferry-timetable-thoughts", forum_thread())
    assert isinstance(refused, DeadLetter) and refused.page_type is PageType.FORUM


def test_forum_software_urls_say_forum_without_any_declaration():
    assert detect(frozenset(), "https://example.com/forums/topic/ferry", (), frozenset()).page_type is PageType.FORUM
    assert detect(frozenset(), "https://forum.example.com/12345-ferry", (), frozenset()).page_type is PageType.FORUM


def test_a_product_page_is_a_product():
    assert detect_page(product_page(), "https://shop.example.com/harbour-rain-jacket") is PageType.PRODUCT


def test_a_review_article_that_also_declares_the_product_is_an_article():
    rng = random.Random(12)
    head = (json_ld(**{"@type": "NewsArticle", "headline": "Harbour Rain Jacket review"})
            + json_ld(**{"@type": "Product", "name": "Harbour Rain Jacket"}))
    body = "".join(f"<p>{sentence(rng, 30)}</p>" for _ in range(6))
    page = shell(f"<div class='review'><h1>Harbour Rain Jacket review</h1>{body}</div>", head)
    assert detect_page(page, "https://example.com/reviews/harbour-rain-jacket-review") is PageType.ARTICLE


def test_a_documentation_site_is_documentation():
    assert detect_page(docs_page(), "https://docs.example.dev/getting-started/install") is PageType.DOCUMENTATION
    assert detect_page(docs_page(), "https://example.dev/docs/install") is PageType.DOCUMENTATION


def test_an_article_at_a_short_url_with_much_prose_is_an_article():
    assert isinstance(run("https://www.example.com/about", long_article()), Article)


def test_a_declared_article_of_short_paragraphs_at_a_headline_url_is_published():
    rng = random.Random(4)
    tips = [sentence(rng, 10) for _ in range(14)]  # a list of tips, each a line
    page = article_html("Fourteen ways to keep warm on the harbour ferry", tips)
    url = "https://www.example.com/life/fourteen-ways-to-keep-warm-on-the-harbour-ferry"
    outcome = run(url, page)
    assert isinstance(outcome, Article) and outcome.page_type is PageType.ARTICLE


@pytest.mark.parametrize("value, expected", [
    ("article", {PageType.ARTICLE}),
    ("article, forum,documentation", {PageType.ARTICLE, PageType.FORUM, PageType.DOCUMENTATION}),
])
def test_the_page_types_setting_names_what_is_published(value, expected):
    assert Settings(page_types=value).published_types == expected


@pytest.mark.parametrize("value", ["", "articles", "article,blog"])
def test_an_unknown_page_type_is_refused_with_the_names_allowed(value):
    with pytest.raises(ValueError, match="--page-types takes .*article, forum"):
        Settings(page_types=value)


def detect_page(page: str, url: str) -> PageType:
    outcome = run(url, page, EVERY_TYPE)
    assert isinstance(outcome, Article), outcome
    return outcome.page_type



def test_a_grid_of_priced_product_cards_is_a_listing_whatever_its_introduction():
    rng = random.Random(8)
    intro = "".join(f"<p>{sentence(rng, 40)}</p>" for _ in range(3))  # prose enough for an article on its own
    tiles = "".join(f"<div class='product-tile'><a href='/p/{i}'>{sentence(rng, 5)}</a>"
                    f"<span class='product-price'>€{i}9.00</span></div>" for i in range(40))
    page = shell(f"<div class='category'><h1>Camping tents</h1>{intro}<div class='grid'>{tiles}</div></div>")
    assert detect_page(page, "https://shop.example.com/c/camping-tents") is PageType.LISTING
    without_grid = shell(f"<div class='category'><h1>Camping tents</h1>{intro}</div>")
    assert detect_page(without_grid, "https://shop.example.com/c/camping-tents") is PageType.ARTICLE


@pytest.mark.parametrize("url", [
    "https://www.example.com/ferry",
    "https://www.example.com/2024/03/ferry-late-again-for-the-third-week",
    "http://www.example.com/view.php?ud=20240305000846",  # the seed's URL shape: the id in the query
])
def test_a_short_undeclared_story_in_plain_divs_is_an_article_at_any_url(url):
    rng = random.Random(6)
    body = "".join(f"<p>{sentence(rng, 15)}</p>" for _ in range(6))  # short paragraphs, no type, no date
    assert detect_page(shell(f"<div class='story'><h1>Ferry late again</h1>{body}</div>"), url) is PageType.ARTICLE


def test_the_same_words_as_a_page_of_headline_links_are_a_listing():
    rng = random.Random(6)
    items = "".join(f"<li><a href='/2024/03/{i}/ferry-story'>{sentence(rng, 15)}</a></li>" for i in range(6))
    page = shell(f"<div class='story'><h1>Ferry late again</h1><ul>{items}</ul></div>")
    assert detect_page(page, "https://www.example.com/ferry") is PageType.LISTING
