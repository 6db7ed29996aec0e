#!/usr/bin/env Rscript
#
# rates_glm_eb.R - reference values for src/analyse/{rates,glm,ebayes,trend}.c
#
# Run from the repository root (needs Debian r-base, r-cran-sf, r-cran-spdep):
#
#     Rscript scripts/reference/rates_glm_eb.R
#
# It rewrites the CSV fixtures in tests/fixtures/reference/ that the cmocka
# tests tests/unit/test_{rates,glm,ebayes,trend}.c read.  Two data sets:
#
#   nc    the North Carolina SIDS data shipped with sf (system.file("shape/nc.shp",
#         package = "sf")): population P = BIR74, cases O = SID74; for the trend
#         test 1974 -> 1979 the later year P1 = BIR79, O1 = SID79 (trend_rr and
#         trend_p compare 1979, "this year", with 1974, "the year before");
#         GLM covariates pnw = NWBIR74 / BIR74 (share of non-white births) and
#         logdens = log(BIR74 / AREA) (log birth density, an urbanisation proxy);
#         queen neighbours from spdep::poly2nb(nc, queen = TRUE).
#   hand  ten hand-made areas with zero counts, a missing and a zero population,
#         a missing covariate, an island and an area whose only neighbours have
#         no population (it becomes an island once they are excluded).
#
# Rules mirrored from the C code (README: data dictionary): areas with P missing or
# 0 are excluded before any R function sees them (so they do not enter theta,
# the EB moments or the neighbour sums: the neighbour list is subset with
# spdep::subset.nb), and their outputs are written as NA.
#
# Files written (all numbers with sprintf("%.17g"), so they round-trip exactly;
# NA = missing/excluded, NaN = R produced NaN):
#   <set>_areas.csv    one row per area: inputs and every per-area figure
#   <set>_nb.csv       idx,code,n_nb,nb: 0-based neighbour indices separated by
#                      spaces, into the full (unsubset) area list, for CSR arrays
#   <set>_scalars.csv  name,value: theta, EB parameters, GLM fit summaries
#   <set>_glm.csv      model,term,estimate,se,z,p,estimate_std,se_std,z_std,p_std
#
# Versions used for the committed fixtures are written to versions.txt.

suppressPackageStartupMessages({
    library(sf)
    library(spdep)
})

outdir <- "tests/fixtures/reference"
if (!dir.exists(outdir))
    stop("run from the repository root: ", outdir, " not found")

f17 <- function(x) {
    if (is.logical(x))
        x <- as.numeric(x)
    sprintf("%.17g", x)
}

write_table <- function(df, file) {
    cols <- lapply(df, function(col) if (is.numeric(col) || is.logical(col)) f17(col) else col)
    lines <- do.call(paste, c(cols, sep = ","))
    writeLines(c(paste(names(df), collapse = ","), lines), file.path(outdir, file))
}

scalars <- new.env()
put <- function(name, value) assign(name, value, envir = scalars)
write_scalars <- function(file) {
    nm <- sort(ls(scalars))
    vals <- vapply(nm, function(k) f17(get(k, envir = scalars)), "")
    writeLines(c("name,value", paste(nm, vals, sep = ",")), file.path(outdir, file))
    rm(list = ls(scalars), envir = scalars)
}

write_nb <- function(nb, codes, file) {
    nbtxt <- vapply(nb, function(v) {
        v <- v[v > 0]
        if (length(v) == 0) "" else paste(v - 1L, collapse = " ")
    }, "")
    df <- data.frame(idx = seq_along(nb) - 1L, code = codes,
                     n_nb = vapply(nb, function(v) sum(v > 0), 0L), nb = nbtxt)
    write_table(df, file)
}

