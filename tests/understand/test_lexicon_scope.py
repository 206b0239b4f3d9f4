"""The lexicon backend as a fallback that does not skew (issue 15 item 6): cues scoped to
their language, no cue -> valence exactly 0 and ``neutral``."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand.backends._words import EMOTION_CUES
from empathos.understand.backends.lexicon import LANGUAGES, LexiconEmotionModel, resolve_languages
from empathos.understand.emotions import dominant, valence
from empathos.understand.protocols import CX_EMOTIONS

# Plain statements with no emotion cue, per language.
NO_CUE = {
    "en": "The parcel was delivered to the neighbour on Tuesday afternoon.",
    "de": "Das Paket wurde am Dienstagnachmittag beim Nachbarn abgegeben.",
    "es": "El paquete fue entregado al vecino el martes por la tarde.",
    "it": "Il pacco è stato consegnato al vicino martedì pomeriggio.",
    "pl": "Paczka została dostarczona do sąsiada we wtorek po południu.",
    "fr": "Le colis a été livré chez le voisin mardi après-midi.",
}
NEGATIVE = {
    "en": "This is unacceptable, I am furious.",
    "de": "Das ist eine Frechheit, ich bin wütend.",
    "es": "Es inaceptable, estoy furioso.",
    "it": "È inaccettabile, sono arrabbiato.",
    "pl": "To skandal, jestem wściekły.",
    "fr": "C'est inacceptable, je suis furieux.",
}
POSITIVE = {
    "en": "Great, thank you so much!",
    "de": "Super, vielen Dank!",
    "es": "Perfecto, muchas gracias.",
    "it": "Perfetto, grazie mille.",
    "pl": "Świetnie, dziękuję bardzo.",
    "fr": "Parfait, merci beaucoup.",
}


@pytest.fixture(scope="module")
def model() -> LexiconEmotionModel:
    return LexiconEmotionModel()


@pytest.mark.parametrize("given", [True, False], ids=["language given", "detected"])
def test_no_cue_is_neutral_with_valence_exactly_zero(model, given: bool) -> None:
    texts = list(NO_CUE.values())
    p = model.predict_proba(texts, list(NO_CUE) if given else None)
    assert dominant(p) == ["neutral"] * len(texts)
    assert (valence(p) == 0.0).all()  # exactly: the prior carries no valence
    assert (p[:, CX_EMOTIONS.index("neutral")] == 1.0).all()


def test_empty_and_unknown_language_text_is_neutral(model) -> None:
    p = model.predict_proba(["", "   ", "xqzv 12345"], [None, "en", "xx"])
    assert dominant(p) == ["neutral"] * 3 and (valence(p) == 0.0).all()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_follows_the_cues_in_every_language(model, lang: str) -> None:
    p = model.predict_proba([NEGATIVE[lang], POSITIVE[lang]], [lang, lang])
    v = valence(p)
    assert v[0] < -0.25 and v[1] > 0.25, (lang, v)


def test_german_nie_does_not_fire_on_polish_nie(model) -> None:
    polish = [
        "Nie mogę się zalogować do konta.",
        "Nie wiem, gdzie jest moja paczka.",
        "Dostawa nie była wczoraj.",
    ]
    for languages in (["pl"] * 3, None):  # given, and detected
        counts = model.cue_counts(polish, languages)
        assert counts[:, CX_EMOTIONS.index("frustration")].tolist() == [0.0, 0.0, 0.0]
    # ... while in German it is still a frustration cue ("never")
    german = model.cue_counts(["Sie rufen nie zurück."], ["de"])
    assert german[0, CX_EMOTIONS.index("frustration")] == 1.0


def test_negators_are_scoped_too(model) -> None:
    # Polish "nie" negates a Polish positive cue; German "nicht" does nothing in Polish.
    pl = model.predict_proba(["Nie jestem zadowolony."], ["pl"])
    assert dominant(pl) == ["frustration"]
    de_word_in_pl = model.predict_proba(["nicht zadowolony"], ["pl"])
    assert dominant(de_word_in_pl) == ["joy"]


def test_every_emotion_has_cues_in_every_language() -> None:
    for emotion, by_lang in EMOTION_CUES.items():
        assert set(LANGUAGES) <= set(by_lang), emotion
        assert all(by_lang[lang] for lang in LANGUAGES), emotion


def test_language_resolution() -> None:
    texts = ["Das Paket ist nicht angekommen, bitte helfen Sie mir.", "ok", "hola"]
    assert resolve_languages(texts, ["de-AT", "pt", None]) == ["de", "*", "*"]
    assert resolve_languages(texts[:1], None) == ["de+en"]  # detected: English mixes in


def test_no_skew_on_a_balanced_set(model) -> None:
    """As many negative as positive texts: the lexicon calls as many of each (before the
    fix, every cue-less text was negative)."""
    texts = [*NEGATIVE.values(), *POSITIVE.values(), *NO_CUE.values()]
    v = valence(model.predict_proba(texts))
    assert (v < 0).sum() == 6 and (v > 0).sum() == 6 and (v == 0).sum() == 6
    assert np.isfinite(v).all()
