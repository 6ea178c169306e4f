import pytest
from lxml import etree, html
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

from worker.core import discard

# One element per branch of each XPath (each selected by that branch alone), and near misses beside them:
# the wrong tag, a word one letter off, the other attribute coming first in `@id|@class`.
PAGE = """<html><body><div id="page">
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


@pytest.mark.parametrize("index, selection", [(0, discard.named_as_boilerplate), (1, discard.hidden)])
def test_the_python_tests_select_what_trafilaturas_xpath_selects_in_its_order(index, selection):
    tree = html.fromstring(PAGE)
    expected = OVERALL_DISCARD_XPATH[index](tree)
    assert len(expected) >= 9  # the page exercises the expression
    assert selection(tree) == expected


def test_the_selections_hold_below_the_root_only():
    """`.//*` selects descendants: the element the call is given stays."""
    tree = html.fromstring('<div class="sidebar" style="display:none"><p>text</p></div>')
    assert discard.named_as_boilerplate(tree) == [] == discard.hidden(tree)


def test_a_changed_trafilatura_expression_is_refused_on_import():
    changed = etree.XPath(OVERALL_DISCARD_XPATH[0].path.replace("self::span", "self::span or self::td"))
    with pytest.raises(ImportError, match="not the one ported here"):
        discard._patterns(discard._BY_NAME_SHAPE, changed)
    assert discard._patterns(discard._BY_NAME_SHAPE, OVERALL_DISCARD_XPATH[0])["id"].pattern.startswith("^shar")