# Everything for one data set.  O, P: cases and population (P may be NA or 0);
# O1, P1: the following year, for the trend; covs: data.frame of covariates;
# nb: full neighbour list.
reference <- function(set, codes, O, P, O1, P1, covs, nb) {
    n <- length(O)
    ok <- !is.na(P) & P > 0 & !is.na(O)
    idx <- which(ok)
    out <- data.frame(idx = seq_len(n) - 1L, code = codes, O = O, P = P, O1 = O1, P1 = P1)
    for (nm in names(covs))
        out[[nm]] <- covs[[nm]]
    na <- rep(NA_real_, n)

    ## rates and Garwood intervals
    lo <- ifelse(O == 0, 0, qchisq(0.025, 2 * O) / 2)
    hi <- qchisq(0.975, 2 * (O + 1)) / 2
    for (i in idx) { # cross-check against poisson.test's qgamma form
        ci <- poisson.test(O[i])$conf.int
        stopifnot(isTRUE(all.equal(c(lo[i], hi[i]), as.numeric(ci), tolerance = 1e-14)))
    }
    out$rate_per_1000 <- replace(na, idx, 1000 * O[idx] / P[idx])
    out$rate_ci_low <- replace(na, idx, lo[idx] * 1000 / P[idx])
    out$rate_ci_high <- replace(na, idx, hi[idx] * 1000 / P[idx])

    ## theta, ratio to the average, Choynowski
    theta <- sum(O[idx]) / sum(P[idx])
    put("theta", theta)
    E <- theta * P[idx]
    out$ratio_avg <- replace(na, idx, O[idx] / E)
    # the model-free expected count theta P wherever P > 0 (R's intercept-only
    # glm fit below equals it only to its convergence tolerance, about 1e-9)
    out$expected_theta <- ifelse(!is.na(P) & P > 0, theta * P, NA_real_)
    ch <- choynowski(O[idx], P[idx])
    out$choynowski_spdep <- replace(na, idx, ch$pmap)
    out$choynowski_low_tail <- replace(na, idx, as.numeric(ch$type))
    # the same tail without the 1 - ppois() cancellation: the C code computes this
    exact <- ifelse(ch$type, ppois(O[idx], E), ppois(O[idx] - 1, E, lower.tail = FALSE))
    out$choynowski_exact <- replace(na, idx, exact)

    ## global EB (Marshall 1991) as spdep::EBest, family = "poisson"
    eb <- EBest(O[idx], P[idx])
    out$eb_raw <- replace(na, idx, eb$raw)
    out$eb_est <- replace(na, idx, eb$estmm)
    put("eb_a", attr(eb, "parameters")$a)
    put("eb_b", attr(eb, "parameters")$b)

    ## local EB as spdep::EBlocal(geoda = TRUE), over the areas with P > 0
    snb <- subset.nb(nb, ok)
    lb <- EBlocal(O[idx], P[idx], snb, zero.policy = TRUE, geoda = TRUE)
    out$ebl_raw <- replace(na, idx, lb$raw)
    out$ebl_est <- replace(na, idx, lb$est)
    out$ebl_a <- replace(na, idx, attr(lb, "parameters")$a)
    out$ebl_m <- replace(na, idx, attr(lb, "parameters")$m)

    ## trend: conditional binomial test of O1 ("this year") against O ("the
    ## year before"): given n = O + O1, O1 ~ Binomial(n, P1 / (P + P1)) if the
    ## rates are equal
    okt <- ok & !is.na(P1) & P1 > 0 & !is.na(O1)
    rr <- p <- na
    for (i in which(okt)) {
        if (O[i] > 0)
            rr[i] <- (O1[i] / P1[i]) / (O[i] / P[i])
        if (O[i] + O1[i] > 0)
            p[i] <- binom.test(O1[i], O[i] + O1[i], P1[i] / (P[i] + P1[i]))$p.value
    }
    out$trend_rr <- rr
    out$trend_p <- p

    ## GLM: Poisson, log link, offset log P, rows with P > 0 and every covariate
    glm_rows <- list()
    models <- list(null = character(0), m1 = names(covs)[1], m2 = names(covs))
    for (mname in names(models)) {
        cv <- models[[mname]]
        fit_ok <- ok
        for (nm in cv)
            fit_ok <- fit_ok & !is.na(covs[[nm]])
        d <- data.frame(O = O, logP = log(ifelse(ok, P, 1)))
        for (nm in cv)
            d[[nm]] <- covs[[nm]]
        rhs <- if (length(cv)) paste(cv, collapse = " + ") else "1"
        fml <- as.formula(paste("O ~", rhs, "+ offset(logP)"))
        fit <- glm(fml, family = poisson, data = d[fit_ok, ])
        # the same model on covariates centred and scaled over the fitted rows
        ds <- d[fit_ok, ]
        for (nm in cv) {
            put(paste0("glm_", mname, "_mean_", nm), mean(ds[[nm]]))
            put(paste0("glm_", mname, "_sd_", nm), sd(ds[[nm]]))
            ds[[nm]] <- (ds[[nm]] - mean(ds[[nm]])) / sd(ds[[nm]])
        }
        fits <- glm(fml, family = poisson, data = ds)
        cf <- summary(fit)$coefficients
        cfs <- summary(fits)$coefficients
        glm_rows[[mname]] <- data.frame(model = mname, term = rownames(cf),
            estimate = cf[, 1], se = cf[, 2], z = cf[, 3], p = cf[, 4],
            estimate_std = cfs[, 1], se_std = cfs[, 2], z_std = cfs[, 3], p_std = cfs[, 4])
        pre <- paste0("glm_", mname, "_")
        put(paste0(pre, "n"), sum(fit_ok))
        put(paste0(pre, "deviance"), deviance(fit))
        put(paste0(pre, "null_deviance"), fit$null.deviance)
        put(paste0(pre, "df_residual"), fit$df.residual)
        put(paste0(pre, "pearson_dispersion"),
            sum(residuals(fit, type = "pearson")^2) / fit$df.residual)
        put(paste0(pre, "aic"), AIC(fit))
        put(paste0(pre, "iter"), fit$iter)
        put(paste0(pre, "converged"), fit$converged)
        # expected for every row with P > 0 and complete covariates
        pred_ok <- ok
        for (nm in cv)
            pred_ok <- pred_ok & !is.na(covs[[nm]])
        ex <- na
        ex[pred_ok] <- predict(fit, newdata = d[pred_ok, , drop = FALSE], type = "response")
        out[[paste0("glm_", mname, "_expected")]] <- ex
        # O/E with the Garwood interval of O divided by expected
        okx <- pred_ok & !is.na(O)
        oe <- oel <- oeh <- na
        oe[okx] <- O[okx] / ex[okx]
        oel[okx] <- lo[okx] / ex[okx]
        oeh[okx] <- hi[okx] / ex[okx]
        out[[paste0("glm_", mname, "_oe")]] <- oe
        out[[paste0("glm_", mname, "_oe_low")]] <- oel
        out[[paste0("glm_", mname, "_oe_high")]] <- oeh
    }
    glm_tab <- do.call(rbind, glm_rows)
    glm_tab$term <- sub("^\\(Intercept\\)$", "intercept", glm_tab$term)

    write_table(out, paste0(set, "_areas.csv"))
    write_table(glm_tab, paste0(set, "_glm.csv"))
    write_scalars(paste0(set, "_scalars.csv"))
    write_nb(nb, codes, paste0(set, "_nb.csv"))
}

