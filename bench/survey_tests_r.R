# R's survey package on a bench file, in a fresh process: the yardstick for
# marts.study_differences, study_crosstabs and study_crosstab_tests (bench/bench_survey_tests.py).
#   Rscript bench/survey_tests_r.R SURVEY.csv QUESTIONS DOMAIN_VARIABLES ROW:COL[,ROW:COL...]
# QUESTIONS and DOMAIN_VARIABLES are comma-separated (code 9 = no answer); the domain variables
# are region, sex, age_group and DOMAIN_VARIABLES (the study's declared ones). The design is
# svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE), lonely PSUs
# "adjust", survey.adjust.domain.lonely = FALSE (as tests/r/compare.R, the tests' oracle).
#
# Differences, for every question v and domain variable D (not v itself), the idiomatic fast
# way, one svyby per (v, D) rather than one svyttest per pair:
#   by <- svyby(~I(v == 1) + ... + I(v == 5), ~D, answered, svymean, covmat = TRUE)
#   svycontrast(by, <a - b for every pair of levels and category>)  -> difference, SE
#   df as svyttest's (degf of the pair's respondents - 1), t, 2 pt(-|t|, df), the 95% interval.
# Tables, for every ROW:COL, on the respondents who answered both: svymean(~interaction(r, c)),
#   svyby(~c, ~r, svymean), svyby(~r, ~c, svymean), svychisq(statistic = "F") and "Chisq".
# Reading the file is not timed. Prints one JSON line: compute_s, the cells of each part, and
# `checks`: a few cells' values keyed as bench_survey_tests.py keys Ahual's.
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust", survey.adjust.domain.lonely = FALSE)
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
questions <- strsplit(args[2], ",")[[1]]
declared <- strsplit(args[3], ",")[[1]]
tables <- lapply(strsplit(strsplit(args[4], ",")[[1]], ":"), identity)
for (v in questions) data[[v]][data[[v]] == 9] <- NA
data$region <- as.character(data$region)
data$sex <- c("male", "female")[data$sex]
data$age_group <- as.character(cut(data$age, c(17, 29, 44, 59, 110),
                                   labels = c("18-29", "30-44", "45-59", "60+")))
for (v in questions) data[[v]] <- as.character(data[[v]])
data$psu <- as.character(data$psu)
categories <- as.character(1:5)
for (v in questions) for (k in categories)
  data[[paste0(".", v, ".", k)]] <- as.numeric(!is.na(data[[v]]) & data[[v]] == k)
design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = data)
kinds <- c("region", "sex", "age_group", declared)
checks <- list()
check <- function(key, value) checks[[key]] <<- as.numeric(value)

started <- proc.time()[["elapsed"]]
differences <- 0
for (v in questions) {
  indicators <- paste0(".", v, ".", categories)
  f <- as.formula(paste("~", paste(indicators, collapse = "+")))
  for (kind in setdiff(kinds, v)) {
    inside <- !is.na(data[[v]]) & !is.na(data[[kind]])
    sub <- design[inside, ]
    levels <- sort(unique(data[[kind]][inside]))
    if (length(levels) < 2) next
    by <- svyby(f, as.formula(paste0("~", kind)), sub, svymean, covmat = TRUE)
    pairs <- t(combn(levels, 2))
    contrasts <- list()
    for (p in seq_len(nrow(pairs))) for (k in indicators)
      contrasts[[length(contrasts) + 1]] <- setNames(c(1, -1), paste0(pairs[p, ], ":", k))
    ct <- svycontrast(by, contrasts)
    estimate <- as.numeric(coef(ct)); se <- as.numeric(SE(ct))
    # svyttest's df: PSUs minus strata among the pair's respondents, minus 1
    d <- data[inside, ]
    psus <- table(d$psu, d[[kind]]) > 0; strata <- table(d$stratum, d[[kind]]) > 0
    count <- function(m, a, b) sum(m[, a] | m[, b])
    df <- mapply(function(a, b) count(psus, a, b) - count(strata, a, b) - 1,
                 pairs[, 1], pairs[, 2])
    df <- rep(df, each = length(categories))
    statistic <- estimate / se
    p_value <- 2 * pt(-abs(statistic), df)
    q <- qt(0.975, df)
    low <- estimate - q * se; high <- estimate + q * se
    differences <- differences + length(estimate)
    for (i in seq_along(categories)) {  # the first pair of each kind, every category
      key <- paste("difference", v, paste0(kind, "=", pairs[1, 1]), paste0(kind, "=", pairs[1, 2]),
                   categories[i], sep = "|")
      check(paste0(key, "|difference"), estimate[i]); check(paste0(key, "|std_error"), se[i])
      check(paste0(key, "|df"), df[i]); check(paste0(key, "|p_value"), p_value[i])
    }
  }
}
crosstabs <- 0; tests <- 0
for (pair in tables) {
  rv <- pair[1]; cv <- pair[2]
  ok <- !is.na(data[[rv]]) & !is.na(data[[cv]])
  rl <- sort(unique(data[[rv]][ok])); cl <- sort(unique(data[[cv]][ok]))
  sub <- design[ok, ]
  sub$variables$.r <- factor(sub$variables[[rv]], levels = rl)
  sub$variables$.c <- factor(sub$variables[[cv]], levels = cl)
  m <- svymean(~interaction(.r, .c), sub)
  byr <- svyby(~.c, ~.r, sub, svymean)
  byc <- svyby(~.r, ~.c, sub, svymean)
  fs <- svychisq(~.r + .c, sub, statistic = "F")
  xs <- svychisq(~.r + .c, sub, statistic = "Chisq")
  crosstabs <- crosstabs + length(coef(m)); tests <- tests + 1
  key <- paste("test", rv, cv, sep = "|")
  check(paste0(key, "|f_statistic"), fs$statistic); check(paste0(key, "|f_ndf"), fs$parameter[1])
  check(paste0(key, "|f_p_value"), fs$p.value)
  check(paste0(key, "|pearson_chisq"), xs$statistic)  # svychisq reports X2 itself
  check(paste0(key, "|chisq_p_value"), xs$p.value)
  # svyby without covmat has only the variances: vcov() says so, harmlessly
  row_se <- suppressWarnings(sqrt(diag(vcov(byr))))
  column_se <- suppressWarnings(sqrt(diag(vcov(byc))))
  for (jc in seq_along(cl)) for (ir in seq_along(rl)) {
    key <- paste("crosstab", rv, cv, rl[ir], cl[jc], sep = "|")
    k <- (jc - 1) * length(rl) + ir
    check(paste0(key, "|estimate"), coef(m)[k]); check(paste0(key, "|std_error"), SE(m)[k])
    check(paste0(key, "|row_share"), coef(byr)[paste0(rl[ir], ":.c", cl[jc])])
    check(paste0(key, "|row_share_se"), row_se[paste0(rl[ir], ":.c", cl[jc])])
    check(paste0(key, "|column_share_se"), column_se[paste0(cl[jc], ":.r", rl[ir])])
  }
}
elapsed <- proc.time()[["elapsed"]] - started
values <- sprintf('"%s": %.17g', names(checks), unlist(checks))
cat(sprintf(paste0('{"compute_s": %.3f, "differences": %d, "crosstabs": %d, "tests": %d, ',
                   '"checks": {%s}}\n'),
            elapsed, differences, crosstabs, tests, paste(values, collapse = ", ")))
