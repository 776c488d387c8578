"""The text catalogue: what the bot says to its users, in French and English. No discord here.

- ``MESSAGES``: errors, card labels, answer sentences, console lines, by key;
  ``t(key, lang, **fields)`` fills one in, ``error_text(error, lang)`` words a UserError.
- Word tables (``MONTHS``, ``UNITS``, ``QUALIFIERS``, …): plain data for bot/answer/formatting.py.
- ``COMMANDS``: the one table of slash commands, named in English as cogs/ write them, and in
  French. bot/translator.py gives Discord the French; the /help card and the console take their
  command names from here too. ``MESSAGE_COMMANDS``: the same for the commands on a message.

``language(locale)`` maps a Discord locale to ``fr`` or ``en``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.errors import UserError

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "error.unexpected": {
        "en": "Sorry, something went wrong on my side. The team has been told; please try again.",
        "fr": "Désolé, une erreur s'est produite de mon côté. L'équipe est prévenue ; réessayez.",
    },
    "error.cooldown": {
        "en": "Slow down a little: try again in {seconds} s.",
        "fr": "Doucement : réessayez dans {seconds} s.",
    },
    "error.missing_permissions": {
        "en": "You need the Manage Server permission to do that.",
        "fr": "Il faut la permission « Gérer le serveur » pour faire cela.",
    },
    "error.bot_missing_permissions": {
        "en": "I am missing a permission here: {permissions}.",
        "fr": "Il me manque une permission ici : {permissions}.",
    },
    "error.guild_only": {
        "en": "This command only works in a server.",
        "fr": "Cette commande ne fonctionne que dans un serveur.",
    },
    "error.owner_only": {
        "en": "Only the bot's owner can do that.",
        "fr": "Seul le propriétaire du bot peut faire cela.",
    },
    "error.empty": {
        "en": "Please type something to look for.",
        "fr": "Tapez quelque chose à chercher.",
    },
    "error.too_long": {
        "en": "That is too long: {limit} characters at most.",
        "fr": "C'est trop long : {limit} caractères au plus.",
    },
    "error.not_found": {
        "en": "I found no {what} matching “{query}”.",
        "fr": "Je n'ai trouvé aucun(e) {what} correspondant à « {query} ».",
    },
    "error.not_found_suggest": {
        "en": "I found no {what} matching “{query}”. Did you mean: {suggestions}?",
        "fr": "Je n'ai trouvé aucun(e) {what} correspondant à « {query} ». "
        "Vouliez-vous dire : {suggestions} ?",
    },
    "error.expired": {
        "en": "This item no longer exists.",
        "fr": "Cet élément n'existe plus.",
    },
    "error.not_yours": {
        "en": "These buttons belong to the person who ran the command.",
        "fr": "Ces boutons appartiennent à la personne qui a lancé la commande.",
    },
    # what things are called, for "no {what} matching"
    "what.item": {"en": "item", "fr": "élément"},
    "what.partnership": {"en": "partnership", "fr": "partenariat"},
    "what.deadline": {"en": "deadline", "fr": "échéance"},
    "what.figure": {"en": "figure", "fr": "chiffre"},
    "what.source": {"en": "source", "fr": "source"},
    "kind.partnership": {"en": "Partnerships", "fr": "Partenariats"},
    "kind.deadline": {"en": "Deadlines", "fr": "Échéances"},
    "kind.figure": {"en": "Figures", "fr": "Chiffres"},
    "kind.fact": {"en": "Facts", "fr": "Faits"},
    # answers and cards
    "ask.unknown_title": {"en": "I don't know", "fr": "Je ne sais pas"},
    "ask.confidence": {"en": "confidence {percent} %", "fr": "confiance {percent} %"},
    "card.source": {"en": "Source", "fr": "Source"},
    "card.parties": {"en": "Parties", "fr": "Parties"},
    "card.announced": {"en": "Announced", "fr": "Annoncé"},
    "card.programme": {"en": "Programme and funding", "fr": "Programme et financement"},
    "card.themes": {"en": "Themes", "fr": "Thèmes"},
    "card.conditions": {"en": "Conditions", "fr": "Conditions"},
    "card.deadlines": {"en": "Deadlines", "fr": "Échéances"},
    "card.figures": {"en": "Figures", "fr": "Chiffres"},
    "card.partnership": {"en": "Partnership", "fr": "Partenariat"},
    "card.due": {"en": "Due", "fr": "Échéance"},
    "card.status": {"en": "Status", "fr": "Statut"},
    "card.measures": {"en": "What it measures", "fr": "Ce qu'il mesure"},
    "card.as_of": {"en": "As of", "fr": "Date du chiffre"},
    "card.context": {"en": "Context", "fr": "Contexte"},
    "card.published": {"en": "Published", "fr": "Publié"},
    "card.publisher": {"en": "Publisher", "fr": "Éditeur"},
    "card.language": {"en": "Language", "fr": "Langue"},
    "card.document": {"en": "Document", "fr": "Document"},
    "card.more": {"en": "… and {count} more", "fr": "… et {count} de plus"},
    "deadline.list_title": {"en": "Deadlines", "fr": "Échéances"},
    "deadline.upcoming": {"en": "Upcoming", "fr": "À venir"},
    "deadline.past": {"en": "Recently passed", "fr": "Récemment passées"},
    "deadline.none_upcoming": {
        "en": "No upcoming deadline. Admins can add one with /deadline add.",
        "fr": "Aucune échéance à venir. Les admins peuvent en ajouter avec /echeance ajouter.",
    },
    "deadline.passed": {"en": "passed {relative}", "fr": "passée {relative}"},
    "deadline.open": {"en": "open, closes {relative}", "fr": "ouverte, ferme {relative}"},
    "page": {"en": "Page {page}/{pages}", "fr": "Page {page}/{pages}"},
    "button.previous": {"en": "Previous", "fr": "Précédent"},
    "button.next": {"en": "Next", "fr": "Suivant"},
    "button.details": {"en": "Details", "fr": "Détails"},
    "help.title": {"en": "Silicon Bridge — help", "fr": "Silicon Bridge — aide"},
    "help.body": {
        "en": "I answer questions on international cooperation in AI and semiconductors, in "
        "French and English, and I remind servers of deadlines.",
        "fr": "Je réponds aux questions sur la coopération internationale en IA et "
        "semi-conducteurs, en français et en anglais, et je rappelle les échéances.",
    },
    "help.commands": {"en": "Commands", "fr": "Commandes"},
    "help.examples": {"en": "Try", "fr": "Essayez"},
    "about.title": {"en": "About Silicon Bridge", "fr": "À propos de Silicon Bridge"},
    "about.knowledge": {"en": "What I know", "fr": "Ce que je sais"},
    "about.sources": {"en": "Sources", "fr": "Sources"},
    "about.version": {"en": "Version", "fr": "Version"},
    "about.uptime": {"en": "Up since", "fr": "En ligne depuis"},
    "about.latency": {"en": "Gateway latency", "fr": "Latence de la passerelle"},
    "about.count": {"en": "{kind}: {count}", "fr": "{kind} : {count}"},
    # reminders and admin deadlines
    "reminders.bad_offsets": {
        "en": "I could not read “{text}”: write offsets like `30d 7d 1d 1h` (d = days, h = hours,"
        " m = minutes).",
        "fr": "Je n'ai pas compris « {text} » : écrivez les délais comme `30j 7j 1j 1h` (j = jours,"
        " h = heures, m = minutes).",
    },
    "reminders.offset_range": {
        "en": "Each offset must be between 1 minute and 365 days.",
        "fr": "Chaque délai doit être compris entre 1 minute et 365 jours.",
    },
    "reminders.too_many_offsets": {
        "en": "At most {limit} offsets.",
        "fr": "Au plus {limit} délais.",
    },
    "reminders.channel_set": {
        "en": "Reminders will be posted in {channel}, {offsets} before each deadline.",
        "fr": "Les rappels seront publiés dans {channel}, {offsets} avant chaque échéance.",
    },
    "reminders.cannot_post": {
        "en": "I cannot post in {channel}: I need View Channel, Send Messages and Embed Links "
        "there.",
        "fr": "Je ne peux pas publier dans {channel} : il me faut « Voir le salon », « Envoyer des "
        "messages » et « Intégrer des liens ».",
    },
    "reminders.offsets_set": {
        "en": "Reminders will come {offsets} before each deadline.",
        "fr": "Les rappels viendront {offsets} avant chaque échéance.",
    },
    "reminders.role_set": {
        "en": "Reminders will mention {role}.",
        "fr": "Les rappels mentionneront {role}.",
    },
    "reminders.role_cleared": {
        "en": "Reminders will mention nobody.",
        "fr": "Les rappels ne mentionneront personne.",
    },
    "reminders.role_not_mentionable": {
        "en": "That role cannot be used: @everyone and managed roles are not allowed.",
        "fr": "Ce rôle ne peut pas servir : @everyone et les rôles gérés sont exclus.",
    },
    "reminders.timezone_set": {
        "en": "New deadlines will default to the {timezone} time zone.",
        "fr": "Les nouvelles échéances seront par défaut dans le fuseau {timezone}.",
    },
    "reminders.turned_off": {
        "en": "Reminders are off. Set a channel to turn them on again.",
        "fr": "Les rappels sont désactivés. Choisissez un salon pour les réactiver.",
    },
    "reminders.title": {"en": "Reminders", "fr": "Rappels"},
    "reminders.channel": {"en": "Channel", "fr": "Salon"},
    "reminders.offsets": {"en": "Offsets", "fr": "Délais"},
    "reminders.role": {"en": "Role mentioned", "fr": "Rôle mentionné"},
    "reminders.timezone": {"en": "Default time zone", "fr": "Fuseau par défaut"},
    "reminders.next": {"en": "Next reminders", "fr": "Prochains rappels"},
    "reminders.none_planned": {"en": "None planned.", "fr": "Aucun de prévu."},
    "reminders.off": {"en": "off", "fr": "désactivés"},
    "reminders.nobody": {"en": "nobody", "fr": "personne"},
    "reminders.paused": {"en": "Paused", "fr": "En pause"},
    "reminders.paused.channel_missing": {
        "en": "the channel {channel} no longer exists: set a new one with /reminders channel.",
        "fr": "le salon {channel} n'existe plus : choisissez-en un autre avec /rappels salon.",
    },
    "reminders.paused.no_permission": {
        "en": "I lost the permission to post in {channel}: give it back and I resume on my own "
        "(I check again regularly), or choose another channel with /reminders channel.",
        "fr": "je n'ai plus le droit de publier dans {channel} : rendez-le-moi et je reprends "
        "tout seul (je vérifie régulièrement), ou choisissez un autre salon avec /rappels salon.",
    },
    "reminders.paused_notice": {
        "en": "Deadline reminders are paused in {server}: {why} Details: /reminders status.",
        "fr": "Les rappels d'échéances sont en pause sur {server} : {why} Détails : "
        "/rappels statut.",
    },
    "reminder.title": {"en": "Reminder: {title}", "fr": "Rappel : {title}"},
    "reminder.left": {"en": "Time left", "fr": "Temps restant"},
    "reminder.late": {
        "en": "Posted late: I was offline when this reminder fell due.",
        "fr": "Publié en retard : j'étais hors ligne quand ce rappel est tombé.",
    },
    "deadline.bad_timezone": {
        "en": "“{timezone}” is not a time zone I know: use a name like Europe/Paris or "
        "Asia/Taipei.",
        "fr": "« {timezone} » n'est pas un fuseau que je connais : utilisez un nom comme "
        "Europe/Paris ou Asia/Taipei.",
    },
    "deadline.bad_date": {
        "en": "“{when}” is not a date I can use: write 2026-12-15 or 2026-12-15 17:00.",
        "fr": "« {when} » n'est pas une date valable : écrivez 2026-12-15 ou 2026-12-15 17:00.",
    },
    "deadline.in_past": {
        "en": "That moment has already passed: a deadline must be in the future.",
        "fr": "Ce moment est déjà passé : une échéance doit être dans le futur.",
    },
    "deadline.too_far": {
        "en": "That date is more than {years} years away: please check the year.",
        "fr": "Cette date est à plus de {years} ans : vérifiez l'année.",
    },
    "deadline.title_missing": {
        "en": "Both titles, French and English, are needed.",
        "fr": "Il faut les deux titres, en français et en anglais.",
    },
    "deadline.bad_link": {
        "en": "“{link}” is neither a partnership I know nor a link (https://…).",
        "fr": "« {link} » n'est ni un partenariat connu ni un lien (https://…).",
    },
    "deadline.not_own": {
        "en": "That is not a deadline added in this server (shared deadlines cannot be changed).",
        "fr": "Ce n'est pas une échéance ajoutée sur ce serveur (les échéances partagées ne se "
        "modifient pas).",
    },
    "deadline.added": {"en": "Deadline added: {title}.", "fr": "Échéance ajoutée : {title}."},
    "deadline.edited": {"en": "Deadline updated: {title}.", "fr": "Échéance modifiée : {title}."},
    "deadline.removed": {
        "en": "Deadline removed: {title}.",
        "fr": "Échéance supprimée : {title}.",
    },
    "deadline.form_title": {"en": "Deadline", "fr": "Échéance"},
    "deadline.form.title_fr": {"en": "Title in French", "fr": "Titre en français"},
    "deadline.form.title_en": {"en": "Title in English", "fr": "Titre en anglais"},
    "deadline.form.when": {
        "en": "Date and time (2026-12-15 17:00)",
        "fr": "Date et heure (2026-12-15 17:00)",
    },
    "deadline.form.timezone": {"en": "Time zone", "fr": "Fuseau horaire"},
    "deadline.form.link": {
        "en": "Partnership or link (optional)",
        "fr": "Partenariat ou lien (facultatif)",
    },
    "calendar.none": {
        "en": "There is no upcoming deadline to put in a calendar.",
        "fr": "Aucune échéance à venir à mettre dans un calendrier.",
    },
    "calendar.ready": {
        "en": "{count} upcoming deadline(s), ready to import into your calendar.",
        "fr": "{count} échéance(s) à venir, prêtes à importer dans votre calendrier.",
    },
    "event.created": {
        "en": "Scheduled event created: {name}.",
        "fr": "Événement créé : {name}.",
    },
    "event.past": {
        "en": "That deadline has passed: no event for it.",
        "fr": "Cette échéance est passée : pas d'événement.",
    },
    "sync.done": {
        "en": "Synced {count} commands {where}.",
        "fr": "{count} commandes synchronisées {where}.",
    },
    "sync.global": {"en": "globally", "fr": "globalement"},
    "sync.guild": {"en": "to this server", "fr": "sur ce serveur"},
    # questions asked in channels: mentions, replies, the message command, Q&A channels
    "talk.help": {
        "en": "Ask me about cooperation on AI and semiconductors, e.g. “{example}”\n"
        "Everything I can do: /help",
        "fr": "Posez-moi une question sur la coopération en IA et semi-conducteurs, p. ex. "
        "« {example} »\nTout ce que je sais faire : /aide",
    },
    "talk.slow_down": {
        "en": "One moment: you are asking faster than I answer. Ask again in a few seconds.",
        "fr": "Un instant : vous demandez plus vite que je ne réponds. Reposez la question dans "
        "quelques secondes.",
    },
    "menu.question": {
        "en": "{author} asked:\n> {question}",
        "fr": "{author} a demandé :\n> {question}",
    },
    "menu.no_text": {
        "en": "That message has no text I can read as a question.",
        "fr": "Ce message n'a pas de texte que je puisse lire comme une question.",
    },
    "menu.own_answer": {
        "en": "That is one of my own messages: reply to it with your question instead.",
        "fr": "C'est un de mes propres messages : répondez-y plutôt avec votre question.",
    },
    "qa.on": {
        "en": "Q&A is on in {channel}: I answer the questions asked there when I am sure of the "
        "answer, and stay quiet otherwise.",
        "fr": "Les questions-réponses sont actives dans {channel} : j'y réponds aux questions "
        "quand je suis sûr de la réponse, et je me tais sinon.",
    },
    "qa.off": {
        "en": "Q&A is off in {channel}. Mentions and replies to my answers still work everywhere.",
        "fr": "Les questions-réponses sont désactivées dans {channel}. Les mentions et les "
        "réponses à mes messages marchent toujours partout.",
    },
    "qa.was_off": {
        "en": "Q&A was not on in {channel}: nothing changed.",
        "fr": "Les questions-réponses n'étaient pas actives dans {channel} : rien n'a changé.",
    },
    "qa.cannot_answer": {
        "en": "I cannot answer in {channel}: I need View Channel, Send Messages, Embed Links and "
        "Read Message History there.",
        "fr": "Je ne peux pas répondre dans {channel} : il me faut « Voir le salon », « Envoyer "
        "des messages », « Intégrer des liens » et « Voir les anciens messages ».",
    },
    "qa.too_many": {
        "en": "At most {limit} Q&A channels per server: turn one off first.",
        "fr": "Au plus {limit} salons de questions-réponses par serveur : désactivez-en un "
        "d'abord.",
    },
    "qa.intent_missing": {
        "en": "⚠ Discord does not send me the text of messages (the Message Content intent is "
        "off for this bot), so Q&A channels stay quiet until it is on: Developer Portal → the "
        "bot's application → Bot → Privileged Gateway Intents → Message Content Intent, then "
        "restart me. Mentions, replies to my answers and “Ask Silicon Bridge” work without it.",
        "fr": "⚠ Discord ne m'envoie pas le texte des messages (l'intent Message Content est "
        "désactivé pour ce bot) : les salons de questions-réponses restent muets tant qu'il ne "
        "l'est pas. Developer Portal → l'application du bot → Bot → Privileged Gateway Intents "
        "→ Message Content Intent, puis redémarrez-moi. Les mentions, les réponses à mes "
        "messages et « Demander à Silicon Bridge » marchent sans.",
    },
    "qa.status_title": {"en": "Q&A channels", "fr": "Salons de questions-réponses"},
    "qa.channels": {"en": "Channels", "fr": "Salons"},
    "qa.none": {
        "en": "None: turn one on with /qa channel.",
        "fr": "Aucun : activez-en un avec /qr salon.",
    },
    "qa.content": {"en": "Message content", "fr": "Contenu des messages"},
    "qa.content_on": {
        "en": "received: Q&A channels work.",
        "fr": "reçu : les salons de questions-réponses fonctionnent.",
    },
    "help.talk": {"en": "In a channel", "fr": "Dans un salon"},
    "help.talk_text": {
        "en": "Mention me with your question, reply to one of my answers to ask more about it, "
        "or use Apps → “Ask Silicon Bridge” on any message.",
        "fr": "Mentionnez-moi avec votre question, répondez à une de mes réponses pour en "
        "savoir plus, ou utilisez Applications → « Demander à Silicon Bridge » sur un message.",
    },
    # answers in full sentences (bot/answer/compose.py)
    "answer.deadline": {
        "en": "{text} Deadline: {when}. {status}",
        "fr": "{text} Date limite : {when}. {status}",
    },
    "answer.passed": {
        "en": "This deadline passed {span} ago.",
        "fr": "Cette échéance est passée depuis {span}.",
    },
    "answer.left": {"en": "{span} left.", "fr": "Il reste {span}."},
    "answer.figure": {"en": "{amount}: {measures}. {text}", "fr": "{amount} : {measures}. {text}"},
    "answer.figure_as_of": {
        "en": "{amount}: {measures} (as of {as_of}). {text}",
        "fr": "{amount} : {measures} (chiffre au {as_of}). {text}",
    },
    "answer.announced": {"en": "Announced on {date}.", "fr": "Annoncé le {date}."},
    "answer.programme": {
        "en": "Programme and funding: {programme}.",
        "fr": "Programme et financement : {programme}.",
    },
    "answer.unknown": {
        "en": "I don't know the answer to that: it is outside what I know about international "
        "cooperation on AI and semiconductors.",
        "fr": "Je ne connais pas la réponse à cette question : elle sort de ce que je sais sur la "
        "coopération internationale en IA et semi-conducteurs.",
    },
    "answer.unknown_suggest": {
        "en": "I don't know the answer to that: it is outside what I know about international "
        "cooperation on AI and semiconductors. Did you mean: {suggestions}?",
        "fr": "Je ne connais pas la réponse à cette question : elle sort de ce que je sais sur la "
        "coopération internationale en IA et semi-conducteurs. Vouliez-vous dire : {suggestions} ?",
    },
    "source.line": {"en": "Source: {source}", "fr": "Source : {source}"},
    "source.document": {"en": "{publisher}, {published}.", "fr": "{publisher}, {published}."},
    "source.paragraph": {
        "en": "{publisher}, {published} (paragraph {paragraph}).",
        "fr": "{publisher}, {published} (paragraphe {paragraph}).",
    },
    "source.admin": {"en": "added by an admin.", "fr": "ajouté par un administrateur."},
    # dates, durations and amounts (bot/answer/formatting.py)
    "date.day": {"en": "{day} {month} {year}", "fr": "{day} {month} {year}"},
    "date.weekday": {
        "en": "{weekday}, {day} {month} {year}",
        "fr": "{weekday} {day} {month} {year}",
    },
    "date.end_of_day": {
        "en": "{date} (end of day, {timezone})",
        "fr": "{date} (fin de journée, {timezone})",
    },
    "date.at": {
        "en": "{date} at {hour}:{minute} ({timezone})",
        "fr": "{date} à {hour} h {minute} ({timezone})",
    },
    "time.less_than_a_minute": {"en": "less than a minute", "fr": "moins d'une minute"},
    "time.and": {"en": "{first} and {second}", "fr": "{first} et {second}"},
    "amount.percent": {"en": "{number}%", "fr": "{number}\u202f%"},
    "amount.range": {"en": "{low} to {high}", "fr": "{low} à {high}"},
    "amount.money": {"en": "{currency} {number}", "fr": "{number} {currency}"},
    "amount.money_scaled": {
        "en": "{currency} {number} {scale}",
        "fr": "{number} {scale} de {currency}",
    },
    "amount.quantity": {"en": "{number} {unit}", "fr": "{number} {unit}"},
    "amount.quantity_scaled": {"en": "{number} {scale} {unit}", "fr": "{number} {scale} de {unit}"},
    # the local console (bot/console.py) and the command line (bot/__main__.py)
    "console.intro": {
        # Shown before the console knows the user's language: the English line, then the French.
        "en": "Silicon Bridge local console. Commands: /ask QUESTION, /partnership NAME, /deadline "
        "[list | show NAME], /figure QUERY, /source ID, /help, /about; /quit to leave.",
        "fr": "Console locale: commandes en français (/question, /echeance …) answer in French.",
    },
    "console.unknown": {
        "en": "Unknown command /{name}.",
        "fr": "Commande inconnue : /{name}.",
    },
    "time.in": {"en": "in {span}", "fr": "dans {span}"},
    "time.ago": {"en": "{span} ago", "fr": "il y a {span}"},
    "cli.see_also": {"en": "See also: {titles}", "fr": "Voir aussi: {titles}"},
}

# Words for dates, durations and amounts, as plain data by language (bot/answer/formatting.py).
MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
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
    ),
    "fr": (
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
    ),
}
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
# Days of the month not written as their plain number.
DAY_NUMBERS: dict[str, dict[int, str]] = {"en": {}, "fr": {1: "1er"}}
# A figure's qualifier, written before its amount.
QUALIFIERS: dict[str, dict[str, str]] = {
    "en": {
        "exact": "",
        "more_than": "more than ",
        "at_least": "at least ",
        "about": "about ",
        "up_to": "up to ",
    },
    "fr": {
        "exact": "",
        "more_than": "plus de ",
        "at_least": "au moins ",
        "about": "environ ",
        "up_to": "jusqu'à ",
    },
}
# Units of time and scale words, (singular, plural); the singular is used below 2 ("1,5 milliard").
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "year": ("year", "years"),
        "month": ("month", "months"),
        "day": ("day", "days"),
        "hour": ("hour", "hours"),
        "minute": ("minute", "minutes"),
        "billion": ("billion", "billion"),
        "million": ("million", "million"),
    },
    "fr": {
        "year": ("an", "ans"),
        "month": ("mois", "mois"),
        "day": ("jour", "jours"),
        "hour": ("heure", "heures"),
        "minute": ("minute", "minutes"),
        "billion": ("milliard", "milliards"),
        "million": ("million", "millions"),
    },
}
CURRENCIES: dict[str, dict[str, str]] = {
    "en": {"USD": "USD", "EUR": "EUR"},
    "fr": {"USD": "dollars", "EUR": "euros"},
}
# How numbers are written: the thousands separator and the decimal mark.
NUMBER_MARKS: dict[str, dict[str, str]] = {
    "en": {"thousands": ",", "decimal": "."},
    "fr": {"thousands": "\u202f", "decimal": ","},
}
# Between the items of a list of alternatives ("did you mean: a; b").
SEMICOLON: dict[str, str] = {"en": "; ", "fr": " ; "}
# Questions the /help card suggests.
HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "when does the France–Taiwan call close?",
        "who led the US–Taiwan talks?",
        "how much will Taiwan invest in the US?",
    ),
    "fr": (
        "quand ferme l'AMI France–Taïwan ?",
        "combien Taïwan investit aux États-Unis ?",
        "qui a dirigé les discussions États-Unis–Taïwan ?",
    ),
}

# The slash commands: names and descriptions in English, exactly as cogs/ write them (discord.py
# sends the English and asks the Translator for the French), and in French. ``help`` is the line the
# /help card gives a command, if it lists it; ``aliases`` are other names the console accepts.
Text = dict[str, str]  # {"en": …, "fr": …}


@dataclass(frozen=True)
class Option:
    name: Text
    description: Text


@dataclass(frozen=True)
class Command:
    name: Text
    description: Text
    options: tuple[Option, ...] = ()
    subcommands: tuple[Command, ...] = ()
    help: Text | None = None
    aliases: tuple[str, ...] = ()


DEADLINE_NAME = Option(
    name={"en": "name", "fr": "nom"},
    description={"en": "The deadline's name", "fr": "Le nom de l'échéance"},
)

COMMANDS: tuple[Command, ...] = (
    Command(
        name={"en": "ask", "fr": "question"},
        description={
            "en": "Ask a question about AI and semiconductor cooperation",
            "fr": "Poser une question sur la coopération en IA et semi-conducteurs",
        },
        options=(
            Option(
                name={"en": "question", "fr": "question"},
                description={
                    "en": "Your question, in French or English",
                    "fr": "Votre question, en français ou en anglais",
                },
            ),
        ),
        help={
            "en": "a question, in French or English",
            "fr": "une question, en français ou en anglais",
        },
    ),
    Command(
        name={"en": "partnership", "fr": "partenariat"},
        description={
            "en": "Show a partnership: parties, programme, themes, deadlines and figures",
            "fr": "Voir un partenariat : parties, programme, thèmes, échéances et chiffres",
        },
        options=(
            Option(
                name={"en": "name", "fr": "nom"},
                description={"en": "The partnership's name", "fr": "Le nom du partenariat"},
            ),
        ),
        help={"en": "a partnership's card", "fr": "la fiche d'un partenariat"},
    ),
    Command(
        name={"en": "deadline", "fr": "echeance"},
        description={"en": "Deadlines of the partnerships", "fr": "Les échéances des partenariats"},
        aliases=("échéance",),
        subcommands=(
            Command(
                name={"en": "list", "fr": "liste"},
                description={
                    "en": "Upcoming deadlines first, then recent past ones",
                    "fr": "Les échéances à venir d'abord, puis les récentes",
                },
                help={
                    "en": "upcoming and recent deadlines",
                    "fr": "les échéances à venir et récentes",
                },
            ),
            Command(
                name={"en": "show", "fr": "voir"},
                description={"en": "One deadline in detail", "fr": "Une échéance en détail"},
                options=(DEADLINE_NAME,),
                help={"en": "one deadline in detail", "fr": "une échéance en détail"},
            ),
            Command(
                name={"en": "add", "fr": "ajouter"},
                description={
                    "en": "Add a deadline to this server (Manage Server)",
                    "fr": "Ajouter une échéance à ce serveur (Gérer le serveur)",
                },
            ),
            Command(
                name={"en": "edit", "fr": "modifier"},
                description={
                    "en": "Change a deadline added in this server (Manage Server)",
                    "fr": "Modifier une échéance ajoutée sur ce serveur (Gérer le serveur)",
                },
                options=(DEADLINE_NAME,),
            ),
            Command(
                name={"en": "remove", "fr": "supprimer"},
                description={
                    "en": "Remove a deadline added in this server (Manage Server)",
                    "fr": "Supprimer une échéance ajoutée sur ce serveur (Gérer le serveur)",
                },
                options=(DEADLINE_NAME,),
            ),
            Command(
                name={"en": "calendar", "fr": "calendrier"},
                description={
                    "en": "Upcoming deadlines as a calendar file (.ics)",
                    "fr": "Les échéances à venir en fichier de calendrier (.ics)",
                },
            ),
            Command(
                name={"en": "event", "fr": "evenement"},
                description={
                    "en": "Create a Discord event for a deadline (Manage Server)",
                    "fr": "Créer un événement Discord pour une échéance (Gérer le serveur)",
                },
                options=(DEADLINE_NAME,),
            ),
        ),
    ),
    Command(
        name={"en": "figure", "fr": "chiffre"},
        description={
            "en": "A figure with its qualifier, date, context and source",
            "fr": "Un chiffre avec sa précision, sa date, son contexte et sa source",
        },
        options=(
            Option(
                name={"en": "query", "fr": "recherche"},
                description={"en": "What the figure is about", "fr": "Le sujet du chiffre"},
            ),
        ),
        help={
            "en": "a figure with its date and source",
            "fr": "un chiffre avec sa date et sa source",
        },
    ),
    Command(
        name={"en": "source", "fr": "source"},
        description={
            "en": "A source document and the facts taken from it",
            "fr": "Un document source et les faits qui en sont tirés",
        },
        options=(
            Option(
                name={"en": "id", "fr": "id"},
                description={"en": "The source's name", "fr": "Le nom de la source"},
            ),
        ),
        help={"en": "a source document and its facts", "fr": "un document source et ses faits"},
    ),
    Command(
        name={"en": "help", "fr": "aide"},
        description={"en": "What this bot can do", "fr": "Ce que ce bot sait faire"},
    ),
    Command(
        name={"en": "about", "fr": "apropos"},
        description={
            "en": "What the bot knows, its version, uptime and latency",
            "fr": "Ce que le bot sait, sa version, sa durée en ligne et sa latence",
        },
        help={
            "en": "what I know, version, uptime",
            "fr": "ce que je sais, version, durée en ligne",
        },
    ),
    Command(
        name={"en": "sync", "fr": "synchroniser"},
        description={
            "en": "Sync the slash commands with Discord (bot owner only)",
            "fr": "Synchroniser les commandes avec Discord (propriétaire du bot)",
        },
        options=(
            Option(
                name={"en": "scope", "fr": "portee"},
                description={
                    "en": "Where to sync: this server, or every server",
                    "fr": "Où synchroniser : ce serveur, ou tous les serveurs",
                },
            ),
        ),
    ),
    Command(
        name={"en": "reminders", "fr": "rappels"},
        description={
            "en": "Deadline reminders in this server (Manage Server)",
            "fr": "Rappels d'échéances sur ce serveur (Gérer le serveur)",
        },
        subcommands=(
            Command(
                name={"en": "channel", "fr": "salon"},
                description={
                    "en": "Post reminders in this channel",
                    "fr": "Publier les rappels dans ce salon",
                },
                options=(
                    Option(
                        name={"en": "channel", "fr": "salon"},
                        description={
                            "en": "The channel for reminders",
                            "fr": "Le salon des rappels",
                        },
                    ),
                ),
            ),
            Command(
                name={"en": "offsets", "fr": "delais"},
                description={
                    "en": "When to remind before each deadline, e.g. 30d 7d 1d 1h",
                    "fr": "Quand rappeler avant chaque échéance, p. ex. 30j 7j 1j 1h",
                },
                options=(
                    Option(
                        name={"en": "offsets", "fr": "delais"},
                        description={
                            "en": "Offsets such as 30d 7d 1d 1h (d days, h hours, m minutes)",
                            "fr": "Délais comme 30j 7j 1j 1h (j jours, h heures, m minutes)",
                        },
                    ),
                ),
            ),
            Command(
                name={"en": "role", "fr": "role"},
                description={
                    "en": "Mention a role in reminders, or nobody when left empty",
                    "fr": "Mentionner un rôle dans les rappels, ou personne si vide",
                },
                options=(
                    Option(
                        name={"en": "role", "fr": "role"},
                        description={"en": "The role to mention", "fr": "Le rôle à mentionner"},
                    ),
                ),
            ),
            Command(
                name={"en": "timezone", "fr": "fuseau"},
                description={
                    "en": "Default time zone for new deadlines",
                    "fr": "Fuseau horaire par défaut des nouvelles échéances",
                },
                options=(
                    Option(
                        name={"en": "timezone", "fr": "fuseau"},
                        description={
                            "en": "A time zone such as Europe/Paris",
                            "fr": "Un fuseau comme Europe/Paris",
                        },
                    ),
                ),
            ),
            Command(
                name={"en": "off", "fr": "desactiver"},
                description={"en": "Stop posting reminders", "fr": "Arrêter les rappels"},
            ),
            Command(
                name={"en": "status", "fr": "statut"},
                description={
                    "en": "What will be posted next, where and when",
                    "fr": "Ce qui sera publié, où et quand",
                },
            ),
        ),
    ),
    Command(
        name={"en": "qa", "fr": "qr"},
        description={
            "en": "Q&A channels, where I answer every question I am sure of (Manage Server)",
            "fr": "Salons de questions-réponses, où je réponds si je suis sûr (Gérer le serveur)",
        },
        subcommands=(
            Command(
                name={"en": "channel", "fr": "salon"},
                description={
                    "en": "Answer the questions asked in a channel",
                    "fr": "Répondre aux questions posées dans un salon",
                },
                options=(
                    Option(
                        name={"en": "channel", "fr": "salon"},
                        description={"en": "The Q&A channel", "fr": "Le salon de questions"},
                    ),
                ),
            ),
            Command(
                name={"en": "off", "fr": "desactiver"},
                description={
                    "en": "Stop answering every question in a channel",
                    "fr": "Ne plus répondre à toutes les questions d'un salon",
                },
                options=(
                    Option(
                        name={"en": "channel", "fr": "salon"},
                        description={
                            "en": "The channel to turn off",
                            "fr": "Le salon à désactiver",
                        },
                    ),
                ),
            ),
            Command(
                name={"en": "status", "fr": "statut"},
                description={
                    "en": "Which channels are Q&A channels, and whether they can work",
                    "fr": "Les salons de questions-réponses, et s'ils peuvent fonctionner",
                },
            ),
        ),
    ),
)

# Message commands (right-click a message → Apps): no description, only a name, up to 32
# characters with spaces and capitals.
MESSAGE_COMMANDS: tuple[Text, ...] = (
    {"en": "Ask Silicon Bridge", "fr": "Demander à Silicon Bridge"},
)


def slash_commands() -> list[tuple[Text, Command]]:
    """Every command and subcommand, with its full name as typed in each language
    ({"en": "/deadline list", "fr": "/echeance liste"}), in the table's order."""
    found: list[tuple[Text, Command]] = []
    for command in COMMANDS:
        found.append(({lang: f"/{name}" for lang, name in command.name.items()}, command))
        for sub in command.subcommands:
            typed = {lang: f"/{name} {sub.name[lang]}" for lang, name in command.name.items()}
            found.append((typed, sub))
    return found


