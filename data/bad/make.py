#!/usr/bin/env python3
"""make.py - (re)make the catalogue of bad inputs in data/bad/.

Run from anywhere: python3 data/bad/make.py.  Needs python3 and ogr2ogr
(gdal-bin).  Writes small input files and one study file per case
(<case>.ini); the CLI tests in tests/cli/bad_<case>/ run wijkscan on them.
README.md in this folder says what is wrong with each and what wijkscan must
do.  The study_*.ini files (study-file errors) are written by hand, not here.

Every input is derived from the real Groningen data in ../groningen/ (the 8
buurten of wijk Centrum, WK001400) or written out literally below, so each
file is a few rows and a few KB.  The BSN-shaped numbers are 11-proof numbers
from the 99999xxxx test range, not real ones.
"""
import csv
import json
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
GRONINGEN = os.path.join(HERE, "..", "groningen")
GPKG = os.path.join(GRONINGEN, "groningen_2024_rd.gpkg")
KERNCIJFERS = os.path.join(GRONINGEN, "kerncijfers_buurten_2024.csv")
CRS_RD = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}


def path(name):
    return os.path.join(HERE, name)


def write_bytes(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def write_text(name, text, encoding="utf-8", newline="\n", bom=False):
    data = text.replace("\n", newline).encode(encoding)
    write_bytes(name, (b"\xef\xbb\xbf" if bom else b"") + data)


def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, stderr=subprocess.DEVNULL)


def remove(*names):
    for n in names:
        if os.path.exists(path(n)):
            os.remove(path(n))


# ---- GeoJSON written compactly: one feature per line ----

def write_geojson(name, features, crs=CRS_RD):
    lines = ['{"type": "FeatureCollection", "name": "buurten",']
    if crs:
        lines.append('"crs": %s,' % json.dumps(crs))
    lines.append('"features": [')
    lines.append(",\n".join(json.dumps(f, ensure_ascii=False) for f in features))
    lines.append("]}")
    write_text(name, "\n".join(lines) + "\n")


def centrum_features():
    with open(path("buurten_centrum.geojson"), encoding="utf-8") as f:
        return json.load(f)["features"]


def feature(features, code):
    return next(f for f in features if f["properties"]["buurtcode"] == code)


# ---- study files ----

BASE = [
    ("study", [("title", "Foute invoer (test)")]),
    ("boundaries", [
        ("source", "buurten_centrum.geojson"),
        ("code", "buurtcode"),
        ("name", "buurtnaam"),
        ("parent", "wijkcode"),
        ("parent_name", "wijknaam"),
        ("gemeente", "gemeentecode"),
    ]),
    ("statistics", [
        ("source", "kerncijfers_centrum.csv"),
        ("code", "buurtcode"),
        ("year", "jaar"),
        ("population", "inwoners_0_tot_15"),
        ("covariates", "gem_woz_waarde_x1000, pct_koopwoningen, bevolkingsdichtheid_per_km2"),
    ]),
    ("cases", [
        ("source", "casussen_centrum.csv"),
        ("code", "buurtcode"),
        ("year", "jaar"),
        ("category", "vraagtype"),
        ("count", "aantal"),
    ]),
]

# the real Groningen boundaries and statistics, for case-table errors
REAL = {
    "boundaries.source": "../groningen/groningen_2024_rd.gpkg",
    "boundaries.layer": "buurten",
    "statistics.source": "../groningen/kerncijfers_buurten_2024.csv",
}


def study(case, what, expect, changes=None, real=False):
    """Writes <case>.ini: the base study with changes {"section.key": value
    (None: leave the key out)}; keys not in the base are added at the end of
    their section."""
    changes = dict(REAL if real else {}, **(changes or {}))
    out = [
        "; %s.ini - a study with a bad input (tests/cli/bad_%s)." % (case, case),
        "; wrong: %s" % what,
        "; expected: %s" % expect,
    ]
    for section, keys in BASE:
        out.append("")
        out.append("[%s]" % section)
        seen = set()
        for key, value in keys:
            full = "%s.%s" % (section, key)
            seen.add(full)
            if full in changes:
                value = changes[full]
            if value is not None:
                out.append("%s = %s" % (key, value))
            # a new key right after the one it belongs with
            if full == "boundaries.source" and "boundaries.layer" in changes:
                seen.add("boundaries.layer")
                out.append("layer = %s" % changes["boundaries.layer"])
        for full, value in changes.items():
            s, k = full.split(".", 1)
            if s == section and full not in seen and value is not None:
                out.append("%s = %s" % (k, value))
    write_text(case + ".ini", "\n".join(out) + "\n")


