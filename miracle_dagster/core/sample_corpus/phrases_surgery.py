"""Operation phrase pools (pure data): OPS codes, steps, situs, and surgical discharge-letter phrases."""

from __future__ import annotations

from typing import Any

# --------------------------------------------------------------------------------------------------
# Operations: key -> names, OPS codes, anaesthesia, indication, steps, situs, post-op procedure
# --------------------------------------------------------------------------------------------------

STEPS_START = (
    "Team-Time-Out gemäß Checkliste, perioperative Antibiotikaprophylaxe mit Cefuroxim 1,5 g i.v.",
    "Lagerung in Rückenlage, Hautdesinfektion und steriles Abdecken.",
    "Single-Shot-Antibiose mit Cefazolin 2 g i.v., Team-Time-Out.",
    "Rückenlagerung mit angelagerten Armen, Polsterung der Auflagepunkte, Team-Time-Out.",
)
STEPS_END = (
    ("Kontrolle auf Bluttrockenheit, Zählkontrolle korrekt.", "Schichtweiser Wundverschluss, Hautnaht mit Klammern.", "Steriler Verband."),
    ("Bluttrockenheit.", "Fasziennaht, Intrakutannaht mit resorbierbarem Faden.", "Steriler Pflasterverband."),
    ("Einlage einer Redon-Drainage.", "Schichtweiser Wundverschluss, Hautklammern.", "Sterile Wundabdeckung, Ende der Operation."),
    ("Zählkontrolle vollständig.", "Subkutannaht, Hautnaht in Einzelknopftechnik.", "Steriler Verband, elastische Wickelung."),
    ("Spülung und Kontrolle auf Bluttrockenheit.", "Wundverschluss in Schichten, Intrakutannaht.", "Pflasterverband."),
)

