"""Extraction: what is read from the whole page before parts of it are taken out for trafilatura."""

from datetime import UTC, datetime

import pytest

from worker.core.extraction import _link_texts, extract
from worker.core.model import Page
from worker.core.parsing import parse_html

NOW = datetime(2024, 6, 1, tzinfo=UTC)
PARAGRAPHS = "".join(f"<p>Paragraph {i} tells how the harbour budget grew this year and who voted for it.</p>"
                     for i in range(6))


def test_an_articles_own_footer_still_gives_its_byline_and_date_but_not_its_text():
    html = ("<html><head><title>Harbour budget grows</title></head><body><article><h1>Harbour budget grows</h1>"
            f"{PARAGRAPHS}<footer class='entry-meta'>Posted on <time datetime='2023-03-04T10:00:00+00:00' pubdate>"
            "March 4, 2023</time> by <span class='author'>Jane Doe</span></footer></article></body></html>")
    extraction = extract(Page(url="https://news.example.com/budget", html=html, fetched_at=None), NOW, 50_000)
    assert extraction.metadata.authors == ("Jane Doe",)
    assert extraction.metadata.published_at.local() == "2023-03-04T10:00:00+00:00"
    assert not any("Posted on" in paragraph for paragraph in extraction.paragraphs)


def test_links_to_the_same_host_are_internal_whatever_their_spelling():
    links = {"/relative": "Relative", "https://Example.com/a": "Upper case", "https://example.com:443/b": "Port",
             "//example.com/c": "Scheme-relative", "https://example.com?q=1": "Query", "https://other.org/d": "Elsewhere"}
    tree = parse_html("<html><body>" + "".join(f"<a href='{href}'>{text}</a>" for href, text in links.items())
                      + "</body></html>")
    assert _link_texts(tree, "https://example.com/x") == set(links.values()) - {"Elsewhere"}


def test_a_page_wrapped_in_a_menu_or_sidebar_keeps_its_article():
    """Regression: real pages leave a <nav> open, or wrap the whole layout in an <aside>, so the parser nests the
    article inside it; the menu was dropped and the article with it (no_content)."""
    for wrapper in ("nav", "aside", "footer"):
        html = (f"<html><head><title>Harbour budget grows</title></head><body><{wrapper} class='site'>"
                "<a href='/'>Home</a><a href='/world'>World</a><div class='post'><h2>Harbour budget grows</h2>"
                f"{PARAGRAPHS}</div></body></html>")  # left open: everything after it is inside
        extraction = extract(Page(url="https://news.example.com/budget", html=html, fetched_at=None), NOW, 50_000)
        assert any("Paragraph 3 tells" in p for p in extraction.paragraphs), wrapper


def test_a_small_menu_and_sidebar_still_leave():
    html = ("<html><head><title>Harbour budget grows</title></head><body><nav><a href='/'>Home page link</a></nav>"
            f"<article><h1>Harbour budget grows</h1>{PARAGRAPHS}</article>"
            "<aside><h3>Sidebar widget title</h3><p>A sidebar note that is not part of the story at all.</p></aside>"
            "</body></html>")
    extraction = extract(Page(url="https://news.example.com/budget", html=html, fetched_at=None), NOW, 50_000)
    assert not any("sidebar" in p.lower() or "Home page" in p for p in extraction.paragraphs)


def test_a_short_aside_beside_the_headline_gives_the_date_and_byline_but_no_text():
    """Blog and CMS themes put the post's date and author in a small <aside> ("post meta"); dropped with the
    sidebars, the date came from the copyright line (2026-01-01) and the author was lost."""
    html = ("<html><head><title>Harbour budget grows</title></head><body><article><h1>Harbour budget grows</h1>"
            "<aside class='post-meta'><time datetime='2023-09-01T18:27:56Z'>Sep 01, 2023</time></aside>"
            "<aside class='post-author'><span class='author'>Katie Liguori</span></aside>"
            f"{PARAGRAPHS}</article><aside class='sidebar'><h3>Recent posts</h3>"
            + "".join(f"<p>Another post {i} <time datetime='2024-0{i}-02'>2 May</time> by Sam Other</p>" for i in range(1, 8))
            + "</aside><div class='footer'>© 2024 Harbour News</div></body></html>")
    extraction = extract(Page(url="https://news.example.com/budget", html=html, fetched_at=None), NOW, 50_000)
    assert extraction.metadata.published_at.day.isoformat() == "2023-09-01"
    assert extraction.metadata.authors == ("Katie Liguori",)
    assert not any("Katie" in p or "Sep 01" in p or "Another post" in p for p in extraction.paragraphs)


def test_scripts_leave_before_trafilatura_but_json_ld_stays_for_it():
    """trafilatura deletes scripts from each of its three to five copies of the page; taken out first, they are
    not copied. It reads forum threads and article bodies from JSON-LD, which stays."""
    html = ("<html><head><title>Harbour budget grows</title><script>var tracker = 'Paragraph 9 tells';</script>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Harbour budget grows\"}"
            f"</script></head><body><article><h1>Harbour budget grows</h1>{PARAGRAPHS}"
            "<script>document.write('Paragraph 8 tells of a tracker')</script></article></body></html>")
    extraction = extract(Page(url="https://news.example.com/budget", html=html, fetched_at=None), NOW, 50_000)
    assert [script.get("type") for script in extraction.page.iter("script")] == ["application/ld+json"]
    assert extraction.metadata.title == "Harbour budget grows"
    assert not any("tracker" in paragraph for paragraph in extraction.paragraphs)


def menu_page(menu_links: int) -> str:
    """A service page's short lead, a menu of `menu_links` links (the one in the footer is measured away by
    trafilatura's own cleaning) and a long footer: only a large menu makes the lead a small share of the page."""
    menu = "".join(f"<a href='/plans/{i}'>Insurance plan number {i} for families</a> " for i in range(menu_links))
    footer = "".join(f"<p>Footer line {i} about the company, its offices and its many careers.</p>" for i in range(60))
    return ("<html><head><title>Pet insurance</title></head><body>"
            f"<nav class='header-flyout'>{menu}</nav><main><h1>Pet insurance</h1><p>{'Cover for vets. ' * 30}</p></main>"
            f"<footer><nav class='footer-menu'>{menu}</nav>{footer}</footer></body></html>")


def recall_retries(monkeypatch, run) -> int:
    import trafilatura.core

    calls = []
    retry = trafilatura.core._recall_retry
    monkeypatch.setattr(trafilatura.core, "_recall_retry", lambda *args: calls.append(1) or retry(*args))
    run()
    return len(calls)


@pytest.mark.parametrize("menu_links", [2, 60])
def test_menus_taken_out_first_do_not_change_whether_trafilatura_retries_in_recall_mode(monkeypatch, menu_links):
    """trafilatura retries a short text in recall mode when it covers under a fifth of the page, as its own
    cleaning measures the page: menus included. Regression: our menus left before it measured, so the page
    looked small and service, forum and landing pages lost the sections that the retry finds (stock found
    them)."""
    import trafilatura

    html = menu_page(menu_links)
    stock = recall_retries(monkeypatch, lambda: trafilatura.bare_extraction(html))
    ours = recall_retries(monkeypatch, lambda: extract(Page("https://example.com/pet", html, None), NOW, 50_000))
    assert (ours, stock) == ((1, 1) if menu_links == 60 else (0, 0))
