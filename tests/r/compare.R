#!/usr/bin/env Rscript
# compare.R -- R's survey package as the yardstick for marts.study_differences,
# study_crosstabs and study_crosstab_tests (tests/marts/test_study_differences.py,
# test_study_crosstabs.py). One run does every job of a spec, so a test module starts R once.
#
#   Rscript compare.R SPEC.csv OUTDIR
#
# SPEC columns (one job a row; empty = not asked): job (a name), input, lonely (RULE[,RULE...]),
# vars (q_a,q_b: the questions whose domain differences to compute; empty = every q_*; `none`
# = no differences), crosstabs (ROW:COL,...), versus (OTHER.csv). Each job writes
# OUTDIR/<job>.<part>.csv, the parts below.
#
# INPUT is oracle.R's (respondent_id, weight, stratum, psu, region, sex, age_group, q_*); the
# design is the same svydesign(ids = ~psu or ~1, strata = ~stratum or NULL, weights = ~weight,
# nest = TRUE), survey.adjust.domain.lonely = FALSE.
#
# <job>.differences.csv -- two domains of one design, for every q_* (or `vars`), domain
# variable (region, sex, age_group), pair (a, b) of its values and category k:
#   sub <- design[answered & domain in {a, b}, ]
#   svycontrast(svyby(~I(v == k), ~dom, sub, svymean, covmat = TRUE), a - b)
#   and, for the first category of each pair, svyttest(I(v == k) ~ I(dom == a), sub):
#   estimate, statistic, df (parameter), p.value and conf.int.
# <job>.versus.csv (with `versus`) -- INPUT minus OTHER for each q_* both have, national and by
#   region: the two files stacked as one design with strata study x stratum (independent
#   samples), svycontrast of svyby(~I(v == k), ~study, ...); z and p = 2 pnorm(-|z|).
# <job>.crosstabs.csv -- for each ROW:COL, national: svymean of the cells
#   (interaction(row, col)), svyby(~col, ~row, svymean) and svyby(~row, ~col, svymean).
# <job>.tests.csv -- svychisq(~row + col, statistic = "F") and (statistic = "Chisq").
# A pair's rows are the respondents who answered both (levels with weight). Numbers %.17g.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) {
  message("usage: Rscript compare.R SPEC.csv OUTDIR")
  quit(status = 64)
}
spec <- read.csv(args[1], colClasses = "character", na.strings = "")
outdir <- args[2]
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
fmt <- function(x) sprintf("%.17g", as.numeric(x))
quiet <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) e)
read_study <- function(path) {
  d <- read.csv(path, colClasses = "character", na.strings = c("", "NA"), check.names = FALSE)
  d$weight <- as.numeric(d$weight)
  d
}
sort_codes <- function(x) {
  x <- unique(x[!is.na(x)])
  num <- suppressWarnings(as.numeric(x))
  if (length(x) && !anyNA(num)) x[order(num)] else sort(x)
}
has_col <- function(d, nm) nm %in% names(d) && !all(is.na(d[[nm]]))
make_design <- function(d) svydesign(ids = if (has_col(d, "psu")) ~psu else ~1,
                                     strata = if (has_col(d, "stratum")) ~stratum else NULL,
                                     weights = ~weight, nest = TRUE, data = d)
write_rows <- function(job, rows, suffix, numeric) {
  if (!length(rows)) return(invisible())
  res <- do.call(rbind, rows)
  for (cc in numeric) res[[cc]] <- fmt(res[[cc]])
  write.csv(res, file.path(outdir, paste0(job, ".", suffix, ".csv")), row.names = FALSE)
}

