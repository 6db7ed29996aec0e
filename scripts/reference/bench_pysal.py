#!/usr/bin/env python3
"""bench_pysal.py - the reference that scripts/bench.sh times wijkscan against.

What an analyst would write with the Python stack (geopandas + libpysal +
numpy) for the same job as `wijkscan load` + `analyse` + one map on one year
and one category: read the buurten, their population at risk and the case
counts, reproject to RD New, queen contiguity weights, the global empirical
Bayes rate (Marshall), local Moran's I of the EB rate with conditional
permutations, and one quantile choropleth as a PNG.

    python3 scripts/reference/bench_pysal.py BUURTEN.geojson[.gz] KERNCIJFERS.csv[.gz]
        CASES.csv OUT.png [PERMUTATIONS]

Debian 12: apt-get install python3-geopandas python3-libpysal python3-matplotlib
(scripts/bench.sh installs them when they are missing).
"""
import sys
import warnings

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

warnings.filterwarnings("ignore", message="Remote data sets not available")
from libpysal.weights import Queen  # noqa: E402


def read_buurten(path):
    # GDAL reads a .gz itself, as wijkscan does
    gdf = gpd.read_file("/vsigzip/" + path if path.endswith(".gz") else path)
    return gdf.to_crs(28992)[["buurtcode", "geometry"]]


def empirical_bayes(cases, pop):
    """Marshall's global EB rate per 1,000 (the method of wijkscan's eb_rate)."""
    ok = pop > 0
    rate = np.where(ok, cases / np.where(ok, pop, 1), np.nan)
    theta = cases[ok].sum() / pop[ok].sum()
    s2 = (pop[ok] * (rate[ok] - theta) ** 2).sum() / pop[ok].sum()
    a = max(s2 - theta / pop[ok].mean(), 0.0)
    shrink = np.where(ok, a / (a + theta / np.where(ok, pop, 1)), np.nan)
    return 1000 * (theta + shrink * (rate - theta))


def local_moran(y, w, permutations, seed=12345):
    """Local Moran's I with conditional permutations (as esda.Moran_Local)."""
    n = len(y)
    z = (y - y.mean()) / y.std()
    w.transform = "r"
    lag = np.zeros(n)
    card = np.zeros(n, dtype=int)
    nbrs = []
    wts = []
    for i, key in enumerate(w.id_order):
        ids = [w.id2i[j] for j in w.neighbors[key]]
        ww = np.asarray(w.weights[key], dtype=float)
        nbrs.append(np.asarray(ids, dtype=int))
        wts.append(ww)
        card[i] = len(ids)
        if len(ids):
            lag[i] = (ww * z[ids]).sum()
    m2 = (z * z).sum() / n
    local_i = z * lag / m2
    rng = np.random.default_rng(seed)
    kmax = card.max()
    pool = np.array([rng.permutation(n - 1)[:kmax] for _ in range(permutations)])
    larger = np.zeros(n)
    for i in range(n):
        k = card[i]
        if not k:
            continue
        idx = pool[:, :k]
        idx = idx + (idx >= i)  # skip i itself
        sim = z[i] * (z[idx] * wts[i]).sum(axis=1) / m2
        above = (sim >= local_i[i]).sum()
        larger[i] = min(above, permutations - above)
    p_sim = (larger + 1) / (permutations + 1)
    return local_i, p_sim


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 64
    buurten_path, stats_path, cases_path, png = argv[1:5]
    permutations = int(argv[5]) if len(argv) > 5 else 999

    gdf = read_buurten(buurten_path)
    stats = pd.read_csv(stats_path, usecols=["buurtcode", "inwoners_0_tot_15"])
    cases = pd.read_csv(cases_path)
    counts = cases.groupby("buurtcode")["aantal"].sum()
    gdf = gdf.merge(stats, on="buurtcode", how="left")
    gdf["cases"] = gdf["buurtcode"].map(counts).fillna(0)
    pop = gdf["inwoners_0_tot_15"].fillna(0).to_numpy(dtype=float)
    gdf["eb_rate"] = empirical_bayes(gdf["cases"].to_numpy(dtype=float), pop)

    w = Queen.from_dataframe(gdf, silence_warnings=True)
    have = ~np.isnan(gdf["eb_rate"].to_numpy())
    sub = gdf[have].reset_index(drop=True)
    wsub = Queen.from_dataframe(sub, silence_warnings=True) if not have.all() else w
    local_i, p_sim = local_moran(sub["eb_rate"].to_numpy(), wsub, permutations)
    gdf.loc[have, "lisa_i"] = local_i
    gdf.loc[have, "lisa_p"] = p_sim

    # 7 quantile classes, as the national map definition asks
    eb = gdf["eb_rate"].to_numpy()
    breaks = np.nanquantile(eb, np.linspace(0, 1, 8)[1:-1])
    gdf["cls"] = np.where(np.isnan(eb), np.nan, np.searchsorted(breaks, eb, side="right"))
    fig, ax = plt.subplots(figsize=(10, 12), dpi=200)  # 2000 x 2400 px
    gdf.plot(column="cls", ax=ax, cmap="YlOrRd", linewidth=0.1, edgecolor="#666666",
             missing_kwds={"color": "#dddddd"})
    ax.set_axis_off()
    ax.set_title("Casussen per 1.000 (EB), alle buurten")
    fig.savefig(png, dpi=200)
    plt.close(fig)
    print("reference: %d buurten, %d with lisa_p < 0.05" % (len(gdf), int((p_sim < 0.05).sum())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
