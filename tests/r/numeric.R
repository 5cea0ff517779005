#!/usr/bin/env Rscript
# numeric.R -- R's survey package as the yardstick for marts.study_means and study_quantiles
# (tests/marts/test_study_means.py).
#
#   Rscript numeric.R IN.csv OUT.csv --lonely RULE[,RULE...] [--domains region,sex,...]
#
# IN is make_numeric.R's (respondent_id, weight, stratum, psu, domain columns, x_* numbers).
# The design is svydesign(ids = ~psu or ~1, strata = ~stratum or NULL, weights = ~weight,
# nest = TRUE) with survey.adjust.domain.lonely = FALSE. For every rule, x_* column and domain
# (national, and each value of each domain column) the answered rows of the domain are
# sub <- design[answered & in domain, ] (a domain carrying no weight is left out, as svyby
# leaves it out), and OUT has one row per statistic:
#   mean    svymean(~x, sub): estimate, se, and confint(df = degf(sub)) and (df = Inf)
#   total   svytotal(~x, sub): the same
#   q<p>    svyquantile(~x, sub, quantiles = p) with every default (qrule "math",
#           interval.type "mean": Woodruff's interval on degf(sub) degrees of freedom):
#           estimate, ci low and high, se; `falls`, `falls_low`, `falls_high`: whether R's
#           qs() found no cumulative weight <= p W for the estimate or a bound (where it takes
#           the second smallest value, `smallest` being the first: see survey_numeric.py);
#           p_low, p_high: Woodruff's share interval (a bound R puts a hair beyond 0 or 1 by
#           rounding has no value in R), `largest` the largest value
# with n (respondents with weight) and df = degf(sub). Numbers %.17g.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
flag <- function(name, default) {
  at <- match(name, args)
  if (is.na(at)) default else args[at + 1]
}
if (length(args) < 4) {
  message("usage: Rscript numeric.R IN.csv OUT.csv --lonely RULES [--domains a,b]")
  quit(status = 64)
}
dat <- read.csv(args[1], colClasses = "character", na.strings = c("", "NA"))
dat$weight <- as.numeric(dat$weight)
xvars <- grep("^x_", names(dat), value = TRUE)
for (v in xvars) dat[[v]] <- as.numeric(dat[[v]])
rules <- strsplit(flag("--lonely", "adjust"), ",")[[1]]
kinds <- strsplit(flag("--domains", "region,sex,age_group"), ",")[[1]]
PROBS <- c(0.25, 0.5, 0.75)
fmt <- function(x) sprintf("%.17g", as.numeric(x))
has_col <- function(nm) nm %in% names(dat) && !all(is.na(dat[[nm]]))
sort_values <- function(x) {
  x <- unique(x[!is.na(x)])
  num <- suppressWarnings(as.numeric(x))
  if (length(x) && !anyNA(num)) x[order(num)] else sort(x)
}

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
for (rule in rules) {
  options(survey.lonely.psu = rule, survey.adjust.domain.lonely = FALSE)
  design <- svydesign(ids = if (has_col("psu")) ~psu else ~1,
                      strata = if (has_col("stratum")) ~stratum else NULL,
                      weights = ~weight, nest = TRUE, data = dat)
  for (v in xvars) {
    domains <- list(list(label = "national", mask = rep(TRUE, nrow(dat))))
    for (kind in kinds) for (value in sort_values(dat[[kind]][!is.na(dat[[v]])]))
      domains[[length(domains) + 1]] <- list(
        label = paste0(kind, "=", value), mask = !is.na(dat[[kind]]) & dat[[kind]] == value)
    for (dom in domains) {
      idx <- which(dom$mask & !is.na(dat[[v]]))
      if (!length(idx)) next
      sub <- design[idx, ]
      if (sum(weights(sub)) == 0) next
      f <- as.formula(paste0("~", v))
      df <- degf(sub)
      n <- sum(weights(sub) != 0)
      for (stat in c("mean", "total")) {
        est <- suppressWarnings(if (stat == "mean") svymean(f, sub) else svytotal(f, sub))
        t_ci <- suppressWarnings(confint(est, df = df))
        z_ci <- confint(est)
        add(lonely = rule, variable = v, domain = dom$label, statistic = stat, n = n, df = df,
            estimate = fmt(coef(est)), se = fmt(SE(est)), t_low = fmt(t_ci[1]),
            t_high = fmt(t_ci[2]), z_low = fmt(z_ci[1]), z_high = fmt(z_ci[2]),
            smallest = NA, largest = NA, p_low = NA, p_high = NA, falls = NA, falls_low = NA, falls_high = NA)
      }
      # where qs() finds no cumulative weight <= p W, R takes the second smallest value:
      # flagged for the estimate and each bound (its share from woodruffCI's own svymean)
      xw <- sub$variables[[v]][weights(sub) > 0]; ww <- weights(sub)[weights(sub) > 0]
      falls <- function(p) !is.nan(p) && p >= 0 && p <= 1 && !(cumsum(ww[order(xw)])[1] <= p * sum(ww))
      for (p in PROBS) {
        q <- suppressWarnings(svyquantile(f, sub, quantiles = p))[[1]]
        share <- svymean(as.numeric(sub$variables[[v]] <= q[1, 1]), sub)
        names(share) <- "pmed"
        bounds <- suppressWarnings(as.vector(confint(share, 1, df = df)))
        add(lonely = rule, variable = v, domain = dom$label, statistic = paste0("q", p),
            n = n, df = df, estimate = fmt(q[1, 1]), se = fmt(q[1, 4]), t_low = fmt(q[1, 2]),
            t_high = fmt(q[1, 3]), z_low = NA, z_high = NA, smallest = fmt(min(xw)),
            largest = fmt(max(xw)), p_low = fmt(bounds[1]), p_high = fmt(bounds[2]),
            falls = falls(p), falls_low = falls(bounds[1]), falls_high = falls(bounds[2]))
      }
    }
  }
}
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
message("numeric.R: ", length(rows), " rows")
