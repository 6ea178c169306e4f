"""The listing model's weights, written by bench/listing_model.py (fitted on the wcxb-dev tune half):
do not edit by hand. A page whose weighted evidence reaches THRESHOLD is a listing."""

WEIGHTS = {
    "anchors": 1.1516,
    "declares_article": -2.2036,
    "declares_index": 2.9211,
    "declares_product": 4.4363,
    "depth": -1.5220,
    "has_id": -0.2737,
    "link_density": 1.8560,
    "linked_items": -0.5452,
    "linked_share": 9.8456,
    "page_paragraphs": -0.2670,
    "paragraphs": -0.7542,
    "prices": 1.0950,
    "prose": -0.1793,
    "root": -3.7837,
    "short_share": 1.3335,
    "slug_words": -2.2651,
    "words": -0.6918,
}
BIAS = 6.0687
THRESHOLD = 1.09
