import re

import pytest
import trafilatura.settings
import trafilatura.xpaths
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from worker.core import selections
from worker.core.selections import Untranslatable, translated

# Every expression of trafilatura's that the part of XPath read here covers: the ones replaced and the rest.
TRANSLATABLE = {
    f"{name}[{index}]": xpath
    for name in dir(trafilatura.xpaths) if isinstance(getattr(trafilatura.xpaths, name), list)
    for index, xpath in enumerate(getattr(trafilatura.xpaths, name))
    if isinstance(xpath, etree.XPath) and not xpath.path.lstrip().startswith("//")
    and not xpath.path.lstrip().startswith("(//")
} | {"BASIC_CLEAN_XPATH": trafilatura.settings.BASIC_CLEAN_XPATH}


def replaced_expressions() -> dict[str, etree.XPath]:
    """Every expression we evaluate in Python: those of `REPLACED` (lists or one) and the prose guard's."""
    expressions = {}
    for name, module in [*selections.REPLACED.items(), ("OVERALL_DISCARD_XPATH", trafilatura.xpaths)]:
        value = getattr(module, name)
        for index, xpath in enumerate(value if isinstance(value, list) else [value]):
            expressions[f"{name}[{index}]"] = xpath
    return expressions


def test_every_expression_replaced_is_translated():
    for label, xpath in replaced_expressions().items():
        assert translated(xpath).path == xpath.path, label


# One element per kind of term, and near misses beside them: the wrong tag, the wrong case, the other attribute
# first in `@id|@class`, a missing attribute, a first match with a second after it.
PAGE = """<html><body><div id="page">
<div data-lp-replacement-content="">bare attribute</div><section role="Navigation">translate, N lowered</section>
<span role="NAV">only N is lowered: a miss</span><div data-component="HomeMostPopularStoriesRail">contains</div>
<p id="cookie-note">in the id</p><p class="cookiejar" id="main">the class comes first</p>
<p id="main" class="cookiejar">the id comes first</p><div id="shared">^shar</div><div id="load-ad">in the middle</div>
<div class="post"><div class="entry">equal</div><div class="post entry">not equal</div></div>
<div class="article-body"><p>first</p></div><main class="article-body">second</main>
<div id="Fulltext"><div class="FullText">re:test with the i flag</div></div>
<div id="x" class="Main-Content">translate CM</div><div class="PAGE-content">P lowered, not A</div>
<div class="mainstay">starts-with</div><div class="the main">not at the start</div><main>main</main>
<section class="comment-list"><ol class="comment-list">ol with the class</ol><ul id="disqus_thread">ul, disqus</ul>
<details id="comments">details</details></section>
<div class="infinite-scroll"><h1>held h1</h1></div><aside class="infinite-scroll">no h1</aside>
<div class="mvp-post-add-box"><h1>kept by the second test</h1></div>
<div class="elementor-share-buttons">share</div><span class="Teaser">teaser, T lowered</span>
<p class="caption">caption</p><em style="display: none">display</em><em style="visibility:hidden" id="y">style first</em>
<em aria-hidden="true">aria</em><em aria-hidden="false">aria false</em><b class="x comments-title">title</b>
<header>header</header><article>article</article><cite>cite</cite><quote>quote</quote><div class="bottom-bar link">precision</div>
<div class="site-footer">a footer div</div><div id="cookie-banner">cookie consent</div><script>var x;</script>
<!-- a comment --><em>plain</em>
</div></body></html>"""
# The discard expressions' terms, each alone on an element, with near misses.
DISCARD_PAGE = """<html><body><div id="page">
<div data-lp-replacement-content="">replacement</div>
<section role="Navigation">role, upper case N</section><span role="NAV">role, only N is lowered</span>
<div data-component="HomeMostPopularStoriesRail">data-component</div><div data-component="popular">miss</div>
<p id="cookie-note">cookie in the id</p><p class="cookiejar" id="main">cookie in the class, which comes first</p>
<p id="main" class="cookiejar">cookie in the class, after the id: a miss</p>
<div id="share-bar">id</div><div id="shared">id pattern ^shar</div><div id="ad-slot">id ^ad-</div>
<div id="load-ad-slot">miss: ^ad- in the middle</div>
<div class="right sidebar">class</div><div class="ad">miss: ' ad ' wants spaces</div>
<div class="top ad-slot">class (?:^| )ad-</div><list class="menu">converted list tag</list>
<item class="menu">converted item tag</item>
<a class="sidebar">miss: an a</a><h2 class="widget">miss: an h2</h2>
<h3 class="comments-title">comments title</h3><b class="x comments-title">class pattern</b>
<i id="reply-3">reply id</i><b class="reply-form" id="x">reply class first</b>
<u id="x" class="reply-form">miss: the id comes first</u>
<em id="hidden-box">hidden id</em><em style="visibility:hidden" id="y">hidden style first</em>
<em id="y" style="visibility:hidden">miss: the id comes first</em>
<em style="display:none">display:none</em><em style="color: red; display: none">display: none</em>
<em id="reader-comments">reader comments</em><em class="noprint">noprint</em>
<em aria-hidden="true">aria</em><em class="icon" aria-hidden="true">aria, with a class</em>
<em aria-hidden="false">miss: aria false</em>
<!-- hidden comment --><em>plain</em>
</div></body></html>"""