def command_named(path: str) -> Command:
    """The command or subcommand named ``path`` in English, e.g. "deadline show"."""
    return next(entry for typed, entry in slash_commands() if typed["en"] == f"/{path}")


def command_texts(lang: str) -> dict[str, str]:
    """Every command, subcommand and option name and description, English → ``lang``.

    What the Translator gives Discord: discord.py asks for the French of each English string.
    """
    texts: dict[str, str] = {}
    for _, entry in slash_commands():
        for item in (entry, *entry.options):
            for text in (item.name, item.description):
                if texts.setdefault(text["en"], text[lang]) != text[lang]:
                    raise ValueError(f"{text['en']!r} has two translations")
    for name in MESSAGE_COMMANDS:
        if texts.setdefault(name["en"], name[lang]) != name[lang]:
            raise ValueError(f"{name['en']!r} has two translations")
    return texts


def language(locale: Enum | str | None) -> str:
    """'fr' for any French locale (a ``discord.Locale`` or its value), 'en' otherwise."""
    value = str(locale.value if isinstance(locale, Enum) else locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def t(key: str, lang: str, **fields: object) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def error_text(error: UserError, lang: str) -> str:
    """What an error the user can fix says, the kind of thing not found named in their language."""
    fields = dict(error.fields)
    if "what" in fields:
        fields["what"] = t(f"what.{fields['what']}", lang)
    return t(error.key, lang, **fields)
