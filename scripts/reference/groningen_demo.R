#!/usr/bin/env Rscript
#
# groningen_demo.R - reference values for the analyse stage (src/analyse/analyse.c)
# on the demo study data/groningen.ini.
#
# Run from the repository root (needs Debian r-base, r-cran-sf, r-cran-spdep):
#
#     Rscript scripts/reference/groningen_demo.R
#
# It rewrites tests/fixtures/reference/groningen_demo_{areas,scalars,glm}.csv,
# which tests/unit/test_analyse.c compares with the rows and statistics.json
# that ws_analyse_store() writes after loading the demo study.  Made with
# R 4.2.2, sf 1.0.9, spdep 1.2.7 (see versions.txt).
#
# Inputs, read as the study reads them:
#   boundaries  data/groningen/groningen_2024_rd.gpkg, layer 'buurten'
#               (EPSG:28992, used as is; 151 buurten in 20 wijken, one gemeente)
#   statistics  data/groningen/kerncijfers_buurten_2024.csv: P = inwoners_0_tot_15,
#               covariates gem_huishoudensgrootte, omgevingsadressendichtheid,
#               stedelijkheid; CBS no-data markers are NA.  The
#               table has only 2024, so its rows serve every case year.
#   cases       data/groningen/casussen_synthetisch.csv (synthetic counts):
#               O = sum of aantal per buurt for the year (category 'all') or
#               for one category; a buurt without a row has O = 0.
#
# Scenarios: year 2024 with category 'all' and category 'opvoeding'; the trend
# compares each with 2023.  For each, the README's data dictionary as the C code does it:
#   usable buurten: P present and > 0 (every other figure NA for the rest);
#   rates with the Garwood interval (qchisq form, as poisson.test);
#   theta = sum O / sum P over usable buurten; ratio_avg = O / (theta P);
#   Choynowski p, one tail toward O, computed without 1 - ppois cancellation
#   (spdep::choynowski's pmap agrees to ~1e-16 absolute);
#   expected from glm(O ~ covariates + offset(log(P)), poisson) over the
#   usable buurten with every covariate, predicted for those buurten (NA for
#   buurten without a complete profile); coefficients on the original scale
#   and refitted on scale()d covariates (the C code's standardised scale);
#   oe_ratio = O / expected with the Garwood interval divided by expected;
#   EB: EBest(O, P) and EBlocal(O, P, nb, geoda = TRUE) over the usable
#   buurten with nb = subset.nb(poly2nb(queen = TRUE), usable), per 1000;
#   Moran: on eb_rate over the usable non-island buurten with row-standardised
#   weights: moran.test (randomisation and normality), localmoran (Ii, Z.Ii,
#   analytic p), localmoran_perm (nsim 9999, iseed 1; spdep 1.2-7 draws WITH
#   replacement, so only statistical agreement is expected) and clusters
#   HH/LL/HL/LH where p.adjust(perm p, "BH") < 0.05, else ns;
#   trend: binom.test(O_2024, O_2023 + O_2024, P / (P + P)), rr NA when
#   O_2023 == 0.
# Wijk and gemeente rows (non-spatial figures only): O = sum of the buurten's
# O, P = sum of their known P; theta, rates, ratio, Choynowski and EBest over
# that level's areas; expected = sum over the buurten with P > 0 of their
# expected, theta_buurt * P where a buurt has none.
#
# EBlocal gives NaN where an area and its neighbours have no cases at all
# (prior variance clamped to 0 and prior mean 0: 0/0); the C code returns the
# prior mean, 0, there (see ebayes.h).  Those cells are written as NaN.
#
# Files (numbers with sprintf("%.17g"); NA = NULL, NaN = spdep's NaN):
#   groningen_demo_areas.csv    year,category,level,code,<indicator fields>,
#                               lisa_p_norm,lisa_p_perm,cluster_perm
#   groningen_demo_scalars.csv  year,category,level,name,value
#   groningen_demo_glm.csv      year,category,term,estimate,se,z,p,
#                               estimate_std,se_std,z_std,p_std

