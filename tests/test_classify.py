import pytest

from worker.core.classify import classify
from worker.core.model import PageType, Reason

TEXT = ("The council met on Tuesday to discuss the harbour budget and the new ferry timetable, which "
        "commuters have criticised all winter for its late departures and crowded boats and cold waiting rooms.",)  # 32 words


@pytest.mark.parametrize("title", [
    "404",
    "404 - Page not found",
    "Page not found | The Daily Example",
    "Error 500",
    "500 Internal Server Error",
    "Oops! That page can’t be found.",
    "Oops! That page can't be found. – The Daily Example",
    "403 Forbidden",
    "Access denied",
    "Seite nicht gefunden - Beispiel Zeitung",
    "Página no encontrada",
    "ページが見つかりません",
])
def test_titles_that_are_only_an_error_message_are_error_pages(title):
    outcome = classify(TEXT, title, PageType.ARTICLE, None)
    assert outcome is not None and outcome.reason is Reason.NOT_ARTICLE and "error page" in outcome.message


@pytest.mark.parametrize("title", [
    "The 5 best espresso machines under $500",
    "Fortune 500 companies cut 404 jobs",
    "Route 404 reopens after the storm",
    "Lost and found: the ferry's missing bell is back",
    "Error-prone software delayed the harbour ferries",
    "Oops: the council's budget has a 500,000 euro hole",
    "404: the story of the web's most famous error message",
])
def test_titles_that_mention_a_number_or_an_error_word_are_articles(title):
    assert classify(TEXT, title, PageType.ARTICLE, None) is None


def test_the_http_status_says_a_page_is_an_error_page_whatever_its_title():
    outcome = classify(TEXT, "The 5 best espresso machines under $500", PageType.ARTICLE, 500)
    assert outcome.reason is Reason.NOT_ARTICLE and "500" in outcome.message
