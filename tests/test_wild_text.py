"""trafilatura's last-resort recovery, on pages without a content container: headings and lists are kept, and the
rescues after it are decided as stock trafilatura decides them."""

from datetime import UTC, datetime

import pytest
from test_extraction import recall_retries

from worker.core.extraction import extract
from worker.core.model import Page

NOW = datetime(2024, 6, 1, tzinfo=UTC)
LEAD = "Choosing a website builder for a small business is hard, and the platform shapes what the site can do. "
ITEMS = ["Customize your branding", "Scale as your business grows", "Keep load times fast", "Rank in search engines"]


def builder_page() -> str:
    """A page builder's blog post: classed <div>s all the way down, no <article>, no "content" or "post" class."""
    items = "".join(f"<li>{item}</li>" for item in ITEMS)
    return ("<html><head><title>Which website builder</title></head><body>"
            "<div class='navbar w-nav'><a href='/'>Home</a> <a href='/blog'>Blog</a> <a href='/demo'>Demo</a></div>"
            "<div class='section blog-template'><div class='container w-container'><div class='left-side-wrapper'>"
            f"<div class='richtext-presentation w-richtext'><p>{LEAD * 3}</p>"
            "<h3><strong>Why the right builder matters</strong></h3>"
            "<figure class='w-richtext-figure-type-image'><div><img src='/a.png' alt=''></div></figure>"
            f"<p>The builder you select affects your ability to:</p><ul role='list'>{items}</ul>"
            "<h4>Wix</h4><p>Wix is a drag-and-drop builder that suits first sites and small shops well.</p>"
            f"</div></div></div></div></body></html>")


def test_a_page_built_of_divs_keeps_its_subheads_and_bullet_lists_in_place():
    """Regression: trafilatura's recovery, which such pages go through, took paragraphs only; every subhead
    and bullet list was lost, the paragraphs around them kept."""
    paragraphs = list(extract(Page("https://builder.example.com/blog/which", builder_page(), None), NOW,
                              50_000).paragraphs)
    where = {text: next(i for i, p in enumerate(paragraphs) if text in p)
             for text in ["Choosing a website", "Why the right builder matters", "affects your ability", *ITEMS,
                          "Wix", "drag-and-drop"]}
    assert list(where.values()) == sorted(where.values())  # all there, in the page's order
    assert not any("Demo" in paragraph for paragraph in paragraphs)


def menu_page(menu_links: int) -> str:
    """A landing page without a content container: a lead and a bullet list, and a menu in a plain <div>, which
    trafilatura's page measure reads. Only a large menu makes the lead a small share of the page."""
    items = "".join(f"<li>Benefit number {i} of the plan, explained in a line.</li>" for i in range(12))
    menu = "".join(f"<a href='/plans/{i}'>Insurance plan number {i} for families</a> " for i in range(menu_links))
    return ("<html><head><title>Pet insurance</title></head><body>"
            f"<div class='header-flyout'>{menu}</div><div class='hero'>"
            f"<p>{'Cover for vets, tests and surgery for your dog or cat. ' * 11}</p><ul>{items}</ul></div></body></html>")


@pytest.mark.parametrize("menu_links", [0, 90])
def test_headings_and_lists_recovered_do_not_stop_the_recall_retry_stock_trafilatura_makes(monkeypatch,
                                                                                          menu_links):
    """The recall retry fires on a short text that covers little of the page. Counted with the list it
    recovered, the lead would no longer look short, and the retry that stock trafilatura makes would not fire."""
    import trafilatura

    html = menu_page(menu_links)
    stock = recall_retries(monkeypatch, lambda: trafilatura.bare_extraction(html))
    ours = recall_retries(monkeypatch, lambda: extract(Page("https://example.com/pet", html, None), NOW, 50_000))
    assert (ours, stock) == ((1, 1) if menu_links else (0, 0))
