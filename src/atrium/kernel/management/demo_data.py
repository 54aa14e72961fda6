"""The demo organisation: a French clinic with an English-speaking network around it.

Plain data only; `commands/demo.py` turns it into people, spaces and links through the
actions. People are referred to by the local part of their e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORG_NAME = "Clinique des Tilleuls — Tilleuls Care Network"
DOMAIN = "tilleuls.example"
OWNER = "claire.dumont"


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    job_title: str
    team: str
    languages: str
    language: str = "fr"
    role: str = "member"
    location: str = "Lyon — site de la Croix-Rousse"
    email: str = ""  # guests: their own organisation's address


@dataclass(frozen=True)
class SpacePlan:
    name: str
    description: str
    visibility: str
    admins: tuple[str, ...]
    members: tuple[str, ...] = ()
    readers: tuple[str, ...] = ()
    # Who asks to join (private spaces) and stays pending.
    requests: tuple[tuple[str, str], ...] = ()
    links: tuple[tuple[str, str, str, str], ...] = field(default=())  # url, title, desc, tags


FR = "Français, English"
FR_ONLY = "Français"
EN = "English, Français"
EN_ONLY = "English"
GENEVA = "Genève — Tilleuls Care Network"

PEOPLE: tuple[Person, ...] = (
    # Direction
    Person("Claire", "Dumont", "Directrice générale", "Direction", FR, role="owner"),
    Person("Marc", "Lefèvre", "Directeur médical", "Direction", FR),
    Person("Isabelle", "Moreau", "Directrice administrative et financière", "Direction", FR,
           role="admin"),
    Person("Jonathan", "Price", "Chief Operating Officer, Tilleuls Care Network", "Direction",
           EN, language="en", location=GENEVA),
    Person("Sandrine", "Picard", "Assistante de direction", "Direction", FR_ONLY),
    # Cardiologie
    Person("Antoine", "Girard", "Chef de service de cardiologie", "Cardiologie", FR),
    Person("Nadia", "Haddad", "Cardiologue interventionnelle", "Cardiologie",
           "Français, العربية, English"),
    Person("Émilie", "Rousseau", "Infirmière de cardiologie", "Cardiologie", FR_ONLY),
    Person("Julien", "Fontaine", "Infirmier de cardiologie", "Cardiologie", FR_ONLY),
    Person("Sarah", "Mitchell", "Cardiology clinical fellow", "Cardiologie", EN, language="en"),
    Person("Léa", "Garnier", "Technicienne d'échocardiographie", "Cardiologie", FR),
    # Urgences
    Person("Paul", "Bernard", "Chef de service des urgences", "Urgences", FR),
    Person("Fatima", "Zerrouki", "Médecin urgentiste", "Urgences", "Français, العربية"),
    Person("Hugo", "Lambert", "Infirmier d'accueil et d'orientation", "Urgences", FR_ONLY),
    Person("Camille", "Faure", "Infirmière urgentiste", "Urgences", FR),
    Person("Oliver", "Grant", "Emergency physician", "Urgences", EN, language="en"),
    Person("Manon", "Chevalier", "Aide-soignante", "Urgences", FR_ONLY),
    Person("Yannick", "Perrin", "Ambulancier régulateur", "Urgences", FR_ONLY),
    # Pédiatrie
    Person("Chloé", "Marchand", "Pédiatre", "Pédiatrie", FR),
    Person("Inès", "Benoît", "Puéricultrice", "Pédiatrie", "Français, Español"),
    Person("Samuel", "Okafor", "Paediatrician", "Pédiatrie", "English, Français, Yoruba",
           language="en"),
    # IT
    Person("Karim", "Benali", "Responsable des systèmes d'information", "IT", FR,
           role="admin"),
    Person("Lucas", "Petit", "Administrateur systèmes et réseaux", "IT", FR),
    Person("Priya", "Raman", "Software engineer", "IT", "English, Tamil", language="en",
           location=GENEVA),
    Person("Thomas", "Robert", "Technicien support", "IT", FR_ONLY),
    Person("Élodie", "Masson", "Cheffe de projet dossier patient informatisé", "IT", FR),
    Person("Daniel", "Brooks", "Information security officer", "IT", EN_ONLY, language="en",
           location=GENEVA),
    # RH / HR
    Person("Sophie", "Laurent", "Directrice des ressources humaines", "RH / HR", FR,
           role="admin"),
    Person("Amandine", "Roux", "Chargée de recrutement", "RH / HR", FR),
    Person("Kevin", "Nguyen", "Gestionnaire paie", "RH / HR", "Français, Tiếng Việt"),
    Person("Rachel", "Evans", "HR business partner, international staff", "RH / HR", EN,
           language="en", location=GENEVA),
    # Communication
    Person("Margaux", "Henry", "Responsable communication", "Communication", FR),
    Person("Bastien", "Colin", "Chargé de communication digitale", "Communication", FR),
    Person("Laura", "Simmons", "Content editor (English)", "Communication", EN,
           language="en"),
    # Pharmacie
    Person("Nathalie", "Vidal", "Pharmacienne gérante", "Pharmacie", FR),
    Person("Mehdi", "Amrani", "Préparateur en pharmacie", "Pharmacie", FR_ONLY),
    Person("Grace", "Kim", "Clinical pharmacist", "Pharmacie", "English, 한국어",
           language="en"),
    # Qualité
    Person("Valérie", "Mercier", "Responsable qualité et gestion des risques", "Qualité", FR),
    Person("François", "Dubois", "Ingénieur qualité", "Qualité", FR_ONLY),
    # Clinical research
    Person("Eleanor", "Hughes", "Head of clinical research", "Clinical Research", EN,
           language="en", location=GENEVA),
    Person("Mathieu", "Caron", "Médecin investigateur", "Clinical Research", FR),
    Person("Aïssatou", "Diallo", "Attachée de recherche clinique", "Clinical Research", FR),
    Person("Ben", "Carter", "Clinical data manager", "Clinical Research", EN_ONLY,
           language="en", location=GENEVA),
    # Soins / Nursing
    Person("Catherine", "Blanc", "Directrice des soins", "Soins / Nursing", FR),
    Person("Nicolas", "Roche", "Cadre de santé", "Soins / Nursing", FR_ONLY),
    Person("Julie", "Morel", "Infirmière coordinatrice", "Soins / Nursing", FR),
    # Logistique
    Person("Pierre", "Gauthier", "Responsable logistique", "Logistique", FR_ONLY),
    Person("Michael", "Turner", "Facilities manager", "Logistique", EN, language="en",
           location=GENEVA),
)

GUESTS: tuple[Person, ...] = (
    Person("Hélène", "Roussel", "Cardiologue libérale (vacations)", "Cabinet Roussel", FR,
           role="guest", email="helene.roussel@cabinet-roussel.example",
           location="Villeurbanne"),
    Person("James", "O'Connor", "Clinical partnerships lead, Northbridge MedTech", "Partner",
           EN_ONLY, language="en", role="guest", email="j.oconnor@northbridge-medtech.example",
           location="Dublin"),
    Person("Ana", "Ribeiro", "Consultante intégration DPI, Integra Conseil", "Partner",
           "Português, Français, English", role="guest",
           email="ana.ribeiro@integra-conseil.example", location="Lyon"),
    Person("Thomas", "Weber", "Auditeur, organisme de certification CertiQual", "Partner",
           "Deutsch, Français", role="guest", email="t.weber@certiqual.example",
           location="Strasbourg"),
)

CARDIO = ("antoine.girard", "nadia.haddad", "emilie.rousseau", "julien.fontaine",
          "sarah.mitchell", "lea.garnier")
URGENCES = ("paul.bernard", "fatima.zerrouki", "hugo.lambert", "camille.faure",
            "oliver.grant", "manon.chevalier", "yannick.perrin")
IT = ("karim.benali", "lucas.petit", "priya.raman", "thomas.robert", "elodie.masson",
      "daniel.brooks")
HR = ("sophie.laurent", "amandine.roux", "kevin.nguyen", "rachel.evans")
DIRECTION = ("claire.dumont", "marc.lefevre", "isabelle.moreau", "jonathan.price",
             "catherine.blanc")
RESEARCH = ("eleanor.hughes", "mathieu.caron", "aissatou.diallo", "ben.carter")
EVERYONE = "*"  # every member of staff (never the guests)

SPACES: tuple[SpacePlan, ...] = (
    SpacePlan(
        "Bienvenue / Welcome",
        "Le point d'entrée de la clinique : règles de vie, contacts utiles, nouveaux arrivants."
        " Start here if you are new.",
        "open", admins=("margaux.henry", "sophie.laurent"), members=(EVERYONE,),
        links=(
            ("https://www.has-sante.fr/", "Haute Autorité de santé",
             "Recommandations et certification des établissements.", "référence, qualité"),
            ("https://www.service-public.fr/", "Service-public.fr",
             "Démarches administratives.", "administratif"),
        ),
    ),
    SpacePlan(
        "Cardiologie",
        "Coordination du service : plannings de garde, protocoles, staff du jeudi.",
        "private", admins=("antoine.girard",), members=(*CARDIO[1:], "marc.lefevre"),
        readers=("nathalie.vidal", "julie.morel"),
        requests=(("oliver.grant", "I'd like to follow the chest-pain pathway work."),
                  ("catherine.blanc", "")),
        links=(
            ("https://www.escardio.org/Guidelines", "ESC Clinical Practice Guidelines",
             "European Society of Cardiology guidelines.", "guidelines, cardiology"),
            ("https://www.sfcardio.fr/", "Société française de cardiologie", "",
             "société savante"),
        ),
    ),
    SpacePlan(
        "Urgences — coordination",
        "Tableau de bord des urgences, retours d'expérience et organisation des lits d'aval.",
        "private", admins=("paul.bernard", "fatima.zerrouki"), members=URGENCES[2:],
        readers=("catherine.blanc", "nicolas.roche"),
        requests=(("julie.morel", "Pour le suivi des lits d'aval."),),
        links=(
            ("https://www.samu-urgences-de-france.fr/", "SAMU-Urgences de France", "",
             "urgences"),
        ),
    ),
    SpacePlan(
        "IT Service Desk",
        "Ask the IT team anything: accounts, printers, Wi-Fi, the patient record software."
        " Posez vos questions en français ou en anglais.",
        "open", admins=("karim.benali", "thomas.robert"),
        members=("lucas.petit", "priya.raman", "elodie.masson", "daniel.brooks",
                 "bastien.colin", "hugo.lambert", "grace.kim"),
        links=(
            ("https://cyber.gouv.fr/", "ANSSI — Agence nationale de la sécurité des systèmes "
             "d'information", "Guides d'hygiène informatique.", "sécurité"),
            ("https://www.cybermalveillance.gouv.fr/", "Cybermalveillance.gouv.fr",
             "Report phishing and get help.", "security, phishing"),
        ),
    ),
    SpacePlan(
        "Ressources humaines",
        "Campagnes d'entretiens, formation continue, mobilité interne. Espace réservé à "
        "l'équipe RH et aux cadres.",
        "private", admins=("sophie.laurent",), members=HR[1:],
        readers=("catherine.blanc", "nicolas.roche", "isabelle.moreau"),
        requests=(("julie.morel", "Pour préparer les plannings de formation."),),
    ),
    SpacePlan(
        "Comité de direction",
        "Ordres du jour et relevés de décisions du comité de direction.",
        "secret", admins=("claire.dumont",),
        members=(*DIRECTION[1:], "sophie.laurent", "karim.benali"),
        readers=("sandrine.picard",),
    ),
    SpacePlan(
        "Clinical Research Network",
        "Trials run across the Tilleuls Care Network with our industrial and academic "
        "partners. Working language: English.",
        "private", admins=("eleanor.hughes",),
        members=(*RESEARCH[1:], "antoine.girard", "sarah.mitchell"),
        requests=(("samuel.okafor", "Paediatric cohort question."),),
        links=(
            ("https://clinicaltrials.gov/", "ClinicalTrials.gov", "Trial registry.",
             "registry, trials"),
            ("https://www.ema.europa.eu/", "European Medicines Agency", "", "regulation"),
        ),
    ),
    SpacePlan(
        "Communication & événements",
        "Journal interne, réseaux sociaux, journée portes ouvertes et congrès.",
        "open", admins=("margaux.henry",), members=("bastien.colin", "laura.simmons",
                                                    "sandrine.picard", "amandine.roux"),
    ),
    SpacePlan(
        "Pharmacy & Supplies",
        "Drug shortages, formulary changes and supply orders. Ruptures de stock et commandes.",
        "open", admins=("nathalie.vidal",), members=("mehdi.amrani", "grace.kim",
                                                    "pierre.gauthier"),
        readers=("julie.morel",),
        links=(
            ("https://ansm.sante.fr/", "ANSM — disponibilité des médicaments",
             "Ruptures et tensions d'approvisionnement.", "médicaments, ruptures"),
        ),
    ),
    SpacePlan(
        "Qualité et certification",
        "Préparation de la visite de certification, indicateurs qualité, déclarations "
        "d'événements indésirables.",
        "private", admins=("valerie.mercier",), members=("francois.dubois", "catherine.blanc",
                                                         "marc.lefevre"),
        readers=("paul.bernard", "antoine.girard"),
    ),
    SpacePlan(
        "Projet dossier patient numérique",
        "Migration vers le nouveau dossier patient informatisé : planning, recette, "
        "formation des équipes.",
        "secret", admins=("elodie.masson", "karim.benali"), members=("lucas.petit",
                                                                      "priya.raman",
                                                                      "antoine.girard",
                                                                      "julie.morel"),
        readers=("marc.lefevre",),
        links=(
            ("https://esante.gouv.fr/", "Agence du numérique en santé",
             "Référentiels d'interopérabilité.", "DPI, interopérabilité"),
        ),
    ),
    SpacePlan(
        "Security incident response",
        "Private channel of the incident response team. Do not share outside.",
        "secret", admins=("daniel.brooks",), members=("karim.benali", "lucas.petit"),
    ),
    SpacePlan(
        "Club sport & bien-être",
        "Course des Tilleuls, yoga du mardi, covoiturage. Everyone welcome!",
        "open", admins=("manon.chevalier",), members=("hugo.lambert", "laura.simmons",
                                                      "kevin.nguyen", "ben.carter"),
    ),
)

# Guests, by e-mail local part of their own address: (space name, role) pairs.
GUEST_SPACES: dict[str, tuple[tuple[str, str], ...]] = {
    "helene.roussel": (("Cardiologie", "member"), ("Clinical Research Network", "reader")),
    "j.oconnor": (("Clinical Research Network", "member"),),
    "ana.ribeiro": (("Projet dossier patient numérique", "member"),),
    "t.weber": (("Qualité et certification", "reader"),),
}


# Skills by team (the directory's facets), and a few of one's own.
TEAM_SKILLS: dict[str, str] = {
    "Direction": "stratégie, gestion de projet, qualité",
    "Cardiologie": "cardiologie, échocardiographie, ECG",
    "Urgences": "triage, réanimation, gestes d'urgence",
    "Pédiatrie": "pédiatrie, néonatalogie, vaccination",
    "IT": "réseaux, sécurité, Python",
    "RH / HR": "recrutement, paie, droit du travail",
    "Communication": "rédaction, réseaux sociaux, vidéo",
}
