"""The multilingual demonstration table of docs/understand.md, generated, never hand-edited:

    python bench/understand_demo.py

(A bench script, not a shipped module: it rewrites the docs.)

Real-looking customer messages (written for this table; none is in any training data),
four per language, each with the emotion a support lead would name. Every available
backend's top CX emotion is printed beside it, with the default model's probability and
valence, and the agreement count per backend and language.
"""

from __future__ import annotations


from understand_quality import DOC, replace_section

from empathos.understand.emotions import dominant, valence
from empathos.understand.protocols import available_emotion_models, get_emotion_model

# (language, message, expected CX emotion)
MESSAGES: tuple[tuple[str, str, str], ...] = (
    (
        "en",
        "This is the third time I'm writing. My refund still hasn't arrived and nobody replies!",
        "frustration",
    ),
    ("en", "I'm worried, someone used my card and I can't reach anyone at the bank.", "anxiety"),
    ("en", "Thanks a lot, the new router works perfectly.", "gratitude"),
    ("en", "I don't understand why my bill doubled this month.", "confusion"),
    (
        "de",
        "Das ist jetzt das dritte Mal, dass ich schreibe. "
        "Meine Erstattung ist immer noch nicht da!",
        "frustration",
    ),
    ("de", "Ich mache mir Sorgen, jemand hat meine Karte benutzt.", "anxiety"),
    ("de", "Vielen Dank, der neue Router funktioniert einwandfrei.", "gratitude"),
    ("de", "Ich verstehe nicht, warum sich meine Rechnung verdoppelt hat.", "confusion"),
    ("es", "Es la tercera vez que escribo y mi reembolso todavía no ha llegado.", "frustration"),
    ("es", "Estoy preocupada, alguien ha usado mi tarjeta.", "anxiety"),
    ("es", "Muchas gracias, el nuevo router funciona perfectamente.", "gratitude"),
    ("es", "No entiendo por qué mi factura se ha duplicado este mes.", "confusion"),
    ("it", "È la terza volta che scrivo e il rimborso non è ancora arrivato!", "frustration"),
    ("it", "Sono preoccupato, qualcuno ha usato la mia carta.", "anxiety"),
    ("it", "Grazie mille, il nuovo router funziona perfettamente.", "gratitude"),
    ("it", "Non capisco perché la mia bolletta è raddoppiata questo mese.", "confusion"),
    ("pl", "Piszę już trzeci raz, a zwrot pieniędzy nadal nie dotarł!", "frustration"),
    ("pl", "Martwię się, ktoś użył mojej karty.", "anxiety"),
    ("pl", "Bardzo dziękuję, nowy router działa świetnie.", "gratitude"),
    ("pl", "Nie rozumiem, dlaczego mój rachunek się podwoił.", "confusion"),
    (
        "fr",
        "C'est la troisième fois que j'écris et mon remboursement n'est toujours pas arrivé !",
        "frustration",
    ),
    ("fr", "Je suis inquiète, quelqu'un a utilisé ma carte.", "anxiety"),
    ("fr", "Merci beaucoup, le nouveau routeur fonctionne parfaitement.", "gratitude"),
    ("fr", "Je ne comprends pas pourquoi ma facture a doublé ce mois-ci.", "confusion"),
    (
        "en",
        "The technician was rude and the package arrived smashed. Absolutely unacceptable.",
        "anger",
    ),
    ("de", "Ich bin sehr enttäuscht, die Lieferung kam beschädigt an.", "sadness"),
    ("fr", "Ouf, enfin réglé, je suis soulagé.", "relief"),
    ("es", "Quiero cambiar la dirección de entrega de mi pedido.", "neutral"),
)


def demo_table() -> str:
    """The table: every loadable emotion backend's top CX emotion per message, and the
    agreement with the expected emotion per backend and language."""
    names = []
    preds = {}
    for name in available_emotion_models():
        try:
            model = get_emotion_model(name)
        except (ImportError, FileNotFoundError):
            continue
        names.append(name)
        preds[name] = model.predict_proba([m for _, m, _ in MESSAGES])
    lines = [
        "| lang | customer message | expected | "
        + " | ".join(names)
        + " | default p(top) | valence (default) |",
        "| --- | --- | --- |" + " --- |" * len(names) + " --- | --- |",
    ]
    tops = {n: dominant(p) for n, p in preds.items()}
    for i, (lang, text, expected) in enumerate(MESSAGES):
        cells = [
            ("**" + tops[n][i] + "**") if tops[n][i] == expected else tops[n][i] for n in names
        ]
        pd = preds.get("default")
        extra = f"{pd[i].max():.2f} | {float(valence(pd[i])):+.2f}" if pd is not None else "— | —"
        lines.append(f"| {lang} | {text} | {expected} | " + " | ".join(cells) + f" | {extra} |")
    langs = sorted({lang for lang, _, _ in MESSAGES})
    lines += [
        "",
        "Agreement with the expected emotion (bold above), per language:",
        "",
        "| backend | " + " | ".join(langs) + " | all |",
        "| --- |" + " --- |" * (len(langs) + 1),
    ]
    for n in names:
        cells = []
        for lang in langs:
            idx = [i for i, (lg, _, _) in enumerate(MESSAGES) if lg == lang]
            cells.append(f"{sum(tops[n][i] == MESSAGES[i][2] for i in idx)}/{len(idx)}")
        total = sum(tops[n][i] == m[2] for i, m in enumerate(MESSAGES))
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {total}/{len(MESSAGES)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    table = demo_table()
    print(table)
    replace_section(DOC, "demo", table)


if __name__ == "__main__":
    main()
