"""What does the customer want? A keyword rule per need, for the live router.

Why keywords and not a model: the router must answer in a few milliseconds on every
turn, a support lead must be able to read (and extend) the rule, and there is no labelled
set of real first messages with needs to train on. The rule is a set of word *prefixes*
per need and language (``factur`` matches *facture*, *fattura*, *faktura*); a prefix
only matches at the start of a word.

The rule::

    hits[need] = number of distinct cue prefixes of ``need`` found in the text
    need       = argmax hits            (ties: the earlier need in ``NEED_PRIORITY``)
    none       when no cue matched      (the caller keeps the need it already had)

All languages' cues are matched on every text, not only the declared language's: a
first message is short, customers mix languages, and the declared language may be the
account's rather than the message's. ``NEED_PRIORITY`` puts the needs that cost most
when missed first (a cancellation or complaint phrased with billing words should reach
someone who can keep the customer).

Limits (honest): prefix rules miss paraphrases and negations ("not about my bill"), and
the cue lists were written with the simulator's phrase banks in view, so recognising the
simulator's openings (tests/act/test_live.py) is a sanity check, not an accuracy figure
for real traffic.

Why not the discovered topics (``empathos topics``): ``bench/drivers.py`` compares both
with the simulator's labelled needs, and the rule agrees far better (held-out accuracy
0.97 vs 0.64, AMI 0.90 vs 0.29; docs/drivers.md), so it stays the router's need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Needs in the order ties are broken (the costlier miss first).
NEED_PRIORITY: tuple[str, ...] = (
    "cancellation",
    "complaint",
    "billing",
    "technical",
    "delivery",
    "account",
    "sales",
)

# need -> language -> word prefixes (casefolded). Languages: en, de, es, fr, it, pl.
CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "billing": {
        "en": (
            "charge",
            "invoice",
            "bill",
            "billing",
            "payment",
            "paid",
            "debit",
            "overcharg",
            "fee",
        ),
        "de": ("rechnung", "abgebucht", "abbuchung", "zahlung", "lastschrift", "gebühr", "bezahlt"),
        "es": ("cobr", "factura", "cargo", "pago", "recibo"),
        "fr": ("factur", "prélev", "prélèv", "paiement", "débit", "payé"),
        "it": ("addebit", "fattur", "bolletta", "pagament", "pagato"),
        "pl": ("faktur", "obciąż", "pobrano", "rachun", "opłat", "płatnoś"),
    },
    "technical": {
        "en": (
            "disconnect",
            "error",
            "not working",
            "stopped working",
            "won't turn on",
            "restart",
            "broken",
            "crash",
            "update",
            "keeps failing",
            "doesn't work",
        ),
        "de": (
            "verbindung",
            "fehler",
            "funktioniert",
            "neu gestartet",
            "einschalten",
            "update",
            "defekt",
            "absturz",
        ),
        "es": ("desconect", "error", "funcionar", "reinici", "enciende", "actualizaci"),
        "fr": ("déconnect", "erreur", "marche plus", "redémarr", "allume", "mise à jour", "panne"),
        "it": ("disconnett", "errore", "funziona", "riavvi", "accende", "aggiornament"),
        "pl": ("rozłącz", "błąd", "działa", "restart", "włącza", "aktualizac", "awari"),
    },
    "sales": {
        "en": (
            "upgrad",
            "deal",
            "offer",
            "price",
            "cost",
            "plan",
            "add a second",
            "buy",
            "purchase",
            "difference between",
        ),
        "de": (
            "umsteigen",
            "angebot",
            "kosten",
            "tarif",
            "hinzufügen",
            "kaufen",
            "preis",
            "unterschied",
        ),
        "es": (
            "pasarme",
            "oferta",
            "costar",
            "tarifa",
            "añadir",
            "comprar",
            "precio",
            "diferencia",
        ),
        "fr": (
            "passer au",
            "offre",
            "coûter",
            "forfait",
            "ajouter",
            "acheter",
            "prix",
            "différence",
        ),
        "it": (
            "passare al",
            "offerta",
            "costerebbe",
            "piano",
            "aggiungere",
            "comprare",
            "prezzo",
            "differenza",
        ),
        "pl": ("przejści", "oferta", "kosztował", "plan", "dodać", "kupić", "cena", "różni"),
    },
    "complaint": {
        "en": (
            "complain",
            "complaint",
            "third time",
            "nobody takes",
            "never showed",
            "still waiting",
            "promised",
            "unacceptable",
            "let me down",
        ),
        "de": (
            "beschwer",
            "dritte mal",
            "zuständig",
            "nicht gekommen",
            "versprochen",
            "warte immer",
            "inakzeptabel",
        ),
        "es": (
            "reclamaci",
            "tercera vez",
            "responsable",
            "no vino",
            "prometieron",
            "sigo esperando",
        ),
        "fr": (
            "réclamation",
            "troisième fois",
            "personne n'assume",
            "jamais venu",
            "promis",
            "j'attends toujours",
        ),
        "it": (
            "reclamo",
            "terza volta",
            "responsabilità",
            "non si è presentato",
            "promesso",
            "ancora aspettando",
        ),
        "pl": (
            "reklamac",
            "trzeci raz",
            "odpowiedzialnoś",
            "nie przyszedł",
            "obiecano",
            "nadal czekam",
        ),
    },
    "cancellation": {
        "en": (
            "cancel",
            "close my account",
            "end my subscription",
            "terminate",
            "leave you",
            "switch provider",
        ),
        "de": ("kündig", "schließen sie mein konto", "abo zum", "beenden"),
        "es": ("dar de baja", "doy de baja", "cierren mi cuenta", "cancelar mi suscripci"),
        "fr": ("résili", "fermez mon compte", "mettre fin"),
        "it": ("disdire", "disdetta", "chiudete il mio account", "terminare l'abbonamento"),
        "pl": ("wypowiedzieć", "zamknąć moje konto", "zrezygnować", "zakończyć subskrypcj"),
    },
    "delivery": {
        "en": (
            "deliver",
            "order",
            "arrive",
            "tracking",
            "parcel",
            "package",
            "shipping",
            "damaged",
            "wrong item",
        ),
        "de": (
            "bestellung",
            "lieferung",
            "sendung",
            "ankommen",
            "angekommen",
            "beschädigt",
            "falschen artikel",
            "paket",
        ),
        "es": (
            "pedido",
            "llegar",
            "llegó",
            "seguimiento",
            "dañado",
            "artículo equivocado",
            "envío",
        ),
        "fr": (
            "commande",
            "arriver",
            "arrivé",
            "suivi",
            "abîmé",
            "mauvais article",
            "livraison",
            "colis",
        ),
        "it": (
            "ordine",
            "arrivare",
            "arrivato",
            "tracciamento",
            "danneggiato",
            "articolo sbagliato",
            "spedizione",
            "consegna",
        ),
        "pl": (
            "zamówieni",
            "dotrzeć",
            "śledzenie",
            "uszkodzony",
            "zły artykuł",
            "przesyłk",
            "dostaw",
        ),
    },
    "account": {
        "en": ("log in", "login", "password", "account", "address", "locked out", "sign in"),
        "de": ("einloggen", "anmelden", "passwort", "konto", "adresse"),
        "es": ("entrar en mi cuenta", "contraseña", "cuenta", "dirección"),
        "fr": ("connecter", "mot de passe", "compte", "adresse"),
        "it": ("accedere", "password", "account", "indirizzo"),
        "pl": ("zalogować", "hasło", "konto", "konta", "koncie", "adres"),
    },
}


@dataclass(frozen=True, slots=True)
class NeedGuess:
    """The detected need, how many cues supported it, and which (for the audit trail)."""

    need: str | None
    hits: int
    cues: tuple[str, ...]


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One compiled alternation over every cue (longest first), and cue -> needs.

    One pass over the text instead of one per need (measured ~2x faster); a cue listed
    under two needs counts for both."""
    owners: dict[str, list[str]] = {}
    for need in NEED_PRIORITY:
        for lang_cues in CUES[need].values():
            for cue in lang_cues:
                owners.setdefault(cue.casefold(), [])
                if need not in owners[cue.casefold()]:
                    owners[cue.casefold()].append(need)
    cues = sorted(owners, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(c) for c in cues) + ")")
    return pattern, {c: tuple(n) for c, n in owners.items()}


def detect_need(text: str) -> NeedGuess:
    """The need a message is most likely about (``need=None`` when no cue matched)."""
    pattern, owners = _pattern()
    t = (text or "").casefold().replace("’", "'")
    found: dict[str, list[str]] = {}
    for cue in dict.fromkeys(pattern.findall(t)):
        for need in owners[cue]:
            found.setdefault(need, []).append(cue)
    best = NeedGuess(None, 0, ())
    for need in NEED_PRIORITY:  # strict >: ties keep the earlier (higher priority) need
        cues = found.get(need)
        if cues and len(cues) > best.hits:
            best = NeedGuess(need, len(cues), tuple(cues))
    return best
