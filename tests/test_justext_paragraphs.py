import justext.core
import justext.utils
import pytest
import trafilatura.external
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from worker.core import justext_paragraphs
from worker.core.justext_paragraphs import ParagraphMaker, faster_justext, normalize_whitespace

FIELDS = ("dom_path", "xpath", "text", "chars_count_in_links", "tags_count", "cf_class", "class_type", "heading")
STOPLIST = trafilatura.external.JT_STOPLIST or trafilatura.external.jt_stoplist_init()

# The layouts jusText splits: bare text and <br><br> in a <div>, a lone <br> (a space, not text: no paragraph),
# links inside and around text, headings, a form's select, a comment and a processing instruction between
# texts (their tails are text), tables, and boilerplate around a long article paragraph.
PAGE = """<html><body>
<div class="top"><a href="/">Home</a> | <a href="/news">News</a></div>
<h2>A heading of the story</h2>
<div>Bare text of the first line<br><br>after two breaks, a new paragraph<br>and one break inside it</div>
<div><br></div><div> <br> </div>
<p>The council voted on Tuesday to approve the new budget for the coming year, which includes funds for the
repair of the old bridge and for the schools of the district, after a long debate in which the members of the
opposition said that the taxes were too high and that the money would not be enough for what was promised.</p>
<p>Text before a comment<!-- hidden --> and after it<?php echo 1; ?> and after a processing instruction.</p>
<form><select><option>One choice</option><option>Another</option></select></form>
<table><tr><td>a cell with words</td><td><a href="/x">a linked cell</a></td></tr></table>
<p>&copy; 2024 The Daily Example, all rights reserved.</p>
<ul><li><a href="/a">Most popular story one</a></li><li><a href="/b">Most popular story two</a></li></ul>
</body></html>"""


def paragraphs(maker, tree) -> list[tuple]:
    made = maker.make_paragraphs(tree)
    justext.core.classify_paragraphs(made, STOPLIST, 50, 150, 0.1, 0.2, 0.25, True)
    justext.core.revise_paragraph_classification(made, 150)
    return [tuple(getattr(paragraph, field) for field in FIELDS) for paragraph in made]


def test_the_paragraphs_are_justexts_on_a_written_page():
    tree = html.fromstring(PAGE)
    ours = paragraphs(ParagraphMaker, tree)
    assert ours == paragraphs(justext.core.ParagraphMaker, tree)
    texts = [paragraph[2] for paragraph in ours]
    assert "Bare text of the first line" in texts
    assert "after two breaks, a new paragraph and one break inside it" in texts
    assert "Text before a comment and after it and after a processing instruction." in texts
    assert {paragraph[5] for paragraph in ours} >= {"good", "bad"}  # the page exercises both classes


def test_a_lone_line_break_makes_no_paragraph():
    tree = html.fromstring("<html><body><div><br></div><p>text</p></body></html>")
    assert [paragraph.text for paragraph in ParagraphMaker.make_paragraphs(tree)] == ["text"]


TAGS = ["div", "p", "a", "br", "span", "h2", "td", "select", "b", "li"]
WORDS = st.sampled_from(["", " ", "\n", "the", "Budget of", "  and\r\n the  ", "\xa0x\t", "©", "a b c d e f"])


@st.composite
def trees(draw, depth=0):
    element = etree.Element(draw(st.sampled_from(TAGS)))
    element.text = draw(WORDS) or None
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        child = draw(trees(depth + 1)) if draw(st.booleans()) else etree.Comment("c")
        child.tail = draw(WORDS) or None
        element.append(child)
    return element


@settings(max_examples=300, deadline=None)
@given(trees())
def test_the_paragraphs_are_justexts_on_random_trees(root):
    assert paragraphs(ParagraphMaker, root) == paragraphs(justext.core.ParagraphMaker, root)


@given(st.text(alphabet=" \t\n\r\xa0\u2029ab", max_size=30))
def test_whitespace_is_normalized_as_justext_does(text):
    assert normalize_whitespace(text) == justext.utils.normalize_whitespace(text)


def test_trafilatura_uses_the_maker_inside_the_block_only():
    stock = trafilatura.external.ParagraphMaker
    with faster_justext():
        assert trafilatura.external.ParagraphMaker is justext_paragraphs.ParagraphMaker
    assert trafilatura.external.ParagraphMaker is stock is justext.core.ParagraphMaker


@pytest.mark.parametrize("text", ["one  two", "one \n two", "one\r\ntwo", " lead and trail "])
def test_a_paragraph_text_is_normalized_once_complete(text):
    tree = html.fromstring(f"<html><body><p>{text}</p></body></html>")
    ours, = ParagraphMaker.make_paragraphs(tree)
    stock, = justext.core.ParagraphMaker.make_paragraphs(tree)
    assert ours.text == stock.text