run_job <- function(opt) {
  dat <- read_study(opt$input)
  rules <- strsplit(opt$lonely, ",")[[1]]
  qvars <- if (is.na(opt$vars)) grep("^q_", names(dat), value = TRUE) else
    strsplit(opt$vars, ",")[[1]]
  dvars <- if (identical(opt$vars, "none")) character() else qvars
  if (identical(opt$vars, "none")) qvars <- grep("^q_", names(dat), value = TRUE)
  diffs <- list(); versus <- list(); cells <- list(); tests <- list()
  for (rule in rules) {
    options(survey.lonely.psu = rule, survey.adjust.domain.lonely = FALSE)
    design <- make_design(dat)
    # --- two domains of one design ----------------------------------------------------------
    for (v in dvars) {
      cats <- sort_codes(dat[[v]])
      for (kind in c("region", "sex", "age_group")) {
        levels <- sort_codes(dat[[kind]][!is.na(dat[[v]])])
        for (ia in seq_along(levels)) for (ib in seq_along(levels)) {
          if (ib <= ia) next
          a <- levels[ia]; b <- levels[ib]
          idx <- which(!is.na(dat[[v]]) & !is.na(dat[[kind]]) & dat[[kind]] %in% c(a, b))
          sub <- design[idx, ]
          sub$variables$.dom <- factor(ifelse(sub$variables[[kind]] == a, "a", "b"),
                                       levels = c("a", "b"))
          w <- weights(sub)
          if (sum(w[sub$variables$.dom == "a"]) == 0 || sum(w[sub$variables$.dom == "b"]) == 0)
            next  # svyby leaves out a domain without weight
          names_k <- paste0(".c", seq_along(cats))
          for (j in seq_along(cats))
            sub$variables[[names_k[j]]] <- as.numeric(sub$variables[[v]] == cats[j])
          by <- quiet(svyby(as.formula(paste("~", paste(names_k, collapse = "+"))), ~.dom, sub,
                            svymean, covmat = TRUE))
          tt <- quiet(svyttest(as.formula(paste(names_k[1], "~ I(.dom == 'a')")), sub))
          for (j in seq_along(cats)) {
            r <- data.frame(lonely = rule, variable = v, category_code = cats[j],
                            domain = paste0(kind, "=", a), base_domain = paste0(kind, "=", b),
                            difference = NA, std_error = NA, t_estimate = NA, t_statistic = NA,
                            t_df = NA, t_p = NA, t_low = NA, t_high = NA, error = "",
                            stringsAsFactors = FALSE)
            if (inherits(by, "error")) {
              r$error <- conditionMessage(by)
            } else {
              ct <- svycontrast(by, setNames(c(1, -1), paste0(c("a", "b"), ":", names_k[j])))
              r$difference <- as.numeric(coef(ct)); r$std_error <- as.numeric(SE(ct))
            }
            if (j == 1 && !inherits(tt, "error")) {
              r$t_estimate <- as.numeric(tt$estimate); r$t_statistic <- as.numeric(tt$statistic)
              r$t_df <- as.numeric(tt$parameter); r$t_p <- as.numeric(tt$p.value)
              r$t_low <- tt$conf.int[1]; r$t_high <- tt$conf.int[2]
            }
            diffs[[length(diffs) + 1]] <- r
          }
        }
      }
    }
    # --- one question in two studies (independent samples) ------------------------------------
    if (!is.na(opt$versus)) {
      other <- read_study(opt$versus)
      tag <- function(d, s) {
        d$stratum <- paste(s, if (has_col(d, "stratum")) d$stratum else "")
        d$psu <- paste(s, if (has_col(d, "psu")) d$psu else d$respondent_id)
        d$.study <- s
        d
      }
      common <- intersect(qvars, names(other))
      both <- rbind(tag(dat[, c("respondent_id", "weight", "stratum", "psu", "region", common)],
                        "later"),
                    tag(other[, c("respondent_id", "weight", "stratum", "psu", "region", common)],
                        "earlier"))
      both$.study <- factor(both$.study, levels = c("later", "earlier"))
      stacked <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE,
                           data = both)
      for (v in common) {
        cats <- sort_codes(both[[v]])
        doms <- list(list(label = "national", mask = rep(TRUE, nrow(both))))
        for (lv in sort_codes(both$region))
          doms[[length(doms) + 1]] <- list(label = paste0("region=", lv),
                                           mask = !is.na(both$region) & both$region == lv)
        for (dom in doms) {
          idx <- which(dom$mask & !is.na(both[[v]]))
          if (length(unique(both$.study[idx])) < 2) next
          sub <- stacked[idx, ]
          if (any(tapply(weights(sub), sub$variables$.study, sum) == 0, na.rm = TRUE)) next
          for (j in seq_along(cats)) {
            sub$variables$.ind <- as.numeric(sub$variables[[v]] == cats[j])
            by <- quiet(svyby(~.ind, ~.study, sub, svymean, covmat = TRUE))
            if (inherits(by, "error")) next
            ct <- svycontrast(by, c(later = 1, earlier = -1))
            est <- as.numeric(coef(ct)); se <- as.numeric(SE(ct)); z <- est / se
            versus[[length(versus) + 1]] <- data.frame(
              lonely = rule, variable = v, category_code = cats[j], domain = dom$label,
              difference = est, std_error = se, p_value = 2 * pnorm(-abs(z)),
              stringsAsFactors = FALSE)
          }
        }
      }
    }
    # --- cross-tabulations and Rao-Scott tests --------------------------------------------------
    for (pair in if (is.na(opt$crosstabs)) character() else strsplit(opt$crosstabs, ",")[[1]]) {
      rc <- strsplit(pair, ":")[[1]]; rv <- rc[1]; cv <- rc[2]
      ok <- !is.na(dat[[rv]]) & !is.na(dat[[cv]])
      weighted_levels <- function(col) {
        lv <- sort_codes(dat[[col]][ok])
        lv[sapply(lv, function(l) sum(dat$weight[ok & dat[[col]] == l]) > 0)]
      }
      rl <- weighted_levels(rv); cl <- weighted_levels(cv)
      idx <- which(ok & dat[[rv]] %in% rl & dat[[cv]] %in% cl)
      sub <- design[idx, ]
      sub$variables$.r <- factor(sub$variables[[rv]], levels = rl)
      sub$variables$.c <- factor(sub$variables[[cv]], levels = cl)
      m <- quiet(svymean(~interaction(.r, .c), sub))
      byr <- quiet(svyby(~.c, ~.r, sub, svymean))
      byc <- quiet(svyby(~.r, ~.c, sub, svymean))
      for (jc in seq_along(cl)) for (ir in seq_along(rl)) {
        k <- (jc - 1) * length(rl) + ir
        r <- data.frame(lonely = rule, row_variable = rv, column_variable = cv,
                        row_code = rl[ir], column_code = cl[jc], estimate = NA, std_error = NA,
                        row_share = NA, row_share_se = NA, column_share = NA,
                        column_share_se = NA, stringsAsFactors = FALSE)
        if (!inherits(m, "error")) { r$estimate <- coef(m)[k]; r$std_error <- SE(m)[k] }
        if (!inherits(byr, "error")) {
          r$row_share <- coef(byr)[paste0(rl[ir], ":.c", cl[jc])]
          r$row_share_se <- sqrt(diag(vcov(byr)))[paste0(rl[ir], ":.c", cl[jc])]
        }
        if (!inherits(byc, "error")) {
          r$column_share <- coef(byc)[paste0(cl[jc], ":.r", rl[ir])]
          r$column_share_se <- sqrt(diag(vcov(byc)))[paste0(cl[jc], ":.r", rl[ir])]
        }
        cells[[length(cells) + 1]] <- r
      }
      f <- quiet(svychisq(~.r + .c, sub, statistic = "F"))
      x <- quiet(svychisq(~.r + .c, sub, statistic = "Chisq"))
      r <- data.frame(lonely = rule, row_variable = rv, column_variable = cv, f_statistic = NA,
                      f_ndf = NA, f_ddf = NA, f_p_value = NA, chisq_statistic = NA,
                      chisq_df = NA, chisq_p_value = NA, error = "", stringsAsFactors = FALSE)
      if (inherits(f, "error")) r$error <- conditionMessage(f) else {
        r$f_statistic <- f$statistic; r$f_ndf <- f$parameter[1]; r$f_ddf <- f$parameter[2]
        r$f_p_value <- f$p.value
      }
      if (!inherits(x, "error")) {
        r$chisq_statistic <- x$statistic; r$chisq_df <- x$parameter[1]
        r$chisq_p_value <- x$p.value
      }
      tests[[length(tests) + 1]] <- r
    }
  }
  write_rows(opt$job, diffs, "differences", c("difference", "std_error", "t_estimate", "t_statistic",
                                     "t_df", "t_p", "t_low", "t_high"))
  write_rows(opt$job, versus, "versus", c("difference", "std_error", "p_value"))
  write_rows(opt$job, cells, "crosstabs", c("estimate", "std_error", "row_share", "row_share_se",
                                   "column_share", "column_share_se"))
  write_rows(opt$job, tests, "tests", c("f_statistic", "f_ndf", "f_ddf", "f_p_value", "chisq_statistic",
                               "chisq_df", "chisq_p_value"))
}

for (k in seq_len(nrow(spec))) {
  opt <- as.list(spec[k, ])
  run_job(opt)
  message("compare.R: ", opt$job, " done")
}
