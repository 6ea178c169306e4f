"""Parsing: the cheap parser keeps what trafilatura's own loader would give."""

import pytest
from lxml.html import HtmlElement

from tests.factories import article_html
from worker.core.parsing import _body_to_the_end, parse_html

PARAGRAPHS = ["The council met on Tuesday to agree the harbour budget for the coming winter season."] * 3


def body_text(html: str) -> str:
    tree = parse_html(html)
    assert tree is not None
    return " ".join(tree.find("body").text_content().split())


def test_every_element_is_an_html_element_without_a_python_lookup():
    tree = parse_html(article_html("Budget", PARAGRAPHS, extra_body="<form><input name='q'><label>Q</label></form>"))
    classes = {type(element) for element in tree.iter() if isinstance(element.tag, str)}
    assert classes == {HtmlElement}  # lxml.html would make FormElement, InputElement, LabelElement


@pytest.mark.parametrize("prologue", [
    '<?xml version="1.0" encoding="utf-8"?>\n',  # lxml refuses a str that declares an encoding
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n',
    "\n\n   ",
    '<!DOCTYPE html>\n<html lang="en" />\n',  # a self-closed html tag: libxml2 would stop there
])
def test_prologues_do_not_lose_the_page(prologue):
    assert PARAGRAPHS[0] in body_text(prologue + article_html("Budget", PARAGRAPHS))


def test_a_fragment_without_html_tags_parses():
    assert body_text("<p>Just a paragraph about the harbour.</p>") == "Just a paragraph about the harbour."


@pytest.mark.parametrize("html", ["", "   ", "\n"])
def test_nothing_to_parse_is_none(html):
    assert parse_html(html) is None


def test_text_past_the_parsers_depth_limit_is_kept_even_after_plenty_of_text():
    intro = "".join(f"<p>Intro paragraph {i} about the harbour budget and the council vote.</p>" for i in range(20))
    deep = "<div>" * 300 + "<p>The deepest paragraph still belongs to the article.</p>" + "</div>" * 300
    assert "The deepest paragraph" in body_text(f"<html><body>{intro}{deep}</body></html>")


def test_content_after_the_documents_end_tags_is_in_the_body():
    """Regression: a template printed the site's shell, `</body></html>` and then the article; libxml2 dropped
    everything after the end tags, where browsers parse it into the body (the article was `no_content`)."""
    shell = "<html><head><title>HR outsourcing</title></head><body><nav><a href='/'>Home</a></nav></body></html>\n"
    tree = parse_html(shell + "<div class='post'><h1>Six types of HR outsourcing</h1><p>HR is about people.</p></div>")
    body = tree.find("body")
    assert body.findtext(".//h1") == "Six types of HR outsourcing"
    assert "HR is about people." in body.text_content()


def test_a_page_that_ends_with_its_end_tags_is_parsed_as_it_is():
    html = article_html("Harbour budget grows", ["The council voted on Monday."]) + "\n  \n"
    assert "</body>" in html
    assert _body_to_the_end(html) is html