OPS: dict[str, dict[str, Any]] = {
    "appe": {
        "name": ("Laparoskopische Appendektomie",), "ops": ("5-470.11",), "ana": ("ITN",),
        "ind": ("Klinisch und sonographisch V.a. akute Appendizitis bei Druckschmerz im rechten Unterbauch und Leukozytose.",
                "Bei klinischem Bild einer akuten Appendizitis besteht die Indikation zur Appendektomie. Aufklärung über Risiken inkl. Konversion erfolgt."),
        "steps": ("Infraumbilikale Minilaparotomie und Anlage des Pneumoperitoneums (12 mmHg).", "Einbringen zweier 5-mm-Trokare im linken Unterbauch und suprasymphysär unter Sicht.",
                  "Darstellen der Appendix, Skelettieren der Mesoappendix mittels bipolarer Koagulation.", "Absetzen der Appendix an der Basis mittels Röder-Schlinge (2-fach).",
                  "Bergung des Präparates im Bergebeutel.", "Spülung des kleinen Beckens, Absaugen des Exsudats.", "Entfernung der Trokare unter Sicht, Fasziennaht umbilikal."),
        "situs": ("Phlegmonös entzündete Appendix vermiformis ohne Perforation, wenig trübes Exsudat im kleinen Becken.",
                  "Gangränöse Appendix mit Perforation an der Spitze, lokale Peritonitis im rechten Unterbauch.", "Fibrinbelegte Appendix in retrozökaler Lage."),
        "proc": ("Kostaufbau ab dem Abend.", "Antibiose mit Ampicillin/Sulbactam für 3 Tage.", "Histologie abwarten.", "Entlassung bei unauffälligem Verlauf am 2. postoperativen Tag."),
        "path": "appendix",
    },
    "chole": {
        "name": ("Laparoskopische Cholezystektomie",), "ops": ("5-511.11",), "ana": ("ITN",),
        "ind": ("Symptomatische Cholezystolithiasis mit rezidivierenden Koliken.", "Akute Cholezystitis, Operation innerhalb von 72 Stunden nach Symptombeginn."),
        "steps": ("Anlage des Pneumoperitoneums über Minilaparotomie umbilikal, Einbringen von drei weiteren Trokaren.",
                  "Darstellung des Calot-Dreiecks, Erreichen der Critical View of Safety.", "Clippen und Durchtrennen von Ductus cysticus und A. cystica.",
                  "Retrograde Auslösung der Gallenblase aus dem Leberbett mittels Elektrokauter.", "Bergung im Bergebeutel über den umbilikalen Zugang."),
        "situs": ("Chronisch entzündete, steingefüllte Gallenblase mit Verwachsungen zum Duodenum.", "Akut entzündete, ödematöse Gallenblase mit Fibrinbelägen.",
                  "Reizlose Gallenblase mit multiplen Konkrementen."),
        "proc": ("Kostaufbau ab dem 1. postoperativen Tag.", "Laborkontrolle (Bilirubin, Cholestaseparameter) am 1. postoperativen Tag.", "Fadenzug entfällt (resorbierbare Naht)."),
        "path": "gallbladder",
    },
    "hernia": {
        "name": ("Transabdominelle präperitoneale Hernioplastik (TAPP) {side}", "Leistenhernienreparation nach Lichtenstein {side}"), "ops": ("5-530.31", "5-530.33"),
        "ana": ("ITN", "Spinalanästhesie", "Larynxmaske"),
        "ind": ("Symptomatische Leistenhernie {side}.",),
        "steps": ("Eröffnung des Peritoneums oberhalb der Bruchpforte, Präparation des präperitonealen Raumes.", "Reposition des indirekten Bruchsacks.",
                  "Einlage eines Polypropylen-Netzes (15 × 10 cm) unter Abdeckung aller Bruchpforten.", "Verschluss des Peritoneums mit fortlaufender Naht.",
                  "Leistenschnitt, Spaltung der Externusaponeurose, Anschlingen des Samenstrangs.", "Netzfixation am Leistenband nach Lichtenstein."),
        "situs": ("Indirekte Leistenhernie {side} mit weiter innerer Bruchpforte (EHS L2).", "Direkte Leistenhernie {side} (EHS M2), kontralateral keine Hernie."),
        "proc": ("Keine schweren Lasten über 10 kg für 2 Wochen.", "Analgesie nach Bedarf."),
    },
    "sigma": {
        "name": ("Laparoskopische Sigmaresektion mit Deszendorektostomie", "Diskontinuitätsresektion nach Hartmann"), "ops": ("5-455.75", "5-455.71"), "ana": ("ITN mit PDK", "ITN"),
        "ind": ("Komplizierte Sigmadivertikulitis mit gedeckter Perforation nach Versagen der konservativen Therapie.", "Rezidivierende Sigmadivertikulitis, elektive Resektion im entzündungsfreien Intervall."),
        "steps": ("Laparoskopie, Mobilisation des Colon descendens und des Sigmas von lateral.", "Darstellung und Schonung des linken Ureters.",
                  "Absetzen des Mesosigmas darmnah mittels Ligasure.", "Durchtrennen des oberen Rektums mit dem Endo-GIA.", "Bergung über Pfannenstiel-Schnitt, Einknüpfen der Andruckplatte.",
                  "Zirkuläre Staplerdeszendorektostomie (29 mm), Dichtigkeitsprüfung negativ.", "Endständiges Descendostoma im linken Unterbauch."),
        "situs": ("Entzündlicher Konglomerattumor im Sigma mit gedeckter Perforation, keine freie Perforation.", "Fibrotisch verdicktes Sigma mit Verwachsungen zur Blase."),
        "proc": ("Kostaufbau nach Fast-Track-Schema.", "Entfernung des Blasenkatheters am 1. postoperativen Tag.", "Thromboseprophylaxe."),
        "path": "colon_resection",
    },
    "sigma_ca": {
        "name": ("Laparoskopische onkologische Sigmaresektion mit totaler mesokolischer Exzision",), "ops": ("5-455.75",), "ana": ("ITN mit PDK",),
        "ind": ("Histologisch gesichertes Adenokarzinom des Sigmas, Beschluss der Tumorkonferenz vom {D-10}.",),
        "steps": ("Zentrales Absetzen der A. mesenterica inferior nach Abgang der A. colica sinistra.", "Medial-to-lateral-Mobilisation unter Schonung des Plexus hypogastricus.",
                  "Mobilisation der linken Flexur.", "Zirkuläre Staplerdeszendorektostomie, Dichtigkeitsprüfung negativ.", "Bergung über Minilaparotomie mit Wundschutzfolie."),
        "situs": ("Tumor im mittleren Sigma, Serosa nicht infiltriert, keine Peritonealkarzinose, Leber palpatorisch unauffällig.",),
        "proc": ("Histologie abwarten, Vorstellung in der Tumorkonferenz.", "Fast-Track-Kostaufbau."), "path": "colon_resection",
    },
    "hemicol": {
        "name": ("Hemikolektomie rechts mit Ileotransversostomie",), "ops": ("5-455.41",), "ana": ("ITN mit PDK",),
        "ind": ("Histologisch gesichertes Kolonkarzinom im Colon ascendens.",),
        "steps": ("Mediane Laparotomie, Exploration des Abdomens.", "Zentrale Ligatur der Vasa ileocolica und der A. colica dextra.", "Mobilisation des rechten Hemikolons mit Duodenum-Kocher-Manöver.",
                  "Seit-zu-Seit-Ileotransversostomie mittels Stapler."),
        "situs": ("Tumor im Colon ascendens, die Serosa erreichend, keine Lebermetastasen.",), "proc": ("Nasogastrale Sonde am 1. postoperativen Tag entfernen.", "Tumorkonferenz."),
        "path": "colon_resection",
    },
    "ileus": {
        "name": ("Explorative Laparotomie mit Adhäsiolyse", "Laparoskopische Adhäsiolyse"), "ops": ("5-469.20", "5-469.21"), "ana": ("ITN (Rapid Sequence Induction)",),
        "ind": ("Mechanischer Dünndarmileus ohne Besserung unter konservativer Therapie.",),
        "steps": ("Mediane Laparotomie.", "Lösen eines strangulierenden Bridenstrangs im Unterbauch.", "Ausstreichen des Dünndarminhalts in den Magen.", "Inspektion des gesamten Dünndarms."),
        "situs": ("Bride im rechten Unterbauch mit Abschnürung des Ileums, Darm nach Lösung vital.", "Multiple Adhäsionen nach Voroperationen, kein ischämischer Darmabschnitt."),
        "proc": ("Magensonde bis zum Einsetzen der Darmtätigkeit.",),
    },
    "hip_hemi": {
        "name": ("Implantation einer zementierten Duokopfprothese {side}",), "ops": ("5-820.41",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Dislozierte mediale Schenkelhalsfraktur {side} bei älterem Patientenkollektiv.",),
        "steps": ("Seitenlagerung, anterolateraler Zugang nach Watson-Jones.", "Kapsulotomie, Entfernen des Hüftkopfes.", "Präparation des Femurschaftes mit Raspeln.",
                  "Zementieren des Schaftes, Aufsetzen des Duokopfes, Reposition.", "Stabilitätsprüfung und Beinlängenkontrolle."),
        "situs": ("Mediale Schenkelhalsfraktur mit Dislokation, osteoporotische Knochenqualität.",),
        "proc": ("Vollbelastung erlaubt.", "Röntgenkontrolle postoperativ.", "Thromboseprophylaxe für 5 Wochen.", "Geriatrische Frührehabilitation."), "path": "femoral_head",
    },
    "pfna": {
        "name": ("Geschlossene Reposition und intramedulläre Osteosynthese mit proximalem Femurnagel (PFNA) {side}",), "ops": ("5-790.8e",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Pertrochantäre Femurfraktur {side}.",),
        "steps": ("Lagerung auf dem Extensionstisch, geschlossene Reposition unter Bildwandler.", "Eröffnung an der Trochanterspitze, Einbringen des Führungsdrahtes.",
                  "Einbringen des Nagels, Platzierung der Klinge zentral im Kopf (TAD < 25 mm).", "Distale Verriegelung über Zielbügel."),
        "situs": ("Instabile pertrochantäre Fraktur, anatomische Reposition möglich.",), "proc": ("Schmerzadaptierte Vollbelastung.", "Röntgenkontrolle in 6 Wochen."),
    },
    "radius": {
        "name": ("Offene Reposition und palmare winkelstabile Plattenosteosynthese am distalen Radius {side}",), "ops": ("5-794.k6",), "ana": ("Plexusanästhesie (axillär)", "ITN"),
        "ind": ("Dislozierte distale Radiusfraktur {side}.",),
        "steps": ("Blutsperre am Oberarm, palmarer Zugang nach Henry.", "Ablösen des M. pronator quadratus.", "Reposition unter Bildwandler, Fixation mit K-Drähten.",
                  "Anlage einer winkelstabilen Platte, Bildwandlerkontrolle in zwei Ebenen."),
        "situs": ("Extraartikuläre Fraktur mit dorsaler Trümmerzone.",), "proc": ("Unterarmschiene für 2 Wochen.", "Frühfunktionelle Physiotherapie.", "Fadenzug am 12. Tag."),
    },
    "ankle": {
        "name": ("Offene Reposition und Plattenosteosynthese der Fibula sowie Schraubenosteosynthese des Innenknöchels {side}",), "ops": ("5-794.2r", "5-793.1r"),
        "ana": ("Spinalanästhesie", "ITN"), "ind": ("Instabile bimalleoläre OSG-Fraktur {side} Typ Weber {weber}.",),
        "steps": ("Lateraler Zugang über der Fibula, Reposition und Fixation mit Zugschraube und Drittelrohrplatte.", "Medialer Zugang, Fixation des Innenknöchels mit 2 Zugschrauben.",
                  "Hakentest: keine Syndesmoseninstabilität."),
        "situs": ("Fraktur der Fibula in Höhe der Syndesmose, Abriss des Innenknöchels.",), "proc": ("Teilbelastung mit 20 kg für 6 Wochen im Vacoped-Schuh.", "Thromboseprophylaxe bis zur Vollbelastung."),
    },
    "hip_tep": {
        "name": ("Implantation einer zementfreien Hüft-Totalendoprothese {side}",), "ops": ("5-820.00",), "ana": ("Spinalanästhesie", "ITN"),
        "ind": ("Fortgeschrittene Koxarthrose {side} mit erheblicher Einschränkung der Lebensqualität nach Ausschöpfen konservativer Maßnahmen.",),
        "steps": ("Minimalinvasiver anterolateraler Zugang.", "Resektion des Schenkelhalses, Entfernung des Hüftkopfes.", "Fräsen der Pfanne, Implantation einer Press-fit-Pfanne.",
                  "Präparation des Femurs, Einbringen des Schaftes, Keramikkopf.", "Reposition, Prüfung von Stabilität und Beinlänge."),
        "situs": ("Ausgeprägte Koxarthrose mit Knorpelglatze und Osteophyten.",), "proc": ("Vollbelastung an Unterarmgehstützen.", "Anschlussheilbehandlung.", "Hüftprotokoll für 6 Wochen."),
        "path": "femoral_head",
    },
    "knee_tep": {
        "name": ("Implantation einer bikondylären Knie-Totalendoprothese {side}",), "ops": ("5-822.g1",), "ana": ("Spinalanästhesie mit Adduktorenkanalblock", "ITN"),
        "ind": ("Therapierefraktäre Gonarthrose {side} (Kellgren-Lawrence {kl}).",),
        "steps": ("Medianer Hautschnitt, medial parapatellare Arthrotomie.", "Tibia- und Femurresektion mit Schnittblöcken, Bandbalancierung.",
                  "Zementierte Implantation der Komponenten.", "Patellarückflächen-Denervierung."),
        "situs": ("Varusgonarthrose mit medialer Knorpelglatze.",), "proc": ("Vollbelastung, CPM-Schiene.", "Anschlussheilbehandlung."),
    },
    "thyroid": {
        "name": ("Thyreoidektomie bds. mit intraoperativem Neuromonitoring", "Hemithyreoidektomie {side} mit Neuromonitoring"), "ops": ("5-063.0", "5-061.0"), "ana": ("ITN",),
        "ind": ("Struma nodosa mit szintigraphisch kaltem Knoten {side}.",),
        "steps": ("Kocher-Kragenschnitt.", "Darstellung des N. recurrens bds. mit Neuromonitoring, stabile Signale.", "Schonung der Nebenschilddrüsen.", "Resektion des Schilddrüsengewebes."),
        "situs": ("Knotig vergrößerte Schilddrüse, Knoten {side} mit {mm} mm.",), "proc": ("Calciumkontrolle am 1. postoperativen Tag.", "Laryngoskopie postoperativ."),
        "path": "thyroid",
    },
    "abscess": {
        "name": ("Abszessspaltung und Drainage perianal",), "ops": ("5-490.0",), "ana": ("Larynxmaske",), "ind": ("Perianalabszess.",),
        "steps": ("Steinschnittlage.", "Radiäre Inzision über der Fluktuation, Entleerung von Pus, Abstrich.", "Einlage einer Lasche."),
        "situs": ("Subkutaner Perianalabszess bei 5 Uhr SSL, keine Fistel darstellbar.",), "proc": ("Sitzbäder.", "Wundspülung zweimal täglich."),
    },
    "ventral": {
        "name": ("Laparoskopische Narbenhernienreparation (IPOM)",), "ops": ("5-536.4",), "ana": ("ITN",), "ind": ("Symptomatische Narbenhernie.",),
        "steps": ("Adhäsiolyse.", "Verschluss der Bruchlücke, IPOM-Netz 20 × 15 cm mit Tackern."),
        "situs": ("Bruchlücke {n} × {n2} cm im Bereich der Laparotomienarbe.",), "proc": ("Bauchgurt für 6 Wochen.",),
    },
    "port": {
        "name": ("Implantation eines venösen Portsystems über die V. cephalica {side}",), "ops": ("5-399.5",), "ana": ("Lokalanästhesie",),
        "ind": ("Geplante systemische Chemotherapie.",),
        "steps": ("Venae sectio der V. cephalica im Sulcus deltoideopectoralis.", "Vorschieben des Katheters unter Durchleuchtung bis zur cavoatrialen Junktion.",
                  "Anlage der Porttasche, Fixation der Portkammer, Funktionsprüfung."),
        "situs": ("Gut kalibrige V. cephalica.",), "proc": ("Port sofort verwendbar.",),
    },
}

# Phrases for the surgical discharge letter around an operation
SURG_COURSE = (
    "Der postoperative Verlauf gestaltete sich komplikationslos.", "Die Wundverhältnisse waren zu jedem Zeitpunkt reizlos.",
    "Der Kostaufbau wurde problemlos toleriert, Stuhlgang am {n}. postoperativen Tag.", "Die Mobilisation erfolgte ab dem ersten postoperativen Tag mit physiotherapeutischer Unterstützung.",
    "Die Redon-Drainage konnte am 2. postoperativen Tag entfernt werden.", "Unter bedarfsadaptierter Analgesie war {der} {Patient} weitgehend schmerzfrei.",
    "Postoperativ vorübergehend Harnverhalt, Einmalkatheterisierung, danach Spontanmiktion.", "Die postoperative Röntgenkontrolle zeigte eine regelrechte Implantatlage.",
    "Die Laborkontrollen zeigten rückläufige Entzündungsparameter.", "Bei postoperativer Anämie (Hb {hb} g/dl) Transfusion von {trans} Erythrozytenkonzentraten.",
)
SURG_PROC = (
    "Fadenzug am 10.–12. postoperativen Tag durch den Hausarzt.", "Wundkontrollen beim Hausarzt.", "Thromboseprophylaxe mit Enoxaparin 40 mg s.c. für 14 Tage.",
    "Keine schweren körperlichen Belastungen für 4 Wochen.", "Duschen ab dem 3. postoperativen Tag mit Pflaster erlaubt.",
    "Wiedervorstellung in unserer Sprechstunde bei Wundheilungsstörungen.", "Die Arbeitsunfähigkeit wurde bis zum {DF+14} bescheinigt.",
)
