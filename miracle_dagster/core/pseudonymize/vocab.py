"""Word lists the name rules need: context triggers, titles, roles, and the words that must never become names.

German capitalises every noun, so "a capitalised token after a trigger" is the whole name heuristic; these lists
say which capitalised tokens are triggers (skipped), which are ordinary words (rejected without a strong context)
and which are medical eponyms ("Morbus Crohn" is a disease, not a person).
"""

from __future__ import annotations

from faker.providers.person.de_DE import Provider as _DePersons

HONORIFICS = frozenset({"herr", "herrn", "frau", "hr.", "fr.", "herren", "sr.", "sr"})
# title tokens as the tokenizer (with the special cases in detect.py) produces them
TITLES = frozenset({
    "dr.", "prof.", "pd", "med.", "dent.", "dipl.-med.", "dipl.-psych.", "priv.-doz.", "univ.-prof.", "apl.", "habil.",
    "dr.-med.", "mult.", "rer.", "nat.", "phil.", "h.c.", "facharzt", "fachärztin", "ärztin", "arzt", "oberarzt",
    "oberärztin", "chefarzt", "chefärztin", "kollege", "kollegin", "doktor", "professor", "professorin",
    # Austrian/Spanish/plural titles and the role abbreviations before a name ("Fr. OÄ Schönfeld", "Prim. Univ. Prof. Dr.", "Dra.")
    "dra.", "drs.", "dres.", "univ.", "o.univ.", "ao.", "a.o.", "o.", "prim.", "doz.", "priv.", "ass.", "mag.", "ing.", "dgks", "dgkp",
    "oa", "oä", "fa", "aa", "ass.-arzt", "ass.-ärztin", "dr.in", "dr.in.", "ddr.", "dipl.-ing.", "mag.a", "ass.-prof.", "assoz.-prof.",
})
# title words whose dot the tokenizer splits off ("DR." -> "DR" "."; "Dra." -> "Dra" ".")
BARE_TITLES = frozenset({"dr", "dra", "drs", "dres", "prof", "med", "dent", "mult", "univ", "prim", "ao", "doz", "priv", "rer", "nat", "phil",
                         "habil", "mag", "ing", "sr"})
RELATIONS = frozenset({
    "ehemann", "ehefrau", "ehemannes", "gatte", "gattin", "sohn", "sohnes", "tochter", "bruder", "bruders", "schwester",
    "lebensgefährte", "lebensgefährten", "lebensgefährtin", "partner", "partnerin", "neffe", "neffen", "nichte",
    "vater", "mutter", "enkel", "enkelin", "schwiegersohn", "schwiegertochter", "schwager", "schwägerin", "onkel",
    "tante", "cousin", "cousine", "betreuer", "betreuerin", "angehörige", "angehöriger", "bezugsperson",
})
# role words that end a signature line ("Anna Schmidt\nOberärztin") or precede a name ("Operateur: Schmidt")
ROLES = frozenset({
    "chefarzt", "chefärztin", "oberarzt", "oberärztin", "leitender", "leitende", "assistenzarzt", "assistenzärztin",
    "facharzt", "fachärztin", "stationsarzt", "stationsärztin", "direktor", "direktorin", "klinikdirektor",
    "klinikdirektorin", "leitung", "operateur", "operateurin", "assistenz", "anästhesie", "anästhesist",
    "anästhesistin", "op-pflege", "instrumentierung", "ota", "pflege", "arzt", "ärztin", "psychologe", "psychologin",
    "physiotherapeut", "physiotherapeutin", "sekretariat", "zuweiser", "zuweiserin", "anforderer", "anforderin",
    "einsender", "einsenderin", "anforderung", "befunder", "befunderin", "unterschrift", "gez.", "i.a.", "i.v.", "hausarzt",
    "hausärztin", "hausarztes", "oa", "oä", "ca", "aa", "fa", "assistenzärzte", "befundet", "vidiert", "signiert",
})
# the dative/genitive forms that point at the treating doctor ("durch den Hausarzt Dr. X")
STAFF_LEFT = frozenset({"hausarzt", "hausärztin", "hausarztes", "kollege", "kollegin", "kollegen", "doktor"})
PARTICLES = frozenset({"von", "van", "der", "den", "de", "zu", "vom", "ten", "ter", "di", "da", "del", "le", "la"})

