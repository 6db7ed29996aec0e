#!/usr/bin/env Rscript
#
# palettes.R - regenerate the ColorBrewer table in src/render/palette.c
#
# Run from the repository root (needs Debian r-base and r-cran-rcolorbrewer,
# a development-only dependency):
#
#     Rscript scripts/reference/palettes.R
#
# It rewrites the block between "BEGIN GENERATED" and "END GENERATED" in
# src/render/palette.c and nothing else.  Generated with R 4.2.2 and
# RColorBrewer 1.1-3.
#
# Colours: RColorBrewer::brewer.pal(n, name) for n = 3 .. maxcolors of each
# scheme, stored as 0xRRGGBB in ColorBrewer's order.
#
# Colour-blind safety per class count: the 'blind' arrays of
# colorbrewer_schemes.js (github.com/axismaps/colorbrewer, the data behind
# colorbrewer2.org), transcribed below.  Entry i is the rating for n = i + 2
# classes (1 = safe, 2 = maybe, 0 = not safe); a single entry applies to
# every n; n beyond the array's end count as not safe.  Only 1 is "safe".
# RColorBrewer's brewer.pal.info$colorblind gives one flag per scheme; the
# script stops unless it equals the colorbrewer2.org rating at n = 3.
#
# ColorBrewer: Copyright (c) 2002 Cynthia Brewer, Mark Harrower, and The
# Pennsylvania State University; Apache License 2.0 (see palette.c).

suppressPackageStartupMessages(library(RColorBrewer))

target <- "src/render/palette.c"
if (!file.exists(target))
    stop("run from the repository root: ", target, " not found")

schemes <- list(
    sequential = c("Blues", "BuGn", "BuPu", "GnBu", "Greens", "Greys", "OrRd", "Oranges",
                   "PuBu", "PuBuGn", "PuRd", "Purples", "RdPu", "Reds", "YlGn", "YlGnBu",
                   "YlOrBr", "YlOrRd"),
    diverging = c("BrBG", "PiYG", "PRGn", "PuOr", "RdBu", "RdGy", "RdYlBu", "RdYlGn", "Spectral"),
    qualitative = c("Accent", "Dark2", "Paired", "Pastel1", "Pastel2", "Set1", "Set2", "Set3")
)
kind_c <- c(sequential = "WS_PALETTE_SEQUENTIAL", diverging = "WS_PALETTE_DIVERGING",
            qualitative = "WS_PALETTE_QUALITATIVE")
kind_r <- c(sequential = "seq", diverging = "div", qualitative = "qual")

# colorbrewer_schemes.js 'blind' properties (axismaps/colorbrewer)
blind <- list(
    Spectral = c(2, 2, 2, 0, 0, 0, 0, 0, 0), RdYlGn = c(2, 2, 2, 0, 0, 0, 0, 0, 0),
    RdBu = 1, PiYG = 1, PRGn = 1, RdYlBu = 1, BrBG = 1, RdGy = 2, PuOr = 1,
    Set2 = c(1, 2, 2, 2, 0, 0, 0), Accent = c(2, 0, 0, 0, 0, 0, 0), Set1 = 2,
    Set3 = c(2, 2, 0, 0, 0, 0, 0, 0, 0, 0), Dark2 = c(1, 2, 2, 2, 0, 0),
    Paired = c(1, 1, 2, 2, 2, 2, 0, 0, 0), Pastel2 = c(2, 0, 0, 0, 0, 0),
    Pastel1 = c(2, 0, 0, 0, 0, 0, 0)
)
for (s in schemes$sequential) blind[[s]] <- 1

rating <- function(name, n) {
    b <- blind[[name]]
    if (length(b) == 1) return(b)
    i <- n - 2
    if (i > length(b)) 0 else b[i]
}

info <- brewer.pal.info
stopifnot(setequal(unlist(schemes), rownames(info)))

lines <- c("// clang-format off")
rows <- character(0)
for (kind in names(schemes)) {
    for (name in schemes[[kind]]) {
        stopifnot(as.character(info[name, "category"]) == kind_r[[kind]])
        max_n <- info[name, "maxcolors"]
        stopifnot(info[name, "colorblind"] == (rating(name, 3) == 1))
        lines <- c(lines, sprintf("static const uint32_t rgb_%s[] = {", name))
        mask <- 0
        for (n in 3:max_n) {
            hex <- brewer.pal(n, name)
            stopifnot(length(hex) == n, all(grepl("^#[0-9A-Fa-f]{6}$", hex)))
            lines <- c(lines, sprintf("    /* %2d */ %s,", n,
                                      paste0("0x", tolower(substr(hex, 2, 7)), collapse = ", ")))
            if (rating(name, n) == 1) mask <- mask + 2^n
        }
        lines <- c(lines, "};")
        rows <- c(rows, sprintf("    {\"%s\", %s, 3, %d, 0x%04x, rgb_%s},", name, kind_c[[kind]],
                                max_n, as.integer(mask), name))
    }
}
lines <- c(lines, "", "static const struct scheme schemes[] = {", rows, "};", "// clang-format on")

src <- readLines(target)
begin <- grep("BEGIN GENERATED", src, fixed = TRUE)
end <- grep("END GENERATED", src, fixed = TRUE)
stopifnot(length(begin) == 1, length(end) == 1, begin < end)
out <- c(src[1:begin], lines, src[end:length(src)])
writeLines(out, target)
cat("wrote", length(rows), "schemes into", target, "\n")
