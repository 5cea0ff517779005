# R's survey package on a bench file, in a fresh process (the yardstick for design-based
# estimates):  Rscript bench/survey_r.R SURVEY.csv
# For every variable and domain (national, region, sex, age group): svyby(~factor(q), ~domain,
# design, svymean) on the design svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
# nest = TRUE), among the respondents with a substantive answer. Prints one JSON line.
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
data$age_group <- cut(data$age, c(17, 29, 44, 59, 110), labels = c("18-29", "30-44", "45-59", "60+"))
data$national <- 1
variables <- grep("^q", names(data), value = TRUE)
design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = data)
started <- proc.time()[["elapsed"]]
cells <- 0
for (variable in variables) {
  valid <- subset(design, get(variable) != 9)
  for (domain in c("national", "region", "sex", "age_group")) {
    found <- svyby(as.formula(paste0("~factor(", variable, ")")), as.formula(paste0("~", domain)),
                   valid, svymean)
    cells <- cells + sum(grepl("^factor", names(found)) & !grepl("^se\\.", names(found))) * nrow(found)
  }
}
cat(sprintf('{"compute_s": %.3f, "cells": %d}\n', proc.time()[["elapsed"]] - started, cells))
