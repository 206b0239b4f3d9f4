"""Hand-written multilingual cue lists (en, de, es, it, pl, fr) for the lexicon backends.

Entries are written *normalised* (lower case, accents stripped, ł->l, ß->ss; see
``_text.normalise``). An entry ending in ``*`` matches any word starting with it
("frustrat*" matches "frustrating"); others match whole words or whole phrases. The
lists are cues a support lead would name, not a learned vocabulary: the lexicon backend is
a transparent, instant baseline and a feature source for the learned models.
"""

from __future__ import annotations

EMOTION_CUES: dict[str, tuple[str, ...]] = {
    "anger": (
        # en
        "angry", "anger", "furious", "outrage*", "livid", "unacceptable", "ridiculous",
        "disgust*", "disgrace*", "scam*", "rip off", "ripoff", "pathetic", "worst", "hate",
        "how dare", "shameful", "joke", "incompetent", "lied", "lying",
        # de
        "wutend", "wut", "sauer", "unverschamt", "frechheit", "skandal*", "inakzeptabel",
        "betrug", "betruger*", "abzocke", "emport", "zornig", "hasse", "schlechteste*",
        "unmoglich", "lacherlich", "inkompetent*",
        # es
        "enfadad*", "enojad*", "furios*", "indignad*", "inaceptable", "vergonzoso",
        "estafa*", "indignante", "odio", "cabread*", "ridicul*", "incompetent*", "peor",
        # it
        "arrabbiat*", "inaccettabile", "vergogna*", "vergognoso", "truffa*", "indignat*",
        "schifo*", "ridicol*", "incompetent*", "peggior*",
        # pl
        "wsciek*", "zly", "zla", "skandal*", "oszust*", "niedopuszczaln*", "zenujac*",
        "oburz*", "nienawidz*", "wkurz*", "najgorsz*", "zalosn*", "kpina",
        # fr
        "furieux", "furieuse", "colere", "inacceptable", "scandale*", "arnaque*",
        "honteux", "honte", "ridicule", "indign*", "deteste", "pire", "incompetent*",
    ),
    "frustration": (
        # en
        "frustrat*", "annoy*", "irritat*", "still not", "still no", "still haven't",
        "still hasn't", "still waiting", "again", "third time", "3rd time", "several times",
        "many times", "no one", "nobody", "fed up", "sick of", "tired of", "useless",
        "doesn't work", "does not work", "not working", "never arrived", "never received",
        "broken", "no response", "no answer", "no reply", "waiting for", "weeks", "hours",
        # de
        "frustr*", "nervig", "genervt", "argerlich", "immer noch", "schon wieder",
        "dritten mal", "dritte mal", "mehrmals", "warte", "warten", "niemand",
        "keine antwort", "keine reaktion", "funktioniert nicht", "nicht angekommen",
        "kaputt", "satt", "nutzlos", "unzufrieden", "wochen", "stunden", "nie",
        # es
        "frustra*", "molest*", "todavia", "aun no", "otra vez", "de nuevo", "tercera vez",
        "varias veces", "esperando", "nadie", "sin respuesta", "ninguna respuesta",
        "no funciona", "no ha llegado", "no llego", "roto", "rota", "harto", "harta",
        "inutil", "insatisfech*", "semanas", "horas",
        # it
        "frustra*", "fastidi*", "infastidit*", "irritat*", "ancora", "di nuovo",
        "terza volta", "piu volte", "aspetto", "aspettando", "nessuno", "nessuna risposta",
        "non funziona", "non e arrivat*", "mai arrivat*", "rott*", "stufo", "stufa",
        "inutile", "insoddisfatt*", "settimane", "ore",
        # pl
        "frustr*", "irytuj*", "zirytowan*", "nadal", "wciaz", "znowu", "ponownie",
        "trzeci raz", "kolejny raz", "czekam", "nikt", "brak odpowiedzi", "nie dziala",
        "nie dotarl*", "zepsut*", "mam dosc", "bezuzyteczn*", "niezadowol*", "tygodni*",
        "godzin*",
        # fr
        "frustr*", "agac*", "enerv*", "toujours pas", "encore", "troisieme fois",
        "plusieurs fois", "attends", "attente", "personne", "aucune reponse",
        "ne fonctionne pas", "ne marche pas", "pas arrive", "pas recu", "jamais recu",
        "casse", "cassee", "marre", "inutile", "mecontent*", "semaines", "heures",
    ),
    "anxiety": (
        "worried", "worry*", "anxious", "nervous", "afraid", "scared", "fear*", "concerned",
        "what if", "urgent*", "panic*", "stress*", "desperate*",
        "sorge*", "besorgt", "angst", "nervos", "beunruhigt", "dringend*", "panik",
        "befurcht*", "verzweifelt",
        "preocupad*", "preocupa", "preocupacion", "ansios*", "nervios*", "miedo",
        "asustad*", "urgente*", "panico", "estres*", "temo", "desesperad*",
        "preoccupat*", "preoccupa", "ansia", "ansios*", "nervos*", "paura", "spaventat*",
        "urgente*", "panico", "temo", "disperat*",
        "martwi*", "niepokoj*", "zaniepokoj*", "boje sie", "strach", "nerwow*", "pilne",
        "pilnie", "panik*", "stres*", "obawiam*", "zdesperowan*",
        "inquiet*", "anxieu*", "nerveu*", "peur", "effraye*", "panique*", "crains",
        "desespere*",
    ),
    "sadness": (
        "disappoint*", "sad", "unhappy", "upset", "let down", "a pity", "unfortunately",
        "heartbroken", "regret*", "expected better", "shame",
        "enttausch*", "traurig", "schade", "leider", "unglucklich", "bedauer*",
        "decepcion*", "decepcionad*", "triste", "lastima", "lamentablemente",
        "desilusion*", "desgraciadamente",
        "delus*", "triste", "peccato", "purtroppo", "rammaric*", "dispiaciut*",
        "rozczarow*", "smutn*", "szkoda", "niestety", "zawiod*", "zawiedzion*",
        "decu", "decue", "decevant*", "deception", "triste", "dommage", "malheureusement",
        "regrett*",
    ),
    "confusion": (
        "confus*", "don't understand", "do not understand", "unclear", "not sure",
        "how do i", "how can i", "what does", "why is", "why does", "i wonder", "puzzl*",
        "makes no sense", "no idea", "which one", "don't get",
        "verwirr*", "verstehe nicht", "unklar", "nicht sicher", "wie kann ich",
        "was bedeutet", "warum", "wieso", "weshalb", "keine ahnung", "unverstandlich",
        "confundid*", "confus*", "no entiendo", "no comprendo", "no esta claro",
        "no estoy segur*", "como puedo", "que significa", "por que", "ni idea",
        "confus*", "non capisco", "non e chiaro", "non sono sicur*", "come posso",
        "cosa significa", "perche", "non ho capito",
        "zdezorient*", "nie rozumiem", "niejasn*", "nie jestem pewn*", "jak moge",
        "co oznacza", "dlaczego", "czemu", "nie wiem",
        "confus*", "comprends pas", "pas clair", "pas sur", "comment puis", "que signifie",
        "pourquoi", "perdu", "aucune idee",
    ),
    "joy": (
        "great", "happy", "glad", "love", "awesome", "excellent", "perfect*", "amazing",
        "wonderful", "fantastic", "pleased", "satisf*", "delighted", "brilliant",
        "impressed", "good", "works now", "well done",
        "super", "toll", "prima", "glucklich", "froh", "freue", "perfekt", "ausgezeichnet",
        "wunderbar", "fantastisch", "zufrieden", "begeistert", "klasse", "gut",
        "genial", "feliz", "content*", "encant*", "excelente", "perfect*", "maravill*",
        "fantastic*", "satisfech*", "estupend*", "bueno", "buena", "bien",
        "ottim*", "felic*", "content*", "perfett*", "eccellent*", "meravigl*",
        "fantastic*", "soddisfatt*", "splendid*", "bene", "bello",
        "swietn*", "super", "szczesliw*", "zadowolon*", "doskonal*", "idealn*",
        "wspanial*", "fantastyczn*", "rewelac*", "dobrze", "ciesze sie",
        "super", "genial", "heureu*", "content*", "parfait*", "excellent*", "merveill*",
        "fantastique", "satisfait*", "ravi", "ravie", "bien",
    ),
    "gratitude": (
        "thank*", "thx", "grateful", "appreciat*", "cheers",
        "danke*", "dank", "dankbar", "gracias", "agradec*", "grazie", "ringrazi*",
        "dziekuj*", "dzieki", "wdzieczn*", "merci", "remerci*", "reconnaissant*",
    ),
    "relief": (
        "relief", "relieved", "finally", "phew", "at last", "thank god", "resolved",
        "sorted",
        "erleichter*", "endlich", "gott sei dank", "puh",
        "alivio", "aliviad*", "por fin", "al fin", "menos mal",
        "sollievo", "sollevat*", "finalmente", "meno male", "per fortuna",
        "ulga", "ulzyl*", "w koncu", "wreszcie", "na szczescie",
        "soulag*", "enfin", "ouf", "heureusement",
    ),
}  # fmt: skip

