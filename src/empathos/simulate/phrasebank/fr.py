"""French phrase bank, written for Empathos (same keys and slots as ``en``)."""

BANK = {
    "open": {
        "billing": [
            "On m'a prélevé {amount} le {date} et je ne comprends pas pourquoi.",
            "Ma dernière facture pour le {product} est de {amount}, plus que ce qui était convenu.",
            "Il y a un double prélèvement de {amount} pour la commande {order}.",
            "Pourquoi ma facture ce mois-ci est-elle de {amount} ? Rien n'a changé de mon côté.",
        ],
        "technical": [
            "Mon {product} se déconnecte sans arrêt depuis le {date}.",
            "Le {product} ne marche plus depuis la mise à jour.",
            "J'ai redémarré le {product} trois fois et il affiche toujours une erreur.",
            "Commande {order} : le {product} ne s'allume pas du tout.",
        ],
        "sales": [
            "Je pense passer au {product}. Combien cela me coûterait ?",
            "Y a-t-il une meilleure offre pour le {product} que {amount} ?",
            "Je voudrais ajouter un deuxième {product} à mon contrat.",
            "Quelle est la différence entre mon forfait et le {product} ?",
        ],
        "complaint": [
            "Je souhaite déposer une réclamation officielle concernant la commande {order}.",
            "C'est la troisième fois que le {product} me lâche et personne n'assume.",
            "Votre technicien n'est jamais venu le {date} alors que j'avais pris ma journée.",
            "On m'a promis un remboursement de {amount} il y a des semaines et j'attends toujours.",
        ],
        "cancellation": [
            "Je veux résilier mon contrat pour le {product}.",
            "Fermez mon compte, s'il vous plaît ; j'ai trouvé moins cher que {amount} par mois.",
            "Comment résilier ? Le {product} ne vaut plus {amount} pour moi.",
            "Je voudrais mettre fin à mon abonnement à partir du {date}.",
        ],
        "delivery": [
            "Où est ma commande {order} ? Elle devait arriver le {date}.",
            "Le suivi de la commande {order} ne bouge plus depuis des jours.",
            "Mon {product} est arrivé abîmé.",
            "J'ai reçu le mauvais article à la place du {product}.",
        ],
        "account": [
            "Je n'arrive plus à me connecter à mon compte.",
            "Je dois changer l'adresse de mon compte avant le {date}.",
            "Quelqu'un a changé mon mot de passe, ce n'est pas moi.",
            "Comment ajouter mon conjoint au compte du {product} ?",
        ],
    },
    "feel": {
        "anger": [
            "C'est complètement inacceptable !",
            "Je suis furieux.",
            "J'en ai vraiment ras-le-bol !",
            "Franchement, c'est scandaleux.",
        ],
        "frustration": [
            "Ça devient vraiment frustrant.",
            "Je l'ai déjà expliqué deux fois.",
            "Honnêtement, j'en ai marre.",
            "Pourquoi est-ce si compliqué ?",
        ],
        "anxiety": [
            "Je suis vraiment inquiète.",
            "J'ai peur d'être encore prélevé.",
            "Ça me stresse, j'en ai besoin pour travailler.",
            "Je crains que ce ne soit pas réglé à temps.",
        ],
        "sadness": [
            "Je suis vraiment déçu.",
            "Honnêtement, j'attendais mieux de vous.",
            "Dommage, j'aimais bien votre service avant.",
            "C'est une vraie déception.",
        ],
        "confusion": [
            "Je ne comprends pas bien ce qui se passe.",
            "Les instructions me perdent.",
            "Je ne sais pas ce que je dois faire maintenant.",
            "Vous pouvez réexpliquer ? Je suis perdu.",
        ],
        "neutral": ["D'accord.", "Je vois.", "Bon, je regarde.", "Très bien, allez-y."],
        "joy": [
            "Super !",
            "Parfait, c'est ce que j'espérais.",
            "Très bien, ça me convient.",
            "Excellent.",
        ],
        "gratitude": [
            "Merci beaucoup pour votre aide.",
            "J'apprécie vraiment.",
            "Merci, c'est très gentil.",
            "Merci de prendre le temps.",
        ],
        "relief": [
            "Ouf, quel soulagement.",
            "Ah tant mieux, j'étais si inquiète.",
            "Ça m'enlève un poids.",
            "Enfin, je peux souffler.",
        ],
    },
    "hello": ["Bonjour.", "Bonjour à vous.", "Salut.", "Bonsoir.", "Bonjour madame, monsieur."],
    "wait": [
        "J'attends depuis {minutes} minutes.",
        "Je suis resté {minutes} minutes en attente !",
        "Vous avez mis {minutes} minutes à répondre.",
    ],
    "transferred": [
        "Encore un transfert ? J'ai déjà tout expliqué.",
        "S'il vous plaît, ne me renvoyez pas encore.",
        "Donc je dois tout recommencer avec quelqu'un d'autre ?",
    ],
    "detail": [
        "Le numéro de commande est {order}.",
        "Ça a commencé le {date}.",
        "Le montant était de {amount}.",
        "Il s'agit du {product}.",
        "Je suis client depuis des années, au passage.",
    ],
    "end": {
        "joy": [
            "Super, merci, c'est réglé.",
            "Génial, tout va bien maintenant.",
            "Parfait, bonne journée.",
        ],
        "gratitude": [
            "Merci, vous m'avez beaucoup aidé.",
            "Merci beaucoup pour votre patience.",
            "J'apprécie vraiment votre aide aujourd'hui.",
        ],
        "relief": [
            "Dieu merci c'est réparé.",
            "Quel soulagement, merci.",
            "Bien, je peux enfin arrêter de m'inquiéter.",
        ],
        "neutral": ["D'accord, au revoir.", "Bien, merci.", "Bon, très bien."],
        "negative": [
            "Laissez tomber, ça n'a servi à rien.",
            "J'irai voir la concurrence.",
            "Ça ne m'aide pas du tout.",
            "Je ne suis toujours pas satisfait.",
        ],
    },
    "greet": [
        "Bonjour, ici {agent}, comment puis-je vous aider ?",
        "Bonjour, {agent} à l'appareil.",
        "Bonjour, je m'appelle {agent}.",
        "Merci de nous avoir contactés, je suis {agent}.",
    ],
    "er": {
        "weak": ["Je vous entends.", "Je vois que c'est agaçant.", "Ça n'a pas l'air simple."],
        "strong": [
            "Je comprends vraiment à quel point cela a dû être frustrant pour vous.",
            "Je serais aussi contrarié à votre place.",
            "Je suis désolée que cela vous ait inquiété, ça a dû être stressant.",
        ],
    },
    "ip": {
        "weak": [
            "Je comprends la situation.",
            "Je vois ce que vous voulez dire.",
            "D'accord, je vois ce qui s'est passé.",
        ],
        "strong": [
            "Si je comprends bien, {issue}, et vous n'avez pas ce que vous avez payé.",
            "Donc {issue} et personne ne l'a encore réglé.",
            "De votre point de vue, {issue}, et vous voulez simplement que ça marche.",
        ],
    },
    "ex": {
        "weak": ["Autre chose ?", "Pouvez-vous m'en dire plus ?", "Et ensuite ?"],
        "strong": [
            "Pouvez-vous me raconter ce qui s'est passé, pour que je comprenne comment cela vous a "
            "touché ?",
            "Quelle serait la meilleure solution pour vous ?",
            "Comment cela vous affecte-t-il au quotidien ?",
        ],
    },
    "sym": [
        "Désolé pour la gêne occasionnée.",
        "Nous nous excusons pour le désagrément.",
        "Désolé.",
        "Toutes nos excuses pour le souci.",
    ],
    "issue": {
        "billing": [
            "on vous a facturé {amount} sans prévenir",
            "votre facture ne correspond pas au contrat",
        ],
        "technical": [
            "votre {product} tombe sans cesse en panne",
            "le {product} ne marche plus depuis le {date}",
        ],
        "sales": ["vous cherchez le bon {product} à un prix juste", "vous comparez les forfaits"],
        "complaint": ["on vous a déçu plusieurs fois", "la promesse du {date} n'a pas été tenue"],
        "cancellation": [
            "le {product} ne vaut plus {amount} pour vous",
            "vous pensez nous quitter",
        ],
        "delivery": [
            "la commande {order} est en retard",
            "le {product} n'est pas arrivé comme prévu",
        ],
        "account": [
            "vous ne pouvez plus accéder à votre compte",
            "les données de votre compte doivent changer",
        ],
    },
    "solve": {
        "billing": [
            "Je vous ai remboursé {amount}, vous le verrez sous trois jours.",
            "J'ai corrigé la facture, le nouveau montant apparaîtra le {date}.",
        ],
        "technical": [
            "J'ai réinitialisé le {product} à distance, il devrait se reconnecter dans une minute.",
            "J'ai commandé un {product} de remplacement, il part demain.",
        ],
        "sales": [
            "Je peux vous proposer le {product} à {amount}, c'est appliqué.",
            "C'est fait, le {product} est ajouté à partir du {date}.",
        ],
        "complaint": [
            (
                "J'ai enregistré votre réclamation sous {order} et crédité {amount} à titre "
                "commercial."
            ),
            "J'ai transmis à ma responsable, vous serez rappelé avant le {date}.",
        ],
        "cancellation": [
            "Je peux baisser votre forfait à {amount} par mois si vous restez.",
            "J'ai enregistré la résiliation au {date}.",
        ],
        "delivery": [
            "La commande {order} est en livraison et arrivera le {date}.",
            "J'ai organisé un remplacement gratuit du {product}.",
        ],
        "account": [
            "Je vous ai envoyé un lien de réinitialisation, valable une heure.",
            "Vos informations sont à jour depuis aujourd'hui.",
        ],
    },
    "fail": [
        "Malheureusement je ne peux pas modifier cela d'ici.",
        "J'ai bien peur que ce soit notre politique.",
        "Il faudra nous envoyer un e-mail pour cela.",
        "Je ne peux rien faire de plus aujourd'hui.",
    ],
    "transfer": [
        "Je vous transfère à un collègue qui s'en occupe.",
        "Je vous passe la bonne équipe.",
        "Il faut un spécialiste, je vous mets en relation.",
    ],
    "close": [
        "Puis-je faire autre chose pour vous ?",
        "Merci pour votre patience, bonne journée.",
        "Au revoir, et n'hésitez pas à revenir vers nous.",
    ],
    "bot_greet": [
        "Bonjour ! Je suis l'assistant virtuel. Que puis-je faire pour vous ?",
        "Bienvenue ! Décrivez brièvement votre besoin.",
    ],
    "bot_try": [
        "Voici un article qui peut aider : « Questions fréquentes quand {issue} ».",
        "J'ai trouvé ces étapes. Est-ce que cela a résolu le problème ?",
    ],
    "bot_handoff": [
        "Je vous mets en relation avec un conseiller.",
        "Je vous trouve un collègue humain.",
    ],
    "ask_human": [
        "Ça n'aide pas. Je veux parler à quelqu'un.",
        "Un conseiller, s'il vous plaît.",
        "Puis-je parler à une vraie personne ?",
    ],
    "busy": [
        "Tous nos conseillers sont occupés. Merci de patienter.",
        "Vous êtes dans la file ; nous arrivons.",
    ],
    "products": [
        "routeur Nimbus X2",
        "forfait FlexFibre 500",
        "forfait mobile Orbit",
        "hub SmartHome",
        "montre Pulse",
        "portable Vela",
        "bouquet TV Max",
        "sauvegarde CloudSafe",
        "écouteurs Aria",
        "tablette Nova",
    ],
    "months": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "date_fmt": "{day} {month}",
    "money_fmt": "{value} €",
    "decimal_comma": True,
    "names": [
        "Camille",
        "Hugo",
        "Léa",
        "Louis",
        "Chloé",
        "Nathan",
        "Manon",
        "Julien",
        "Claire",
        "Thomas",
    ],
}