# Medical eponyms: a name only in a strong context ("Frau Parkinson"), never after "Morbus"/"M."/"nach" or in
# compounds ("Parkinson-Syndrom" is one token and starts with the eponym).
EPONYMS = frozenset({
    "parkinson", "crohn", "hodgkin", "hashimoto", "alzheimer", "basedow", "whipple", "douglas", "billroth", "glasgow",
    "bechterew", "binswanger", "cushing", "addison", "wilson", "raynaud", "menière", "meniere", "huntington", "sudeck",
    "kahler", "waldenström", "paget", "bowen", "barrett", "hartmann", "murphy", "virchow", "lasègue", "babinski",
    "romberg", "trendelenburg", "mcburney", "lanz", "kocher", "pfannenstiel", "redon", "seldinger", "ziehl", "neelsen",
    "gleason", "breslow", "clark", "kellgren", "lawrence", "colles", "weber", "garden", "pauwels", "sokolow", "lyon",
    "fontaine", "child", "pugh", "apgar", "karnofsky", "killip", "forrest", "deauville", "agatston", "scheltens",
    "fazekas", "rankin", "barthel", "norton", "braden", "tinetti", "reed", "sternberg", "rokitansky", "aschoff",
    "langerhans", "kaposi", "ewing", "wilms", "burkitt", "merkel", "krukenberg", "sjögren", "behçet", "wegener",
    "takayasu", "kawasaki", "tietze", "osler", "quincke", "horner", "guillain", "barré", "creutzfeldt", "jakob",
    "korsakow", "wernicke", "broca", "tourette", "turner", "klinefelter", "marfan", "gilbert", "meulengracht", "zenker",
    "mallory", "weiss", "boerhaave", "meckel", "hirschsprung", "dupuytren", "ledderhose", "baker", "monteggia",
    "galeazzi", "bankart", "perthes", "scheuermann", "schlatter", "lachman", "valsalva", "heimlich", "trousseau",
    "chvostek", "cheyne", "stokes", "kussmaul", "korotkow", "einthoven", "goldberger", "holter", "doppler", "judkins",
    "watson", "jones", "erb", "reiter", "still", "graves", "conn",
})
EPONYM_LEFT = frozenset({"morbus", "m.", "morb.", "nach", "typ", "sog.", "sogenannte", "sogenannter", "sogenanntes"})

