"""Generic discharge-letter phrase pools (pure data): anamnesis, examination, course, procedure, greetings."""

from __future__ import annotations

# --------------------------------------------------------------------------------------------------
# Generic discharge-letter phrase pools
# --------------------------------------------------------------------------------------------------

ANAM_OPEN = (
    "Die stationäre Aufnahme {gen_art} {PAGE}-jährigen {patient_gen} erfolgte über unsere Zentrale Notaufnahme bei {sym}.",
    "{Herr} {PNAME} stellte sich am {D0} mit {sym} in unserer Notaufnahme vor.",
    "Die Einweisung erfolgte durch {gp_acc} {GP} bei {sym}.",
    "Zuverlegung aus dem {EXTORG} bei {sym}.",
    "Notärztliche Zuweisung {gen_art} {PAGE}-jährigen {patient_gen} bei {sym}.",
    "Die elektive Aufnahme erfolgte zur weiteren Diagnostik und Therapie bei {sym}.",
    "{Der} {PAGE}-jährige {Patient} wurde uns bei {sym} vorgestellt.",
    "Aufnahme {gen_art} {patient_gen} am {D0} bei {sym}.",
    "Wir übernahmen {den} am {D0} aus dem {EXTORG} bei {sym}.",
)
ANAM_MORE = (
    "Fieber, Nachtschweiß und ungewollten Gewichtsverlust verneint {er}.", "Vegetative Anamnese: Appetit regelrecht, Miktion und Stuhlgang unauffällig.",
    "Noxen: Nikotin ({py} py), Alkohol gelegentlich.", "Nichtraucher, kein Alkoholkonsum.", "Ehemaliger Raucher ({py} py), seit {n} Jahren abstinent.",
    "Sozialanamnese: {Pat} lebt mit {RELDAT} in häuslicher Umgebung und ist im Alltag selbstständig.",
    "Fremdanamnese über {RELAKK} (Tel. {RELPHONE}).", "{Sein}e Angehörigen sind über den Aufenthalt informiert; Ansprechpartner ist {RELNOM}.",
    "Vorbefunde aus dem {EXTORG} vom {HIST} lagen vor.", "Eine ähnliche Episode sei zuletzt im {HISTM} aufgetreten.",
    "Ein Betreuungsverhältnis besteht nicht, eine Vorsorgevollmacht liegt für {RELAKK} vor.", "Die letzte Vorstellung beim Hausarzt erfolgte am {D-14}.",
    "Keine B-Symptomatik.", "Thoraxschmerzen, Palpitationen oder Synkopen werden verneint.", "Dysurie oder Pollakisurie bestünden nicht.",
    "Impfstatus laut Impfpass vollständig.", "Reiseanamnese unauffällig.", "Berufliche Tätigkeit: {job}.",
    "{Pat} lebt allein, die Versorgung erfolgt mit Unterstützung durch einen ambulanten Pflegedienst.",
)
AZ = ("gutem", "reduziertem", "leicht reduziertem", "deutlich reduziertem", "stabilem")
EZ = ("normalem", "adipösem", "kachektischem", "schlankem", "übergewichtigem")
AZ_NOM = ("Guter", "Reduzierter", "Leicht reduzierter", "Deutlich reduzierter", "Stabiler")
EZ_NOM = ("normaler", "adipöser", "kachektischer", "schlanker", "übergewichtiger")
ANAM_OPEN_ELECTIVE = (
    "Die elektive Aufnahme erfolgte zur {sym}.",
    "Die geplante stationäre Aufnahme {gen_art} {PAGE}-jährigen {patient_gen} erfolgte zur {sym}.",
    "{Herr} {PNAME} wurde am {D0} planmäßig zur {sym} aufgenommen.",
    "Die Wiederaufnahme erfolgte zur {sym}.",
    "Die Aufnahme erfolgte auf Zuweisung unserer Ambulanz zur {sym}.",
)
EXAM_GENERIC: dict[str, tuple[str, ...]] = {
    "Cor": ("Herztöne rein, rhythmisch, normofrequent, keine pathologischen Geräusche.", "Herztöne rhythmisch, leises Systolikum über Erb.", "Reine, rhythmische Herztöne."),
    "Pulmo": ("Vesikuläres Atemgeräusch bds., keine Rasselgeräusche.", "Pulmo auskultatorisch frei, sonorer Klopfschall.", "Leicht abgeschwächtes AG basal bds., keine RGs."),
    "Abdomen": ("Weich, kein Druckschmerz, keine Resistenzen, regelrechte Darmgeräusche.", "Abdomen weich, adipös, kein Peritonismus, Nierenlager frei.",
                "Bauchdecke weich, Leber und Milz nicht tastbar."),
    "Extremitäten": ("Keine Ödeme, periphere Pulse allseits tastbar.", "Geringe Knöchelödeme bds., Pulse tastbar.", "Unauffällig, keine Varikosis."),
    "Neuro": ("Wach, zu allen Qualitäten orientiert, keine fokal-neurologischen Defizite.", "Grob orientierend unauffällig, Pupillen isokor, lichtreagibel.",
              "Wach und orientiert, Meningismus negativ."),
    "Haut": ("Haut und Schleimhäute gut durchblutet, keine Exantheme.", "Blasses Hautkolorit, Schleimhäute feucht.", "Reizlose Narben abdominell."),
}
LETTER_OPEN = (
    "wir berichten über {Herrn} {PFULL}, geb. {BDATE}, {wohnhaft}, {der_die} sich vom {D0} bis zum {DE} in unserer stationären Behandlung befand.",
    "wir bedanken uns für die Zuweisung {gen_art} o.g. {patient_gen} und berichten über den stationären Aufenthalt vom {D0} bis {DE}.",
    "nachfolgend berichten wir über {Herrn} {PFULL}, geb. {BDATE}, {der_die} sich vom {D0} bis {DE} in unserer Behandlung befand.",
    "wir berichten Ihnen über {Herrn} {PFULL} (* {BDATE}), {der_die} vom {D0} bis {DE} auf unserer {WARD} behandelt wurde.",
)
COURSE_END = (
    "Am {DE} konnten wir {Herrn} {PNAME} in gebessertem Allgemeinzustand nach Hause entlassen.",
    "Wir entlassen {den} am {DE} in stabilem Zustand in Ihre weitere ambulante Betreuung.",
    "Die Verlegung in die {REHA} zur Anschlussheilbehandlung erfolgte am {DE}.",
    "{Pat} wurde am {DE} beschwerdefrei in die Häuslichkeit entlassen.",
    "Die Entlassung erfolgte am {DE}, {der} {Patient} wurde von {RELDAT} abgeholt.",
    "Am Entlassungstag war {der} {Patient} kardiopulmonal stabil und mobil.",
)
PROC_GENERIC = (
    "Laborkontrolle (Blutbild, Elektrolyte, Kreatinin) in einer Woche durch {gp_acc} {GP}.", "Wiedervorstellung in unserer Ambulanz am {APPT}.",
    "Bei erneuter Beschwerdesymptomatik jederzeit Wiedervorstellung.", "Wir bitten um Fortführung der Medikation wie angegeben.",
    "Für Rückfragen stehen wir Ihnen gerne unter {HPHONE} zur Verfügung.", "Ein Termin in unserer Spezialambulanz wurde für den {APPT} vereinbart.",
    "Die weitere Betreuung erfolgt durch {gp_acc} {GP}.", "Eine Kopie dieses Briefes erhält {RELNOM} auf Wunsch {gen_art} {patient_gen}.",
    "Regelmäßige Blutdruck- und Blutzuckerkontrollen.", "Bei Fieber über 38,5 °C umgehende ärztliche Vorstellung.",
)
GREETINGS = ("Mit freundlichen kollegialen Grüßen", "Mit freundlichen Grüßen", "Mit kollegialen Grüßen", "Mit besten kollegialen Grüßen")
SALUT_GENERIC = ("Sehr geehrte Kolleginnen und Kollegen,", "Sehr geehrte Damen und Herren,")
