import json
import os
import subprocess
import sys

from worker.core.fingerprint import content_hash, simhash

TEXT = " ".join(f"The council met on day {i} to discuss the harbour budget and the new school." for i in range(40))


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


# Computed once; the digest is part of every article, so a change across processes or versions must be seen.
PINNED = {TEXT: "54d80b6c99861aa2", "Grüße aus Köln, 東京の天気は晴れです。 Ein Satz, noch ein Satz.": "8aba317abb776303"}


def test_simhash_is_pinned_and_64_bits():
    assert {text: simhash(text) for text in PINNED} == PINNED
    assert len(simhash(TEXT)) == 16


def test_simhash_is_the_same_in_a_fresh_process_with_another_hash_seed():
    code = ("import json, sys; from worker.core.fingerprint import simhash; "
            "print(json.dumps([simhash(t) for t in json.load(sys.stdin)]))")
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", code], input=json.dumps(list(PINNED)), capture_output=True,
                                text=True, check=True, timeout=60, env={**os.environ, "PYTHONHASHSEED": seed})
        assert json.loads(result.stdout) == list(PINNED.values())


def test_near_duplicates_are_close_and_different_texts_far():
    edited = TEXT.replace("day 7 ", "day seven ")
    other = " ".join(f"Weather report {i}: rain over the mountains, sun on the coast, wind from the west." for i in range(40))
    assert distance(simhash(TEXT), simhash(edited)) <= 3
    assert distance(simhash(TEXT), simhash(other)) >= 16


def test_simhash_of_nothing_is_zero():
    assert simhash("") == "0" * 16


def test_content_hash_is_sha256_of_the_text():
    assert content_hash("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
