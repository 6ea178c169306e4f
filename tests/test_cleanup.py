"""Each cleanup rule on paragraphs written for it."""

import pytest

from worker.cleanup import Context, clean, normalize

BODY = [
    "The council approved the new budget on Tuesday after a long debate about the harbour and the schools.",
    "Opponents said the plan would raise taxes for families while doing little for the coast.",
    "The mayor said the vote showed the city could still agree on hard choices when it mattered.",
]


def cleaned(paragraphs, title="Council approves budget", captions=()):
    return clean(tuple(paragraphs), Context(title=title, captions=frozenset(captions)))


def text_of(paragraphs, **context):
    return list(cleaned(paragraphs, **context).paragraphs)


def test_clean_body_is_untouched():
    assert text_of(BODY) == BODY


def test_headline_repeated_as_first_paragraph_is_dropped():
    assert text_of(["Council approves budget", *BODY]) == BODY
    assert text_of(["COUNCIL APPROVES BUDGET.", *BODY]) == BODY


def test_repeated_paragraphs_are_dropped_even_far_apart():
    assert text_of([BODY[0], BODY[1], BODY[0], BODY[2], BODY[1]]) == BODY


def test_captions_leave_the_body_and_are_kept_once():
    caption = "The mayor speaks at city hall on Tuesday. (Photo Agency-Wire)"
    result = cleaned([caption, caption, *BODY], captions={caption})
    assert list(result.paragraphs) == BODY
    assert result.captions == (caption,)


@pytest.mark.parametrize("credit", [
    "Photo: Jane Smith/Getty Images",
    "(AP Photo/John Doe)",
    "Image copyright Reuters",
    "Foto: dpa",
])
def test_photo_credits_are_dropped(credit):
    assert text_of([BODY[0], credit, *BODY[1:]]) == BODY


@pytest.mark.parametrize("byline", [
    "By Choi Si-young (siyoungchoi@heraldcorp.com)",
    "By Jane Doe and John Roe",
    "Von Max Mustermann",
    "Write to Jane Doe at jane.doe@example.com",
    "Follow her on Twitter @janedoe",
    "Contact the reporter at newsroom@example.com",
    "Our Standards: The Thomson Reuters Trust Principles.",
    "jane.doe@example.com",
])
def test_bylines_and_contacts_are_dropped(byline):
    assert text_of([*BODY, byline]) == BODY


def test_byline_names_are_kept_for_the_authors_field():
    assert cleaned([*BODY, "By Choi Si-young (siyoungchoi@heraldcorp.com)"]).bylines == (
        "By Choi Si-young (siyoungchoi@heraldcorp.com)",)


def test_author_box_at_the_end_is_dropped_but_not_in_the_body():
    box = "Jane Doe is a senior reporter covering city politics."
    assert text_of([*BODY, box]) == BODY
    assert text_of([box, *BODY, *BODY[::-1]]) == [box, *BODY]


def test_sentences_starting_with_by_are_not_bylines():
    sentence = "By the end of the year the council expects to have spent most of it."
    assert text_of([*BODY, sentence]) == [*BODY, sentence]


@pytest.mark.parametrize("chrome", [
    "Back to top", "Back To Top", "Nach oben", "Share this article", "Follow us on Facebook",
    "Subscribe", "Sign up for our newsletter", "Advertisement", "Anzeige", "Publicidad",
    "Read more: Council fights over parking", "Lesen Sie auch: Der Hafen wird teurer",
    "Related", "Top stories", "You may also like", "Most popular", "Latest news",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Get our morning newsletter delivered to your inbox every day. Sign up now.",
    "© 2024 The Daily Example. All rights reserved.",
    "Copyright 2019 Example Media Group",
])
def test_site_chrome_is_dropped(chrome):
    assert text_of([BODY[0], chrome, *BODY[1:]]) == BODY


def test_a_long_paragraph_about_cookies_is_article_text():
    long = "The bakery's cookies " + "were praised by every visitor who tasted them at the fair this year " * 5
    assert text_of([*BODY, long]) == [*BODY, long.strip()]


def test_a_link_list_under_a_list_heading_ends_the_article():
    tail = ["Most Popular", "BTS tops chart again", "Seoul extends distancing rules", "Kospi hits new high"]
    assert text_of([*BODY, *tail]) == BODY


def test_a_list_heading_followed_by_real_paragraphs_is_not_a_cut():
    text = [BODY[0], "Related coverage", BODY[1], BODY[2]]
    assert text_of(text) == BODY


def test_a_short_fragment_in_another_script_is_a_stray():
    assert text_of([*BODY, "소아쌤"]) == BODY
    korean = ["북한 김정은 국무위원장이 당대회 둘째 날 국방력 강화를 다짐했다고 조선중앙통신이 전했다.", "정부는 신중한 입장이다."]
    assert text_of([*korean, "Advertorial"]) == korean


def test_hygiene_nfc_invisible_and_spaces():
    assert normalize("Cafe\u0301\u00a0 \u200bopen\t now \u00ad") == "Café open now"


def test_empty_paragraphs_vanish():
    assert text_of(["  ", "\u200b", *BODY]) == BODY
