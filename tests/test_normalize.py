from hypothesis import given
from hypothesis import strategies as st

from bot.answer.normalize import detect_language, fold, index_text, normalize


def test_fold_removes_case_accents_and_punctuation():
    assert fold("Quand FERME l'AMI ? Échéance !") == "quand ferme l ami echeance"


def test_french_and_english_synonyms_meet():
    fr = normalize("Quelle est la date limite de l'appel à projets ?").tokens
    en = normalize("What is the deadline of the call for projects?").tokens
    assert set(fr) == set(en) == {"deadline", "ami"}


def test_country_names_in_both_languages():
    assert normalize("États-Unis").tokens == normalize("United States").tokens == ("usa",)
    assert normalize("the US and Taïwan").tokens == ("usa", "taiwan")
    assert "usa" not in normalize("tell us about it").tokens


def test_money_words_meet():
    assert set(normalize("250 milliards de dollars").tokens) == set(
        normalize("USD 250 billion").tokens
    )


def test_chips_and_semiconductors():
    assert normalize("puces").tokens == ("chip",)
    assert normalize("semi-conducteurs").tokens == normalize("semiconductors").tokens


def test_stop_words_dropped_but_kept_for_intent():
    question = normalize("Quand est-ce que ça ferme ?")
    assert "deadline" in question.intents
    assert "quand" not in question.tokens


def test_language_detection():
    assert detect_language("combien Taïwan investit aux États-Unis ?") == "fr"
    assert detect_language("who led the US–Taiwan talks?") == "en"
    assert detect_language("quand ferme l'appel") == "fr"
    assert detect_language("deadline AMI") == "en"


def test_emoji_and_mentions_are_harmless():
    assert normalize("🚀🚀 @everyone <@123> deadline ?").tokens == ("everyone", "123", "deadline")


@given(st.text(max_size=3000))
def test_normalize_never_fails_and_stays_small(text):
    result = normalize(text)
    assert all(token == token.strip() and token for token in result.tokens)
    assert len(result.tokens) <= 500
    assert isinstance(index_text(text), str)
