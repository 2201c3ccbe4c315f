"""Pathology phrase pools (pure data): specimens, macroscopy, microscopy patterns, IHC, TNM."""

from __future__ import annotations

from typing import Any, Sequence

# --------------------------------------------------------------------------------------------------
# Pathology: specimen -> material, macroscopy, patterns (micro, IHC, diagnosis, ICD, TNM)
# --------------------------------------------------------------------------------------------------


def _pp(micro: Sequence[str], dx: Sequence[str], icd: str, ihc: Sequence[str] = (), tnm: tuple[str, ...] | None = None,
        comment: Sequence[str] = (), material: Sequence[str] = (), macro: Sequence[str] = ()) -> dict[str, Any]:
    """A pathology finding pattern; material/macro override the specimen's defaults when given."""
    return {"micro": tuple(micro), "dx": tuple(dx), "icd": icd, "ihc": tuple(ihc), "tnm": tnm, "comment": tuple(comment),
            "material": tuple(material), "macro": tuple(macro)}


PATH: dict[str, dict[str, Any]] = {
    "colon_bx": {
        "material": ("Kolonbiopsien ({n} Partikel) aus dem Colon sigmoideum", "Stufenbiopsien Ileum, Colon ascendens, transversum, descendens und Rektum",
                     "Polypektomiepräparat Colon ascendens"),
        "clin": ("Chronische Diarrhoen", "V.a. CED", "Polyp bei Vorsorgekoloskopie", "Stenosierender Tumor im Sigma"),
        "macro": ("{n} weißlich-graue Gewebspartikel bis {mmS} mm, in toto eingebettet.", "Polyp von {mm2} mm Durchmesser mit Stiel, Abtragungsrand tuschemarkiert."),
        "pat": {
            "adenoma": _pp(("Kolonschleimhaut mit tubulär aufgebauten Drüsen mit hyperchromatischen, pseudostratifizierten Kernen.", "Keine Invasion der Submukosa.", "Abtragungsrand frei."),
                           ("Tubuläres Adenom mit niedriggradiger intraepithelialer Neoplasie, in toto abgetragen.",), "D12.5",
                           comment=("Kontrollkoloskopie gemäß Leitlinie in 3 Jahren.",)),
            "uc": _pp(("Schleimhaut mit Kryptenarchitekturstörung, basaler Plasmazytose und Kryptenabszessen.", "Becherzellverlust.", "Keine Granulome, keine Dysplasie."),
                      ("Chronisch-aktive Kolitis, vereinbar mit Colitis ulcerosa.",), "K51.9"),
            "crohn": _pp(("Fokal aktive Entzündung mit epitheloidzelligen Granulomen ohne Nekrose.", "Diskontinuierliches Befallsmuster."),
                         ("Fokal aktive chronische Ileokolitis mit Granulomen, vereinbar mit Morbus Crohn.",), "K50.8"),
            "carcinoma": _pp(("Infiltrate eines Adenokarzinoms mit drüsiger Differenzierung und desmoplastischem Stroma.",),
                             ("Adenokarzinom des Kolons, mäßig differenziert (G2).",), "C18.7", ihc=("MLH1, PMS2, MSH2 und MSH6 erhalten (kein Anhalt für MSI).",),
                             comment=("Vorstellung in der Tumorkonferenz empfohlen.",)),
            "normal": _pp(("Regelrecht aufgebaute Kolonschleimhaut ohne Entzündung.", "Keine Kollagenbänder, keine vermehrten intraepithelialen Lymphozyten."),
                          ("Kolonschleimhaut ohne pathologischen Befund, insbesondere kein Anhalt für mikroskopische Kolitis.",), "Z03.1"),
        },
    },
    "gastric_bx": {
        "material": ("Magenbiopsien aus Antrum und Corpus", "Biopsien Antrum ({n}) und Corpus ({n2})", "Biopsien aus einem Ulkus der kleinen Kurvatur"),
        "clin": ("Epigastrische Schmerzen", "Ulkus, Malignitätsausschluss", "Dyspepsie, HP-Status?"),
        "macro": ("{n} Gewebspartikel bis {mmS} mm.",),
        "pat": {
            "hp": _pp(("Antrumschleimhaut mit dichtem lymphoplasmazellulärem Infiltrat und neutrophiler Aktivität.", "Reichlich Helicobacter-ähnliche Keime in der Giemsa-Färbung."),
                      ("Chronisch-aktive Helicobacter-Gastritis (Typ B), Antrum-betont (Sydney-System: Aktivität 2, Chronizität 2).",), "K29.5"),
            "im": _pp(("Korpusschleimhaut mit fokaler intestinaler Metaplasie (Becherzellen).", "Keine Dysplasie."), ("Chronisch atrophische Gastritis mit intestinaler Metaplasie (OLGIM II).",), "K29.4"),
            "carcinoma": _pp(("Tubulär wachsendes Adenokarzinom mit Infiltration der Lamina propria und Muscularis mucosae.",),
                             ("Adenokarzinom des Magens, intestinaler Typ nach Laurén, G2.",), "C16.3", ihc=("HER2: Score 1+ (negativ).", "PD-L1 CPS 5.")),
            "malt": _pp(("Dichtes Infiltrat kleiner Lymphozyten mit lymphoepithelialen Läsionen.",), ("Extranodales Marginalzonenlymphom vom MALT-Typ.",), "C88.4",
                        ihc=("CD20 positiv, CD5 und CD10 negativ, Ki-67 < 10 %.",)),
        },
    },
    "prostate": {
        "sex": "m",
        "material": ("Prostatastanzbiopsien (12 Stanzen, seitengetrennt)", "MRT-gezielte Fusionsbiopsie der Prostata ({n2} Stanzen)"),
        "clin": ("PSA-Anstieg", "Suspekter Tastbefund", "PI-RADS-5-Läsion"),
        "macro": ("12 Stanzzylinder von 8–18 mm Länge, getrennt eingebettet.",),
        "pat": {
            "ca": _pp(("In {n}/12 Stanzen Infiltrate eines azinären Adenokarzinoms, maximaler Tumoranteil {pct} %.", "Perineuralscheideninfiltration nachweisbar."),
                      ("Azinäres Adenokarzinom der Prostata, Gleason-Score {gleason}.",), "C61", ihc=("p63 und CK5/6: Verlust der Basalzellen.", "AMACR positiv.")),
            "benign": _pp(("Prostatagewebe mit glandulär-stromaler Hyperplasie und fokal chronischer Prostatitis.",), ("Kein Anhalt für Malignität.",), "N40"),
        },
    },
    "breast": {
        "sex": "f",
        "material": ("Mamma-Stanzbiopsie {sa}, oberer äußerer Quadrant", "Stanzbiopsie Mamma {side}, sonographisch gesteuert"),
        "clin": ("BI-RADS 5 Herdbefund", "Tastbefund {side}"), "macro": ("{n} Stanzzylinder bis {mm2} mm Länge.",),
        "pat": {
            "nst": _pp(("Infiltrate eines invasiven Karzinoms in soliden Strängen ohne spezielle Differenzierung.", "Begleitendes DCIS, intermediärer Kerngrad."),
                       ("Invasives Mammakarzinom (NST), G2 nach Elston und Ellis.",), "C50.4",
                       ihc=("Östrogenrezeptor: {erpct} % positiv.", "Progesteronrezeptor: {prpct} % positiv.", "HER2: Score {her2}.", "Ki-67: {ki} %.")),
            "fibroadenoma": _pp(("Biphasischer Tumor mit perikanalikulärem Wachstumsmuster.",), ("Fibroadenom, kein Malignitätsnachweis.",), "D24"),
        },
    },
    "lung": {
        "material": ("Transbronchiale Biopsien {lobe} {side}", "EBUS-TBNA Lymphknotenstation 4R und 7", "CT-gesteuerte Lungenstanzbiopsie {side}"),
        "clin": ("Raumforderung {lobe} {side}", "Mediastinale Lymphadenopathie"), "macro": ("Mehrere Gewebsfragmente bis {mmS} mm und Zellblock.",),
        "pat": {
            "adeno": _pp(("Infiltrate eines Adenokarzinoms mit azinärem und solidem Wachstumsmuster.",), ("Adenokarzinom der Lunge.",), "C34.1",
                         ihc=("TTF-1 positiv, Napsin A positiv, p40 negativ.", "PD-L1 (22C3): TPS {pdl1} %."),
                         comment=("Molekularpathologie (NGS-Panel inkl. EGFR, ALK, ROS1, KRAS) ist eingeleitet, Nachbericht folgt.",)),
            "squamous": _pp(("Verhornendes Plattenepithelkarzinom mit Interzellularbrücken.",), ("Plattenepithelkarzinom der Lunge.",), "C34.1",
                            ihc=("p40 und CK5/6 positiv, TTF-1 negativ.", "PD-L1 (22C3): TPS {pdl1} %.")),
            "sclc": _pp(("Kleine, blaue Tumorzellen mit Quetschartefakten, hohe Mitoserate.",), ("Kleinzelliges Lungenkarzinom.",), "C34.1",
                        ihc=("Synaptophysin und Chromogranin positiv, Ki-67 > 80 %.",)),
            "sarcoid": _pp(("Lymphknotengewebe mit nicht-verkäsenden epitheloidzelligen Granulomen.",), ("Granulomatöse Lymphadenitis, vereinbar mit Sarkoidose.",), "D86.1",
                           comment=("Ziehl-Neelsen-Färbung negativ.",)),
        },
    },
    "skin": {
        "material": ("Exzisat Haut Rücken", "Hautexzisat Unterschenkel {side}, Faden bei 12 Uhr", "Shave-Biopsie Stirn"),
        "clin": ("Pigmentierte Läsion, V.a. Melanom", "V.a. Basaliom", "Unklare Hautveränderung"),
        "macro": ("Spindelförmiges Hautexzisat {cm2} × 0,{n} cm, zentral {mm2} mm große pigmentierte Läsion.",),
        "pat": {
            "melanoma": _pp(("Asymmetrische melanozytäre Läsion mit pagetoider Ausbreitung und dermaler Invasion.", "Mitosen {n}/mm², keine Ulzeration."),
                            ("Superfiziell spreitendes malignes Melanom, Tumordicke nach Breslow {breslow} mm, Clark-Level IV.",), "C43.5",
                            ihc=("Melan-A und SOX10 positiv, HMB45 oberflächlich positiv.",), comment=("Sicherheitsabstand seitlich {mm2} mm, in sano exzidiert.",)),
            "bcc": _pp(("Basaloide Tumorzellnester mit Palisadenstellung und Retraktionsspalten.",), ("Noduläres Basalzellkarzinom, in sano exzidiert.",), "C44.3"),
            "nevus": _pp(("Symmetrische melanozytäre Läsion mit Reifung zur Tiefe.",), ("Compound-Nävus ohne Atypien, vollständig exzidiert.",), "D22.5"),
            "sk": _pp(("Exophytische Epidermisverdickung mit Hornzysten.",), ("Seborrhoische Keratose.",), "L82"),
        },
    },
    "appendix": {
        "material": ("Appendix vermiformis", "Appendektomiepräparat"), "clin": ("Akute Appendizitis",),
        "macro": ("Appendix von {n2} cm Länge und bis {mmS} mm Durchmesser, Serosa fibrinbelegt.",),
        "pat": {
            "phleg": _pp(("Transmurale granulozytäre Entzündung mit Ulzerationen der Schleimhaut und Periappendizitis.",),
                         ("Ulzerophlegmonöse Appendizitis mit Periappendizitis.",), "K35.8", comment=("Kein Anhalt für Malignität.",)),
            "gangr": _pp(("Ausgedehnte Wandnekrose mit Perforation.",), ("Gangränös-perforierte Appendizitis.",), "K35.31"),
            "net": _pp(("In der Spitze ein {mmS} mm großer neuroendokriner Tumor, G1.",), ("Neuroendokriner Tumor der Appendix (G1, pT1), R0.",), "C18.1",
                       ihc=("Synaptophysin und Chromogranin positiv, Ki-67 < 2 %.",)),
        },
    },
    "gallbladder": {
        "material": ("Gallenblase", "Cholezystektomiepräparat mit Konkrementen"), "clin": ("Symptomatische Cholezystolithiasis", "Akute Cholezystitis"),
        "macro": ("Gallenblase {gb} cm lang, Wand bis {mmS} mm verdickt, {n} gelbliche Konkremente.", "Eröffnete Gallenblase von {gb} cm Länge mit samtartiger Schleimhaut und {n2} facettierten Steinen."),
        "pat": {
            "chronic": _pp(("Wandverdickung mit Fibrose, Rokitansky-Aschoff-Sinus und lymphozytärem Infiltrat.",), ("Chronische Cholezystitis bei Cholezystolithiasis.",), "K80.10"),
            "acute": _pp(("Transmurale Entzündung mit Nekrosen und Einblutungen.",), ("Akute ulzerophlegmonöse Cholezystitis.",), "K80.00"),
        },
    },
    "colon_resection": {
        "material": ("Sigmaresektat", "Hemikolektomiepräparat rechts mit terminalem Ileum", "Rektumresektat (TME)"),
        "clin": ("Adenokarzinom des Sigmas", "Kolonkarzinom", "Rezidivierende Sigmadivertikulitis"),
        "macro": ("Darmresektat von {colcm} cm Länge, ulzerierter Tumor von {cm} cm, Abstand zum nächsten Resektionsrand {n} cm.",),
        "pat": {
            "ca": _pp(("Adenokarzinom mit Infiltration bis ins perikolische Fettgewebe.", "{n} von {nlk} Lymphknoten mit Metastasen.", "Lymphgefäßinvasion nachweisbar."),
                      ("Adenokarzinom des Kolons, G2.",), "C18.7", tnm=("pT3", "pN1b ({n}/{nlk})", "L1", "V0", "Pn0", "G2", "R0"),
                      comment=("Resektionsränder tumorfrei, CRM 8 mm.",)),
            "diverticulitis": _pp(("Divertikel mit peridivertikulitischer Abszedierung und Serositis.", "Fibrose der Darmwand mit Muskelhypertrophie."),
                                  ("Abszedierende Sigmadivertikulitis, kein Anhalt für Malignität.",), "K57.22", material=("Sigmaresektat",),
                                  macro=("Sigmaresektat von {colcm} cm Länge mit zahlreichen Divertikeln, Wand bis {mmS} mm verdickt, perikolisch eine Abszesshöhle von {mm2} mm.",)),
        },
    },
    "lymph_node": {
        "material": ("Lymphknotenexstirpat zervikal {side}", "Axillärer Lymphknoten {side}", "Lymphknoten inguinal"),
        "clin": ("Lymphadenopathie, B-Symptomatik", "V.a. Lymphom"), "macro": ("Lymphknoten {cm2} cm, Schnittfläche grau-weiß, fischfleischartig.",),
        "pat": {
            "dlbcl": _pp(("Aufgehobene Lymphknotenarchitektur durch diffuses Infiltrat großer blastärer Zellen.",), ("Diffus großzelliges B-Zell-Lymphom, GCB-Typ (Hans-Algorithmus).",),
                         "C83.3", ihc=("CD20 und PAX5 positiv, CD10 positiv, BCL6 positiv, MUM1 negativ.", "Ki-67 {ki} %.", "MYC-Translokation in der FISH negativ.")),
            "hodgkin": _pp(("Noduläre Fibrosebänder, eingestreute Hodgkin- und Reed-Sternberg-Zellen in reaktivem Milieu.",),
                           ("Klassisches Hodgkin-Lymphom, nodulär sklerosierender Typ.",), "C81.1", ihc=("CD30 und CD15 positiv, CD20 negativ, PAX5 schwach positiv.",)),
            "reactive": _pp(("Follikuläre Hyperplasie mit erhaltener Architektur.",), ("Reaktive follikuläre Lymphadenitis, kein Anhalt für Lymphom.",), "R59.0"),
            "met": _pp(("Metastase eines Adenokarzinoms.",), ("Lymphknotenmetastase eines Adenokarzinoms, CK7 positiv, TTF-1 positiv, pulmonaler Ursprung wahrscheinlich.",), "C77.0"),
        },
    },
    "thyroid": {
        "material": ("Thyreoidektomiepräparat", "Hemithyreoidektomie {side}"), "clin": ("Struma nodosa", "Kalter Knoten {side}"),
        "macro": ("Schilddrüsengewebe {n2}{n} g, Knoten {mm} mm, Schnittfläche braun-rötlich.",),
        "pat": {
            "hashimoto": _pp(("Dichte lymphozytäre Infiltrate mit Keimzentren und onkozytär transformierten Follikeln.",), ("Chronische lymphozytäre Thyreoiditis (Hashimoto).",), "E06.3"),
            "papillary": _pp(("Papilläres Wachstumsmuster mit milchglasartigen Kernen und Kernfurchen.",), ("Papilläres Schilddrüsenkarzinom, klassische Variante.",), "C73",
                             tnm=("pT1a", "pN0 (0/{n})", "L0", "V0", "R0"), comment=("Tumorgröße {mmS} mm.",)),
            "adenoma": _pp(("Gekapselter follikulärer Tumor ohne Kapsel- oder Gefäßinvasion.",), ("Follikuläres Adenom.",), "D34"),
            "nodular": _pp(("Knotige Hyperplasie mit regressiven Veränderungen.",), ("Struma nodosa colloides mit regressiven Veränderungen.",), "E04.2"),
        },
    },
    "liver_bx": {
        "material": ("Leberstanzbiopsie", "Sonographisch gesteuerte Leberbiopsie Segment {seg}"), "clin": ("Erhöhte Transaminasen", "Leberherd, V.a. Metastase"),
        "macro": ("Stanzzylinder von {n2} mm Länge.",),
        "pat": {
            "nash": _pp(("Makrovesikuläre Steatose ({pct} % der Hepatozyten), Ballonierung, lobuläre Entzündung.", "Perisinusoidale Fibrose (Stadium F2)."),
                        ("Nichtalkoholische Steatohepatitis, NAS (Kleiner-Score) 5, Fibrosestadium F2.",), "K75.8"),
            "hcc": _pp(("Trabekulär wachsender hepatozellulärer Tumor mit Kernatypien.",), ("Hepatozelluläres Karzinom, G2.",), "C22.0",
                       ihc=("HepPar1 und Glypican-3 positiv.",)),
            "met": _pp(("Metastase eines Adenokarzinoms.",), ("Lebermetastase eines Adenokarzinoms, pankreatobiliärer Typ.",), "C78.7",
                       ihc=("CK7 positiv, CK20 fokal positiv, CDX2 negativ.",)),
        },
    },
    "duodenum": {
        "material": ("Duodenalbiopsien (Pars descendens, {n})",), "clin": ("V.a. Zöliakie, Transglutaminase-AK positiv",), "macro": ("{n} Partikel bis {mmS} mm.",),
        "pat": {"celiac": _pp(("Totale Zottenatrophie, Kryptenhyperplasie, > 40 intraepitheliale Lymphozyten/100 Epithelzellen.",),
                              ("Befund vereinbar mit Zöliakie, Marsh-Oberhuber Typ 3c.",), "K90.0"),
                "normal": _pp(("Regelrechte Zottenarchitektur mit einem Zotten-Krypten-Verhältnis von 3:1.", "Keine Vermehrung intraepithelialer Lymphozyten.",
                               "Keine Lamblien nachweisbar."),
                              ("Duodenalschleimhaut ohne pathologischen Befund, kein Anhalt für eine Zöliakie.",), "Z03.1")},
    },
    "bone_marrow": {
        "material": ("Beckenkammbiopsie {sa}",), "clin": ("V.a. Multiples Myelom", "Panzytopenie"), "macro": ("Knochenstanzzylinder {n2} mm, entkalkt.",),
        "pat": {"myeloma": _pp(("Interstitielle und noduläre Infiltration durch Plasmazellen ({plasma} % der Zellularität).",),
                               ("Plasmazellmyelom.",), "C90.00", ihc=("CD138 positiv, Leichtkettenrestriktion kappa.",)),
                "mds": _pp(("Hyperzelluläres Mark mit Dysplasien in zwei Zellreihen.",), ("Myelodysplastisches Neoplasma mit niedrigem Blastenanteil.",), "D46.9")},
    },
    "femoral_head": {
        "material": ("Hüftkopf {side}",), "clin": ("Schenkelhalsfraktur", "Koxarthrose"), "macro": ("Hüftkopf {n}{n2} mm, Knorpel fokal aufgebraucht.",),
        "pat": {"oa": _pp(("Knorpeldestruktion mit Eburnisation und subchondralen Geröllzysten.",), ("Fortgeschrittene Koxarthrose.",), "M16.1"),
                "fx": _pp(("Frakturzone mit Einblutung, kein Anhalt für pathologische Fraktur.",), ("Frische Schenkelhalsfraktur, kein Tumornachweis.",), "S72.01")},
    },
}

