from hypothesis import given
from hypothesis import strategies as st
from wordfreq import get_frequency_dict

from bot.answer.normalize import (
    WORDLIST,
    asking,
    common_word,
    detect_language,
    fold,
    index_text,
    lexicon,
    names_in,
    normalize,
    stem,
    terms,
)


def test_fold_removes_case_accents_and_punctuation():
    assert fold("Quand FERME l'AMI ? Échéance !") == "quand ferme l ami echeance"


def test_common_words_are_the_word_lists_folded_as_questions_are():
    """common_words() leaves plain lowercase words unfolded: fold must leave every one of them
    as it is, and fold the others ("majorité" is the common "majorite")."""
    for lang in ("en", "fr"):
        plain = [
            w
            for w in get_frequency_dict(lang, WORDLIST)
            if w.isascii() and w.isalpha() and w.islower()
        ]
        changed = [w for w in plain if fold(w) != w]
        assert not changed, changed[:10]
    assert common_word("majorite") and common_word("echeance")
    assert not common_word("majorité")


def concepts_and_numbers(text: str) -> tuple[str, ...]:
    """What a text says in the lexicon's concepts and in numbers, its other words left out."""
    return tuple(t.word for t in normalize(text).terms if t.concept or t.word.isdigit())


def test_french_and_english_concepts_meet():
    fr = concepts_and_numbers("Quelle est la date limite de l'appel à projets ?")
    en = concepts_and_numbers("What is the deadline of the call for projects?")
    assert fr and set(fr) == set(en)
    assert normalize("douanes").tokens == normalize("tariffs").tokens


def test_plurals_of_short_lexicon_words_are_the_concept_only_when_listed():
    for plural, singular in [("fabs", "fab"), ("days", "day"), ("uavs", "uav")]:
        assert normalize(plural).tokens == normalize(singular).tokens, plural
    for word, other in [("amis", "AMI"), ("LEDs", "led")]:
        assert normalize(word).tokens != normalize(other).tokens, word


def test_country_names_and_adjectives_in_both_languages():
    assert normalize("États-Unis").tokens == normalize("United States").tokens
    assert normalize("taïwanaises").tokens == normalize("Taiwanese").tokens
    # "us" in lower case is a word, not the country; after an article, it is the country.
    assert set(concepts_and_numbers("tell us about it")).isdisjoint(normalize("USA").tokens)
    assert concepts_and_numbers("invest in the us") == concepts_and_numbers("invest in the USA")
    assert normalize("aux us").tokens == normalize("aux États-Unis").tokens


def test_us_in_capitals_is_the_country_unless_a_whole_sentence_is_shouted():
    assert fold("US") == "usa"  # an item's keyword, alone
    assert fold("TELL US") == "tell us"


def test_words_a_stop_word_list_would_drop_still_count():
    """ "pages" and "old" are what these questions ask about; they are not the AMI's."""
    assert "pages" in {t.word for t in normalize("how many pages is the AMI's call?").terms}
    assert "old" in {t.word for t in normalize("how old is the minister?").terms}


def test_words_are_stemmed_in_their_language():
    assert stem("investissements", "fr") == stem("investissement", "fr")
    assert stem("negotiating", "en") == stem("negotiated", "en")
    # A word of unknown language keeps both stems: either may meet the index.
    (term,) = normalize("optimisation").terms
    assert stem("optimisation", "fr") in term.forms


def test_a_concept_never_meets_a_stem_of_another_word():
    # "care" stems to "car" in French; the concept "car" (voiture) is another token.
    assert set(normalize("care").tokens).isdisjoint(normalize("voiture").tokens)


def test_question_words_are_intents_not_terms():
    question = normalize("Quand est-ce que ça ferme ?")
    assert "when" in question.intents
    assert normalize("combien").tokens == ()
    assert "figure" in normalize("How much does Taiwan invest?").intents
    assert "figure" in normalize("combien Taïwan investit").intents
    assert "people" in normalize("who led the talks").intents


def test_language_detection():
    assert detect_language("combien Taïwan investit aux États-Unis ?") == "fr"
    assert detect_language("who led the US–Taiwan talks?") == "en"
    assert detect_language("quand ferme l'appel") == "fr"
    assert detect_language("deadline AMI") == "en"


def test_emoji_and_mentions_are_harmless():
    tokens = normalize("🚀🚀 @everyone <@123> deadline ?").tokens
    assert tokens[-1] == normalize("deadline").tokens[0]


def test_a_misspelt_word_of_a_phrase_still_reads_as_the_phrase():
    """One edit in a phrase's word of five letters or more ("date limte", "supply chian") reads
    as the phrase; a common word one edit away ("white horse") does not."""
    for typo, right in [
        ("date limte", "date limite"),
        ("supply chian", "supply chain"),
        ("droits de douanne", "droits de douane"),
    ]:
        assert normalize(typo).tokens == normalize(right).tokens, typo
    assert normalize("white horse").tokens != normalize("white house").tokens


def test_characters_that_show_nothing_split_no_word():
    """Pasted from a web page: a zero-width space, a soft hyphen or a direction mark inside a
    word reads as the word."""
    for hidden in ("\u200b", "\u00ad", "\u200e", "\ufeff", "\u2060"):
        assert (
            normalize(f"Tai{hidden}wan invest{hidden}ment").tokens
            == normalize("Taiwan investment").tokens
        ), repr(hidden)


@given(st.text(max_size=3000))
def test_normalize_never_fails_and_stays_small(text):
    result = normalize(text)
    assert all(token == token.strip() and token for token in result.tokens)
    assert len(result.tokens) <= 500
    assert isinstance(index_text(text), str)


def test_chat_filler_is_dropped_in_both_languages():
    plain = normalize("partenariat France Taïwan").tokens
    assert normalize("explique stp partenariat France Taïwan").tokens == plain
    assert normalize("pls basically explain partnership France Taiwan").tokens == plain


def test_amounts_written_together_are_split():
    assert normalize("$15bn").tokens == normalize("USD 15 billion").tokens
    assert normalize("250 Md$").tokens == concepts_and_numbers("250 milliards de dollars")


def test_ordinals_in_words_and_digits_meet():
    assert normalize("sixth round").tokens == normalize("6e cycle").tokens
    assert normalize("seventh").tokens != normalize("sixth").tokens


def test_the_lexicon_stays_small():
    assert len({*lexicon().words.values()}) <= 200


def test_the_asking_sentence_of_a_long_message():
    message = (
        "Salut, je bosse dans une PME à Grenoble. Mon chef a lu un article hier. "
        "Du coup, quand ferme l'appel France-Taïwan ? Merci d'avance"
    )
    question = "Du coup, quand ferme l'appel France-Taïwan ?"
    assert asking(message) == {t.word for t in terms(question)}
    assert asking("quand ferme l'AMI ?") == frozenset()  # one sentence: all of it asks
    assert asking("Salut. Merci.") == frozenset()  # nothing asks
    link = "Super article. Vu sur https://www.lemonde.fr/article?id=3. Quand ferme l'AMI ?"
    assert {t.word for t in terms("Quand ferme l'AMI ?")} <= asking(link)
    assert not {t.word for t in terms("lemonde article id")} & asking(link)


def test_names_are_capitalised_words_inside_a_sentence_not_greetings():
    assert names_in("when is the Zorblax deadline?") == {"zorblax"}
    assert names_in("Hello Kevin, how much is it?") == frozenset()
    assert names_in("what did ASML say") == {"asml"}
    assert names_in("WHAT DID ASML SAY") == frozenset()  # all in capitals: no telling
