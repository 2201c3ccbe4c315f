"""Dates as real German and Austrian clinical letters write them (GraSCCo): slashes, month/two-digit year, spaced and
glued spellings, month names, bare years; each found in context, and each shifted surrogate kept in its spelling."""

from __future__ import annotations

import datetime as _dt

import pytest

from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator
from miracle_dagster.core.pseudonymize.dates import formats_of, parse, render

DATE_TYPES = ("DATE", "BIRTH_DATE")


@pytest.fixture(scope="module")
def rules() -> PHIDetector:
    return PHIDetector()


@pytest.fixture(scope="module")
def sg() -> Surrogator:
    return Surrogator(b"x" * 32)


def dates(det: PHIDetector, text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in det.detect(text) if s.type in DATE_TYPES]


@pytest.mark.parametrize(
    "text, found",
    [
        # slash day/month/year (Austrian letters, typed reports)
        ("13/3/2023, CT des Gehirnschädels nativ:", ["13/3/2023"]),
        ("Im Vergleich zur VU vom 1/2/2023 keine Befundänderung", ["1/2/2023"]),
        ("Datum: 08/06/2012\nUntersucher: OA Dr. Wiesler", ["08/06/2012"]),
        ("stat. Aufenthalt 12/12/66 - 23/12/66", ["12/12/66", "23/12/66"]),
        ("Explantation 3/11/66\nPS-Heilung", ["3/11/66"]),
        ("vom 1/12/2029 bis 16/12/2029 in unserer stat. Behandlung", ["1/12/2029", "16/12/2029"]),
        # month/two-digit year, month ranges
        ("Rektum-CA, (ED 7/63); lokal weit fortgeschritten, C20", ["7/63"]),
        ("Rektumkarzinom, (03/23), lokal weit fortgeschritten", ["03/23"]),
        ("RTX/CTX m. 5-FU, 64 Gy (10/63-12/63); PR", ["10/63", "12/63"]),
        ("Observanz ab (12/63-laufend)", ["12/63"]),
        ("Adenokarzinom des Rektums 01/22\nReaktive Depression", ["01/22"]),
        ("Wechsel alle 3 Monate, zuletzt 12/21, dabei Einlage", ["12/21"]),
        ("Schmerzen seit 5/10 zunehmend", ["5/10"]),
        ("rectovag. Fistel (01-12/64)", ["01-12/64"]),
        ("Implantation 4/2018", ["4/2018"]),
        # spaced and glued spellings
        ("diagnostische PE (5. März2063)", ["5. März2063"]),
        ("Laborwerte vom 21.10 2033:", ["21.10 2033"]),
        ("Am 10. 03. 2043 kann Frau K. auf die Normalstation", ["10. 03. 2043"]),
        ("Kontrastierung über die Magensonde am 8.11. 2064:", ["8.11. 2064"]),
        ("Orgalutran (05.11-18.11.2024) erforderlich", ["05.11", "18.11.2024"]),
        ("Kontrolle am 05.11 in der Ambulanz", ["05.11"]),
        ("06-07.11.2024 1. Zyklus VAIA", ["06-07.11.2024"]),
        ("am 06/07.11.2024 komplikationslos verabreicht", ["06/07.11.2024"]),
        ("MIBG-Szintigraphie vom 10 und 11.10.2033:", ["10 und 11.10.2033"]),
        ("stationär vom 10.-12.03.2020", ["10.-12.03.2020"]),
        ("stationär vom 10.–12. März 2020", ["10.–12. März 2020"]),
        # month names
        ("diagnostische PE (Jan 2018)", ["Jan 2018"]),
        ("Der Patient wird am 1. Nov mit Unterbauchschmerzen aufgenommen", ["1. Nov"]),
        ("Im August 27 unternahm er einen Suizidversuch", ["August 27"]),
        ("dass er ab September 28 die Jahrgangsstufe 13 besucht", ["September 28"]),
        ("Er gibt an, seit Ende Januar keine Drogen zu nehmen", ["Januar"]),
        ("Aufnahme am 12. Jänner 2021, ED Jän. 2019", ["12. Jänner 2021", "Jän. 2019"]),
        # bare years in clinical context
        ("Z.n. Prostata-Adenom-Enukleatio 2006.\nBlindheit", ["2006"]),
        ("Osteosynthese bei OSG-Fraktur links (2033).", ["2033"]),
        ("Psychosyndrom bei St.p. SHT 1995\n", ["1995"]),
        ("In Peru gelebt von 2028 bis 2030, dort symptomfrei", ["2028", "2030"]),
        ("OP Pankreaspseudozyste 2022\n", ["2022"]),
        ("inkl. V2 ******2023.", ["2023"]),
        ("Hüft-TEP bds. 2018-2020", ["2018", "2020"]),
    ],
)
def test_clinical_date_formats_are_found(rules: PHIDetector, text: str, found: list[str]) -> None:
    assert [t for _, t in dates(rules, text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "RR 120/80 mmHg, Puls 66/min",
        "Metoprolol 47,5 mg 1/2-0-1/2, Ramipril 1/2 Tbl.",
        "Toxizität G3/4",
        "in 2/3 der Fälle",
        "Gabe von 2000 mg Metamizol",
        "Heparin 2000 IE s.c.",
        "Trinkmenge 2000 ml",
        "Lipase      2057  U/l",
        "Leukozyten 2000/µl",
        "NT-proBNP 1985 (< 125)",
        "CA 19-9 2000 U/ml",
        "ICD-10 C20, OPS 5-455.41, E11.9",
        "NRS 5/10",
        "Schmerzen bei 5/10",
        "5/10",
        "Visus 1/10 bds.",
        "ANA-Titer 1/80",
        "pT2a pN1 (2/14) M0",
        "pN-2b (7/15)",
        "Karzinom in 3/12 Stanzen",
        "LK 3/12 befallen",
        "MMST 12/30",
        "Apgar 9/10/10",
        "Insulin 8/12/10 IE",
        "Spinalkanalstenose BWK 11/12",
        "Tag 3/21",
        "Amlodipin/Valsartan 5/80 1-0-0",
        "Lisinopril/HCT 10/12,5 mg",
        "Fallnummer: 2021123456",
        "Zi. 2019",
        "Lindenweg 2004",
        "A-2020 Hollabrunn",
        "Auftrag 2021-12345",
        "Protokoll NB2004",
        "die Pat.2000 ml NaCl",
        "pH 7.4",
        "Dosis ab 2.5",
        "Herr August Müller",
        "August 27 Jahre alt",
        "um 2015 Uhr",
    ],
)
def test_numbers_scores_and_codes_are_not_dates(rules: PHIDetector, text: str) -> None:
    assert dates(rules, text) == []


