# R's survey package on a bench file, in a fresh process: the yardstick for marts.study_means
# and study_quantiles (bench/bench_survey_compare.py).
#   Rscript bench/survey_numeric_r.R SURVEY.csv VARIABLE[,VARIABLE...]
# For every numeric variable (code 9 = no answer) and domain (national, region, sex, age group):
# svyby(~x, ~domain, answered, svymean), svytotal and svyquantile(quantiles = c(.25, .5, .75))
# with its default interval, on svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
# nest = TRUE). Reading the file is not timed. Prints one JSON line.
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
variables <- strsplit(args[2], ",")[[1]]
for (v in setdiff(variables, "age")) data[[v]][data[[v]] == 9] <- NA
data$age_group <- cut(data$age, c(17, 29, 44, 59, 110), labels = c("18-29", "30-44", "45-59", "60+"))
data$national <- 1
design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = data)
started <- proc.time()[["elapsed"]]
means <- 0; quantiles <- 0
for (v in variables) {
  answered <- design[!is.na(data[[v]]), ]
  f <- as.formula(paste0("~", v))
  for (domain in c("national", "region", "sex", "age_group")) {
    by <- as.formula(paste0("~", domain))
    m <- svyby(f, by, answered, svymean)
    t <- svyby(f, by, answered, svytotal)
    q <- svyby(f, by, answered, svyquantile, quantiles = c(0.25, 0.5, 0.75), ci = TRUE)
    means <- means + nrow(m); quantiles <- quantiles + 3 * nrow(q)
  }
}
cat(sprintf('{"compute_s": %.3f, "means": %d, "quantiles": %d}\n',
            proc.time()[["elapsed"]] - started, means, quantiles))
