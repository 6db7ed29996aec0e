#!/usr/bin/env python3
"""Recode a case file onto an older buurt indeling: a SYNTHETIC test input for [indeling].

Real case counts are not public, so this makes a case file "as a registration of an earlier
year would have it" from the synthetic demo cases: the rows of the years up to --until whose
buurt lies mostly (the largest share of its area) within an older buurt whose code no longer
exists get that older code; rows of one (older code, year, category) are summed. Every other
row is copied as it is. The result is as synthetic as its input. The case file's columns are
code, year, [category,] count, in that order (as in casussen_synthetisch.csv).

The overlay is computed by GDAL (ogr2ogr with the SQLite dialect and SpatiaLite functions);
apart from ogr2ogr only the Python standard library is used. Example (the 2017 indeling of
Groningen):

  python3 scripts/recode_old_indeling.py \\
      --boundaries data/groningen/groningen_2024_rd.gpkg --layer buurten --code buurtcode \\
      --old ../shared/data/groningen_premerger_2017.gpkg --old-layer buurten_2017 \\
      --old-code BU_CODE --cases data/groningen/casussen_synthetisch.csv --until 2022 \\
      --out /tmp/casussen_2017.csv

It prints, on stderr, which buurten were recoded to which older code.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile


def overlay(args, tmp):
    """(new code, old code, share of the new buurt's area) for every overlap."""
    both = os.path.join(tmp, "both.gpkg")
    subprocess.run(["ogr2ogr", "-f", "GPKG", both, args.boundaries, args.layer, "-nln", "new",
                    "-select", args.code], check=True)
    subprocess.run(["ogr2ogr", "-update", both, args.old, args.old_layer, "-nln", "old",
                    "-select", args.old_code, "-t_srs", "EPSG:28992"], check=True)
    out = os.path.join(tmp, "overlay.csv")
    sql = ("SELECT n.{c} AS new_code, o.{oc} AS old_code, "
           "ST_Area(ST_Intersection(n.geom, o.geom)) / ST_Area(n.geom) AS share "
           "FROM new n, old o WHERE ST_Intersects(n.geom, o.geom)").format(c=args.code,
                                                                           oc=args.old_code)
    subprocess.run(["ogr2ogr", "-f", "CSV", out, both, "-dialect", "sqlite", "-sql", sql],
                   check=True)
    with open(out, newline="", encoding="utf-8") as f:
        return [(r["new_code"], r["old_code"], float(r["share"] or 0)) for r in csv.DictReader(f)]


def recode_map(rows):
    """new code -> older code, for buurten lying mostly in an older buurt that is gone."""
    new_codes = {n for n, _, _ in rows}
    best = {}
    for n, o, s in rows:
        if n not in best or s > best[n][0]:
            best[n] = (s, o)
    return {n: o for n, (s, o) in best.items() if o not in new_codes and o != n}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--boundaries", required=True)
    p.add_argument("--layer", default="buurten")
    p.add_argument("--code", default="buurtcode")
    p.add_argument("--old", required=True)
    p.add_argument("--old-layer", required=True)
    p.add_argument("--old-code", default="BU_CODE")
    p.add_argument("--cases", required=True)
    p.add_argument("--until", type=int, required=True, help="last year on the older indeling")
    p.add_argument("--out", required=True)
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        to_old = recode_map(overlay(args, tmp))
    for n in sorted(to_old):
        print(f"{n} -> {to_old[n]} (years up to {args.until})", file=sys.stderr)

    with open(args.cases, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    code, year = header[0], header[1]
    out = {}
    for r in rows:
        if int(r[year]) <= args.until and r[code] in to_old:
            r = dict(r, **{code: to_old[r[code]]})
        key = tuple(r[h] for h in header[:-1])
        if key in out:
            out[key][header[-1]] = str(int(out[key][header[-1]]) + int(r[header[-1]]))
        else:
            out[key] = dict(r)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(out.values())


if __name__ == "__main__":
    main()