def test_birth_dates_in_slash_form(rules: PHIDetector) -> None:
    assert dates(rules, "Name: Konstantin Tupolev\ngeb.am: 21/06/1967\nPIZ: 1933309807") == [("BIRTH_DATE", "21/06/1967")]
    assert dates(rules, "Frau Antonia Anderer, *21/3/2017, stat. Aufenthalt") == [("BIRTH_DATE", "21/3/2017")]


def test_a_bare_year_or_month_is_no_master_list_birth_date() -> None:
    det = PHIDetector(patients=[{"patient_id": "P1", "first_name": "Eva", "last_name": "Roth", "birth_date": "1950-07-01"}])
    assert [(s.type, s.text) for s in det.detect("Z.n. Appendektomie 1950, Kontrolle 1.7.1950", "P1") if s.type in DATE_TYPES] == [
        ("DATE", "1950"),
        ("BIRTH_DATE", "1.7.1950"),
    ]


@pytest.mark.parametrize(
    "original, style",
    [
        ("14/3/2023", "dmy_slash"),
        ("21/06/1967", "dmy_slash"),
        ("3/11/66", "dmy_slash"),
        ("12/12/66", "dmy_slash"),
        ("7/63", "m_yy"),
        ("03/23", "m_yy"),
        ("12/63", "m_yy"),
        ("4/2018", "mm_yyyy"),
        ("08-11/64", "m_range"),
        ("5. März2063", "long_glued"),
        ("21.10 2033", "dmy_spaced"),
        ("23.04 2029", "dmy_spaced"),
        ("15. 03. 2043", "dmy_spaced"),
        ("8.11. 2064", "dmy_spaced"),
        ("05.11", "dm_nodot"),
        ("Jan 2018", "month"),
        ("März2063", "month_glued"),
        ("September 28", "month_yy"),
        ("Dez. 19", "month_yy"),
        ("1. Nov", "long"),
        ("Januar", "month_name"),
        ("2006", "year"),
        ("06-07.11.2024", "d_range"),
        ("06/07.11.2024", "d_range"),
        ("10 und 11.10.2033", "d_range"),
        ("10.-12.03.2020", "d_range"),
        ("10.–12. März 2020", "d_range_long"),
        ("12. Jänner 2021", "long"),
    ],
)
def test_surrogate_keeps_the_spelling_and_moves_the_date(sg: Surrogator, original: str, style: str) -> None:
    surrogate = sg.surrogate("DATE", original, "P1")
    before, after = parse(original), parse(surrogate)
    assert before is not None and before.style == style
    assert after is not None and after.style == style, surrogate
    assert surrogate != original
    # padding is checked by the exact spellings below ("24/10/2022" cannot tell whether "14/3/2023" padded)
    assert (after.short_year, after.abbr_month, after.abbr_dot, after.seps, after.sep) == (
        before.short_year,
        before.abbr_month,
        before.abbr_dot,
        before.seps,
        before.sep,
    )