PATH_MICRO_EXTRA = (
    "Die Untersuchung erfolgte an HE-gefärbten Schnittpräparaten sowie an Spezialfärbungen (PAS, Giemsa).",
    "Das eingesandte Material ist repräsentativ und gut beurteilbar.", "In weiteren Stufenschnitten keine zusätzlichen Befunde.",
    "Das Gewebe ist teilweise durch Quetschartefakte in der Beurteilbarkeit eingeschränkt.", "Begleitend geringe unspezifische chronische Entzündung.",
    "Eine Zweitbegutachtung der Schnitte erfolgte im Vier-Augen-Prinzip.",
)

PATH_MATERIAL_BY_OP: dict[str, tuple[str, ...]] = {
    "sigma": ("Sigmaresektat", "Sigmaresektat mit Anastomosenringen"), "sigma_ca": ("Sigmaresektat (onkologische Resektion)", "Sigmaresektat mit Mesokolon"),
    "hemicol": ("Hemikolektomiepräparat rechts mit terminalem Ileum",), "hip_hemi": ("Hüftkopf {side}",), "hip_tep": ("Hüftkopf {side}",),
}

# pathology follow-up of an operation (op -> patterns) or of a diagnosis (ICD-10 prefix -> specimen, pattern)
PATH_PATTERN_BY_OP: dict[str, tuple[str, ...]] = {
    "appe": ("phleg", "phleg", "gangr", "phleg", "net"), "chole": ("chronic", "chronic", "acute"), "sigma": ("diverticulitis",),
    "sigma_ca": ("ca",), "hemicol": ("ca",), "thyroid": ("nodular", "nodular", "adenoma", "papillary", "hashimoto"), "hip_hemi": ("fx",), "hip_tep": ("oa",),
}
PATH_BY_ICD: dict[str, tuple[str, str]] = {
    "C18": ("colon_bx", "carcinoma"), "C50": ("breast", "nst"), "C34": ("lung", "adeno"), "C61": ("prostate", "ca"), "C83": ("lymph_node", "dlbcl"),
    "C81": ("lymph_node", "hodgkin"), "C90": ("bone_marrow", "myeloma"), "C16": ("gastric_bx", "carcinoma"), "C43": ("skin", "melanoma"),
    "C22": ("liver_bx", "hcc"), "C25": ("liver_bx", "met"), "K50": ("colon_bx", "crohn"), "K51": ("colon_bx", "uc"), "K26": ("gastric_bx", "hp"),
    "D50": ("colon_bx", "adenoma"), "E04": ("thyroid", "nodular"),
}
