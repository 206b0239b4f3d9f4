"""Italian phrase bank, written for Empathos (same keys and slots as ``en``)."""

BANK = {
    "open": {
        "billing": [
            "Mi avete addebitato {amount} il {date} e non capisco perché.",
            "L'ultima fattura del {product} è di {amount}, più di quanto concordato.",
            "C'è un doppio addebito di {amount} per l'ordine {order}.",
            "Perché la bolletta di questo mese è di {amount}? Non ho cambiato nulla.",
        ],
        "technical": [
            "Il mio {product} si disconnette di continuo dal {date}.",
            "Il {product} non funziona più dopo l'aggiornamento.",
            "Ho riavviato il {product} tre volte e dà ancora errore.",
            "Ordine {order}: il {product} non si accende proprio.",
        ],
        "sales": [
            "Sto pensando di passare al {product}. Quanto mi costerebbe?",
            "C'è un'offerta migliore per il {product} rispetto a {amount}?",
            "Vorrei aggiungere un secondo {product} al contratto.",
            "Che differenza c'è tra il mio piano e il {product}?",
        ],
        "complaint": [
            "Voglio presentare un reclamo formale per l'ordine {order}.",
            "È la terza volta che il {product} mi delude e nessuno se ne assume la responsabilità.",
            "Il tecnico non si è presentato il {date} e avevo preso un giorno di ferie.",
            "Mi avevate promesso un rimborso di {amount} settimane fa e sto ancora aspettando.",
        ],
        "cancellation": [
            "Voglio disdire il contratto del {product}.",
            "Chiudete il mio account, ho trovato un'offerta più economica di {amount} al mese.",
            "Come faccio a disdire? Il {product} non vale più {amount} per me.",
            "Vorrei terminare l'abbonamento dal {date}.",
        ],
        "delivery": [
            "Dov'è il mio ordine {order}? Doveva arrivare il {date}.",
            "Il tracciamento dell'ordine {order} è fermo da giorni.",
            "Il mio {product} è arrivato danneggiato.",
            "Ho ricevuto un articolo sbagliato al posto del {product}.",
        ],
        "account": [
            "Non riesco più ad accedere al mio account.",
            "Devo cambiare l'indirizzo dell'account prima del {date}.",
            "Qualcuno ha cambiato la mia password e non sono stato io.",
            "Come aggiungo mia moglie all'account del {product}?",
        ],
    },
    "feel": {
        "anger": [
            "Questo è assolutamente inaccettabile!",
            "Sono furioso.",
            "Ne ho davvero abbastanza!",
            "Francamente è una vergogna.",
        ],
        "frustration": [
            "Sta diventando davvero frustrante.",
            "L'ho già spiegato due volte.",
            "Sinceramente, sono stufo.",
            "Perché è tutto così complicato?",
        ],
        "anxiety": [
            "Sono davvero preoccupata.",
            "Ho paura che mi addebitino di nuovo.",
            "Mi rende nervoso, mi serve per lavoro.",
            "Temo che non si risolva in tempo.",
        ],
        "sadness": [
            "Sono molto deluso.",
            "Onestamente mi aspettavo di più da voi.",
            "Peccato, prima il vostro servizio mi piaceva.",
            "È una vera delusione.",
        ],
        "confusion": [
            "Non capisco bene cosa stia succedendo.",
            "Le istruzioni mi confondono.",
            "Non so cosa devo fare adesso.",
            "Può rispiegarmelo? Mi sono perso.",
        ],
        "neutral": ["Va bene.", "Capisco.", "D'accordo, controllo.", "Ok, proceda."],
        "joy": [
            "Fantastico!",
            "Perfetto, è quello che speravo.",
            "Bene, sono contento così.",
            "Ottimo.",
        ],
        "gratitude": [
            "Grazie mille per l'aiuto.",
            "Lo apprezzo davvero.",
            "Grazie, è molto gentile.",
            "Grazie per il tempo che mi dedica.",
        ],
        "relief": [
            "Uff, che sollievo.",
            "Meno male, ero così preoccupata.",
            "Mi toglie un peso.",
            "Finalmente posso stare tranquillo.",
        ],
    },
    "hello": ["Salve.", "Buongiorno.", "Ciao.", "Buonasera.", "Salve a tutti."],
    "wait": [
        "Aspetto da {minutes} minuti.",
        "Sono rimasto in attesa {minutes} minuti!",
        "Ci avete messo {minutes} minuti a rispondere.",
    ],
    "transferred": [
        "Un altro trasferimento? Ho già spiegato tutto.",
        "Per favore non passatemi di nuovo.",
        "Quindi devo ricominciare da capo con qualcun altro?",
    ],
    "detail": [
        "Il numero d'ordine è {order}.",
        "È iniziato il {date}.",
        "L'importo era {amount}.",
        "Si tratta del {product}.",
        "Tra l'altro sono cliente da anni.",
    ],
    "end": {
        "joy": [
            "Ottimo, grazie, risolto.",
            "Benissimo, ora va tutto bene.",
            "Perfetto, buona giornata.",
        ],
        "gratitude": [
            "Grazie, mi è stato di grande aiuto.",
            "Grazie mille per la pazienza.",
            "Apprezzo molto il suo aiuto oggi.",
        ],
        "relief": [
            "Grazie al cielo è sistemato.",
            "Che sollievo, grazie.",
            "Bene, finalmente smetto di preoccuparmi.",
        ],
        "neutral": ["Ok, arrivederci.", "Va bene, grazie.", "D'accordo allora."],
        "negative": [
            "Lasci perdere, è stato inutile.",
            "Passerò alla concorrenza.",
            "Questo non mi aiuta per niente.",
            "Non sono ancora soddisfatto.",
        ],
    },
    "greet": [
        "Salve, sono {agent}, come posso aiutarla?",
        "Buongiorno, le risponde {agent}.",
        "Buongiorno, mi chiamo {agent}.",
        "Grazie per averci contattato, sono {agent}.",
    ],
    "er": {
        "weak": ["La ascolto.", "Capisco che sia fastidioso.", "Non suona bene."],
        "strong": [
            "Capisco davvero quanto sia stato frustrante per lei.",
            "Anch'io sarei arrabbiato se mi succedesse.",
            "Mi dispiace molto che si sia preoccupata per questo, dev'essere stato stressante.",
        ],
    },
    "ip": {
        "weak": ["Capisco la situazione.", "So cosa intende.", "Bene, vedo cosa è successo."],
        "strong": [
            "Se ho capito bene, {issue}, e non ha ciò per cui ha pagato.",
            "Quindi {issue} e nessuno l'ha ancora risolto.",
            "Dal suo punto di vista, {issue}, e vuole solo che funzioni.",
        ],
    },
    "ex": {
        "weak": ["Altro?", "Può dirmi di più?", "E poi cosa è successo?"],
        "strong": [
            "Mi racconta cosa è successo esattamente, così capisco come l'ha colpita?",
            "Quale sarebbe la soluzione migliore per lei?",
            "Come la sta influenzando nella vita di tutti i giorni?",
        ],
    },
    "sym": [
        "Ci scusiamo per il disagio.",
        "Siamo spiacenti per l'inconveniente.",
        "Mi dispiace.",
        "Scusi per il problema.",
    ],
    "issue": {
        "billing": [
            "le sono stati addebitati {amount} inattesi",
            "la fattura non corrisponde al contratto",
        ],
        "technical": [
            "il suo {product} continua a guastarsi",
            "il {product} non funziona dal {date}",
        ],
        "sales": ["cerca il {product} giusto a un prezzo onesto", "sta confrontando i piani"],
        "complaint": [
            "è stato deluso più di una volta",
            "la promessa del {date} non è stata mantenuta",
        ],
        "cancellation": ["il {product} non vale più {amount} per lei", "sta pensando di lasciarci"],
        "delivery": ["l'ordine {order} è in ritardo", "il {product} non è arrivato come doveva"],
        "account": ["non riesce ad accedere all'account", "i dati dell'account vanno cambiati"],
    },
    "solve": {
        "billing": [
            "Le ho rimborsato {amount}, lo vedrà entro tre giorni.",
            "Ho corretto la fattura, il nuovo importo comparirà il {date}.",
        ],
        "technical": [
            "Ho resettato il {product} da remoto, dovrebbe riconnettersi tra un minuto.",
            "Ho ordinato un {product} sostitutivo, parte domani.",
        ],
        "sales": [
            "Posso offrirle il {product} a {amount} e l'ho già attivato.",
            "Fatto, il {product} è aggiunto dal {date}.",
        ],
        "complaint": [
            "Ho registrato il reclamo con il numero {order} e accreditato {amount} come gesto di "
            "cortesia.",
            "Ho inoltrato la questione al mio responsabile, la chiameranno entro il {date}.",
        ],
        "cancellation": [
            "Posso scontarle il canone a {amount} al mese se resta.",
            "Ho elaborato la disdetta con decorrenza {date}.",
        ],
        "delivery": [
            "L'ordine {order} è in consegna e arriverà il {date}.",
            "Ho organizzato una sostituzione gratuita del {product}.",
        ],
        "account": [
            "Le ho inviato un link per reimpostarla, vale un'ora.",
            "I suoi dati sono aggiornati da oggi.",
        ],
    },
    "fail": [
        "Purtroppo non posso cambiarlo da qui.",
        "Temo sia la nostra politica.",
        "Deve mandarci una email per questo.",
        "Oggi non posso fare altro.",
    ],
    "transfer": [
        "La passo a un collega che se ne occupa.",
        "La trasferisco al team giusto.",
        "Serve uno specialista, la metto in contatto.",
    ],
    "close": [
        "Posso fare altro per lei?",
        "Grazie per la pazienza, buona giornata.",
        "Arrivederci, e ci ricontatti pure quando vuole.",
    ],
    "bot_greet": [
        "Ciao! Sono l'assistente virtuale. Cosa posso fare per te?",
        "Benvenuto! Descrivi in breve cosa ti serve.",
    ],
    "bot_try": [
        "Ecco un articolo che può aiutare: 'Domande frequenti quando {issue}'.",
        "Ho trovato questi passaggi. Hanno risolto?",
    ],
    "bot_handoff": ["Ti metto in contatto con un operatore.", "Cerco un collega per te."],
    "ask_human": [
        "Non serve. Voglio parlare con una persona.",
        "Operatore, per favore.",
        "Posso parlare con una persona vera?",
    ],
    "busy": [
        "Tutti gli operatori sono occupati. Resti in attesa.",
        "È in coda, la serviremo a breve.",
    ],
    "products": [
        "router Nimbus X2",
        "piano FlexFibre 500",
        "piano mobile Orbit",
        "hub SmartHome",
        "orologio Pulse",
        "portatile Vela",
        "pacchetto TV Max",
        "backup CloudSafe",
        "auricolari Aria",
        "tablet Nova",
    ],
    "months": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "date_fmt": "{day} {month}",
    "money_fmt": "{value} €",
    "decimal_comma": True,
    "names": [
        "Giulia",
        "Marco",
        "Francesca",
        "Luca",
        "Chiara",
        "Matteo",
        "Sara",
        "Andrea",
        "Elisa",
        "Davide",
    ],
}
