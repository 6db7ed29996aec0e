#!/usr/bin/env Rscript
#
# classint.R - reference class breaks for src/analyse/classify.c
#
# Run from the repository root (needs Debian r-base and r-cran-classint):
#
#     Rscript scripts/reference/classint.R
#
# It rewrites tests/fixtures/reference/classint_{values,breaks,versions}.csv,
# which tests/unit/test_classify.c reads.  Made with R 4.2.2, classInt 0.4.9
# (classint_versions.csv records the versions of the run).
#
# Value sets (classint_values.csv: set,i,value; NA = missing):
#   ties       40 hand-made values with ties, two NA, a low and a high outlier
#   groningen  bevolkingsdichtheid_per_km2 of the 151 buurten in
#              data/groningen/kerncijfers_buurten_2024.csv (file order; empty
#              cells are NA)
#   rexp       set.seed(1); rexp(500, rate = 1 / 50): skewed, all distinct
#   few        9 values (one NA) with only 5 distinct finite values, to check
#              what happens when k >= the number of distinct values
#   zeros      22 values, 12 of them 0 (a rate map with many empty buurten):
#              quantile breaks tie and merge
#
# Breaks (classint_breaks.csv: set,style,k,n_classes,i,brk; i = 1..n_classes+1)
# are what ws_classify() must return.  They are classInt's breaks, with the
# documented conventions of classify.c applied explicitly here:
#   quantile  classIntervals(style = "quantile") = quantile(type = 7), then
#             unique(): tied breaks merge, n_classes may drop below k
#   equal     classIntervals(style = "equal") = seq(min, max, length.out = k + 1)
#   fisher    classIntervals(style = "fisher") (Hartigan's exact Fisher
#             algorithm; no sampling happens: every set has < 3000 values)
#   box       hinge 1.5, by hand with quantile(type = 7):
#             c(lo, lofence, Q1, median, Q3, upfence, hi) where
#             lo = min if min < lofence (lower outliers exist) else lofence,
#             hi = max if max > upfence (upper outliers exist) else upfence;
#             an empty outlier class is the zero-width class [fence, fence].
#             (classify.c stores the double just below lofence instead of
#             lofence, 1 ulp away, so that "below the fence" is exact.)
#             Checked below against classIntervals(style = "box"), which
#             writes -Inf / +Inf where we repeat the fence.
#   k >= number of distinct values: classInt switches to style "unique"
#             (one class per distinct value, breaks halfway between them,
#             the outer breaks padded by half the mean gap); we keep the
#             halfway breaks but use min and max as the outer breaks.
# Numbers are written with sprintf("%.17g") so they round-trip exactly.

suppressPackageStartupMessages(library(classInt))

out_dir <- "tests/fixtures/reference"
if (!dir.exists(out_dir))
    stop("run from the repository root: ", out_dir, " not found")

f17 <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

kc <- read.csv("data/groningen/kerncijfers_buurten_2024.csv", stringsAsFactors = FALSE)
set.seed(1)
sets <- list(
    ties = c(-40, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 5, 6, 7, 7, 8, 8, 8,
             9, 10, 10, 10, 12, 12, 13, 15, 15, 15, 18, 20, 20, 22, 25, 25,
             30, NA, NA, 90),
    groningen = as.numeric(kc$bevolkingsdichtheid_per_km2),
    rexp = rexp(500, rate = 1 / 50),
    few = c(3, 1, 1, NA, 2.5, 5, 5, 5, 9),
    zeros = c(rep(0, 12), 0.5, 1, 1, 2, 3, 5, 8, 13, 21, NA)
)
stopifnot(length(sets$ties) == 40, length(sets$groningen) == 151)

# classInt breaks in our convention (see the header)
ci_breaks <- function(x, style, k) {
    ci <- suppressWarnings(classIntervals(x, n = k, style = style))
    b <- ci$brks
    if (attr(ci, "style") == "unique") {
        v <- x[is.finite(x)]
        b[1] <- min(v)
        b[length(b)] <- max(v)
    }
    if (style == "quantile")
        b <- unique(b)
    b
}

box_breaks <- function(x) {
    v <- x[is.finite(x)]
    q <- unname(quantile(v, type = 7))
    iqr <- 1.5 * (q[4] - q[2])
    lofence <- q[2] - iqr
    upfence <- q[4] + iqr
    lo <- if (q[1] < lofence) q[1] else lofence
    hi <- if (q[5] > upfence) q[5] else upfence
    b <- c(lo, lofence, q[2], q[3], q[4], upfence, hi)
    # classInt's own box breaks agree apart from the -Inf / +Inf ends
    cb <- suppressWarnings(classIntervals(x, style = "box"))$brks
    stopifnot(isTRUE(all.equal(cb[2:6], b[2:6], tolerance = 0)))
    stopifnot(b[1] == if (is.infinite(cb[1])) b[2] else cb[1])
    stopifnot(b[7] == if (is.infinite(cb[7])) b[6] else cb[7])
    b
}

cases <- list(
    list("quantile", 4), list("quantile", 5), list("quantile", 7),
    list("equal", 5), list("equal", 7),
    list("fisher", 3), list("fisher", 5), list("fisher", 7), list("fisher", 9),
    list("box", 6)
)

vals <- do.call(rbind, lapply(names(sets), function(s)
    data.frame(set = s, i = seq_along(sets[[s]]), value = f17(sets[[s]]))))
write.csv(vals, file.path(out_dir, "classint_values.csv"), row.names = FALSE, quote = FALSE)

rows <- list()
for (s in names(sets)) {
    for (cs in cases) {
        style <- cs[[1]]
        k <- cs[[2]]
        b <- if (style == "box") box_breaks(sets[[s]]) else ci_breaks(sets[[s]], style, k)
        stopifnot(!is.unsorted(b))
        rows[[length(rows) + 1]] <- data.frame(set = s, style = style, k = k,
                                               n_classes = length(b) - 1,
                                               i = seq_along(b), brk = f17(b))
    }
}
brk <- do.call(rbind, rows)
write.csv(brk, file.path(out_dir, "classint_breaks.csv"), row.names = FALSE, quote = FALSE)

ver <- data.frame(package = c("R", "classInt"),
                  version = c(paste(R.version$major, R.version$minor, sep = "."),
                              as.character(packageVersion("classInt"))))
write.csv(ver, file.path(out_dir, "classint_versions.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(vals), "values and", nrow(brk), "breaks to", out_dir, "\n")
