#!/usr/bin/env Rscript
#
# weights_moran.R - reference values for src/analyse/{weights,moran,multiple}.c
#
# Run from the repository root (needs Debian r-base, r-cran-sf, r-cran-spdep):
#
#     Rscript scripts/reference/weights_moran.R
#
# It rewrites the fixtures tests/fixtures/reference/{nc,groningen}_* listed
# below, which tests/unit/test_weights.c and tests/unit/test_moran.c read.
# Fixtures were made with R 4.2.2, sf 1.0.9, spdep 1.2.7 (see versions.txt).
#
# Data sets, each in its own CRS (poly2nb works on the coordinates as given):
#   nc         North Carolina SIDS counties shipped with sf
#              (system.file("shape/nc.shp", package = "sf"), NAD27 lon/lat,
#              100 areas); code = FIPS; value = 1000 * SID74 / BIR74.
#   groningen  data/groningen/groningen_2024_rd.gpkg layer 'buurten'
#              (EPSG:28992, 151 areas); code = buurtcode; value for scenario
#              "all" = polygon area in m2 (sf::st_area, a deterministic
#              synthetic value), for scenario "subset" =
#              bevolkingsdichtheid_per_km2 (18 buurten are NA = no data).
#
# Scenarios (the C code must do the same):
#   all     every area has a value; islands (card 0) are dropped.
#   subset  only areas with value_subset present are kept
#           (spdep::subset.nb); areas that then have no neighbours are
#           islands and are dropped too.  For nc, value_subset is NA for every
#           7th area and for the queen neighbours of area 1, so area 1 becomes
#           an island.
# Moran's I and localmoran are computed on the kept non-island areas with
# row-standardised weights (nb2listw(style = "W")), i.e.
#     u <- card(nb_s) > 0;  lw <- nb2listw(subset(nb_s, u))
#     moran.test(x[u], lw, randomisation = TRUE / FALSE)   # alternative "greater"
#     localmoran(x[u], lw)                                  # two-sided p
# and BH is p.adjust(p, "BH") over those areas' localmoran p-values.
#
# Files (numbers with sprintf("%.17g"), so they round-trip exactly; NA = no
# value; area indices are 1-based as in R, into the full area list):
#   <set>_polygons.txt     one line per ring: "area part ring x1 y1 x2 y2 ...",
#                          area/part/ring 1-based (st_coordinates L3/L2/L1),
#                          rings closed (last point = first), in file order
#   <set>_nb_queen.csv     area,code,neighbours: poly2nb(queen = TRUE) on the
#   <set>_nb_rook.csv      full set (queen = FALSE); neighbours 1-based,
#                          space-separated, empty for an island
#   <set>_values.csv       area,code,value_all,value_subset
#   <set>_moran.csv        scenario,weights,test,n,I,E,Var,z,p
#   <set>_localmoran.csv   scenario,weights,area,Ii,E_Ii,Var_Ii,Z_Ii,p,p_bh,quadrant
#                          (quadrant: spdep's "pysal" quadrant, HH/LL/HL/LH,
#                          High when z > 0 resp. lag(z) > 0)
#   <set>_localmoran_perm.csv  area,p_sim: localmoran_perm(x, lw, nsim = 9999,
#                          iseed = 1) column "Pr(z != E(Ii)) Sim" (two-sided,
#                          rank based), scenario "all", queen.  spdep 1.2-7
#                          draws these WITH replacement, so the C test only
#                          checks agreement within Monte Carlo error.
#   nc_p_adjust.csv        p,p_bh: p.adjust(p, "BH") on a hand-made vector with
#                          ties, zeros, ones and NA

suppressPackageStartupMessages({
    library(sf)
    library(spdep)
})

out_dir <- "tests/fixtures/reference"
if (!dir.exists(out_dir))
    stop("run from the repository root: ", out_dir, " not found")

f17 <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

write_polygons <- function(geom, file) {
    cc <- st_coordinates(geom)
    stopifnot(all(c("L1", "L2", "L3") %in% colnames(cc)))
    grp <- paste(cc[, "L3"], cc[, "L2"], cc[, "L1"])
    starts <- c(1L, which(grp[-1] != grp[-length(grp)]) + 1L)
    ends <- c(starts[-1] - 1L, length(grp))
    lines <- character(length(starts))
    for (k in seq_along(starts)) {
        r <- starts[k]:ends[k]
        xy <- as.vector(rbind(cc[r, "X"], cc[r, "Y"]))
        lines[k] <- paste(cc[starts[k], "L3"], cc[starts[k], "L2"], cc[starts[k], "L1"],
                          paste(f17(xy), collapse = " "))
    }
    writeLines(lines, file.path(out_dir, file))
}

