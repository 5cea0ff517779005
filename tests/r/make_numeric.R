#!/usr/bin/env Rscript
# make_numeric.R OUTDIR -- study files with numeric questions for the means, totals and
# quantiles marts (tests/marts/test_study_means.py), built from R's own design data sets
# (deterministic: same bytes each run). Each <name>.csv is an Ahual survey file (read with
# <name>.codebook.csv; its x_* columns are extra columns, declared numeric by the test's
# registry) and the input of numeric.R: respondent_id, weight, stratum, psu, region (a KATO
# code), sex, age_group, q_* answer codes, x_* numbers (empty: no answer).
#
#   api_strat_num   data(api) apistrat: strata = stype, weight = pw, no PSU; x_api00,
#                   x_enroll, x_acs_k3 (ties, NAs), x_avg_ed (decimals, NAs)
#   api_clus1_num   data(api) apiclus1: PSU = dnum, weight = pw; the same numbers
#   nhanes_num      data(nhanes): strata SDMVSTRA, PSU SDMVPSU, weight WTMEC2YR; x_score, a
#                   made-up whole number 0-96 (many ties; NA where HI_CHOL is)
#   nhanes_lonely_num  nhanes_num without stratum 89's PSU 2: stratum 89 has a single PSU
#   small_num       hand-made: zero weights (a PSU of them), a single-PSU stratum, a domain
#                   inside one PSU, a zero-weight domain, ties and an empty answer
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) { message("usage: Rscript make_numeric.R OUTDIR"); quit(status = 64) }
out <- args[1]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
data(api); data(nhanes)
REGIONS <- c(11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 71, 75)

write_study <- function(df, name) {
  write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  rows <- list()
  for (v in grep("^q_", names(df), value = TRUE)) {
    codes <- sort(unique(df[[v]][!is.na(df[[v]])]))
    rows[[length(rows) + 1]] <- data.frame(variable = v, code = codes,
                                           label_en = paste("code", codes), missing = "",
                                           stringsAsFactors = FALSE)
  }
  write.csv(do.call(rbind, rows), file.path(out, paste0(name, ".codebook.csv")),
            row.names = FALSE)
}

api_study <- function(a, stratum, psu) {
  county <- as.integer(factor(a$cname))
  band <- cut(a$api99, breaks = c(-Inf, 550, 650, 750, Inf),
              labels = c("18-29", "30-44", "45-59", "60+"))
  data.frame(respondent_id = a$snum, weight = a$pw, stratum = stratum, psu = psu,
             region = REGIONS[(county - 1) %% 16 + 1],
             sex = ifelse(a$dnum %% 2 == 0, "male", "female"),
             age_group = as.character(band),
             q_sch_wide = ifelse(as.character(a$sch.wide) == "Yes", 1L, 2L),
             x_api00 = a$api00, x_enroll = a$enroll, x_acs_k3 = a$acs.k3,
             x_avg_ed = a$avg.ed, stringsAsFactors = FALSE)
}
write_study(api_study(apistrat, as.character(apistrat$stype), NA), "api_strat_num")
write_study(api_study(apiclus1, NA, apiclus1$dnum), "api_clus1_num")

ages <- c("0-19", "20-39", "40-59", "60+")
id <- seq_len(nrow(nhanes))
nh <- data.frame(respondent_id = id, weight = nhanes$WTMEC2YR,
                 stratum = nhanes$SDMVSTRA, psu = nhanes$SDMVPSU,
                 region = REGIONS[nhanes$race], sex = c("male", "female")[nhanes$RIAGENDR],
                 age_group = ages[as.integer(nhanes$agecat)], q_hi_chol = nhanes$HI_CHOL,
                 x_score = ifelse(is.na(nhanes$HI_CHOL), NA, (id * 7919) %% 97))
write_study(nh, "nhanes_num")
write_study(nh[!(nh$stratum == 89 & nh$psu == 2), ], "nhanes_lonely_num")

# S1: PSUs 1-4, PSU 4 only zero weights; S2: PSUs 1-2, one zero weight; S3: one PSU (lonely).
# region 11 lies inside S1/PSU 1; region 23 inside the lonely S3; region 27 carries no weight.
sm <- data.frame(
  stratum = c(rep("S1", 12), rep("S2", 6), rep("S3", 3)),
  psu     = c(1,1,1, 2,2,2, 3,3,3, 4,4,4,  1,1,1, 2,2,2,  1,1,1),
  weight  = c(2,3,1, 1,0,2, 4,1,1, 0,0,0,  2,2,0, 1,3,1,  5,2,1),
  region  = c(11,11,11, 15,15,19, 19,15,19, 27,27,27, 15,19,27, 19,15,19, 23,23,23),
  sex     = c("female","male","female", "male","male","female", "male","female","male",
              "male","male","male", "female","male","male", "male","female","female",
              "male","female","male"),
  age_group = c("60+","18-29","60+", "18-29","18-29","60+", "18-29","18-29","60+",
                "18-29","60+","18-29", "18-29","60+","18-29", "60+","18-29","18-29",
                "18-29","60+","18-29"),
  q_a = c(1,2,1, 2,3,1, 1,2,1, 3,2,1, 2,1,3, 1,2,3, 2,1,1),
  x_visits = c(3,0,3, 12,5,0, 1,3,7, 2,2,9, 0,4,1, 3,NA,2, 6,3,0),
  x_index = c(2.5,1.25,4, 3.75,0.5,2.5, 1,4,2.5, 3,3,3, 0.25,2.5,1, 4,3.5,2, 1.5,2.5,0.75),
  stringsAsFactors = FALSE)
sm <- cbind(respondent_id = seq_len(nrow(sm)), sm)
write_study(sm, "small_num")
message("make_numeric.R: wrote ", out)
