"""Each cleanup rule on paragraphs written for it."""

import pytest

from worker.core.cleanup import Context, clean, normalize

BODY = [
    "The council approved the new budget on Tuesday after a long debate about the harbour and the schools.",
    "Opponents said the plan would raise taxes for families while doing little for the coast.",
    "The mayor said the vote showed the city could still agree on hard choices when it mattered.",
]


def cleaned(paragraphs, headlines=("Council approves budget",), captions=()):
    return clean(tuple(paragraphs), Context(headlines=frozenset(headlines), captions=frozenset(captions)))


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
    "Reporting by Greg Roumeliotis; editing by Martin Howell",
    "Fox News' Jessica Napoli contributed to this report.",
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


def test_a_sentence_starting_with_a_prompt_word_is_text():
    sentence = "Related cases were reported in two other provinces during the same week, officials said."
    assert text_of([*BODY, sentence]) == [*BODY, sentence]


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
    "Thanks for signing up!",
    "Like this story? Share it with a friend!",
    "https://www.example.com/news/article-123.html",
    "If you enjoyed this article, we have a proposition for you: join our members.",
    "Most read in world news",
    "Explore further",
    "DON’T MISS",
    "Tempo de leitura: 1 minuto",
    "4 min read",
    "DON'T MISS Plague warning: CDC names EIGHT deadly diseases [WARNING]",
])
def test_site_chrome_is_dropped(chrome):
    assert text_of([BODY[0], chrome, *BODY[1:]]) == BODY


def test_a_long_paragraph_about_cookies_is_article_text():
    long = "The bakery's cookies " + "were praised by every visitor who tasted them at the fair this year " * 5
    assert text_of([*BODY, long]) == [*BODY, long.strip()]


def test_a_link_list_under_a_list_heading_ends_the_article():
    tail = ["Most Popular", "BTS tops chart again", "Seoul extends distancing rules", "Kospi hits new high"]
    assert text_of([*BODY, *tail]) == BODY


def test_a_newsletter_box_followed_by_teaser_cards_ends_the_article():
    card = "Playoff picture: Raiders in pursuit"
    tail = ["Pick Six Newsletter", "Get the day's big stories and fun stuff you love like mock drafts, picks and power rankings.",
            card + "Breaking down the 2019 playoff picture after Sunday's action in the league, team by team and week by week"]
    context = Context(headlines=frozenset(), captions=frozenset(), link_texts=frozenset({card}))
    assert list(clean((*BODY, *tail), context).paragraphs) == BODY


def test_a_list_heading_followed_by_real_paragraphs_is_not_a_cut():
    text = [BODY[0], "Related coverage", BODY[1], BODY[2]]
    assert text_of(text) == BODY


def test_a_short_fragment_in_another_script_is_a_stray():
    assert text_of([*BODY, "소아쌤"]) == BODY
    korean = ["북한 김정은 국무위원장이 당대회 둘째 날 국방력 강화를 다짐했다고 조선중앙통신이 전했다.",
              "정부는 신중한 입장이다."]
    assert text_of([*korean, "Расписание"]) == korean


def test_latin_fragments_in_a_non_latin_article_are_names_or_code_and_stay():
    russian = ["Министр заявил, что новый закон вступит в силу в начале следующего года.", "player.setav health 100"]
    assert text_of(russian) == russian


def test_hygiene_nfc_invisible_and_spaces():
    assert normalize("Cafe\u0301\u00a0 \u200bopen\t now \u00ad") == "Café open now"


def test_c1_controls_and_non_characters_leave_the_text():
    assert normalize("open\x85 now\ufffe\uffff") == "open now"


def test_empty_paragraphs_vanish():
    assert text_of(["  ", "\u200b", *BODY]) == BODY


@pytest.mark.parametrize("dateline", [
    "Published 18 November 2019",
    "Updated: Nov 19, 2019 10:02 AM EST",
    "sexta-feira, 22 de outubro de 2010 às 20:13",
    "기사입력 2018.09.28 17:32",
])
def test_datelines_are_dropped(dateline):
    assert text_of([BODY[0], dateline, *BODY[1:]]) == BODY


def test_a_dated_list_keeps_its_dates():
    """A schedule or an archive: each entry a date line, then what happened."""
    entries = [line for day in range(3, 9) for line in (f"March {day}, 2024", f"{BODY[day % len(BODY)]} (day {day})")]
    assert text_of([BODY[0], *entries]) == [BODY[0], *entries]


def test_a_sentence_with_a_date_is_text():
    sentence = "On 18 November 2019 the council met again."
    assert text_of([*BODY, sentence]) == [*BODY, sentence]


def test_a_lead_paragraph_quoted_by_the_description_stays():
    lead = "The city council approved the new budget late on Tuesday after a long and often bitter debate about the harbour."
    result = clean((lead, *BODY), Context(headlines=frozenset(), captions=frozenset()))
    assert list(result.paragraphs) == [lead, *BODY]
