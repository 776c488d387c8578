"""Every message the bot shows, in French and English, and the translator of command names.

``t(key, lang, **fields)`` gives a message; ``language(locale)`` maps a Discord locale to ``fr`` or
``en``. Command names and descriptions are written in English in the code and translated here
through discord.py's ``app_commands.Translator``.
"""

from __future__ import annotations

import discord
from discord import app_commands

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
    "what.partnership": {"en": "partnership", "fr": "partenariat"},
    "what.deadline": {"en": "deadline", "fr": "échéance"},
    "what.figure": {"en": "figure", "fr": "chiffre"},
    "what.source": {"en": "source", "fr": "source"},
    "kind.partnership": {"en": "Partnerships", "fr": "Partenariats"},
    "kind.deadline": {"en": "Deadlines", "fr": "Échéances"},
    "kind.figure": {"en": "Figures", "fr": "Chiffres"},
    "kind.fact": {"en": "Facts", "fr": "Faits"},
    # answers and cards
    "ask.title": {"en": "Answer", "fr": "Réponse"},
    "ask.unknown_title": {"en": "I don't know", "fr": "Je ne sais pas"},
    "ask.did_you_mean": {"en": "Did you mean", "fr": "Vouliez-vous dire"},
    "ask.confidence": {"en": "confidence {percent} %", "fr": "confiance {percent} %"},
    "card.source": {"en": "Source", "fr": "Source"},
    "card.parties": {"en": "Parties", "fr": "Parties"},
    "card.announced": {"en": "Announced", "fr": "Annoncé"},
    "card.programme": {"en": "Programme and funding", "fr": "Programme et financement"},
    "card.themes": {"en": "Themes", "fr": "Thèmes"},
    "card.conditions": {"en": "Conditions", "fr": "Conditions"},
    "card.deadlines": {"en": "Deadlines", "fr": "Échéances"},
    "card.figures": {"en": "Figures", "fr": "Chiffres"},
    "card.facts": {"en": "Related facts", "fr": "Faits liés"},
    "card.partnership": {"en": "Partnership", "fr": "Partenariat"},
    "card.due": {"en": "Due", "fr": "Échéance"},
    "card.status": {"en": "Status", "fr": "Statut"},
    "card.value": {"en": "Figure", "fr": "Chiffre"},
    "card.measures": {"en": "What it measures", "fr": "Ce qu'il mesure"},
    "card.as_of": {"en": "As of", "fr": "Date du chiffre"},
    "card.context": {"en": "Context", "fr": "Contexte"},
    "card.published": {"en": "Published", "fr": "Publié"},
    "card.publisher": {"en": "Publisher", "fr": "Éditeur"},
    "card.language": {"en": "Language", "fr": "Langue"},
    "card.document": {"en": "Document", "fr": "Document"},
    "card.items_from_source": {"en": "Facts taken from it", "fr": "Faits qui en sont tirés"},
    "card.more": {"en": "… and {count} more", "fr": "… et {count} de plus"},
    "card.admin_source": {"en": "added by this server's admins", "fr": "ajouté par les admins"},
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
    "sync.done": {
        "en": "Synced {count} commands {where}.",
        "fr": "{count} commandes synchronisées {where}.",
    },
    "sync.global": {"en": "globally", "fr": "globalement"},
    "sync.guild": {"en": "to this server", "fr": "sur ce serveur"},
}

# Command and option names and descriptions, English → French.
COMMAND_TEXT_FR: dict[str, str] = {
    "ask": "question",
    "Ask a question about AI and semiconductor cooperation": (
        "Poser une question sur la coopération en IA et semi-conducteurs"
    ),
    "question": "question",
    "Your question, in French or English": "Votre question, en français ou en anglais",
    "partnership": "partenariat",
    "Show a partnership: parties, programme, themes, deadlines and figures": (
        "Voir un partenariat : parties, programme, thèmes, échéances et chiffres"
    ),
    "name": "nom",
    "The partnership's name": "Le nom du partenariat",
    "deadline": "echeance",
    "Deadlines of the partnerships": "Les échéances des partenariats",
    "list": "liste",
    "Upcoming deadlines first, then recent past ones": (
        "Les échéances à venir d'abord, puis les récentes"
    ),
    "show": "voir",
    "One deadline in detail": "Une échéance en détail",
    "The deadline's name": "Le nom de l'échéance",
    "figure": "chiffre",
    "A figure with its qualifier, date, context and source": (
        "Un chiffre avec sa précision, sa date, son contexte et sa source"
    ),
    "query": "recherche",
    "What the figure is about": "Le sujet du chiffre",
    "source": "source",
    "A source document and the facts taken from it": (
        "Un document source et les faits qui en sont tirés"
    ),
    "id": "id",
    "The source's name": "Le nom de la source",
    "help": "aide",
    "What this bot can do": "Ce que ce bot sait faire",
    "about": "apropos",
    "sync": "synchroniser",
    "Sync the slash commands with Discord (bot owner only)": (
        "Synchroniser les commandes avec Discord (propriétaire du bot)"
    ),
    "scope": "portee",
    "Where to sync: this server, or every server": (
        "Où synchroniser : ce serveur, ou tous les serveurs"
    ),
    "What the bot knows, its version, uptime and latency": (
        "Ce que le bot sait, sa version, sa durée en ligne et sa latence"
    ),
}


def language(locale: discord.Locale | str | None) -> str:
    """'fr' for any French locale, 'en' otherwise."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def t(key: str, lang: str, **fields: object) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


class Translator(app_commands.Translator):
    """Gives Discord the French names and descriptions of the commands."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if language(locale) != "fr":
            return None
        return COMMAND_TEXT_FR.get(string.message)