# Ordinary German words that are also surnames: found only in a name context, never on their own.
COMMON_WORD_NAMES = frozenset({
    "krebs", "zahn", "salz", "baum", "ring", "rose", "steuer", "stroh", "killer", "koch", "graf", "meister", "mühle",
    "zimmer", "hahn", "huhn", "eimer", "speer", "klotz", "kranz", "bruder", "gute", "lange", "linke", "trüb", "anders",
    "ernst", "sauer", "kraus", "stumpf", "bauer", "fischer", "weiß", "weiss", "braun", "schwarz", "klein", "groß",
    "gross", "jung", "alt", "kurz", "lang", "wolf", "fuchs", "vogel", "winter", "sommer", "frank", "frei", "kaiser",
    "könig", "faust", "adler", "putz", "rust", "kohl", "nette", "scheibe", "schacht", "wende", "mies", "spieß",
    "staude", "schüler", "förster", "schuster", "mangold", "knappe", "hering", "junk", "sager", "beer", "weller",
    "richter", "schmied", "schneider", "müller", "becker", "wagner", "zimmermann", "hoffmann", "keller", "schreiber",
    "hase", "haase", "stein", "berg", "busch", "bach", "brandt", "licht", "blume", "biene", "strauch", "feld", "wald",
    "martin", "otto", "walter", "trapp", "trupp", "bien", "loos", "metz", "hecht", "hoch", "tief", "gut", "rot",
    "grün", "blau", "heiß", "kalt", "warm", "warmer", "kühl", "froh", "fröhlich", "sonntag", "montag", "freitag",
    "may", "mai", "april", "august", "wiese", "hecker", "scholl", "stoll", "stolze", "budig", "hein",
})
# capitalised words that look like names after a trigger but are not ("Herr Kollege", "Frau Doktor", weekdays ...)
NON_NAMES = frozenset({
    "kollege", "kollegin", "kollegen", "doktor", "professor", "patient", "patientin", "patienten", "pat.", "pat", "sehr",
    "geehrte", "geehrter", "die", "der", "das", "dem", "den", "des", "ein", "eine", "einer", "am", "im", "vom", "zum",
    "zur", "bei", "mit", "und", "oder", "von", "in", "an", "auf", "aus", "für", "nach", "über", "unter", "vor", "wir",
    "sie", "er", "es", "ihr", "ihre", "ihren", "sein", "seine", "seinen", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "januar", "februar", "märz", "april", "mai", "juni", "juli",
    "august", "september", "oktober", "november", "dezember", "station", "klinik", "klinikum", "praxis", "tel.",
    "telefon", "fax", "e-mail", "mail", "datum", "uhr", "befund", "diagnose", "diagnosen", "therapie", "verlauf",
    "anamnese", "procedere", "medikation", "labor", "beurteilung", "empfehlung", "technik", "material", "name",
    "geb.", "geboren", "gez.", "mfg", "grüßen", "gruß", "anbei", "bitte", "danke", "dank", "vielen", "liebe", "lieber",
    "kostenträger", "versicherung", "hausarzt", "hausärztin", "ambulanz", "notaufnahme", "zentrum", "institut",
    "abteilung", "team", "pflege", "sekretariat", "chefarzt", "chefärztin", "oberarzt", "oberärztin", "assistenzarzt",
    "assistenzärztin", "facharzt", "fachärztin", "direktor", "direktorin", "operateur", "operateurin", "assistenz",
    "anästhesie", "leitung", "radiologie", "pathologie", "chirurgie", "kardiologie", "onkologie", "neurologie",
    "innere", "medizin", "allgemeinmedizin", "itn", "vollnarkose", "larynxmaske", "grad", "grades", "straße", "strasse", "str.", "gasse",
    "weg", "allee", "platz", "landstraße", "chaussee", "promenade",
})
# capitalised nouns that follow "in"/"aus" or a hospital kind word but are no place ("in Ruhe", "in Heimen aufgewachsen",
# "Klinikum Aufnahme"); medical words are caught by is_medical
NOT_PLACES = frozenset({
    "Ruhe", "Narkose", "Rente", "Heim", "Heimen", "Armut", "Familie", "Familien", "Pflegefamilie", "Pflegefamilien", "Ehe", "Haushalt",
    "Obhut", "Frieden", "Sorge", "Wohnung", "Wohngemeinschaft", "WG", "Klinik", "Klinikum", "Kliniken", "Krankenhaus", "Praxis", "Kinder",
    "Frauen", "Männer", "Erwachsene", "Schmerzen", "Stadt", "Land", "Region", "Nähe", "Umgebung", "Folge", "Form", "Höhe", "Regel",
    "Summe", "Bezug", "Kontakt", "Aufnahme", "Notaufnahme", "Ambulanz", "Station", "Abteilung", "Patient", "Patientin", "Patienten",
    "Aufenthalt", "Haus", "Zentrum", "Bereich", "Arztbrief", "Befund", "Entlassung", "Verlegung", "Sehr", "Herr", "Herrn", "Frau",
    "Dr", "Prof", "Zusammenarbeit", "Kooperation", "Begleitung", "Vergangenheit", "Zukunft", "Jahren", "Monaten", "Wochen", "Tagen",
    "Deutsch", "Englisch", "Rahmen", "Zeit", "Anwesenheit", "Abwesenheit", "Gegenwart", "Kindheit", "Jugend", "Schule", "Arbeit",
    "Urlaub", "Haft", "Gefängnis", "Untersuchungshaft", "Ausbildung", "Pension", "Karenz", "Altersteilzeit", "Mutterschutz", "Elternzeit",
    "Lehrkrankenhaus", "Privat", "Nr", "Tel", "Fax", "Telefon", "Ihre", "Ihr", "Unser", "Unsere", "Alle", "Kein", "Keine", "Leitung", "Team",
    "Anfang", "Ende", "Beginn", "Zustand", "Termin", "Bett", "Betten", "Personal", "Mitarbeiter", "Ärzte", "Arzt", "Eltern",
    "Großeltern", "Angst", "Furcht", "Hause", "Röntgen", "Visite", "Echo", "Thorax", "Abdomen", "Sono", "Konsil", "Besuch",
    "Telefonat", "Gespräch", "Eingang", "Ausgang", "Stand", "Ort", "Datum", "Unterschrift", "Rücksprache", "Absprache",
})
# endings of medical/ordinary nouns that no German surname in practice has; used only for weak contexts
NON_NAME_SUFFIXES = (
    "ung", "ion", "itis", "ose", "tomie", "skopie", "graphie", "grafie", "plastik", "anästhesie", "narkose", "ismus",
    "tät", "heit", "keit", "schaft", "logie", "therapie", "pathie", "ämie", "urie", "algie", "ase", "ikum", "nis",
    "ment", "maske", "befund", "diagnose", "isch", "ische", "ischen", "ischer", "isches", "medizin", "chirurgie", "pädie",
    "iatrie", "iker", "ikerin", "karzinom", "infarkt", "tonie", "insuffizienz", "apoplex", "demenz", "tumor", "om", "ie",
    "ex", "enz", "es", "kontrolle",
)
_FIRST_NAME_NOT = {"mark", "german", "henry", "donald"}
FIRST_NAMES_FEMALE = frozenset(n.lower() for n in _DePersons.first_names_female if " " not in n) - _FIRST_NAME_NOT
FIRST_NAMES_MALE = frozenset(n.lower() for n in _DePersons.first_names_male if " " not in n) - _FIRST_NAME_NOT
FIRST_NAMES = FIRST_NAMES_FEMALE | FIRST_NAMES_MALE


def is_medical(word: str) -> bool:
    """Ordinary/medical word rather than a name: listed, or ending like a medical noun or an adjective."""
    w = word.lower()
    return w in NON_NAMES or any(p.endswith(s) and len(p) >= len(s) + 5 for p in w.split("-") for s in NON_NAME_SUFFIXES)
