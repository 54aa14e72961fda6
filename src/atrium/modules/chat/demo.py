"""Chat conversations for `atrium demo`: channels in a few spaces, threads, mentions,
reactions, a pinned message and direct conversations, in French and English, written through
the chat's own actions so every rule holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atrium.kernel.models import Space, User
from atrium.modules.chat.actions import (
    do_create_channel,
    do_open_direct,
    do_pin,
    do_post_message,
    do_react,
)
from atrium.modules.chat.models import Channel, ChannelKind, Message


@dataclass(frozen=True)
class Line:
    author: str
    text: str  # "{nadia.haddad}" becomes a mention of that person
    reply_to: int | None = None  # index of the thread's root in the same script
    reactions: tuple[tuple[str, str], ...] = ()
    pin: bool = False


@dataclass(frozen=True)
class ChannelPlan:
    space: str
    name: str
    topic: str
    lines: tuple[Line, ...]
    kind: str = ChannelKind.PUBLIC
    members: tuple[str, ...] = field(default=())


CHANNELS: tuple[ChannelPlan, ...] = (
    ChannelPlan("Cardiologie", "garde", "Planning et relèves de garde — on-call handovers", (
        Line("antoine.girard", "Bonjour à tous. Le planning de garde de décembre est en ligne, "
             "merci de vérifier vos créneaux avant **vendredi**.", pin=True,
             reactions=(("nadia.haddad", "👍"), ("emilie.rousseau", "👍"))),
        Line("nadia.haddad", "Je peux échanger ma garde du 14 avec quelqu'un ? "
             "{julien.fontaine} tu serais disponible ?"),
        Line("julien.fontaine", "Oui, je prends le 14, tu prends mon 21 ?", reply_to=1),
        Line("nadia.haddad", "Parfait, merci Julien 🙏", reply_to=1,
             reactions=(("julien.fontaine", "❤️"),)),
        Line("sarah.mitchell", "Handover for tonight: bed 12 post-PCI, stable, "
             "check troponin at 22:00. Bed 7 awaiting echo tomorrow morning."),
        Line("lea.garnier", "Écho du lit 7 prévue à 8 h 30, je préviens le brancardage.",
             reply_to=4, reactions=(("sarah.mitchell", "🙏"),)),
        Line("emilie.rousseau", "Rappel : le chariot d'urgence de l'unité B a été vérifié ce "
             "matin, prochaine vérification lundi."),
    )),
    ChannelPlan("Cardiologie", "staff-du-jeudi", "Ordre du jour du staff — Thursday meeting",
                (
        Line("antoine.girard", "Ordre du jour de jeudi :\n\n1. Dossiers complexes de la "
             "semaine\n2. Nouveau protocole anticoagulation\n3. Questions diverses"),
        Line("marc.lefevre", "J'ajouterai un point sur l'audit de pertinence des "
             "coronarographies, 10 minutes.", reactions=(("antoine.girard", "👍"),)),
        Line("sarah.mitchell", "Could we also discuss the registry for the "
             "*Clinical Research Network*? {antoine.girard}"),
    )),
    ChannelPlan("IT Service Desk", "helpdesk", "Ask anything — posez vos questions", (
        Line("bastien.colin", "Bonjour, l'imprimante du 2e étage (COMM-02) n'imprime plus "
             "en couleur depuis ce matin."),
        Line("lucas.petit", "Je regarde ça. Pouvez-vous me dire le modèle affiché sur "
             "l'étiquette ?", reply_to=0),
        Line("bastien.colin", "HP Color LaserJet M479, étiquette IT-4471.", reply_to=0),
        Line("lucas.petit", "Cartouche cyan vide, remplacée. Ça devrait repartir ✅",
             reply_to=0, reactions=(("bastien.colin", "🎉"),)),
        Line("grace.kim", "Is there a way to reach the patient record software from home? "
             "I have a night shift handover to prepare."),
        Line("karim.benali", "Yes, through the VPN: the guide is pinned in this channel. "
             "You need your second factor enrolled first.", reply_to=4),
        Line("karim.benali", "Guide VPN / VPN guide:\n\n```bash\n# Linux\nsudo apt install "
             "openconnect\nopenconnect vpn.tilleuls.example\n```\nWindows et macOS : client "
             "installé d'office sur les postes de la clinique.", pin=True,
             reactions=(("grace.kim", "🙏"), ("hugo.lambert", "👍"))),
    )),
    ChannelPlan("IT Service Desk", "incidents", "Incidents en cours — ongoing incidents", (
        Line("thomas.robert", "⚠️ Maintenance du serveur de messagerie samedi de 6 h à 8 h. "
             "<!channel>"),
        Line("priya.raman", "Monitoring alert: disk usage at 85% on the imaging archive. "
             "Cleanup scheduled tonight.", reactions=(("thomas.robert", "👀"),)),
    )),
    ChannelPlan("Clinical Research Network", "trials", "Ongoing trials and enrolment", (
        Line("eleanor.hughes", "Enrolment update: the HEART-FR cohort reached **120 "
             "patients**, 80% of target. Thanks everyone!",
             reactions=(("mathieu.caron", "🎉"), ("sarah.mitchell", "🎉"))),
        Line("mathieu.caron", "Data monitoring committee meets on the 12th. "
             "{aissatou.diallo} can you send the safety listing by the 8th?"),
        Line("aissatou.diallo", "Will do, draft by Friday.", reply_to=1),
    )),
    ChannelPlan("Clinical Research Network", "coordinators",
                "Coordinators only: budgets and contracts", (
        Line("eleanor.hughes", "Sponsor contract v3 is back from legal, comments in the "
             "shared folder."),
        Line("ben.carter", "I'll review the budget annex this afternoon."),
    ), kind=ChannelKind.PRIVATE, members=("mathieu.caron", "ben.carter")),
)

DIRECT: tuple[tuple[tuple[str, ...], tuple[Line, ...]], ...] = (
    (("claire.dumont", "karim.benali"), (
        Line("claire.dumont", "Karim, peux-tu me faire un point sur le déploiement de la "
             "double authentification avant le comité de lundi ?"),
        Line("karim.benali", "Bien sûr : 82 % des comptes sont équipés, relance des autres "
             "cette semaine. Je vous envoie le détail ce soir."),
    )),
    (("antoine.girard", "sarah.mitchell", "nadia.haddad"), (
        Line("sarah.mitchell", "Quick question about the abstract for the congress: shall I "
             "submit it under the cardiology department or the research network?"),
        Line("antoine.girard", "Sous le service, avec le réseau en affiliation secondaire."),
        Line("nadia.haddad", "D'accord avec Antoine 👍"),
    )),
)


def _text(line: Line, people: dict[str, User]) -> str:
    text = line.text
    for key, person in people.items():
        text = text.replace("{" + key + "}", f"<@{person.pk}>")
    return text


def _play(channel: Channel, lines: tuple[Line, ...], people: dict[str, User]) -> int:
    posted: list[Message] = []
    for line in lines:
        author = people[line.author]
        root = posted[line.reply_to] if line.reply_to is not None else None
        message = do_post_message(author, channel, _text(line, people), thread_root=root)
        posted.append(message)
        for who, emoji in line.reactions:
            do_react(people[who], message, emoji, True)
        if line.pin:
            do_pin(author, message, True)
    return len(posted)


def load_chat_demo(people: dict[str, User], spaces: dict[str, Space]) -> dict[str, Any]:
    """Returns counts: {"channels": n, "messages": n}."""
    channels = messages = 0
    for plan in CHANNELS:
        space = spaces.get(plan.space)
        creator = people.get(plan.lines[0].author)
        if space is None or creator is None:
            continue
        channel = do_create_channel(creator, space, name=plan.name, kind=plan.kind,
                                    topic=plan.topic,
                                    members=[people[key] for key in plan.members])
        channels += 1
        messages += _play(channel, plan.lines, people)
    for keys, lines in DIRECT:
        first, *others = (people[key] for key in keys)
        conversation = do_open_direct(first, others)
        channels += 1
        messages += _play(conversation, lines, people)
    return {"channels": channels, "messages": messages}