# Words that flip a following positive cue ("not happy", "nicht zufrieden", "pas content").
NEGATORS: tuple[str, ...] = (
    "not", "no", "never", "isn't", "wasn't", "don't", "didn't", "nicht", "kein", "keine",
    "nie", "nunca", "non", "pas", "jamais", "ni", "nigdy",
)  # fmt: skip

# --- empathy (EPITOME mechanisms, Sharma et al. 2020) ------------------------------------

# Formulaic apologies: sympathy, not empathy. They acknowledge an *event*, not the person's
# feeling or situation. A reply made only of these scores zero on every mechanism.
SYMPATHY_CUES: tuple[str, ...] = (
    "sorry for the inconvenience", "sorry for any inconvenience", "apologi* for the inconvenience",
    "apologi* for any inconvenience", "we apologi*", "apologies for", "we regret",
    "inconvenience caused", "thank you for your patience", "thanks for your patience",
    "thank you for contacting", "thank you for reaching out", "sorry for the delay",
    "entschuldigen sie die unannehmlichkeiten", "entschuldigung fur die unannehmlichkeiten",
    "wir entschuldigen uns", "unannehmlichkeiten", "wir bedauern", "vielen dank fur ihre geduld",
    "disculpe las molestias", "disculpen las molestias", "perdon por las molestias",
    "lamentamos las molestias", "sentimos las molestias", "molestias ocasionadas",
    "gracias por su paciencia",
    "ci scusiamo per il disagio", "scusate il disagio", "scusi il disagio",
    "ci scusiamo per l'inconveniente", "disagio arrecato", "grazie per la pazienza",
    "przepraszamy za niedogodnosci", "przepraszamy za utrudnienia", "niedogodnosci",
    "dziekujemy za cierpliwosc",
    "desole pour le desagrement", "desoles pour la gene", "nous nous excusons",
    "veuillez nous excuser", "desagrement", "gene occasionnee", "merci de votre patience",
    "merci pour votre patience",
    # formulaic closing questions: not an exploration of the customer's experience
    "anything else i can help", "anything else we can help", "is there anything else",
    "kann ich ihnen sonst noch", "kann ich sonst noch", "noch etwas, das ich",
    "algo mas en lo que", "puedo ayudarle en algo mas", "posso aiutarla in altro",
    "c'e altro", "w czym jeszcze", "czy moge jeszcze w czyms", "autre chose pour",
    "puis-je vous aider pour autre chose",
)  # fmt: skip

