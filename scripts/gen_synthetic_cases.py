#!/usr/bin/env python3
"""Generate SYNTHETIC youth-care case counts per buurt (demo and benchmark data).

The output is NOT real data. It is a Poisson draw from a made-up model:

    mu = P * base_rate[category] * exp(beta . z) * hotspot(year) * trend(year) / norm

    P          inwoners_0_tot_15 from the kerncijfers table (population at risk)
    z          standardised covariates (mean 0, sd 1 over buurten with P > 0; a missing
               value gets the mean, i.e. z = 0; z clipped to [-3, 3]):
               lower income -> more, fewer owner-occupied homes -> more, density a little
    hotspot    1 + sum_k A_k(year) * exp(-d_k^2 / (2 sigma_k^2)), d_k = distance in km from
               the buurt centroid (mean of the outer-ring vertices) to hot spot k's centroid
    trend      1 + 0.02 per year after the first year
    norm       chosen so that in the first year the overall rate per category equals
               base_rate (so the totals stay near 5-7% of P per year)

Rows: one per buurt with P > 0, per year, per category (zero counts included); buurten with
P missing, empty or 0 get no rows. Output columns: buurtcode,jaar,vraagtype,aantal.

Only the Python standard library is used; the result is identical for the same --seed and
inputs. Inputs may be gzip-compressed (.gz). Examples:

  python3 scripts/gen_synthetic_cases.py \\
      --kerncijfers data/groningen/kerncijfers_buurten_2024.csv \\
      --geojson /work/shared/data/groningen_buurten_2024.geojson \\
      --out data/groningen/casussen_synthetisch.csv

  python3 scripts/gen_synthetic_cases.py \\
      --kerncijfers /work/shared/data/nl_buurten_2024_kerncijfers.csv.gz \\
      --geojson /work/shared/data/nl_buurten_2024_approx.geojson.gz --out /tmp/nl_cases.csv
"""

import argparse
import csv
import gzip
import io
import json
import math
import random
import sys

# (vraagtype, base rate per child aged 0-15 per year); order = output order; --categories N
# takes the first N. Sum = 0.0600 (6% of the 0-15 population per year).
CATEGORIES = [
    ("opvoeding", 0.0150),
    ("echtscheiding", 0.0055),
    ("gedrag", 0.0125),
    ("school", 0.0065),
    ("psychisch_welbevinden", 0.0070),
    ("ontwikkeling", 0.0040),
    ("gezinssituatie", 0.0080),
    ("middelengebruik", 0.0015),
]

# covariate column -> beta per standard deviation
COVARIATES = [
    ("gem_inkomen_per_inwoner_x1000", -0.25),
    ("pct_koopwoningen", -0.20),
    ("bevolkingsdichtheid_per_km2", 0.05),
]

POPULATION = "inwoners_0_tot_15"
CODE = "buurtcode"
YEAR_TREND = 0.02

# Default hot spots: CODE:AMP_FIRST_YEAR:AMP_LAST_YEAR:SIGMA_KM (amplitude linear in between).
# BU00140900 Vinkhuizen-Noord: constant; BU00141101 Beijum-Oost: rising over the years.
DEFAULT_HOTSPOTS = ["BU00140900:1.2:1.2:0.9", "BU00141101:0.3:1.2:1.0"]

NODATA = {"", ".", "-99999999", "-99999997"}


def open_text(path):
    """Open a text file, gunzipping if it ends in .gz; strips a UTF-8 BOM."""
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, "r", encoding="utf-8-sig", newline="")


def parse_num(s):
    """CBS-style number: no-data markers -> None; accepts a decimal comma."""
    if s is None:
        return None
    s = s.strip()
    if s in NODATA:
        return None
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def read_kerncijfers(path):
    """Return {code: row dict}; detects ',' or ';' separator."""
    with open_text(path) as f:
        head = f.readline()
        delim = ";" if head.count(";") > head.count(",") else ","
        reader = csv.reader(f, delimiter=delim)
        cols = [c.strip() for c in next(csv.reader([head], delimiter=delim))]
        for need in (CODE, POPULATION):
            if need not in cols:
                sys.exit("gen_synthetic_cases: column '%s' missing in %s" % (need, path))
        rows = {}
        for rec in reader:
            if not rec:
                continue
            d = dict(zip(cols, rec))
            code = d.get(CODE, "").strip()
            if code:
                rows[code] = d
    return rows, cols


def ring_mean(ring):
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    n = len(pts)
    return (sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n)


