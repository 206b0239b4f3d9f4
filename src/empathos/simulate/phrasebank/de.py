"""German phrase bank, written for Empathos (same keys and slots as ``en``)."""

BANK = {
    "open": {
        "billing": [
            "Mir wurden am {date} {amount} abgebucht und ich verstehe nicht, warum.",
            "Meine letzte Rechnung für den {product} zeigt {amount}, das ist mehr als vereinbart.",
            "Auf meinem Konto ist eine doppelte Abbuchung von {amount} für Bestellung {order}.",
            "Warum beträgt meine Rechnung diesen Monat {amount}? Bei mir hat sich nichts geändert.",
        ],
        "technical": [
            "Mein {product} verliert seit dem {date} ständig die Verbindung.",
            "Der {product} funktioniert seit dem Update nicht mehr.",
            "Ich habe den {product} dreimal neu gestartet und er zeigt immer noch einen Fehler.",
            "Bestellung {order}: der {product} lässt sich gar nicht einschalten.",
        ],
        "sales": [
            "Ich überlege, auf den {product} umzusteigen. Was würde das kosten?",
            "Gibt es für den {product} ein besseres Angebot als {amount}?",
            "Ich möchte einen zweiten {product} zu meinem Vertrag hinzufügen.",
            "Was ist der Unterschied zwischen meinem Tarif und dem {product}?",
        ],
        "complaint": [
            "Ich möchte mich offiziell über die Abwicklung von Bestellung {order} beschweren.",
            "Das ist schon das dritte Mal, dass der {product} versagt, und niemand fühlt sich "
            "zuständig.",
            "Ihr Techniker ist am {date} nicht gekommen, obwohl ich mir freigenommen habe.",
            "Mir wurde vor Wochen eine Erstattung von {amount} versprochen, ich warte immer noch.",
        ],
        "cancellation": [
            "Ich möchte meinen Vertrag für den {product} kündigen.",
            "Bitte schließen Sie mein Konto, ich habe ein günstigeres Angebot als {amount} im "
            "Monat.",
            "Wie kündige ich? Der {product} ist mir {amount} nicht mehr wert.",
            "Ich möchte mein Abo zum {date} beenden.",
        ],
        "delivery": [
            "Wo bleibt meine Bestellung {order}? Sie sollte am {date} ankommen.",
            "Die Sendungsverfolgung für {order} bewegt sich seit Tagen nicht.",
            "Mein {product} ist beschädigt angekommen.",
            "Ich habe statt dem {product} den falschen Artikel bekommen.",
        ],
        "account": [
            "Ich kann mich nicht mehr in mein Konto einloggen.",
            "Ich muss vor dem {date} meine Adresse im Konto ändern.",
            "Jemand hat mein Passwort geändert, das war nicht ich.",
            "Wie füge ich meine Partnerin zum Konto für den {product} hinzu?",
        ],
    },
    "feel": {
        "anger": [
            "Das ist völlig inakzeptabel!",
            "Ich bin stinksauer.",
            "Mir reicht es jetzt endgültig!",
            "Das ist eine Frechheit.",
        ],
        "frustration": [
            "Das nervt langsam wirklich.",
            "Ich habe das schon zweimal erklärt.",
            "Ehrlich gesagt habe ich die Nase voll.",
            "Warum ist das so kompliziert?",
        ],
        "anxiety": [
            "Ich mache mir wirklich Sorgen.",
            "Ich habe Angst, dass wieder abgebucht wird.",
            "Das macht mich nervös, ich brauche das für die Arbeit.",
            "Ich fürchte, das wird nicht rechtzeitig gelöst.",
        ],
        "sadness": [
            "Ich bin wirklich enttäuscht.",
            "Ehrlich gesagt hatte ich mehr von Ihnen erwartet.",
            "Schade, früher war ich mit Ihnen zufrieden.",
            "Das ist eine echte Enttäuschung.",
        ],
        "confusion": [
            "Ich verstehe nicht ganz, was los ist.",
            "Die Anleitung verwirrt mich.",
            "Ich weiß nicht, was ich jetzt tun soll.",
            "Können Sie das nochmal erklären? Ich blicke nicht durch.",
        ],
        "neutral": [
            "Okay.",
            "Verstehe.",
            "Gut, ich schaue nach.",
            "In Ordnung, machen Sie weiter.",
        ],
        "joy": [
            "Das klingt super!",
            "Perfekt, genau das wollte ich.",
            "Schön, damit bin ich zufrieden.",
            "Ausgezeichnet.",
        ],
        "gratitude": [
            "Vielen herzlichen Dank für Ihre Hilfe.",
            "Das weiß ich wirklich zu schätzen.",
            "Danke, das ist sehr nett von Ihnen.",
            "Danke, dass Sie sich die Zeit nehmen.",
        ],
        "relief": [
            "Puh, da bin ich erleichtert.",
            "Oh gut, ich hatte mir solche Sorgen gemacht.",
            "Da fällt mir ein Stein vom Herzen.",
            "Endlich kann ich durchatmen.",
        ],
    },
    "hello": ["Hallo.", "Guten Tag.", "Moin.", "Hallo zusammen.", "Grüß Gott."],
    "wait": [
        "Ich warte schon seit {minutes} Minuten.",
        "Ich hing {minutes} Minuten in der Warteschleife!",
        "Sie haben {minutes} Minuten gebraucht, um zu antworten.",
    ],
    "transferred": [
        "Schon wieder weiterverbunden? Ich habe doch alles erklärt.",
        "Bitte reichen Sie mich nicht noch einmal weiter.",
        "Jetzt muss ich also bei jemand anderem von vorne anfangen?",
    ],
    "detail": [
        "Die Bestellnummer ist {order}.",
        "Es fing am {date} an.",
        "Der Betrag war {amount}.",
        "Es geht um den {product}.",
        "Ich bin übrigens seit Jahren Kunde.",
    ],
    "end": {
        "joy": [
            "Super, danke, dann ist das erledigt.",
            "Prima, jetzt passt alles.",
            "Perfekt, schönen Tag noch.",
        ],
        "gratitude": [
            "Danke, Sie waren mir eine große Hilfe.",
            "Vielen Dank für Ihre Geduld.",
            "Ich weiß Ihre Hilfe heute sehr zu schätzen.",
        ],
        "relief": [
            "Gott sei Dank ist das behoben.",
            "Was für eine Erleichterung, danke.",
            "Gut, jetzt muss ich mir keine Sorgen mehr machen.",
        ],
        "neutral": ["Okay, tschüss.", "Gut, danke.", "Na dann."],
        "negative": [
            "Vergessen Sie es, das war nutzlos.",
            "Dann gehe ich eben zur Konkurrenz.",
            "Das hilft mir überhaupt nicht.",
            "Ich bin damit immer noch nicht zufrieden.",
        ],
    },
    "greet": [
        "Hallo, hier ist {agent}, wie kann ich helfen?",
        "Guten Tag, {agent} am Apparat.",
        "Guten Tag, mein Name ist {agent}.",
        "Danke für Ihre Nachricht, ich bin {agent}.",
    ],
    "er": {
        "weak": ["Ich höre Sie.", "Ich sehe, das ist ärgerlich.", "Das klingt nicht gut."],
        "strong": [
            "Ich kann gut nachvollziehen, wie frustrierend das für Sie gewesen sein muss.",
            "Ich wäre an Ihrer Stelle auch verärgert.",
            "Es tut mir leid, dass Sie sich deswegen Sorgen gemacht haben, das war sicher "
            "belastend.",
        ],
    },
    "ip": {
        "weak": [
            "Ich verstehe die Situation.",
            "Ich weiß, was Sie meinen.",
            "Gut, ich sehe, was passiert ist.",
        ],
        "strong": [
            "Wenn ich Sie richtig verstehe, geht es darum, dass {issue}, und Sie haben nicht "
            "bekommen, wofür Sie bezahlt haben.",
            "Sie kämpfen also damit, dass {issue}, und niemand hat es bisher gelöst.",
            "Aus Ihrer Sicht ist das Problem, dass {issue}, und Sie wollen einfach, dass es "
            "funktioniert.",
        ],
    },
    "ex": {
        "weak": ["Sonst noch etwas?", "Können Sie mir mehr erzählen?", "Was ist dann passiert?"],
        "strong": [
            "Können Sie mir genau schildern, was passiert ist, damit ich verstehe, wie es Sie "
            "betrifft?",
            "Was wäre für Sie hier die beste Lösung?",
            "Wie wirkt sich das im Alltag auf Sie aus?",
        ],
    },
    "sym": [
        "Entschuldigen Sie die Unannehmlichkeiten.",
        "Wir bitten um Entschuldigung für die Umstände.",
        "Tut mir leid.",
        "Entschuldigung für den Ärger.",
    ],
    "issue": {
        "billing": [
            "Ihnen wurden unerwartet {amount} berechnet",
            "Ihre Rechnung nicht zum Vertrag passt",
        ],
        "technical": [
            "Ihr {product} immer wieder ausfällt",
            "der {product} seit dem {date} nicht funktioniert",
        ],
        "sales": [
            "Sie den passenden {product} zu einem fairen Preis wollen",
            "Sie Tarife vergleichen",
        ],
        "complaint": [
            "Sie mehrfach enttäuscht wurden",
            "das Versprechen vom {date} nicht gehalten wurde",
        ],
        "cancellation": [
            "der {product} Ihnen {amount} nicht mehr wert ist",
            "Sie überlegen, uns zu verlassen",
        ],
        "delivery": [
            "Bestellung {order} verspätet ist",
            "der {product} nicht ordnungsgemäß angekommen ist",
        ],
        "account": [
            "Sie aus Ihrem Konto ausgesperrt sind",
            "Ihre Kontodaten geändert werden müssen",
        ],
    },
    "solve": {
        "billing": [
            "Ich habe Ihnen {amount} erstattet, das sehen Sie in drei Tagen.",
            "Ich habe die Rechnung korrigiert, der neue Betrag erscheint am {date}.",
        ],
        "technical": [
            "Ich habe den {product} aus der Ferne zurückgesetzt, er sollte sich gleich verbinden.",
            "Ich habe einen Ersatz-{product} bestellt, er geht morgen raus.",
        ],
        "sales": [
            "Ich kann Ihnen den {product} für {amount} anbieten und habe es gleich eingetragen.",
            "Erledigt, der {product} ist ab dem {date} dabei.",
        ],
        "complaint": [
            (
                "Ich habe Ihre Beschwerde unter {order} erfasst und {amount} als Kulanz "
                "gutgeschrieben."
            ),
            "Ich habe das an meine Vorgesetzte weitergegeben, Sie bekommen bis zum {date} einen "
            "Anruf.",
        ],
        "cancellation": [
            "Ich kann Ihnen einen Rabatt auf {amount} im Monat geben, wenn Sie bleiben.",
            "Ich habe die Kündigung zum {date} bearbeitet.",
        ],
        "delivery": [
            "Bestellung {order} ist in Zustellung und kommt am {date}.",
            "Ich habe kostenlosen Ersatz für den {product} veranlasst.",
        ],
        "account": [
            "Ich habe Ihnen einen Link zum Zurücksetzen geschickt, er gilt eine Stunde.",
            "Ihre Daten sind ab heute aktualisiert.",
        ],
    },
    "fail": [
        "Leider kann ich das von hier aus nicht ändern.",
        "Das sind leider unsere Richtlinien.",
        "Dafür müssen Sie uns eine E-Mail schicken.",
        "Mehr kann ich heute nicht tun.",
    ],
    "transfer": [
        "Ich verbinde Sie mit einem Kollegen, der das bearbeitet.",
        "Ich leite Sie an das richtige Team weiter.",
        "Dafür braucht es einen Spezialisten, ich stelle durch.",
    ],
    "close": [
        "Kann ich sonst noch etwas für Sie tun?",
        "Danke für Ihre Geduld, einen schönen Tag noch.",
        "Alles Gute, melden Sie sich gern wieder.",
    ],
    "bot_greet": [
        "Hallo! Ich bin der digitale Assistent. Was kann ich für Sie tun?",
        "Willkommen! Beschreiben Sie kurz Ihr Anliegen.",
    ],
    "bot_try": [
        "Hier ist ein Artikel, der helfen könnte: 'Häufige Fragen, wenn {issue}'.",
        "Ich habe diese Schritte gefunden. Hat das geholfen?",
    ],
    "bot_handoff": ["Ich verbinde Sie mit einem Mitarbeiter.", "Ich suche einen Kollegen für Sie."],
    "ask_human": [
        "Das hilft nicht. Ich möchte mit einem Menschen sprechen.",
        "Mitarbeiter, bitte.",
        "Kann ich mit einer echten Person reden?",
    ],
    "busy": [
        "Alle Mitarbeiter sind im Gespräch. Bitte warten Sie.",
        "Sie sind in der Warteschlange, wir sind gleich für Sie da.",
    ],
    "products": [
        "Nimbus X2 Router",
        "FlexFibre 500 Tarif",
        "Orbit Mobilfunktarif",
        "SmartHome Hub",
        "Pulse Uhr",
        "Vela Laptop",
        "TV Max Paket",
        "CloudSafe Backup",
        "Aria Kopfhörer",
        "Nova Tablet",
    ],
    "months": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "date_fmt": "{day}. {month}",
    "money_fmt": "{value} €",
    "decimal_comma": True,
    "names": [
        "Anna",
        "Lukas",
        "Sophie",
        "Jonas",
        "Lena",
        "Felix",
        "Marie",
        "Paul",
        "Katrin",
        "Tobias",
    ],
}