# mechanism -> level -> cues. Level 2: the cue names the customer's feeling or situation
# specifically; level 1: a generic version of the same move.
EMPATHY_CUES: dict[str, dict[int, tuple[str, ...]]] = {
    "emotional_reaction": {
        2: (
            "so sorry to hear", "really sorry to hear", "so sorry you", "i feel for you",
            "must be so", "must be really", "must have been", "must be frustrating",
            "must be stressful", "must be worrying", "must be upsetting", "must be hard",
            "must be difficult", "must be annoying", "that sounds frustrating",
            "that sounds stressful", "that sounds awful", "that sounds really",
            "that sounds so", "i can imagine how", "heart goes out", "i'd be frustrated",
            "i would be frustrated", "i'd be upset", "i would be upset",
            "muss sehr", "muss wirklich", "muss frustrierend", "muss argerlich",
            "kann mir vorstellen, wie", "kann mir gut vorstellen", "tut mir wirklich leid",
            "tut mir sehr leid, dass", "wie frustrierend", "wie argerlich",
            "debe ser muy", "debe ser frustrante", "debe haber sido", "imagino lo",
            "imagino que", "siento mucho que", "que frustrante",
            "deve essere molto", "deve essere frustrante", "deve essere stato",
            "immagino quanto", "immagino come", "mi dispiace davvero", "mi dispiace molto che",
            "che frustrazione",
            "musi byc bardzo", "musi byc frustrujace", "musialo byc", "wyobrazam sobie",
            "bardzo mi przykro, ze", "naprawde mi przykro", "jakie to frustrujace",
            "doit etre tres", "doit etre frustrant", "a du etre", "j'imagine a quel point",
            "j'imagine combien", "je suis vraiment desole", "je suis sincerement desole",
            "quelle frustration",
        ),
        1: (
            "sorry to hear", "i'm sorry", "i am sorry", "that's awful", "that's terrible",
            "oh no", "that's frustrating", "that's annoying", "how annoying", "that sucks",
            "tut mir leid", "das ist argerlich", "oh nein", "lo siento", "que pena",
            "vaya", "mi dispiace", "che peccato", "przykro mi", "o nie", "desole", "desolee",
            "oh non", "c'est agacant",
        ),
    },
    "interpretation": {
        2: (
            "it sounds like", "sounds like you", "i understand that you", "i understand why",
            "i understand how", "i can see why", "i can see that", "i can see how",
            "i know how it feels", "i know how that feels", "i've been there",
            "i have been there", "same thing happened to me", "if i understand correctly",
            "so you've been", "you've been waiting", "you have been waiting",
            "after waiting", "you've had to", "you have had to", "you had to",
            "you've already", "you have already", "you were expecting", "you expected",
            "klingt so, als", "ich verstehe, dass sie", "ich verstehe, warum",
            "ich verstehe, wie", "ich sehe, dass", "sie haben bereits", "sie mussten",
            "sie warten schon", "wenn ich sie richtig verstehe", "nachdem sie",
            "parece que usted", "entiendo que usted", "entiendo que ha", "entiendo por que",
            "entiendo perfectamente", "veo que", "ya ha tenido", "ha tenido que",
            "lleva esperando", "si le entiendo bien", "despues de esperar",
            "sembra che lei", "capisco che lei", "capisco che ha", "capisco perche",
            "capisco perfettamente", "vedo che", "ha gia", "ha dovuto", "sta aspettando",
            "se ho capito bene", "dopo aver atteso",
            "rozumiem, ze pan", "rozumiem, ze pani", "rozumiem, dlaczego", "widze, ze",
            "juz pan", "juz pani", "musial pan", "musiala pani", "czeka pan", "czeka pani",
            "jesli dobrze rozumiem", "po tak dlugim",
            "il semble que vous", "je comprends que vous", "je comprends pourquoi",
            "je comprends parfaitement", "je vois que", "vous avez deja", "vous avez du",
            "vous attendez depuis", "si je comprends bien", "apres avoir attendu",
        ),
        1: (
            "i understand", "i see", "i get it", "i know", "understandable",
            "ich verstehe", "verstandlich", "entiendo", "comprendo", "es comprensible",
            "capisco", "comprensibile", "rozumiem", "zrozumiale", "je comprends",
            "c'est comprehensible",
        ),
    },
    "exploration": {
        2: (
            "how are you feeling", "how do you feel", "what happened", "tell me more",
            "can you tell me", "could you tell me", "what exactly", "how long have you",
            "how has this", "what would help", "what would you like", "do you want to talk",
            "how did that", "how is that affecting",
            "wie geht es ihnen", "was ist passiert", "erzahlen sie mir", "konnen sie mir sagen",
            "was genau", "seit wann", "was wurde ihnen helfen", "wie wirkt sich",
            "como se siente", "que ha pasado", "que paso", "cuenteme", "puede contarme",
            "podria decirme", "que exactamente", "desde cuando", "que le ayudaria",
            "come si sente", "cosa e successo", "mi racconti", "puo dirmi", "potrebbe dirmi",
            "cosa esattamente", "da quando", "cosa la aiuterebbe",
            "jak sie pan czuje", "jak sie pani czuje", "co sie stalo", "prosze mi powiedziec",
            "czy moze pan", "czy moze pani", "co dokladnie", "od kiedy", "co by pomoglo",
            "comment vous sentez", "que s'est-il passe", "qu'est-ce qui s'est passe",
            "racontez-moi", "pouvez-vous me dire", "pourriez-vous me dire",
            "qu'est-ce qui exactement", "depuis quand", "qu'est-ce qui vous aiderait",
        ),
        1: ("?",),
    },
}  # fmt: skip