def read_centroids(path):
    """Return {code: (lon, lat)}: mean of the outer-ring vertices (largest part if multi)."""
    with open_text(path) as f:
        gj = json.load(f)
    out = {}
    for feat in gj.get("features", []):
        code = str((feat.get("properties") or {}).get(CODE, "")).strip()
        geom = feat.get("geometry") or {}
        if not code or not geom.get("coordinates"):
            continue
        if geom["type"] == "Polygon":
            ring = geom["coordinates"][0]
        elif geom["type"] == "MultiPolygon":
            ring = max((p[0] for p in geom["coordinates"]), key=len)
        else:
            continue
        out[code] = ring_mean(ring)
    return out


def dist_km(a, b):
    """Equirectangular distance between two (lon, lat) points in km (fine at buurt scale)."""
    lat0 = math.radians((a[1] + b[1]) / 2.0)
    dx = math.radians(b[0] - a[0]) * math.cos(lat0)
    dy = math.radians(b[1] - a[1])
    return 6371.0 * math.hypot(dx, dy)


def poisson(rng, mu):
    """Poisson variate: Knuth's product method for mu < 30, Hoermann's PTRS (1993) otherwise."""
    if mu <= 0.0:
        return 0
    if mu < 30.0:
        limit = math.exp(-mu)
        k, p = 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    slam = math.sqrt(mu)
    loglam = math.log(mu)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = int(math.floor((2 * a / us + b) * u + mu + 0.43))
        if us >= 0.07 and v <= v_r:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b)
                <= -mu + k * loglam - math.lgamma(k + 1)):
            return k


def parse_years(s):
    years = set()
    for part in s.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            years.update(range(int(lo), int(hi) + 1))
        elif part:
            years.add(int(part))
    if not years:
        raise argparse.ArgumentTypeError("no years in '%s'" % s)
    return sorted(years)


