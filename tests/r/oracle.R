#!/usr/bin/env Rscript
# oracle.R -- R's survey package as the yardstick for marts.study_estimates
# (adapted from the reference study in /work/scratch/roracle; its REPORT.md gives the semantics).
#
#   Rscript oracle.R INPUT.csv --lonely RULE[,RULE...] --out OUT.csv [--level 0.95]
#
# RULE: fail | remove | certainty | adjust | average (options(survey.lonely.psu = RULE));
# survey.adjust.domain.lonely stays FALSE (the package default, and Ahual's).
#
# INPUT columns: respondent_id, weight, stratum (may be empty), psu (may be empty), region,
# sex, age_group, q_* answer codes; empty = missing (no valid answer / not in that domain).
# The design is svydesign(ids = ~psu or ~1, strata = ~stratum or NULL, weights = ~weight,
# nest = TRUE). Categories are the distinct codes of each q_* column (sorted numerically);
# domains are national and region=X, sex=X, age_group=X for each value X.
#
# Per rule, variable v and domain D:
#   sub <- design[D & !is.na(v), ]        (rows dropped, the full design's PSU counts kept: what
#                                          svyby(~factor(v), ~D, subset(design, !is.na(v)),
#                                          svymean) does domain by domain)
#   m   <- svymean(<0/1 indicator per category>, sub)
#   estimate = coef(m); std_error = SE(m); df = degf(sub); n_rows = nrow(sub)
#   normal = confint(m); t = confint(m, df = degf(sub))
#   logit  = svyciprop(~ind, sub, method = "logit"); beta = svyciprop(~ind, sub, method = "beta")
#
# OUT columns: lonely, variable, category_code, domain, estimate, std_error, df, n_rows,
# normal_low, normal_high, t_low, t_high, logit_low, logit_high, beta_low, beta_high, error
# (numbers printed with %.17g; NaN and NA literally; `error` holds R's error for the cell, e.g.
# fail on a single-PSU stratum). A domain with no valid answer is left out.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
usage <- function(msg) {
  message("oracle.R: ", msg)
  message("usage: Rscript oracle.R INPUT.csv --lonely RULE[,RULE...] --out OUT.csv [--level 0.95]")
  quit(status = 64)
}
input <- NULL; rules <- NULL; out <- NULL; level <- 0.95
i <- 1
while (i <= length(args)) {
  a <- args[i]
  if (a == "--lonely") { rules <- strsplit(args[i + 1], ",")[[1]]; i <- i + 2 }
  else if (a == "--out") { out <- args[i + 1]; i <- i + 2 }
  else if (a == "--level") { level <- as.numeric(args[i + 1]); i <- i + 2 }
  else if (startsWith(a, "--")) usage(paste("unknown option", a))
  else { input <- a; i <- i + 1 }
}
if (is.null(input) || is.null(rules) || is.null(out)) usage("INPUT, --lonely and --out are required")
if (!all(rules %in% c("fail", "remove", "certainty", "adjust", "average"))) usage("bad --lonely")

dat <- read.csv(input, colClasses = "character", na.strings = c("", "NA"), check.names = FALSE)
dat$weight <- as.numeric(dat$weight)
has_col <- function(nm) nm %in% names(dat) && !all(is.na(dat[[nm]]))
qvars <- grep("^q_", names(dat), value = TRUE)
sort_codes <- function(x) {
  x <- unique(x[!is.na(x)])
  num <- suppressWarnings(as.numeric(x))
  if (length(x) && !anyNA(num)) x[order(num)] else sort(x)
}
domains <- list(list(label = "national", mask = rep(TRUE, nrow(dat))))
for (dv in c("region", "sex", "age_group"))
  for (lv in sort_codes(dat[[dv]]))
    domains[[length(domains) + 1]] <- list(label = paste0(dv, "=", lv),
                                           mask = !is.na(dat[[dv]]) & dat[[dv]] == lv)
fmt <- function(x) sprintf("%.17g", as.numeric(x))
quiet <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) e)

rows <- list()
for (rule in rules) {
  options(survey.lonely.psu = rule, survey.adjust.domain.lonely = FALSE)
  design <- svydesign(ids = if (has_col("psu")) ~psu else ~1,
                      strata = if (has_col("stratum")) ~stratum else NULL,
                      weights = ~weight, nest = TRUE, data = dat)
  for (v in qvars) {
    cats <- sort_codes(dat[[v]])
    valid <- !is.na(dat[[v]])
    for (dom in domains) {
      idx <- which(dom$mask & valid)
      if (!length(idx)) next
      sub <- design[idx, ]
      X <- matrix(sapply(cats, function(k) as.numeric(sub$variables[[v]] == k)),
                  nrow = length(idx), dimnames = list(NULL, cats))
      m <- quiet(svymean(X, sub))
      dfd <- degf(sub); nr <- nrow(sub)
      for (j in seq_along(cats)) {
        r <- data.frame(lonely = rule, variable = v, category_code = cats[j],
                        domain = dom$label, estimate = NA, std_error = NA, df = dfd,
                        n_rows = nr, normal_low = NA, normal_high = NA, t_low = NA,
                        t_high = NA, logit_low = NA, logit_high = NA, beta_low = NA,
                        beta_high = NA, error = "", stringsAsFactors = FALSE)
        if (inherits(m, "error")) {
          r$error <- conditionMessage(m)
        } else {
          ci_n <- confint(m, level = level); ci_t <- suppressWarnings(confint(m, level = level, df = dfd))
          r$estimate <- coef(m)[j]; r$std_error <- SE(m)[j]
          r$normal_low <- ci_n[j, 1]; r$normal_high <- ci_n[j, 2]
          r$t_low <- ci_t[j, 1]; r$t_high <- ci_t[j, 2]
          sub$variables$.ind <- X[, j]
          lg <- quiet(confint(svyciprop(~.ind, sub, method = "logit", level = level)))
          bt <- quiet(confint(svyciprop(~.ind, sub, method = "beta", level = level)))
          if (!inherits(lg, "error")) { r$logit_low <- lg[1]; r$logit_high <- lg[2] }
          if (!inherits(bt, "error")) { r$beta_low <- bt[1]; r$beta_high <- bt[2] }
        }
        rows[[length(rows) + 1]] <- r
      }
    }
  }
}
res <- do.call(rbind, rows)
for (cc in c("estimate", "std_error", "normal_low", "normal_high", "t_low", "t_high",
             "logit_low", "logit_high", "beta_low", "beta_high")) res[[cc]] <- fmt(res[[cc]])
write.csv(res, out, row.names = FALSE)
message(sprintf("oracle.R: %s rules=%s rows=%d -> %s", input, paste(rules, collapse = ","),
                nrow(res), out))
