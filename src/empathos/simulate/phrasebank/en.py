"""English phrase bank, written for Empathos. Slots: {product} {order} {amount} {date}
{minutes} {agent} {issue}. Keys are documented in ``phrasebank/__init__.py``."""

BANK = {
    "open": {
        "billing": [
            "I was charged {amount} on {date} and I don't understand why.",
            "My latest invoice for the {product} shows {amount}, which is more than I agreed to.",
            "There's a double charge of {amount} on my account for order {order}.",
            "Why is my bill {amount} this month? Nothing changed on my side.",
        ],
        "technical": [
            "My {product} keeps disconnecting since {date}.",
            "The {product} stopped working after the update and I can't get it back on.",
            "I've restarted the {product} three times and it still shows an error.",
            "Order {order}: the {product} won't turn on at all.",
        ],
        "sales": [
            "I'm thinking about upgrading to the {product}. What would it cost me?",
            "Is there a better deal on the {product} than {amount}?",
            "I'd like to add a second {product} to my contract.",
            "Can you tell me the difference between my plan and the {product}?",
        ],
        "complaint": [
            "I want to make a formal complaint about how order {order} was handled.",
            "This is the third time the {product} has let me down and nobody takes responsibility.",
            "Your technician never showed up on {date} and I took the day off for it.",
            "I was promised a refund of {amount} weeks ago and I'm still waiting.",
        ],
        "cancellation": [
            "I want to cancel my {product} contract.",
            "Please close my account; I've found a cheaper offer than {amount} a month.",
            "How do I cancel? The {product} isn't worth {amount} to me anymore.",
            "I'd like to end my subscription from {date}.",
        ],
        "delivery": [
            "Where is my order {order}? It was supposed to arrive on {date}.",
            "The tracking for order {order} hasn't moved in days.",
            "My {product} arrived damaged.",
            "I received the wrong item instead of the {product}.",
        ],
        "account": [
            "I can't log in to my account anymore.",
            "I need to change the address on my account before {date}.",
            "Someone changed my password and I didn't do it.",
            "How do I add my partner to the account for the {product}?",
        ],
    },
    "feel": {
        "anger": [
            "This is completely unacceptable!",
            "I am absolutely furious.",
            "I'm sick and tired of this!",
            "Frankly, this is outrageous.",
        ],
        "frustration": [
            "This is getting really frustrating.",
            "I've already explained this twice.",
            "Honestly, I'm fed up.",
            "Why is this so complicated?",
        ],
        "anxiety": [
            "I'm really worried about this.",
            "I'm afraid I'll be charged again.",
            "This makes me nervous, I depend on it for work.",
            "I'm scared this won't be sorted in time.",
        ],
        "sadness": [
            "I'm really disappointed.",
            "I expected better from you, to be honest.",
            "It's a shame, I used to like your service.",
            "That's a real letdown.",
        ],
        "confusion": [
            "I don't really understand what's going on.",
            "I'm confused by the instructions.",
            "I'm not sure what I'm supposed to do now.",
            "Can you explain that again? I'm lost.",
        ],
        "neutral": [
            "Okay.",
            "I see.",
            "Alright, let me check.",
            "Fine, go ahead.",
        ],
        "joy": [
            "That sounds great!",
            "Perfect, that's what I hoped for.",
            "Nice, I'm happy with that.",
            "Excellent.",
        ],
        "gratitude": [
            "Thank you so much for your help.",
            "I really appreciate that.",
            "Thanks, that's very kind of you.",
            "Many thanks for taking the time.",
        ],
        "relief": [
            "Phew, what a relief.",
            "Oh good, I was so worried.",
            "That takes a weight off my mind.",
            "Finally, I can relax.",
        ],
    },
    "hello": ["Hi.", "Hello.", "Good morning.", "Hi there.", "Hey."],
    "wait": [
        "I've been waiting for {minutes} minutes.",
        "I was on hold for {minutes} minutes before anyone answered!",
        "It took you {minutes} minutes to reply.",
    ],
    "transferred": [
        "Another transfer? I've already explained everything.",
        "Please don't pass me around again.",
        "So now I have to start over with someone else?",
    ],
    "detail": [
        "The order number is {order}.",
        "It started on {date}.",
        "The amount was {amount}.",
        "It's the {product}.",
        "I'm a customer for years, by the way.",
    ],
    "end": {
        "joy": [
            "Great, thanks, that's sorted.",
            "Brilliant, all good now.",
            "Perfect, have a nice day.",
        ],
        "gratitude": [
            "Thank you, you've been very helpful.",
            "Thanks a lot for your patience.",
            "I really appreciate your help today.",
        ],
        "relief": [
            "Thank goodness that's fixed.",
            "What a relief, thanks.",
            "Good, I can finally stop worrying.",
        ],
        "neutral": ["Okay, bye.", "Fine, thanks.", "Alright then."],
        "negative": [
            "Forget it, this was useless.",
            "I'll take my business elsewhere.",
            "That doesn't help me at all.",
            "I'm still not happy with this.",
        ],
    },
    "greet": [
        "Hi, this is {agent}, how can I help?",
        "Hello, {agent} here.",
        "Good day, my name is {agent}.",
        "Thanks for contacting us, I'm {agent}.",
    ],
    "er": {
        "weak": ["I hear you.", "I can see that's annoying.", "That doesn't sound good."],
        "strong": [
            "I can really hear how frustrating this has been for you.",
            "I'd be upset too if this happened to me.",
            "I'm so sorry you've been worried about this — that must have been stressful.",
        ],
    },
    "ip": {
        "weak": [
            "I understand the situation.",
            "I get what you mean.",
            "Right, I see what happened.",
        ],
        "strong": [
            "So if I understand correctly, {issue}, and that's left you without what you paid for.",
            "You've been dealing with {issue} and nobody has fixed it yet.",
            "From your side, {issue} — and you just want it to work.",
        ],
    },
    "ex": {
        "weak": ["Anything else?", "Can you tell me more?", "What happened next?"],
        "strong": [
            "Can you walk me through what happened, so I know exactly how this affected you?",
            "What would be the best outcome for you here?",
            "How has this been affecting you day to day?",
        ],
    },
    "sym": [
        "Sorry for the inconvenience.",
        "We apologise for any inconvenience caused.",
        "Sorry about that.",
        "Apologies for the trouble.",
    ],
    "issue": {
        "billing": [
            "you were charged {amount} you didn't expect",
            "your invoice doesn't match your contract",
        ],
        "technical": ["your {product} keeps failing", "the {product} hasn't worked since {date}"],
        "sales": ["you want the right {product} at a fair price", "you're comparing plans"],
        "complaint": ["you were let down more than once", "the promise made on {date} wasn't kept"],
        "cancellation": [
            "the {product} no longer feels worth {amount}",
            "you're thinking of leaving us",
        ],
        "delivery": ["order {order} is late", "the {product} didn't arrive as it should"],
        "account": ["you're locked out of your account", "your account details need changing"],
    },
    "solve": {
        "billing": [
            "I've refunded {amount} to your account; you'll see it within three days.",
            "I corrected the invoice; the new amount will show on {date}.",
        ],
        "technical": [
            "I've reset the {product} remotely, it should reconnect in a minute.",
            "I've booked a replacement {product}; it ships tomorrow.",
        ],
        "sales": [
            "I can offer you the {product} for {amount}, and I've applied it now.",
            "Done — the {product} is added from {date}.",
        ],
        "complaint": [
            "I've logged your complaint under {order} and credited {amount} as a goodwill gesture.",
            "I've escalated this to my manager and you'll get a call by {date}.",
        ],
        "cancellation": [
            "I can give you a discount to {amount} a month if you'd like to stay.",
            "I've processed the cancellation effective {date}.",
        ],
        "delivery": [
            "Order {order} is out for delivery and will arrive on {date}.",
            "I've arranged a free replacement for the {product}.",
        ],
        "account": [
            "I've sent a reset link to your email; it's valid for an hour.",
            "Your details are updated as of today.",
        ],
    },
    "fail": [
        "Unfortunately I can't change that from here.",
        "I'm afraid that's our policy.",
        "You'll need to send us an email about that.",
        "There's nothing more I can do today.",
    ],
    "transfer": [
        "I'll transfer you to a colleague who handles this.",
        "Let me pass you to the right team.",
        "This needs a specialist, I'm putting you through.",
    ],
    "close": [
        "Is there anything else I can do for you?",
        "Thanks for your patience, have a good day.",
        "Take care, and don't hesitate to get back to us.",
    ],
    "bot_greet": [
        "Hi! I'm the virtual assistant. What can I do for you?",
        "Welcome! Tell me briefly what you need.",
    ],
    "bot_try": [
        "Here is an article that may help: 'What to do when {issue}'.",
        "I found these steps for you. Did they solve it?",
    ],
    "bot_handoff": ["I'll connect you with an agent.", "Let me find a human colleague for you."],
    "ask_human": [
        "That didn't help. I want to talk to a person.",
        "Agent, please.",
        "Can I speak to a real person?",
    ],
    "busy": [
        "All our agents are busy. Please hold.",
        "You're in the queue; we'll be with you shortly.",
    ],
    "products": [
        "Nimbus X2 router",
        "FlexFibre 500 plan",
        "Orbit mobile plan",
        "SmartHome hub",
        "Pulse watch",
        "Vela laptop",
        "TV Max bundle",
        "CloudSafe backup",
        "Aria earbuds",
        "Nova tablet",
    ],
    "months": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "date_fmt": "{day} {month}",
    "money_fmt": "£{value}",
    "decimal_comma": False,
    "names": [
        "Alex",
        "Sam",
        "Jordan",
        "Chris",
        "Taylor",
        "Morgan",
        "Jamie",
        "Robin",
        "Casey",
        "Emma",
        "Oliver",
        "Grace",
    ],
}
