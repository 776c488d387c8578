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


def test_conversational_filler_is_dropped_in_both_languages():
    plain = normalize("partenariat France Taïwan").tokens
    assert normalize("explique moi stp le partenariat France Taïwan").tokens == plain
    assert normalize("pls basically explain the partnership France Taiwan").tokens == plain
    assert normalize("c koi exactement la deadline").tokens == ("deadline",)


def test_real_synonyms_meet():
    assert normalize("cutoff").tokens == normalize("date limite").tokens == ("deadline",)
    assert normalize("kick off").tokens == normalize("launched").tokens == ("announce",)
    assert normalize("govt").tokens == normalize("gouvernement").tokens == ("government",)
    assert normalize("finance").tokens == normalize("funding").tokens == ("funding",)
    assert normalize("pilote").tokens == normalize("led").tokens == ("lead",)
    for themes in ("axes", "sujets", "topics", "thématiques"):
        assert normalize(themes).tokens == ("theme",), themes


def test_amounts_written_together_are_split():
    assert normalize("$15bn").tokens == normalize("USD 15 billion").tokens
    assert normalize("250 Md$").tokens == normalize("250 milliards de dollars").tokens


def test_eu_in_capitals_is_europe_but_french_eu_is_a_stop_word():
    assert normalize("the EU market").tokens == ("europe", "market")
    assert "europe" not in normalize("il y a eu une réunion").tokens


def test_question_words_give_intents():
    assert "why" in normalize("pourquoi Taïwan ?").intents
    assert "how" in normalize("comment candidater ?").intents
    assert "how" in normalize("ou deposer le dossier").intents  # "où", typed without accent
    assert "when" in normalize("when was it signed").intents
    assert "figure" in normalize("how much").intents


def test_language_of_short_questions_without_accents():
    assert detect_language("novembre 2020") == "fr"
    assert detect_language("250 milliards") == "fr"
    assert detect_language("cables sous-marins") == "fr"
    assert detect_language("obstacles fiscaux investissement usa taiwan") == "fr"
    assert detect_language("6th round eppd date") == "en"
    assert detect_language("AI techniques") == "en"