write_nb <- function(nb, codes, file) {
    nbs <- vapply(seq_along(nb), function(i) {
        v <- nb[[i]]
        if (length(v) == 1L && v[1] == 0L) "" else paste(v, collapse = " ")
    }, "")
    df <- data.frame(area = seq_along(nb), code = codes, neighbours = nbs)
    write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
}

quadrant <- function(z, lz) {
    paste0(ifelse(z > 0, "H", "L"), ifelse(lz > 0, "H", "L"))
}

run_set <- function(set, geom, codes, value_all, value_subset) {
    n <- length(codes)
    write_polygons(geom, paste0(set, "_polygons.txt"))
    nbs <- list(queen = poly2nb(geom, queen = TRUE), rook = poly2nb(geom, queen = FALSE))
    write_nb(nbs$queen, codes, paste0(set, "_nb_queen.csv"))
    write_nb(nbs$rook, codes, paste0(set, "_nb_rook.csv"))
    write.csv(data.frame(area = 1:n, code = codes, value_all = f17(value_all),
                         value_subset = f17(value_subset)),
              file.path(out_dir, paste0(set, "_values.csv")), row.names = FALSE, quote = FALSE)

    glob <- list()
    loc <- list()
    for (scen in c("all", "subset")) {
        x <- if (scen == "all") value_all else value_subset
        keep <- !is.na(x)
        for (wt in names(nbs)) {
            nb_s <- subset(nbs[[wt]], keep)
            u <- card(nb_s) > 0
            lw <- nb2listw(subset(nb_s, u), style = "W")
            xu <- x[keep][u]
            area <- which(keep)[u]
            for (rnd in c(TRUE, FALSE)) {
                mt <- moran.test(xu, lw, randomisation = rnd)
                glob[[length(glob) + 1]] <- data.frame(
                    scenario = scen, weights = wt,
                    test = if (rnd) "randomisation" else "normality", n = length(xu),
                    I = f17(mt$estimate[1]), E = f17(mt$estimate[2]), Var = f17(mt$estimate[3]),
                    z = f17(mt$statistic), p = f17(mt$p.value))
            }
            lm <- localmoran(xu, lw)
            if (scen == "all" && wt == "queen") {
                lmp <- localmoran_perm(xu, lw, nsim = 9999, iseed = 1)
                write.csv(data.frame(area = area, p_sim = f17(lmp[, 6])),
                          file.path(out_dir, paste0(set, "_localmoran_perm.csv")),
                          row.names = FALSE, quote = FALSE)
            }
            z <- xu - mean(xu)
            lz <- lag.listw(lw, z)
            p <- lm[, 5]
            loc[[length(loc) + 1]] <- data.frame(
                scenario = scen, weights = wt, area = area,
                Ii = f17(lm[, 1]), E_Ii = f17(lm[, 2]), Var_Ii = f17(lm[, 3]), Z_Ii = f17(lm[, 4]),
                p = f17(p), p_bh = f17(p.adjust(p, "BH")), quadrant = quadrant(z, lz))
            cat(sprintf("%s %s %s: %d kept, %d islands dropped\n", set, scen, wt, sum(keep),
                        sum(!u)))
        }
    }
    write.csv(do.call(rbind, glob), file.path(out_dir, paste0(set, "_moran.csv")),
              row.names = FALSE, quote = FALSE)
    write.csv(do.call(rbind, loc), file.path(out_dir, paste0(set, "_localmoran.csv")),
              row.names = FALSE, quote = FALSE)
}

# nc
nc <- st_read(system.file("shape/nc.shp", package = "sf"), quiet = TRUE)
nc_value <- 1000 * nc$SID74 / nc$BIR74
nc_queen <- poly2nb(nc, queen = TRUE)
nc_drop <- (seq_len(nrow(nc)) %% 7L == 0L) | (seq_len(nrow(nc)) %in% nc_queen[[1]])
run_set("nc", st_geometry(nc), as.character(nc$FIPS), nc_value,
        ifelse(nc_drop, NA, nc_value))

# groningen
gr <- st_read("data/groningen/groningen_2024_rd.gpkg", "buurten", quiet = TRUE)
run_set("groningen", st_geometry(gr), gr$buurtcode, as.numeric(st_area(gr)),
        as.numeric(gr$bevolkingsdichtheid_per_km2))

# p.adjust on a hand-made vector (ties, 0, 1, NA)
p <- c(0.01, 0.04, 0.04, 0.03, NA, 0.2, 0, 1, 0.5, 0.04, 0.011, 0.9, 0.049, 0.001)
write.csv(data.frame(p = f17(p), p_bh = f17(p.adjust(p, "BH"))),
          file.path(out_dir, "nc_p_adjust.csv"), row.names = FALSE, quote = FALSE)