def parse_hotspot(s):
    parts = s.split(":")
    if len(parts) != 4:
        raise argparse.ArgumentTypeError("hot spot must be CODE:AMP_FIRST:AMP_LAST:SIGMA_KM")
    return (parts[0].strip(), float(parts[1]), float(parts[2]), float(parts[3]))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate SYNTHETIC youth-care case counts (buurtcode,jaar,vraagtype,aantal).")
    ap.add_argument("--kerncijfers", required=True,
                    help="CBS kerncijfers CSV (.csv or .csv.gz) with buurtcode, %s, covariates" % POPULATION)
    ap.add_argument("--geojson",
                    help="buurt polygons (.geojson or .geojson.gz, lon/lat) for hot-spot distances; "
                         "when given, only buurten with a polygon get cases")
    ap.add_argument("--out", default="-", help="output CSV (default: stdout)")
    ap.add_argument("--seed", type=int, default=20240101, help="random seed (default 20240101)")
    ap.add_argument("--years", type=parse_years, default=parse_years("2021-2024"),
                    help="years, e.g. 2021-2024 or 2022,2024 (default 2021-2024)")
    ap.add_argument("--categories", type=int, default=len(CATEGORIES),
                    help="number of vraagtypen, 1-%d (default %d)" % (len(CATEGORIES), len(CATEGORIES)))
    ap.add_argument("--hotspot", action="append", type=parse_hotspot, metavar="CODE:A0:A1:SIGMA_KM",
                    help="hot spot around a buurt centroid; amplitude A0 in the first year to A1 "
                         "in the last (repeatable; default %s)" % " ".join(DEFAULT_HOTSPOTS))
    ap.add_argument("--no-hotspots", action="store_true", help="no hot spots (no --geojson needed)")
    ap.add_argument("--summary", action="store_true", help="print totals and top buurten to stderr")
    args = ap.parse_args(argv)

    if not 1 <= args.categories <= len(CATEGORIES):
        ap.error("--categories must be between 1 and %d" % len(CATEGORIES))
    cats = CATEGORIES[:args.categories]
    years = args.years
    hotspots = [] if args.no_hotspots else (args.hotspot or [parse_hotspot(h) for h in DEFAULT_HOTSPOTS])
    if hotspots and not args.geojson:
        ap.error("--geojson is required for hot spots (or use --no-hotspots)")

    rows, cols = read_kerncijfers(args.kerncijfers)
    pop = {}
    for code, d in rows.items():
        p = parse_num(d.get(POPULATION))
        if p is not None and p > 0:
            pop[code] = p
    if args.geojson:
        # only buurten that have a polygon: a case code outside the boundaries is an error
        known = read_centroids(args.geojson)
        pop = {c: p for c, p in pop.items() if c in known}
    codes = sorted(pop)
    if not codes:
        sys.exit("gen_synthetic_cases: no buurt with %s > 0" % POPULATION)

    # Standardised covariates over buurten with P > 0; missing -> mean (z = 0).
    lin = {c: 0.0 for c in codes}
    for name, beta in COVARIATES:
        if name not in cols:
            print("gen_synthetic_cases: warning: covariate %s not in input, ignored" % name, file=sys.stderr)
            continue
        vals = {c: parse_num(rows[c].get(name)) for c in codes}
        present = [v for v in vals.values() if v is not None]
        if len(present) < 2:
            continue
        mean = sum(present) / len(present)
        sd = math.sqrt(sum((v - mean) ** 2 for v in present) / (len(present) - 1)) or 1.0
        for c in codes:
            v = vals[c]
            z = 0.0 if v is None else max(-3.0, min(3.0, (v - mean) / sd))
            lin[c] += beta * z
    covmult = {c: math.exp(lin[c]) for c in codes}

    # Hot-spot kernels (unit amplitude) per buurt.
    kernels = []  # list of (a0, a1, {code: kernel value})
    if hotspots:
        cen = read_centroids(args.geojson)
        for code, a0, a1, sigma in hotspots:
            if code not in cen:
                print("gen_synthetic_cases: warning: hot spot %s not in %s, skipped" % (code, args.geojson),
                      file=sys.stderr)
                continue
            hc = cen[code]
            k = {}
            # Beyond 4 sigma the bump is < 0.04% of its height: skip the exp (fast for all NL).
            dlat = 4.0 * sigma / 111.2
            for c in codes:
                bc = cen.get(c)
                if bc is None or abs(bc[1] - hc[1]) > dlat:
                    continue
                d = dist_km(bc, hc)
                if d <= 4.0 * sigma:
                    k[c] = math.exp(-d * d / (2.0 * sigma * sigma))
            kernels.append((a0, a1, k))

    def amp(a0, a1, yi):
        return a0 if len(years) == 1 else a0 + (a1 - a0) * yi / (len(years) - 1)

    def spatial(c, yi):
        f = 1.0
        for a0, a1, k in kernels:
            kv = k.get(c)
            if kv:
                f += amp(a0, a1, yi) * kv
        return f

    # Normalise so that the first year's overall rate equals the base rate.
    ptot = sum(pop.values())
    norm = sum(pop[c] * covmult[c] * spatial(c, 0) for c in codes) / ptot

    rng = random.Random(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["buurtcode", "jaar", "vraagtype", "aantal"])
    tot_year = {y: 0 for y in years}
    tot_cat = {name: 0 for name, _ in cats}
    per_buurt = {c: 0 for c in codes}
    cells = []
    for c in codes:
        base = pop[c] * covmult[c] / norm
        for yi, y in enumerate(years):
            m = base * spatial(c, yi) * (1.0 + YEAR_TREND * yi)
            for name, rate in cats:
                n = poisson(rng, m * rate)
                w.writerow([c, y, name, n])
                tot_year[y] += n
                tot_cat[name] += n
                per_buurt[c] += n
                cells.append(n)
    if out is not sys.stdout:
        out.close()

    if args.summary:
        e = sys.stderr
        print("buurten with P > 0: %d of %d; P (0-15) = %d; rows = %d"
              % (len(codes), len(rows), ptot, len(cells)), file=e)
        for y in years:
            print("  %d: %6d cases (%.2f%% of P)" % (y, tot_year[y], 100.0 * tot_year[y] / ptot), file=e)
        for name, _ in cats:
            print("  %-22s %6d" % (name, tot_cat[name]), file=e)
        print("  cell min %d, max %d, zero cells %d, cells < 10: %d"
              % (min(cells), max(cells), cells.count(0), sum(1 for v in cells if v < 10)), file=e)
        top = sorted(codes, key=lambda c: -per_buurt[c] / (pop[c] * len(years)))[:10]
        print("  top 10 buurten by rate per 1000 (all years, all categories):", file=e)
        for c in top:
            name = rows[c].get("buurtnaam", "")
            print("    %s %-28s P=%5d rate=%6.1f" % (c, name, pop[c], 1000.0 * per_buurt[c] / (pop[c] * len(years))),
                  file=e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