suppressPackageStartupMessages({
    library(sf)
    library(spdep)
})

outdir <- "tests/fixtures/reference"
if (!dir.exists(outdir))
    stop("run from the repository root: ", outdir, " not found")

# NaN (spdep's 0/0) is kept apart from NA (not computed / NULL)
f17 <- function(x) ifelse(is.nan(x), "NaN", ifelse(is.na(x), "NA", sprintf("%.17g", x)))

write_table <- function(df, file) {
    cols <- lapply(df, function(col) if (is.numeric(col) || is.logical(col)) f17(col) else col)
    lines <- do.call(paste, c(cols, sep = ","))
    writeLines(c(paste(names(df), collapse = ","), lines), file.path(outdir, file))
}

na_marks <- c("", ".", "-99999999", "-99999997")
gr <- st_read("data/groningen/groningen_2024_rd.gpkg", "buurten", quiet = TRUE)
codes <- as.character(gr$buurtcode)
wijk <- as.character(gr$wijkcode)
n <- length(codes)

kc <- read.csv("data/groningen/kerncijfers_buurten_2024.csv", na.strings = na_marks,
               colClasses = c(buurtcode = "character"))
m <- match(codes, kc$buurtcode)
P <- as.numeric(kc$inwoners_0_tot_15[m])
cov_names <- c("gem_huishoudensgrootte", "omgevingsadressendichtheid", "stedelijkheid")
covs <- as.data.frame(lapply(cov_names, function(k) as.numeric(kc[[k]][m])))
names(covs) <- cov_names

cs <- read.csv("data/groningen/casussen_synthetisch.csv", colClasses = c(buurtcode = "character",
               vraagtype = "character"))
cases_of <- function(year, cat) {
    sel <- cs$jaar == year & (cat == "all" | cs$vraagtype == cat)
    agg <- tapply(cs$aantal[sel], cs$buurtcode[sel], sum)
    o <- as.numeric(agg[codes])
    o[is.na(o)] <- 0
    o
}

nb_full <- poly2nb(gr, queen = TRUE)
usable <- !is.na(P) & P > 0

garwood <- function(O) {
    list(lo = ifelse(O == 0, 0, qchisq(0.025, 2 * O) / 2), hi = qchisq(0.975, 2 * (O + 1)) / 2)
}
choy <- function(O, E) ifelse(O < E, ppois(O, E), ppois(O - 1, E, lower.tail = FALSE))

# Non-spatial figures of one level (areas with O, P); returns a data.frame and theta.
basic <- function(O, P) {
    ok <- !is.na(P) & P > 0
    na <- rep(NA_real_, length(O))
    g <- garwood(O)
    theta <- sum(O[ok]) / sum(P[ok])
    E0 <- theta * P
    eb <- EBest(O[ok], P[ok])
    list(theta = theta, eb_a = attr(eb, "parameters")$a, eb_b = attr(eb, "parameters")$b,
         df = data.frame(
             O = O, P = P,
             rate_per_1000 = ifelse(ok, 1000 * O / P, NA),
             rate_ci_low = ifelse(ok, g$lo * 1000 / P, NA),
             rate_ci_high = ifelse(ok, g$hi * 1000 / P, NA),
             ratio_avg = ifelse(ok, O / E0, NA),
             poisson_p = ifelse(ok, choy(O, E0), NA),
             eb_rate = replace(na, which(ok), 1000 * eb$estmm)))
}

oe_cols <- function(O, E) {
    ok <- !is.na(E) & E > 0
    g <- garwood(O)
    data.frame(expected = E, oe_ratio = ifelse(ok, O / E, NA),
               oe_ci_low = ifelse(ok, g$lo / E, NA), oe_ci_high = ifelse(ok, g$hi / E, NA))
}