@pytest.mark.parametrize("page", [PAGE, DISCARD_PAGE])
@pytest.mark.parametrize("name", sorted(TRANSLATABLE))
def test_the_translation_selects_what_the_xpath_selects_in_its_order(name, page):
    tree = html.fromstring(page)
    assert translated(TRANSLATABLE[name])(tree) == TRANSLATABLE[name](tree)


def test_the_written_page_exercises_the_replaced_expressions():
    tree = html.fromstring(PAGE)
    empty = [label for label, xpath in replaced_expressions().items() if not xpath(tree)]
    assert empty == []


def test_the_selections_hold_below_the_root_only():
    """`.//*` selects descendants: the element the call is given stays."""
    tree = html.fromstring('<div class="sidebar" style="display:none"><p>text</p></div>')
    assert [translated(xpath)(tree) for xpath in trafilatura.xpaths.OVERALL_DISCARD_XPATH] == [[], []]


def _literals() -> list[str]:
    """Words of the expressions' strings and patterns, for attribute values that come near them."""
    words = set()
    for xpath in TRANSLATABLE.values():
        for literal in re.findall(r"'([^']*)'", xpath.path):
            words.update(word for word in re.split(r"[^A-Za-z_-]+", literal) if word)
    return sorted(words)


LITERALS = _literals()
ATTRIBUTES = ("id", "class", "style", "role", "aria-hidden", "itemprop", "data-component", "data-lp-replacement-content")
TAGS = ("div", "p", "section", "span", "article", "main", "aside", "list", "item", "ol", "ul", "details", "header",
        "a", "h1", "cite", "quote", "b", "footer", "script", "svg")
word = st.one_of(st.sampled_from(LITERALS), st.sampled_from(LITERALS).map(str.upper),
                 st.sampled_from(LITERALS).map(str.capitalize), st.sampled_from(["", " ", "x", "-", ":", "none"]))
value = st.lists(word, max_size=3).flatmap(lambda words: st.sampled_from([" ", "-", "", ": "]).map(
    lambda separator: separator.join(words)))
attributes = st.lists(st.tuples(st.sampled_from(ATTRIBUTES), value), max_size=3, unique_by=lambda pair: pair[0])
tree_shape = st.recursive(
    st.tuples(st.sampled_from(TAGS), attributes, st.just(())),
    lambda children: st.tuples(st.sampled_from(TAGS), attributes, st.lists(children, max_size=4)),
    max_leaves=25,
)


def _built(shape, parent=None):
    tag, attributes, children = shape
    element = html.Element(tag) if parent is None else etree.SubElement(parent, tag)
    for name, text in attributes:
        element.set(name, text)
    for child in children:
        _built(child, element)
    return element


@settings(max_examples=300, deadline=None)
@given(tree_shape)
def test_on_any_tree_the_translations_select_what_the_xpaths_select(shape):
    tree = _built(("html", [], [shape]))
    for name, xpath in TRANSLATABLE.items():
        assert translated(xpath)(tree) == xpath(tree), name


@pytest.mark.parametrize("expression", [
    "//div[@class='x']",  # from the document's root, not the element
    ".//div[2]",
    ".//div[contains(text(), 'x')]",
    ".//div[re:test(@class, '(a)\\1')]",
    ".//div[contains(translate(@class, 'AB', 'a'), 'a')]",
    ".//div[contains(translate(@class, 'AA', 'ab'), 'a')]",
    ".//div[@class='x' and @id='y']",
    ".//div[contains(@class, '')]",
    ".//div[1]|.//p",  # holds on a div without a class, which a test of the attribute never sees
])
def test_xpath_outside_the_part_read_is_refused(expression):
    with pytest.raises(Untranslatable):
        translated(etree.XPath(expression, namespaces={"re": "http://exslt.org/regular-expressions"}))


def test_the_first_per_parent_is_not_the_first_overall():
    """`.//p[1]` is the first p of each parent; `(.//p)[1]` is one element."""
    tree = html.fromstring("<div><section><p>a</p><p>b</p></section><section><p>c</p></section></div>")
    per_parent, overall = etree.XPath(".//p[1]"), etree.XPath("(.//p)[1]")
    assert [p.text for p in translated(per_parent)(tree)] == ["a", "c"] == [p.text for p in per_parent(tree)]
    assert [p.text for p in translated(overall)(tree)] == ["a"] == [p.text for p in overall(tree)]


def test_the_lists_are_replaced_inside_the_block_only():
    stock = {name: getattr(module, name) for name, module in selections.REPLACED.items()}
    with pytest.raises(RuntimeError), selections.in_python():
        for name, module in selections.REPLACED.items():
            value = getattr(module, name)
            assert all(isinstance(selection, selections.Selection) for selection in
                       (value if isinstance(value, list) else [value])), name
        raise RuntimeError("trafilatura failed")
    assert all(getattr(module, name) is stock[name] for name, module in selections.REPLACED.items())
