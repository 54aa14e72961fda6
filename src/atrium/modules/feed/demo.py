"""A lively feed for `atrium demo`: posts in French and English with hashtags and mentions,
a poll with votes, an announcement asking for read confirmation, comments and replies,
reactions, an image post and a share, written through the feed's own actions."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atrium.kernel.models import Space, User
from atrium.modules.feed import actions
from atrium.modules.feed.models import Post

WELCOME = "Bienvenue / Welcome"
CARDIO = "Cardiologie"
IT = "IT Service Desk"
COMMS = "Communication & événements"
QUALITY = "Qualité et certification"


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    replies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PostPlan:
    space: str
    author: str
    text: str  # "{nadia.haddad}" mentions that person, "{space:Cardiologie}" that space
    comments: tuple[Comment, ...] = ()
    reactions: tuple[tuple[str, str], ...] = ()
    poll: tuple[str, ...] = ()
    votes: tuple[tuple[str, int], ...] = ()
    announce: bool = False
    confirm: bool = False
    confirmed_by: tuple[str, ...] = ()
    image: bool = False
    share_of: int | None = None  # index of an earlier post (of an open space)
    extra: dict[str, Any] = field(default_factory=dict)


POSTS: tuple[PostPlan, ...] = (
    PostPlan(WELCOME, "margaux.henry",
             "Bienvenue aux nouveaux arrivants de novembre ! 🎉 Le livret d'accueil est à jour, "
             "et la visite des services a lieu **jeudi à 14 h**. #onboarding #bienvenue",
             comments=(Comment("sophie.laurent", "Merci Margaux, j'ajoute le planning des "
                               "formations obligatoires.",
                               replies=(("margaux.henry", "Parfait, merci !"),)),),
             reactions=(("sophie.laurent", "🎉"), ("karim.benali", "👍"),
                        ("antoine.girard", "🎉"))),
    PostPlan(WELCOME, "claire.dumont",
             "Rappel important : la nouvelle charte informatique entre en vigueur le 1er "
             "décembre. Merci de la lire et de confirmer sa lecture. #sécurité",
             announce=True, confirm=True,
             confirmed_by=("margaux.henry", "antoine.girard", "karim.benali")),
    PostPlan(IT, "karim.benali",
             "Planned maintenance of the patient record software on **Saturday 6:00–8:00**. "
             "Printing will be unavailable during the window. #maintenance #itsupport",
             comments=(Comment("lucas.petit", "Will the lab results interface be affected?",
                               replies=(("karim.benali", "No, the lab interface stays up."),
                                        ("lucas.petit", "Great, thanks!"))),),
             reactions=(("lucas.petit", "👍"), ("priya.raman", "🙏"))),
    PostPlan(IT, "thomas.robert",
             "Which day suits you best for the Wi-Fi upgrade training? #itsupport",
             poll=("Monday", "Wednesday", "Friday"),
             votes=(("lucas.petit", 1), ("priya.raman", 1), ("karim.benali", 0),
                    ("elodie.masson", 2))),
    PostPlan(CARDIO, "antoine.girard",
             "Le nouveau protocole anticoagulation est validé 🎉 Merci {nadia.haddad} et "
             "{julien.fontaine} pour la relecture. Discussion au staff de jeudi. "
             "#protocole #cardio",
             comments=(Comment("nadia.haddad", "Avec plaisir ! Je prépare la fiche réflexe.",
                               replies=(("julien.fontaine", "Je m'occupe des schémas."),)),
                       Comment("emilie.rousseau", "On peut l'afficher en salle de soins ?")),
             reactions=(("nadia.haddad", "❤️"), ("julien.fontaine", "👍"))),
    PostPlan(COMMS, "margaux.henry",
             "Retour en images sur la journée portes ouvertes : merci à toutes et à tous ! "
             "#portesouvertes #équipe",
             image=True, reactions=(("bastien.colin", "😍"), ("laura.simmons", "👏"))),
    PostPlan(CARDIO, "sarah.mitchell",
             "Sharing the open-day pictures with the team — great work everyone!",
             share_of=5),
    PostPlan(QUALITY, "valerie.mercier",
             "La visite de certification approche : les indicateurs du trimestre sont "
             "dans {space:Qualité et certification}. #qualité #certification",
             comments=(Comment("francois.dubois", "Je relis la partie circuit du "
                               "médicament cette semaine."),)),
)


def _png() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (34, 94, 168))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 440, 260), fill=(250, 200, 60))
    draw.ellipse((180, 100, 300, 220), fill=(220, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("portes-ouvertes.png", buffer.getvalue(), "image/png")


def _text(text: str, people: dict[str, User], spaces: dict[str, Space]) -> str:
    for key, person in people.items():
        text = text.replace("{" + key + "}", f"<@{person.pk}>")
    for name, space in spaces.items():
        text = text.replace("{space:" + name + "}", f"<#{space.pk}>")
    return text


def load_feed_demo(people: dict[str, User], spaces: dict[str, Space]) -> dict[str, int]:
    """Returns counts: {"posts": n, "comments": n}."""
    made: list[Post | None] = []
    comments = 0
    for plan in POSTS:
        space, author = spaces.get(plan.space), people.get(plan.author)
        if space is None or author is None:
            made.append(None)
            continue
        shared = made[plan.share_of] if plan.share_of is not None else None
        post = actions.do_create_post(
            author, space, body=_text(plan.text, people, spaces),
            images=[_png()] if plan.image else (),
            poll=actions.PollSpec(options=list(plan.poll),
                                  closes_at=timezone.now() + timedelta(days=7))
            if plan.poll else None,
            shared_from=shared, announce=plan.announce, requires_confirmation=plan.confirm)
        made.append(post)
        for comment in plan.comments:
            top = actions.do_comment(people[comment.author], post,
                                     body=_text(comment.text, people, spaces))
            comments += 1
            for key, text in comment.replies:
                actions.do_comment(people[key], post, body=_text(text, people, spaces),
                                   parent=top)
                comments += 1
        for key, emoji in plan.reactions:
            actions.do_react(people[key], post, emoji)
        if plan.poll:
            options = list(post.poll.options.all())
            for key, index in plan.votes:
                actions.do_vote(people[key], post.poll, [options[index].pk])
        for key in plan.confirmed_by:
            actions.do_confirm(people[key], post)
    return {"posts": sum(1 for p in made if p is not None), "comments": comments}