quadrant <- function(z, lz) paste0(ifelse(z > 0, "H", "L"), ifelse(lz > 0, "H", "L"))

areas <- list()
scalars <- list()
glms <- list()
put <- function(year, cat, level, name, value) {
    scalars[[length(scalars) + 1]] <<- data.frame(year = year, category = cat, level = level,
                                                  name = name, value = f17(value))
}

for (cat in c("all", "opvoeding")) {
    year <- 2024
    O <- cases_of(year, cat)
    O0 <- cases_of(year - 1, cat)
    b <- basic(O, P)
    df <- b$df
    put(year, cat, "buurt", "theta", b$theta)
    put(year, cat, "buurt", "eb_a", b$eb_a)
    put(year, cat, "buurt", "eb_b", b$eb_b)
    put(year, cat, "buurt", "n_with_data", sum(usable))

    ## GLM over usable buurten with a complete profile
    prof <- usable & complete.cases(covs)
    d <- data.frame(O = O, P = P, covs)
    form <- as.formula(paste("O ~", paste(cov_names, collapse = " + "), "+ offset(log(P))"))
    fit <- glm(form, family = poisson, data = d[prof, ])
    ds <- d[prof, ]
    for (k in cov_names)
        ds[[k]] <- as.numeric(scale(ds[[k]]))
    fit_std <- glm(form, family = poisson, data = ds)
    E <- rep(NA_real_, n)
    E[prof] <- fitted(fit)
    cf <- summary(fit)$coefficients
    cfs <- summary(fit_std)$coefficients
    glms[[length(glms) + 1]] <- data.frame(
        year = year, category = cat, term = rownames(cf), estimate = cf[, 1], se = cf[, 2],
        z = cf[, 3], p = cf[, 4], estimate_std = cfs[, 1], se_std = cfs[, 2], z_std = cfs[, 3],
        p_std = cfs[, 4])
    put(year, cat, "buurt", "glm_n", sum(prof))
    put(year, cat, "buurt", "glm_deviance", deviance(fit))
    put(year, cat, "buurt", "glm_null_deviance", fit$null.deviance)
    put(year, cat, "buurt", "glm_pearson_dispersion",
        sum(residuals(fit, type = "pearson")^2) / fit$df.residual)
    put(year, cat, "buurt", "glm_aic", AIC(fit))
    put(year, cat, "buurt", "glm_df_residual", fit$df.residual)
    put(year, cat, "buurt", "glm_iterations", fit$iter)
    df <- cbind(df, oe_cols(O, E))

    ## local EB, Moran, LISA on the usable buurten
    snb <- subset.nb(nb_full, usable)
    lb <- EBlocal(O[usable], P[usable], snb, zero.policy = TRUE, geoda = TRUE)
    df$seb_rate <- replace(rep(NA_real_, n), which(usable), 1000 * lb$est)
    x <- df$eb_rate[usable]
    u <- card(snb) > 0
    lw <- nb2listw(subset(snb, u), style = "W")
    xu <- x[u]
    idx <- which(usable)[u]
    for (rnd in c(TRUE, FALSE)) {
        mt <- moran.test(xu, lw, randomisation = rnd)
        tag <- if (rnd) "rand" else "norm"
        if (rnd) {
            put(year, cat, "buurt", "moran_I", mt$estimate[1])
            put(year, cat, "buurt", "moran_E", mt$estimate[2])
        }
        put(year, cat, "buurt", paste0("moran_var_", tag), mt$estimate[3])
        put(year, cat, "buurt", paste0("moran_z_", tag), mt$statistic)
        put(year, cat, "buurt", paste0("moran_p_", tag), mt$p.value)
    }
    put(year, cat, "buurt", "moran_n", length(xu))
    lm <- localmoran(xu, lw)
    lmp <- localmoran_perm(xu, lw, nsim = 9999, iseed = 1)
    z <- xu - mean(xu)
    pp <- lmp[, 6]
    cl <- ifelse(p.adjust(pp, "BH") < 0.05, quadrant(z, lag.listw(lw, z)), "ns")
    na <- rep(NA_real_, n)
    df$lisa_i <- replace(na, idx, lm[, 1])
    df$lisa_z <- replace(na, idx, lm[, 4])
    df$lisa_p_norm <- replace(na, idx, lm[, 5])
    df$lisa_p_perm <- replace(na, idx, pp)
    df$cluster_perm <- replace(rep("NA", n), idx, cl)
    df$cluster_perm[usable & !(seq_len(n) %in% idx)] <- "isolated"

    ## trend 2023 -> 2024 (the 2024 statistics serve both years)
    rr <- tp <- rep(NA_real_, n)
    for (i in which(usable)) {
        if (O0[i] > 0)
            rr[i] <- (O[i] / P[i]) / (O0[i] / P[i])
        if (O0[i] + O[i] > 0)
            tp[i] <- binom.test(O[i], O0[i] + O[i], P[i] / (P[i] + P[i]))$p.value
    }
    df$trend_rr <- rr
    df$trend_p <- tp
    areas[[length(areas) + 1]] <- cbind(data.frame(year = year, category = cat, level = "buurt",
                                                   code = codes), df)

    ## wijk and gemeente: sums of buurten
    Efill <- ifelse(usable, ifelse(is.na(E), b$theta * P, E), NA)
    for (level in c("wijk", "gemeente")) {
        key <- if (level == "wijk") wijk else rep(as.character(gr$gemeentecode[1]), n)
        lv <- unique(key)
        Ol <- as.numeric(tapply(O, key, sum)[lv])
        Pl <- as.numeric(tapply(P, key, function(v) if (all(is.na(v))) NA else sum(v, na.rm = TRUE))[lv])
        El <- as.numeric(tapply(Efill, key, function(v) if (all(is.na(v))) NA else sum(v, na.rm = TRUE))[lv])
        bl <- basic(Ol, Pl)
        put(year, cat, level, "theta", bl$theta)
        put(year, cat, level, "eb_a", bl$eb_a)
        put(year, cat, level, "eb_b", bl$eb_b)
        dl <- cbind(bl$df, oe_cols(Ol, El))
        dl$seb_rate <- dl$lisa_i <- dl$lisa_z <- dl$lisa_p_norm <- dl$lisa_p_perm <- NA_real_
        dl$cluster_perm <- "NA"
        O0l <- as.numeric(tapply(O0, key, sum)[lv])
        okl <- !is.na(Pl) & Pl > 0
        rr <- tp <- rep(NA_real_, length(lv))
        for (i in which(okl)) {
            if (O0l[i] > 0)
                rr[i] <- (Ol[i] / Pl[i]) / (O0l[i] / Pl[i])
            if (O0l[i] + Ol[i] > 0)
                tp[i] <- binom.test(Ol[i], O0l[i] + Ol[i], 0.5)$p.value
        }
        dl$trend_rr <- rr
        dl$trend_p <- tp
        areas[[length(areas) + 1]] <- cbind(data.frame(year = year, category = cat,
                                                       level = level, code = lv), dl)
    }
}

cols <- c("year", "category", "level", "code", "O", "P", "rate_per_1000", "rate_ci_low",
          "rate_ci_high", "ratio_avg", "poisson_p", "expected", "oe_ratio", "oe_ci_low",
          "oe_ci_high", "eb_rate", "seb_rate", "lisa_i", "lisa_z", "lisa_p_norm", "lisa_p_perm",
          "cluster_perm", "trend_rr", "trend_p")
write_table(do.call(rbind, lapply(areas, function(d) d[, cols])), "groningen_demo_areas.csv")
write_table(do.call(rbind, scalars), "groningen_demo_scalars.csv")
write_table(do.call(rbind, glms), "groningen_demo_glm.csv")
cat("wrote groningen_demo_{areas,scalars,glm}.csv to", outdir, "\n")
