from worker.core.fingerprint import content_hash, simhash

TEXT = " ".join(f"The council met on day {i} to discuss the harbour budget and the new school." for i in range(40))


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def test_simhash_is_stable_and_64_bits():
    assert simhash(TEXT) == simhash(TEXT)
    assert len(simhash(TEXT)) == 16


def test_near_duplicates_are_close_and_different_texts_far():
    edited = TEXT.replace("day 7 ", "day seven ")
    other = " ".join(f"Weather report {i}: rain over the mountains, sun on the coast, wind from the west." for i in range(40))
    assert distance(simhash(TEXT), simhash(edited)) <= 3
    assert distance(simhash(TEXT), simhash(other)) >= 16


def test_simhash_of_nothing_is_zero():
    assert simhash("") == "0" * 16


def test_content_hash_is_sha256_of_the_text():
    assert content_hash("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