## (a) North Carolina SIDS
nc <- st_read(system.file("shape/nc.shp", package = "sf"), quiet = TRUE)
nc_nb <- poly2nb(nc, queen = TRUE)
reference("nc", codes = as.character(nc$FIPS),
          O = nc$SID74, P = nc$BIR74, O1 = nc$SID79, P1 = nc$BIR79,
          covs = data.frame(pnw = nc$NWBIR74 / nc$BIR74, logdens = log(nc$BIR74 / nc$AREA)),
          nb = nc_nb)

## (b) hand-made
hand_codes <- c("A", "B", "C", "D", "E", "F", "G", "H", "I", "J")
hand_nbl <- list(A = c("B", "C", "E"), B = c("A", "E", "F"), C = c("A", "J", "H"),
                 D = c("J", "G"), E = c("A", "B", "H"), F = c("B", "G"),
                 G = c("F", "D", "H"), H = c("C", "E", "G"), I = character(0),
                 J = c("C", "D"))
hand_nb <- lapply(hand_nbl, function(v) if (length(v)) sort(match(v, hand_codes)) else 0L)
hand_nb <- structure(unname(hand_nb), class = "nb", region.id = hand_codes, type = "queen",
                     sym = TRUE)
reference("hand", codes = hand_codes,
          O  = c(5, 0, 2, 0, 14, 0, 3, 9, 0, 1),
          P  = c(1200, 800, NA, 0, 2500, 300, 950, 1500, 400, 700),
          O1 = c(3, 1, 1, 0, 14, 0, 0, 7, 0, 2),
          P1 = c(1150, 820, NA, 0, 2400, 310, 900, 1600, 380, 650),
          covs = data.frame(x1 = c(0.10, 0.25, 0.30, 0.05, 0.40, 0.15, 0.20, 0.35, 0.12, 0.22),
                            x2 = c(2.0, 1.5, 1.0, 3.0, 2.5, NA, 0.5, 1.8, 2.2, 1.1)),
          nb = hand_nb)

writeLines(c(R.version.string,
             paste("sf", as.character(packageVersion("sf"))),
             paste("spdep", as.character(packageVersion("spdep")))),
           file.path(outdir, "versions.txt"))