def elfproef_numbers(start, n):
    """The first n nine-digit numbers from start that pass the 11-test."""
    out = []
    v = start
    while len(out) < n:
        d = [int(c) for c in "%09d" % v]
        if (sum((9 - i) * d[i] for i in range(8)) - d[8]) % 11 == 0:
            out.append("%09d" % v)
        v += 1
    return out


# ---- the base files: the 8 buurten of wijk Centrum ----

def make_base():
    remove("buurten_centrum.geojson")
    ogr2ogr("-f", "GeoJSON", path("buurten_centrum.geojson"), GPKG, "buurten",
            "-where", "wijkcode='WK001400'",
            "-select", "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode",
            "-lco", "COORDINATE_PRECISION=1", "-lco", "RFC7946=NO", "-nln", "buurten")
    write_geojson("buurten_centrum.geojson", centrum_features())

    cols = ["buurtcode", "buurtnaam", "jaar", "inwoners_0_tot_15", "gem_woz_waarde_x1000",
            "pct_koopwoningen", "bevolkingsdichtheid_per_km2"]
    with open(KERNCIJFERS, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["wijkcode"] == "WK001400"]
    text = ",".join(cols) + "\n" + "".join(",".join(r[c] for c in cols) + "\n" for r in rows)
    write_text("kerncijfers_centrum.csv", text)

    write_text("casussen_centrum.csv", CASES_HEADER + CASES_OK)
    study("centrum_ok", "nothing: the base every other centrum study changes one thing of",
          "check ok, exit 0")


CASES_HEADER = "buurtcode,jaar,vraagtype,aantal\n"
CASES_OK = """BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,7
BU00140002,2024,gedrag,3
BU00140005,2024,school,12
"""
STATS_HEADER = ("buurtcode,buurtnaam,jaar,inwoners_0_tot_15,gem_woz_waarde_x1000,"
                "pct_koopwoningen,bevolkingsdichtheid_per_km2\n")


def case_file(case, csv_name, text, what, expect, real=True, changes=None, **kw):
    write_text(csv_name, text, **kw)
    study(case, what, expect, dict({"cases.source": csv_name}, **(changes or {})), real=real)


def stats_file(case, csv_name, text, what, expect, **kw):
    write_text(csv_name, text, **kw)
    study(case, what, expect, {"statistics.source": csv_name})


def boundaries_file(case, name, what, expect, changes=None):
    study(case, what, expect, dict({"boundaries.source": name}, **(changes or {})))


# ---- CSV structure and encodings ----

