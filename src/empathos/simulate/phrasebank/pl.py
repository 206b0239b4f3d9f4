"""Polish phrase bank, written for Empathos (same keys and slots as ``en``).
Product names are kept in the nominative after "produkt"/"usługa" so no declension is needed."""

BANK = {
    "open": {
        "billing": [
            "Pobrano mi {amount} dnia {date} i nie rozumiem dlaczego.",
            "Ostatnia faktura za produkt {product} wynosi {amount}, więcej niż ustaliliśmy.",
            "Na moim koncie jest podwójne obciążenie {amount} za zamówienie {order}.",
            "Dlaczego mój rachunek w tym miesiącu to {amount}? Nic nie zmieniałem.",
        ],
        "technical": [
            "Mój produkt {product} ciągle się rozłącza od {date}.",
            "Produkt {product} przestał działać po aktualizacji.",
            "Trzy razy restartowałam produkt {product} i nadal pokazuje błąd.",
            "Zamówienie {order}: produkt {product} w ogóle się nie włącza.",
        ],
        "sales": [
            "Zastanawiam się nad przejściem na produkt {product}. Ile by to kosztowało?",
            "Czy jest lepsza oferta na produkt {product} niż {amount}?",
            "Chciałbym dodać drugi produkt {product} do umowy.",
            "Czym różni się mój plan od produktu {product}?",
        ],
        "complaint": [
            "Chcę złożyć oficjalną reklamację dotyczącą zamówienia {order}.",
            "To już trzeci raz, kiedy produkt {product} zawodzi, i nikt nie bierze "
            "odpowiedzialności.",
            "Technik nie przyszedł {date}, a wzięłam na to dzień wolny.",
            "Obiecano mi zwrot {amount} kilka tygodni temu i nadal czekam.",
        ],
        "cancellation": [
            "Chcę wypowiedzieć umowę na produkt {product}.",
            "Proszę zamknąć moje konto, znalazłem tańszą ofertę niż {amount} miesięcznie.",
            "Jak zrezygnować? Produkt {product} nie jest już dla mnie wart {amount}.",
            "Chcę zakończyć subskrypcję od {date}.",
        ],
        "delivery": [
            "Gdzie jest moje zamówienie {order}? Miało dotrzeć {date}.",
            "Śledzenie zamówienia {order} stoi w miejscu od kilku dni.",
            "Mój produkt {product} przyszedł uszkodzony.",
            "Dostałam zły artykuł zamiast produktu {product}.",
        ],
        "account": [
            "Nie mogę się już zalogować na swoje konto.",
            "Muszę zmienić adres na koncie przed {date}.",
            "Ktoś zmienił moje hasło, to nie byłem ja.",
            "Jak dodać partnera do konta dla produktu {product}?",
        ],
    },
    "feel": {
        "anger": [
            "To jest całkowicie nie do przyjęcia!",
            "Jestem wściekły.",
            "Mam tego serdecznie dość!",
            "Szczerze mówiąc, to skandal.",
        ],
        "frustration": [
            "To się robi naprawdę frustrujące.",
            "Tłumaczyłem to już dwa razy.",
            "Szczerze, mam dość.",
            "Dlaczego to jest takie skomplikowane?",
        ],
        "anxiety": [
            "Naprawdę się tym martwię.",
            "Boję się, że znowu mnie obciążą.",
            "Denerwuję się, potrzebuję tego do pracy.",
            "Obawiam się, że to nie zostanie załatwione na czas.",
        ],
        "sadness": [
            "Jestem bardzo rozczarowana.",
            "Szczerze mówiąc, spodziewałem się po was więcej.",
            "Szkoda, kiedyś lubiłem waszą obsługę.",
            "To prawdziwe rozczarowanie.",
        ],
        "confusion": [
            "Nie bardzo rozumiem, o co chodzi.",
            "Instrukcja mnie myli.",
            "Nie wiem, co mam teraz zrobić.",
            "Może pan to wyjaśnić jeszcze raz? Pogubiłem się.",
        ],
        "neutral": ["Dobrze.", "Rozumiem.", "W porządku, sprawdzę.", "Okej, proszę dalej."],
        "joy": [
            "Brzmi świetnie!",
            "Idealnie, o to mi chodziło.",
            "Super, jestem z tego zadowolona.",
            "Doskonale.",
        ],
        "gratitude": [
            "Bardzo dziękuję za pomoc.",
            "Naprawdę to doceniam.",
            "Dziękuję, to bardzo miłe.",
            "Dziękuję, że poświęcił pan czas.",
        ],
        "relief": [
            "Uff, co za ulga.",
            "No dobrze, tak się martwiłam.",
            "Kamień spadł mi z serca.",
            "Wreszcie mogę odetchnąć.",
        ],
    },
    "hello": ["Dzień dobry.", "Witam.", "Cześć.", "Dobry wieczór.", "Dzień dobry państwu."],
    "wait": [
        "Czekam już {minutes} minut.",
        "Wisiałem na linii {minutes} minut!",
        "Odpowiedź zajęła wam {minutes} minut.",
    ],
    "transferred": [
        "Kolejne przełączenie? Wszystko już wyjaśniłem.",
        "Proszę mnie znowu nie przekazywać.",
        "Czyli mam zaczynać od nowa z kimś innym?",
    ],
    "detail": [
        "Numer zamówienia to {order}.",
        "Zaczęło się {date}.",
        "Kwota wynosiła {amount}.",
        "Chodzi o produkt {product}.",
        "Nawiasem mówiąc, jestem klientem od lat.",
    ],
    "end": {
        "joy": [
            "Świetnie, dzięki, załatwione.",
            "Super, teraz wszystko gra.",
            "Idealnie, miłego dnia.",
        ],
        "gratitude": [
            "Dziękuję, bardzo mi pan pomógł.",
            "Dziękuję za cierpliwość.",
            "Bardzo doceniam dzisiejszą pomoc.",
        ],
        "relief": [
            "Dzięki Bogu, naprawione.",
            "Co za ulga, dziękuję.",
            "Dobrze, wreszcie przestanę się martwić.",
        ],
        "neutral": ["Dobrze, do widzenia.", "W porządku, dzięki.", "No to tyle."],
        "negative": [
            "Nieważne, to było bezużyteczne.",
            "Przejdę do konkurencji.",
            "To mi w ogóle nie pomaga.",
            "Nadal nie jestem z tego zadowolony.",
        ],
    },
    "greet": [
        "Dzień dobry, tu {agent}, w czym mogę pomóc?",
        "Dzień dobry, mówi {agent}.",
        "Witam, nazywam się {agent}.",
        "Dziękujemy za kontakt, jestem {agent}.",
    ],
    "er": {
        "weak": ["Słyszę pana.", "Widzę, że to irytujące.", "To nie brzmi dobrze."],
        "strong": [
            "Naprawdę rozumiem, jak bardzo to było dla pana frustrujące.",
            "Na pana miejscu też byłabym zdenerwowana.",
            "Przykro mi, że się pan tym martwił, to musiało być stresujące.",
        ],
    },
    "ip": {
        "weak": ["Rozumiem sytuację.", "Wiem, co ma pan na myśli.", "Dobrze, widzę, co się stało."],
        "strong": [
            "Jeśli dobrze rozumiem, {issue} i nie ma pan tego, za co pan zapłacił.",
            "Czyli {issue} i nikt tego jeszcze nie naprawił.",
            "Z pana perspektywy {issue}, a chce pan po prostu, żeby działało.",
        ],
    },
    "ex": {
        "weak": ["Coś jeszcze?", "Może pan powiedzieć coś więcej?", "Co było dalej?"],
        "strong": [
            "Czy może pan opowiedzieć, co dokładnie się stało, żebym wiedziała, jak to pana "
            "dotknęło?",
            "Jakie rozwiązanie byłoby dla pana najlepsze?",
            "Jak to wpływa na pana na co dzień?",
        ],
    },
    "sym": [
        "Przepraszamy za niedogodności.",
        "Przepraszamy za utrudnienia.",
        "Przykro mi.",
        "Przepraszam za kłopot.",
    ],
    "issue": {
        "billing": ["pobrano od pana nieoczekiwanie {amount}", "faktura nie zgadza się z umową"],
        "technical": [
            "produkt {product} ciągle się psuje",
            "produkt {product} nie działa od {date}",
        ],
        "sales": [
            "szuka pan odpowiedniego produktu {product} w uczciwej cenie",
            "porównuje pan plany",
        ],
        "complaint": [
            "zawiedliśmy pana więcej niż raz",
            "obietnica z {date} nie została dotrzymana",
        ],
        "cancellation": ["produkt {product} nie jest już wart {amount}", "myśli pan o odejściu"],
        "delivery": [
            "zamówienie {order} się spóźnia",
            "produkt {product} nie dotarł tak, jak powinien",
        ],
        "account": ["nie może pan wejść na konto", "dane konta trzeba zmienić"],
    },
    "solve": {
        "billing": [
            "Zwróciłam panu {amount}, pojawi się w ciągu trzech dni.",
            "Poprawiłem fakturę, nowa kwota pojawi się {date}.",
        ],
        "technical": [
            "Zresetowałam zdalnie produkt {product}, za minutę powinien się połączyć.",
            "Zamówiłem zamiennik: produkt {product} wyślemy jutro.",
        ],
        "sales": [
            "Mogę zaproponować produkt {product} za {amount} i już to ustawiłam.",
            "Gotowe, produkt {product} jest dodany od {date}.",
        ],
        "complaint": [
            "Zarejestrowałem reklamację pod numerem {order} i przyznałem {amount} rekompensaty.",
            "Przekazałam sprawę kierownikowi, zadzwoni do pana do {date}.",
        ],
        "cancellation": [
            "Mogę obniżyć opłatę do {amount} miesięcznie, jeśli pan zostanie.",
            "Przyjąłem wypowiedzenie ze skutkiem od {date}.",
        ],
        "delivery": [
            "Zamówienie {order} jest w doręczeniu i dotrze {date}.",
            "Zorganizowałam bezpłatną wymianę: produkt {product}.",
        ],
        "account": [
            "Wysłałem link do resetu hasła, ważny przez godzinę.",
            "Pana dane są zaktualizowane od dzisiaj.",
        ],
    },
    "fail": [
        "Niestety nie mogę tego stąd zmienić.",
        "Obawiam się, że takie są nasze zasady.",
        "W tej sprawie musi pan napisać do nas e-mail.",
        "Dzisiaj nic więcej nie mogę zrobić.",
    ],
    "transfer": [
        "Przełączę pana do kolegi, który się tym zajmuje.",
        "Przekażę pana do właściwego zespołu.",
        "To wymaga specjalisty, łączę.",
    ],
    "close": [
        "Czy mogę jeszcze w czymś pomóc?",
        "Dziękuję za cierpliwość, miłego dnia.",
        "Do widzenia, proszę śmiało się kontaktować.",
    ],
    "bot_greet": [
        "Cześć! Jestem wirtualnym asystentem. W czym mogę pomóc?",
        "Witaj! Opisz krótko, czego potrzebujesz.",
    ],
    "bot_try": [
        "Oto artykuł, który może pomóc: „Częste pytania, gdy {issue}”.",
        "Znalazłem te kroki. Czy to rozwiązało problem?",
    ],
    "bot_handoff": ["Łączę z konsultantem.", "Poszukam dla ciebie konsultanta."],
    "ask_human": [
        "To nie pomaga. Chcę rozmawiać z człowiekiem.",
        "Konsultant, proszę.",
        "Czy mogę porozmawiać z prawdziwą osobą?",
    ],
    "busy": [
        "Wszyscy konsultanci są zajęci. Prosimy czekać.",
        "Jesteś w kolejce, zaraz się odezwiemy.",
    ],
    "products": [
        "Nimbus X2",
        "FlexFibre 500",
        "Orbit Mobile",
        "SmartHome Hub",
        "Pulse Watch",
        "Vela Book",
        "TV Max",
        "CloudSafe",
        "Aria Buds",
        "Nova Tab",
    ],
    "months": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    "date_fmt": "{day} {month}",
    "money_fmt": "{value} zł",
    "decimal_comma": True,
    "names": [
        "Anna",
        "Piotr",
        "Katarzyna",
        "Tomasz",
        "Magdalena",
        "Marcin",
        "Agnieszka",
        "Paweł",
        "Joanna",
        "Michał",
    ],
}
