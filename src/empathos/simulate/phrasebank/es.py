"""Spanish phrase bank, written for Empathos (same keys and slots as ``en``)."""

BANK = {
    "open": {
        "billing": [
            "Me cobraron {amount} el {date} y no entiendo por qué.",
            "Mi última factura del {product} es de {amount}, más de lo acordado.",
            "Tengo un cargo duplicado de {amount} por el pedido {order}.",
            "¿Por qué mi factura de este mes es de {amount}? No he cambiado nada.",
        ],
        "technical": [
            "Mi {product} se desconecta constantemente desde el {date}.",
            "El {product} dejó de funcionar después de la actualización.",
            "He reiniciado el {product} tres veces y sigue dando error.",
            "Pedido {order}: el {product} no se enciende.",
        ],
        "sales": [
            "Estoy pensando en pasarme al {product}. ¿Cuánto me costaría?",
            "¿Hay una oferta mejor para el {product} que {amount}?",
            "Quiero añadir otro {product} a mi contrato.",
            "¿Qué diferencia hay entre mi tarifa y el {product}?",
        ],
        "complaint": [
            "Quiero presentar una reclamación formal por el pedido {order}.",
            "Es la tercera vez que el {product} me falla y nadie se hace responsable.",
            "El técnico no vino el {date} y yo me tomé el día libre.",
            "Me prometieron un reembolso de {amount} hace semanas y sigo esperando.",
        ],
        "cancellation": [
            "Quiero dar de baja mi contrato del {product}.",
            "Cierren mi cuenta, por favor; tengo una oferta más barata que {amount} al mes.",
            "¿Cómo me doy de baja? El {product} ya no vale {amount} para mí.",
            "Quiero cancelar mi suscripción a partir del {date}.",
        ],
        "delivery": [
            "¿Dónde está mi pedido {order}? Debía llegar el {date}.",
            "El seguimiento del pedido {order} lleva días sin moverse.",
            "Mi {product} llegó dañado.",
            "Recibí un artículo equivocado en lugar del {product}.",
        ],
        "account": [
            "Ya no puedo entrar en mi cuenta.",
            "Necesito cambiar la dirección de mi cuenta antes del {date}.",
            "Alguien cambió mi contraseña y no fui yo.",
            "¿Cómo añado a mi pareja a la cuenta del {product}?",
        ],
    },
    "feel": {
        "anger": [
            "¡Esto es totalmente inaceptable!",
            "Estoy furioso.",
            "¡Ya estoy harto de esto!",
            "Francamente, esto es indignante.",
        ],
        "frustration": [
            "Esto ya es muy frustrante.",
            "Ya lo he explicado dos veces.",
            "La verdad, estoy cansado.",
            "¿Por qué es todo tan complicado?",
        ],
        "anxiety": [
            "Estoy muy preocupada por esto.",
            "Tengo miedo de que me vuelvan a cobrar.",
            "Me pone nervioso, lo necesito para trabajar.",
            "Temo que no se resuelva a tiempo.",
        ],
        "sadness": [
            "Estoy muy decepcionada.",
            "Sinceramente, esperaba más de ustedes.",
            "Qué pena, antes me gustaba su servicio.",
            "Es una verdadera decepción.",
        ],
        "confusion": [
            "No entiendo bien qué pasa.",
            "Las instrucciones me confunden.",
            "No sé qué tengo que hacer ahora.",
            "¿Me lo puede explicar otra vez? Estoy perdido.",
        ],
        "neutral": ["Vale.", "Entiendo.", "De acuerdo, lo miro.", "Bien, adelante."],
        "joy": [
            "¡Suena genial!",
            "Perfecto, es justo lo que quería.",
            "Estupendo, estoy contento con eso.",
            "Excelente.",
        ],
        "gratitude": [
            "Muchísimas gracias por su ayuda.",
            "Se lo agradezco de verdad.",
            "Gracias, es muy amable.",
            "Gracias por dedicarme su tiempo.",
        ],
        "relief": [
            "Uf, qué alivio.",
            "Menos mal, estaba muy preocupado.",
            "Me quita un peso de encima.",
            "Por fin puedo estar tranquila.",
        ],
    },
    "hello": ["Hola.", "Buenas.", "Buenos días.", "Hola, ¿qué tal?", "Buenas tardes."],
    "wait": [
        "Llevo {minutes} minutos esperando.",
        "¡Estuve {minutes} minutos en espera!",
        "Han tardado {minutes} minutos en contestar.",
    ],
    "transferred": [
        "¿Otra transferencia? Ya lo he explicado todo.",
        "Por favor, no me pasen otra vez.",
        "¿Y ahora tengo que empezar de cero con otra persona?",
    ],
    "detail": [
        "El número de pedido es {order}.",
        "Empezó el {date}.",
        "El importe fue {amount}.",
        "Es el {product}.",
        "Por cierto, soy cliente desde hace años.",
    ],
    "end": {
        "joy": [
            "Genial, gracias, ya está resuelto.",
            "Estupendo, todo bien ahora.",
            "Perfecto, que tenga un buen día.",
        ],
        "gratitude": [
            "Gracias, me ha ayudado mucho.",
            "Muchas gracias por su paciencia.",
            "Agradezco mucho su ayuda hoy.",
        ],
        "relief": [
            "Gracias a Dios que está arreglado.",
            "Qué alivio, gracias.",
            "Bien, por fin dejo de preocuparme.",
        ],
        "neutral": ["Vale, adiós.", "Bien, gracias.", "De acuerdo entonces."],
        "negative": [
            "Olvídelo, no ha servido de nada.",
            "Me iré a la competencia.",
            "Eso no me ayuda en absoluto.",
            "Sigo sin estar contento con esto.",
        ],
    },
    "greet": [
        "Hola, soy {agent}, ¿en qué puedo ayudarle?",
        "Buenas, le atiende {agent}.",
        "Buenos días, me llamo {agent}.",
        "Gracias por contactarnos, soy {agent}.",
    ],
    "er": {
        "weak": ["Le escucho.", "Veo que es molesto.", "Eso no suena bien."],
        "strong": [
            "Entiendo perfectamente lo frustrante que ha sido esto para usted.",
            "Yo también estaría molesto si me pasara esto.",
            "Siento mucho que haya estado preocupado por esto, debe de haber sido estresante.",
        ],
    },
    "ip": {
        "weak": [
            "Entiendo la situación.",
            "Sé lo que quiere decir.",
            "Bien, veo lo que ha pasado.",
        ],
        "strong": [
            "Si lo entiendo bien, {issue}, y no tiene lo que pagó.",
            "Lleva tiempo con que {issue} y nadie lo ha solucionado.",
            "Desde su punto de vista, {issue}, y solo quiere que funcione.",
        ],
    },
    "ex": {
        "weak": ["¿Algo más?", "¿Me cuenta un poco más?", "¿Y qué pasó después?"],
        "strong": [
            "¿Me puede contar qué pasó exactamente, para saber cómo le ha afectado?",
            "¿Cuál sería la mejor solución para usted?",
            "¿Cómo le está afectando esto en el día a día?",
        ],
    },
    "sym": [
        "Disculpe las molestias.",
        "Lamentamos las molestias ocasionadas.",
        "Lo siento.",
        "Perdone el inconveniente.",
    ],
    "issue": {
        "billing": ["le cobraron {amount} sin esperarlo", "su factura no coincide con el contrato"],
        "technical": [
            "su {product} falla una y otra vez",
            "el {product} no funciona desde el {date}",
        ],
        "sales": ["busca el {product} adecuado a un precio justo", "está comparando tarifas"],
        "complaint": ["le han fallado más de una vez", "no se cumplió lo prometido el {date}"],
        "cancellation": ["el {product} ya no le compensa {amount}", "está pensando en dejarnos"],
        "delivery": ["el pedido {order} llega tarde", "el {product} no llegó como debía"],
        "account": ["no puede acceder a su cuenta", "hay que cambiar los datos de su cuenta"],
    },
    "solve": {
        "billing": [
            "Le he devuelto {amount}; lo verá en tres días.",
            "He corregido la factura; el nuevo importe aparecerá el {date}.",
        ],
        "technical": [
            "He reiniciado el {product} a distancia; debería conectarse en un minuto.",
            "He pedido un {product} de repuesto; sale mañana.",
        ],
        "sales": [
            "Le puedo ofrecer el {product} por {amount} y ya lo he aplicado.",
            "Hecho, el {product} queda añadido desde el {date}.",
        ],
        "complaint": [
            "He registrado su reclamación con el número {order} y le abono {amount} como "
            "compensación.",
            "Lo he escalado a mi responsable; le llamarán antes del {date}.",
        ],
        "cancellation": [
            "Puedo dejarle la cuota en {amount} al mes si se queda.",
            "He tramitado la baja con fecha {date}.",
        ],
        "delivery": [
            "El pedido {order} está en reparto y llegará el {date}.",
            "He organizado un reemplazo gratuito del {product}.",
        ],
        "account": [
            "Le he enviado un enlace para restablecerla; vale una hora.",
            "Sus datos quedan actualizados desde hoy.",
        ],
    },
    "fail": [
        "Lamentablemente no puedo cambiarlo desde aquí.",
        "Me temo que es nuestra política.",
        "Tendrá que enviarnos un correo sobre eso.",
        "Hoy no puedo hacer nada más.",
    ],
    "transfer": [
        "Le paso con un compañero que lleva esto.",
        "Le transfiero al equipo correcto.",
        "Esto necesita un especialista, le paso.",
    ],
    "close": [
        "¿Puedo ayudarle en algo más?",
        "Gracias por su paciencia, que tenga un buen día.",
        "Cuídese, y no dude en volver a escribirnos.",
    ],
    "bot_greet": [
        "¡Hola! Soy el asistente virtual. ¿Qué necesita?",
        "¡Bienvenido! Cuénteme brevemente qué necesita.",
    ],
    "bot_try": [
        "Aquí tiene un artículo que puede ayudar: 'Preguntas frecuentes cuando {issue}'.",
        "He encontrado estos pasos. ¿Lo han resuelto?",
    ],
    "bot_handoff": ["Le paso con un agente.", "Voy a buscarle un compañero humano."],
    "ask_human": [
        "Eso no sirve. Quiero hablar con una persona.",
        "Agente, por favor.",
        "¿Puedo hablar con una persona de verdad?",
    ],
    "busy": [
        "Todos nuestros agentes están ocupados. Espere, por favor.",
        "Está en la cola; le atendemos enseguida.",
    ],
    "products": [
        "router Nimbus X2",
        "plan FlexFibre 500",
        "plan móvil Orbit",
        "hub SmartHome",
        "reloj Pulse",
        "portátil Vela",
        "paquete TV Max",
        "copia CloudSafe",
        "auriculares Aria",
        "tableta Nova",
    ],
    "months": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "date_fmt": "{day} de {month}",
    "money_fmt": "{value} €",
    "decimal_comma": True,
    "names": [
        "Lucía",
        "Carlos",
        "Marta",
        "Javier",
        "Elena",
        "Pablo",
        "Sofía",
        "Diego",
        "Carmen",
        "Andrés",
    ],
}