def make_csv():
    case_file("cases_extra_field", "cases_extra_field.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,7
BU00140002,2024,gedrag,2,5
BU00140005,2024,school,12
""", "line 4 has five fields (an unquoted decimal comma '2,5') under a four-column header",
              "65 at cases_extra_field.csv:4", real=False)

    case_file("cases_unterminated_quote", "cases_unterminated_quote.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,"opvoeding,7
BU00140002,2024,gedrag,3
BU00140005,2024,school,12
""", "the quote opened on line 3 is never closed", "65 at cases_unterminated_quote.csv:3",
              real=False)

    case_file("cases_pipe_separator", "cases_pipe_separator.csv", """\
buurtcode|jaar|vraagtype|aantal
BU00140000|2024|opvoeding|4
BU00140001|2024|opvoeding|7
""", "'|' as separator: no ',' ';' or tab in the header",
              "65 at cases_pipe_separator.csv:1: no ',' ';' or tab separator in the header line",
              real=False)

    write_bytes("cases_empty.csv", b"")
    study("cases_empty", "the case file is empty (0 bytes)", "65: 'cases_empty.csv' is empty",
          {"cases.source": "cases_empty.csv"})

    case_file("cases_missing_field", "cases_missing_field.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,7
BU00140005,2024,school,12
""", "line 3 has three fields under a four-column header (the category is left out)",
              "65 at cases_missing_field.csv:3: line has 3 fields but the header has 4",
              real=False)

    case_file("cases_duplicate_column", "cases_duplicate_column.csv", """\
buurtcode,jaar,vraagtype,aantal,aantal
BU00140000,2024,opvoeding,4,5
BU00140001,2024,opvoeding,7,7
""", "the header names column 'aantal' twice", "65 naming column 'aantal' (columns 4 and 5)",
              real=False)

    # Dutch Excel ends rows with empty fields when a column to the right was
    # ever used, and writes an empty row as separators only
    case_file("cases_trailing_separator", "cases_trailing_separator.csv", """\
buurtcode;jaar;vraagtype;aantal
BU00140000;2024;opvoeding;4;
BU00140001;2024;opvoeding;7;;
BU00140002;2024;gedrag;3; 
;;;;
BU00140005;2024;school;12;
""", "nothing: Excel's empty fields after the last column (';' at the end of a line) and an "
              "empty row ';;;;'", "accepted, 4 case rows", real=False, newline="\r\n")

    # numbers: the separator decides (src/core/text.h)
    case_file("cases_thousands", "cases_thousands.csv", """\
buurtcode;jaar;vraagtype;aantal
BU00140000;2024;opvoeding;1.250
BU00140001;2024;opvoeding;12
BU00140005;2024;school;2.000
""", "nothing: Dutch Excel thousands separators in a ';' file (1.250 is one thousand two "
              "hundred and fifty)", "accepted: counts 1250, 12, 2000", real=False)

    case_file("cases_comma_thousands", "cases_comma_thousands.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,"1,250"
""", "count \"1,250\" (quoted) in a ',' file: a thousands separator or a decimal comma?",
              "65 at cases_comma_thousands.csv:3, column 'aantal': not the number format of a "
              "','-separated file", real=False)

    case_file("cases_semicolon_point", "cases_semicolon_point.csv", """\
buurtcode;jaar;vraagtype;aantal
BU00140000;2024;opvoeding;4.0
""", "count 4.0 in a ';' file, where '.' only groups thousands",
              "65 at cases_semicolon_point.csv:2, column 'aantal': not the number format of a "
              "';'-separated file", real=False)

    case_file("cases_crlf_lines", "cases_crlf_lines.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4

BU00140001,2024,"gedrag
(thuis)",7

BU00140002,2024,school,-1
""", "CRLF line ends, blank lines and a quoted value over two lines before a negative count",
              "65 at the physical line 7, column 'aantal'", newline="\r\n")

    case_file("cases_bom", "cases_bom.csv", CASES_HEADER + CASES_OK,
              "nothing: UTF-8 with a byte-order mark before the first column name",
              "accepted, 4 case rows", real=False, bom=True)

    case_file("cases_excel_cp1252", "cases_excel_cp1252.csv", """\
buurtcode;jaar;vraagtype;aantal
BU00140000;2024;opvoeding;4
BU00140001;2024;financiële problemen;7
BU00140005;2024;school;12
""", "nothing: Dutch Excel CSV (';', CRLF, Windows-1252 'financiële')",
              "accepted; the category is stored as UTF-8", real=False,
              encoding="cp1252", newline="\r\n")

    stats_file("stats_excel", "kerncijfers_excel.csv", """\
buurtcode;buurtnaam;jaar;inwoners_0_tot_15;gem_woz_waarde_x1000;pct_koopwoningen;bevolkingsdichtheid_per_km2
BU00140000;Binnenstad-Noord;2024;55;295;12,5;12788
BU00140001;Binnenstad-Zuid;2024;110;274,25;12;12663
BU00140002;Binnenstad-Oost;2024;120;251;11;16.413,5
BU00140003;Binnenstad-West;2024;25;274;13;17792
BU00140004;Noorderplantsoen;2024;;;;52
BU00140005;Hortusbuurt-Ebbingekwartier;2024;245;287;24;15118
BU00140007;UMCG;2024;;;;
BU00140008;Stationsgebied;2024;60;526;60;3713
""", "nothing: Dutch Excel CSV (BOM, ';', CRLF, decimal comma 12,5 and 1.234,5 thousands)",
               "accepted: pct_koopwoningen of BU00140000 is 12.5", bom=True, newline="\r\n")


# ---- case-table contents (real Groningen boundaries and statistics) ----

def make_cases():
    case_file("cases_unknown_code", "cases_unknown_code.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,7
BU00149999,2024,gedrag,3
BU00140005,2024,school,12
""", "BU00149999 on line 4 is not a buurt of Groningen",
              "65 at cases_unknown_code.csv:4, column 'buurtcode', without a did-you-mean "
              "(no buurt of its wijk is one edit away)")

    case_file("cases_duplicate", "cases_duplicate.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,7
BU00140002,2024,gedrag,3
BU00140001,2024,school,2
BU00140001,2024,opvoeding,5
""", "(BU00140001, 2024, opvoeding) on lines 3 and 6", "65 naming lines 3 and 6")

    case_file("cases_negative", "cases_negative.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,-3
""", "count -3 on line 3", "65 at cases_negative.csv:3, column 'aantal'")

    case_file("cases_fractional", "cases_fractional.csv", """\
buurtcode;jaar;vraagtype;aantal
BU00140000;2024;opvoeding;4
BU00140001;2024;opvoeding;7
BU00140002;2024;gedrag;2,5
""", "count 2,5 (decimal comma) on line 4", "65 at cases_fractional.csv:4, column 'aantal'")

    case_file("cases_count_text", "cases_count_text.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,2024,opvoeding,veel
""", "count 'veel' on line 3",
              "65 at cases_count_text.csv:3, column 'aantal', without quoting the text")

    case_file("cases_missing_code", "cases_missing_code.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
,2024,opvoeding,7
""", "no buurtcode on line 3", "65 at cases_missing_code.csv:3, column 'buurtcode'")

    case_file("cases_bad_year", "cases_bad_year.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140001,24,opvoeding,7
""", "year '24' on line 3", "65 at cases_bad_year.csv:3, column 'jaar'")

    case_file("cases_category_all", "cases_category_all.csv", CASES_HEADER + """\
BU00140000,2024,opvoeding,4
BU00140000,2024,gedrag,3
BU00140000,2024,all,7
""", "a total row with the reserved category 'all' on line 4",
              "65 at cases_category_all.csv:4, column 'vraagtype'")

    study("cases_missing_column", "[cases] count = aantl: the real case file has 'aantal'",
          "65 at the header, with did-you-mean 'aantal'",
          {"cases.source": "../groningen/casussen_synthetisch.csv", "cases.count": "aantl"},
          real=True)

    # personal data: the message names the column and kind, never a value
    case_file("cases_bsn", "cases_bsn.csv", """\
buurtcode,jaar,vraagtype,aantal,dossier
BU00140000,2024,opvoeding,1,999990019
BU00140000,2024,gedrag,1,999990044
BU00140001,2024,opvoeding,1,999990081
BU00140002,2024,school,1,999990123
""", "column 'dossier' holds 11-proof BSN-shaped numbers (test range 99999xxxx)",
              "65 naming column 'dossier' and 'BSN numbers', quoting no value")

    # the BSNs start on row 201: a scan of the first 200 rows would miss them
    with open(os.path.join(GRONINGEN, "casussen_synthetisch.csv"), encoding="utf-8") as f:
        real_rows = list(csv.reader(f))[1:231]
    bsns = elfproef_numbers(999990000, len(real_rows) - 200)
    text = "buurtcode,jaar,vraagtype,aantal,dossier\n"
    for i, r in enumerate(real_rows):
        text += ",".join(r + ["" if i < 200 else bsns[i - 200]]) + "\n"
    case_file("cases_bsn_late", "cases_bsn_late.csv", text,
              "column 'dossier' is empty on the first 200 rows, then holds 11-proof BSN-shaped "
              "numbers (test range 99999xxxx)",
              "65 naming column 'dossier' and 'BSN numbers', quoting no value")

    case_file("cases_geboortedatum", "cases_geboortedatum.csv", """\
buurtcode,jaar,vraagtype,aantal,geboortedatum
BU00140000,2024,opvoeding,1,14-03-2012
BU00140000,2024,gedrag,1,02-11-2015
BU00140001,2024,opvoeding,1,27-06-2009
""", "a column 'geboortedatum' with (made-up) birth dates",
              "65 naming column 'geboortedatum' and 'birth dates', quoting no value")

    case_file("cases_postcode_huisnummer", "cases_postcode_huisnummer.csv", """\
buurtcode,jaar,vraagtype,aantal,postcode,huisnummer
BU00140000,2024,opvoeding,1,9712AA,1
BU00140001,2024,opvoeding,1,9711AB,2
""", "columns 'postcode' and 'huisnummer' (made-up addresses)",
              "65 naming column 'postcode' and 'postcodes with house numbers', quoting no value")


# ---- statistics ----

def make_stats():
    stats_file("stats_nodata", "kerncijfers_geen_data.csv", STATS_HEADER + """\
BU00140000,Binnenstad-Noord,2024,55,295,13,12788
BU00140001,Binnenstad-Zuid,2024,.,274,12,12663
BU00140002,Binnenstad-Oost,2024,-99999999,251,.,16413
BU00140003,Binnenstad-West,2024,-99999997,-99999997,13,17792
BU00140004,Noorderplantsoen,2024,,,,52
BU00140005,Hortusbuurt-Ebbingekwartier,2024,245,287,-99999999,15118
BU00140007,UMCG,2024, . ,,,
BU00140008,Stationsgebied,2024,60,526,60,3713
""", "nothing: CBS no-data markers ('.', -99999999, -99999997, empty) in population and "
               "covariates", "accepted; those values are NULL in the store")

    stats_file("stats_not_a_number", "kerncijfers_tekst.csv", STATS_HEADER + """\
BU00140000,Binnenstad-Noord,2024,55,295,13,12788
BU00140001,Binnenstad-Zuid,2024,110,274,12,12663
BU00140002,Binnenstad-Oost,2024,120,251,n.v.t.,16413
BU00140003,Binnenstad-West,2024,25,274,13,17792
""", "pct_koopwoningen 'n.v.t.' on line 4 (not a number, not a CBS marker)",
               "65 at kerncijfers_tekst.csv:4, column 'pct_koopwoningen'")

    stats_file("stats_negative_population", "kerncijfers_negatief.csv", STATS_HEADER + """\
BU00140000,Binnenstad-Noord,2024,55,295,13,12788
BU00140001,Binnenstad-Zuid,2024,-110,274,12,12663
""", "population -110 on line 3", "65 at kerncijfers_negatief.csv:3, column 'inwoners_0_tot_15'")

    stats_file("stats_duplicate", "kerncijfers_dubbel.csv", STATS_HEADER + """\
BU00140000,Binnenstad-Noord,2024,55,295,13,12788
BU00140001,Binnenstad-Zuid,2024,110,274,12,12663
BU00140002,Binnenstad-Oost,2024,120,251,11,16413
BU00140001,Binnenstad-Zuid,2024,115,274,12,12663
""", "two rows for (BU00140001, 2024), lines 3 and 5", "65 naming lines 5 and 3")

    study("stats_missing_file", "[statistics] source names a file that does not exist",
          "66 at the study line", {"statistics.source": "kerncijfers_bestaat_niet.csv"})


# ---- boundaries ----

def make_boundaries():
    feats = centrum_features()

    write_geojson("buurten_leeg.geojson", [])
    boundaries_file("boundaries_empty", "buurten_leeg.geojson",
                    "a GeoJSON layer with a CRS and no features", "65: the layer has no features")

    remove("buurten_punten.geojson")
    ogr2ogr("-f", "GeoJSON", path("buurten_punten.geojson"), path("buurten_centrum.geojson"),
            "-dialect", "sqlite", "-sql",
            "SELECT buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, "
            "ST_PointOnSurface(geometry) AS geometry FROM buurten",
            "-lco", "RFC7946=NO", "-lco", "COORDINATE_PRECISION=1", "-nln", "buurten")
    boundaries_file("boundaries_points", "buurten_punten.geojson",
                    "a point per buurt instead of its polygon", "65 naming the type 'Point'")

    mixed = json.loads(json.dumps(feats))
    feature(mixed, "BU00140003")["geometry"] = {"type": "Point", "coordinates": [233300, 581900]}
    write_geojson("buurten_gemengd.geojson", mixed)
    boundaries_file("boundaries_mixed_geometry", "buurten_gemengd.geojson",
                    "one feature (BU00140003) is a point in a layer of polygons",
                    "65 naming the feature and 'Point'")

    remove(*("buurten_zonder_crs." + e for e in ("shp", "shx", "dbf", "prj", "cpg")))
    ogr2ogr("-f", "ESRI Shapefile", path("buurten_zonder_crs.shp"),
            path("buurten_centrum.geojson"))
    remove("buurten_zonder_crs.prj", "buurten_zonder_crs.cpg")
    boundaries_file("boundaries_no_crs", "buurten_zonder_crs.shp",
                    "a shapefile without .prj: no CRS", "65 with a hint on assigning one",
                    {"boundaries.gemeente": "gemeenteco"})

    bowtie = json.loads(json.dumps(feats))
    x0, x1, y0, y1 = 233828, 234586, 582227, 582873
    feature(bowtie, "BU00140007")["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    }
    write_geojson("buurten_vlinder.geojson", bowtie)
    boundaries_file("boundaries_invalid_polygon", "buurten_vlinder.geojson",
                    "BU00140007 (UMCG) is a self-intersecting bow-tie",
                    "accepted: repaired into two triangles, with a warning")

    dup = json.loads(json.dumps(feats))
    feature(dup, "BU00140003")["properties"]["buurtcode"] = "BU00140001"
    write_geojson("buurten_dubbele_code.geojson", dup)
    boundaries_file("boundaries_duplicate_code", "buurten_dubbele_code.geojson",
                    "features 1 and 3 both have code BU00140001", "65 naming both features")

    remove("buurten_wgs84.geojson")
    ogr2ogr("-f", "GeoJSON", path("buurten_wgs84.geojson"), path("buurten_centrum.geojson"),
            "-t_srs", "EPSG:4326", "-lco", "RFC7946=YES")
    boundaries_file("boundaries_wgs84", "buurten_wgs84.geojson",
                    "nothing: RFC 7946 GeoJSON (longitude/latitude, no crs member)",
                    "accepted, reprojected to EPSG:28992")

    # Windows-1252 names in a shapefile without .cpg: GDAL hands the bytes on
    names = json.loads(json.dumps(feats))
    feature(names, "BU00140000")["properties"]["buurtnaam"] = "Binnenstad-Noord – Café Élysée"
    feature(names, "BU00140004")["properties"]["buurtnaam"] = "’t Noorderplantsoen"
    write_geojson("names_utf8.tmp.geojson", names)
    remove(*("buurten_cp1252." + e for e in ("shp", "shx", "dbf", "prj", "cpg")))
    ogr2ogr("-f", "ESRI Shapefile", "-lco", "ENCODING=CP1252", path("buurten_cp1252.shp"),
            path("names_utf8.tmp.geojson"))
    remove("names_utf8.tmp.geojson", "buurten_cp1252.cpg")
    with open(path("buurten_cp1252.dbf"), "r+b") as f:
        f.seek(29)  # language driver id: 0 = not given
        f.write(b"\x00")
    boundaries_file("names_cp1252", "buurten_cp1252.shp",
                    "nothing: buurt names in Windows-1252 (en dash, e acute, right quote), "
                    "shapefile without .cpg", "accepted; names stored as UTF-8",
                    {"boundaries.gemeente": "gemeenteco"})

    study("boundaries_layer_not_found", "[boundaries] layer = buurt: the layer is 'buurten'",
          "65 with did-you-mean 'buurten'", {"boundaries.layer": "buurt"}, real=True)

    study("study_crs_geographic", "[boundaries] crs = EPSG:4326 is not in metres",
          "65 at the study line", {"boundaries.crs": "EPSG:4326"})


if __name__ == "__main__":
    if not shutil.which("ogr2ogr"):
        raise SystemExit("make.py: ogr2ogr (gdal-bin) is needed")
    make_base()
    make_csv()
    make_cases()
    make_stats()
    make_boundaries()