@pytest.mark.parametrize(
    "original, surrogate",
    [
        ("14/3/2023", "24/10/2022"),
        ("21/06/1967", "31/01/1967"),
        ("7/63", "2/63"),
        ("03/23", "10/22"),
        ("21.10 2033", "02.06 2033"),
        ("15. 03. 2043", "25. 10. 2042"),
        ("8.11. 2064", "20.6. 2064"),
        ("5. März2063", "15. Oktober2062"),
        ("Jan 2018", "Aug 2017"),
        ("1. Nov", "13. Jun"),
        ("August 27", "März 27"),
        ("06-07.11.2024", "18-19.06.2024"),
        ("12. Jänner 2021", "24. August 2020"),
    ],
)
def test_surrogates_are_written_exactly_like_the_original(sg: Surrogator, original: str, surrogate: str) -> None:
    assert sg.date_offset("P1") == -141  # the expected strings below assume this shift
    assert sg.surrogate("DATE", original, "P1") == surrogate


def test_intervals_survive_in_every_spelling(sg: Surrogator) -> None:
    offset = _dt.timedelta(days=sg.date_offset("P1"))
    for a, b in [("14/3/2023", "21/3/2023"), ("21.10 2033", "28.10 2033"), ("06-07.11.2024", "8.11. 2024")]:
        pa, pb = parse(sg.surrogate("DATE", a, "P1")), parse(sg.surrogate("DATE", b, "P1"))
        assert pb.date - pa.date == parse(b).date - parse(a).date
        assert pa.date == parse(a).date + offset


def test_bare_years_move_one_year_with_the_shift(sg: Surrogator) -> None:
    # 1 July moved by at most 180 days stays in its year: a bare year moves one year in the shift's direction instead
    assert sg.date_offset("P1") < 0
    assert [sg.surrogate("DATE", y, "P1") for y in ("2028", "2030", "1995")] == ["2027", "2029", "1994"]
    later = next(f"P{i}" for i in range(2, 50) if sg.date_offset(f"P{i}") > 0)
    assert sg.surrogate("DATE", "2028", later) == "2029"


def test_ranges_that_leave_their_month_or_year_keep_both_ends(sg: Surrogator) -> None:
    # "01-12/64" shifted by -141 days spans two years, "30-31.10." may span two months: then each end is written out
    assert sg.surrogate("DATE", "01-12/64", "P1") == "08/63-07/64"
    assert sg.surrogate("DATE", "06-07.11.2024", "P1") == "18-19.06.2024"
    later = next(f"P{i}" for i in range(2, 50) if sg.date_offset(f"P{i}") > 0)
    shift = _dt.timedelta(days=sg.date_offset(later))
    start, end = _dt.date(2024, 10, 30) + shift, _dt.date(2024, 10, 31) + shift
    expected = f"{start:%d}-{end:%d.%m.%Y}" if start.month == end.month else f"{start:%d.%m.}-{end:%d.%m.%Y}"
    assert sg.surrogate("DATE", "30-31.10.2024", later) == expected
    assert render(parse("30-31.10.2024"), _dt.date(2024, 10, 31)) == "31.10.-01.11.2024"
    assert render(parse("10.–12. März 2020"), _dt.date(2020, 3, 30)) == "30.3.–1. April 2020"
    assert render(parse("3.-5.5."), _dt.date(2001, 5, 10)) == "10.-12.5."


def test_austrian_january_stays_austrian() -> None:
    assert render(parse("12. Jänner 2021"), _dt.date(2021, 1, 20)) == "20. Jänner 2021"
    assert render(parse("Jän. 2021"), _dt.date(2022, 1, 5)) == "Jän. 2022"
    assert render(parse("12. Januar 2021"), _dt.date(2021, 1, 20)) == "20. Januar 2021"


def test_formats_of_has_the_slash_spellings() -> None:
    assert {"2/3/1950", "02/03/1950", "02.03.1950", "2.3.50", "1950-03-02"} <= formats_of(_dt.date(1950, 3, 2))
