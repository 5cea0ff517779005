#!/usr/bin/env Rscript
# make_studies.R OUTDIR -- study files for Ahual built from R's own design data sets, for the
# oracle comparison in tests/marts/test_study_estimates.py (deterministic: same bytes each run).
#
# Each <name>.csv is at once an Ahual survey file (read with <name>.codebook.csv) and the input
# of oracle.R: respondent_id, weight, stratum, psu, region (a KATO region code), sex
# (male/female), age_group (a range such as 18-29) and q_* answer codes.
#
#   api_strat   data(api) apistrat: strata = stype, weight = pw, no PSU        (stratified)
#   api_clus1   data(api) apiclus1: PSU = dnum, weight = pw                    (clustered)
#   nhanes      data(nhanes): strata SDMVSTRA, PSU SDMVPSU, weight WTMEC2YR     (stratified-clustered)
#   nhanes_lonely  nhanes without stratum 89's PSU 2: stratum 89 has a single PSU
#   small_edge  hand-made: zero weights (a PSU of them), a single-PSU stratum, a domain inside
#               one PSU, a domain whose answers are all one category, a zero-weight domain
#
# And nhanes_style.sav: NHANES as a statistician holds it (SEQN, WTMEC2YR, SDMVSTRA, SDMVPSU,
# RIAGENDR and an age group AGEGRP as labelled codes, REGION labelled with region names, extra
# columns, questions RLQ010-RLQ040 with "Refused"/"Don't know" codes 7 and 9 labelled but NOT
# declared missing), written with haven, plus nhanes_style.oracle.csv: the same file read back
# with haven into oracle.R's columns (codes 7 and 9 kept as answers, as the file says).
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) { message("usage: Rscript make_studies.R OUTDIR"); quit(status = 64) }
out <- args[1]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
data(api); data(nhanes)
REGIONS <- c(11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 71, 75)

write_study <- function(df, name, labels) {
  write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  rows <- list()
  for (v in grep("^q_", names(df), value = TRUE)) {
    codes <- sort(unique(df[[v]][!is.na(df[[v]])]))
    lab <- labels[[v]]
    rows[[length(rows) + 1]] <- data.frame(
      variable = v, code = codes,
      label_en = if (is.null(lab)) paste("code", codes) else unname(lab[as.character(codes)]),
      missing = "", stringsAsFactors = FALSE)
  }
  write.csv(do.call(rbind, rows), file.path(out, paste0(name, ".codebook.csv")),
            row.names = FALSE)
}

yes_no <- function(x) ifelse(as.character(x) == "Yes", 1L, 2L)
api_study <- function(a, stratum, psu) {
  county <- as.integer(factor(a$cname))
  band <- cut(a$api99, breaks = c(-Inf, 550, 650, 750, Inf),
              labels = c("18-29", "30-44", "45-59", "60+"))
  data.frame(respondent_id = a$snum, weight = a$pw, stratum = stratum, psu = psu,
             region = REGIONS[(county - 1) %% 16 + 1],
             sex = ifelse(a$dnum %% 2 == 0, "male", "female"),
             age_group = as.character(band),
             q_sch_wide = yes_no(a$sch.wide), q_comp_imp = yes_no(a$comp.imp),
             q_both = yes_no(a$both), q_awards = yes_no(a$awards), q_yr_rnd = yes_no(a$yr.rnd),
             q_acs_k3 = as.integer(cut(a$acs.k3, c(-Inf, 18, 19, 20, Inf))),
             q_ell = as.integer(cut(a$ell, c(-Inf, 9, 29, 49, Inf))),
             stringsAsFactors = FALSE)
}
yn <- c("1" = "Yes", "2" = "No")
api_labels <- list(q_sch_wide = yn, q_comp_imp = yn, q_both = yn, q_awards = yn, q_yr_rnd = yn,
                   q_acs_k3 = c("1" = "18 or fewer", "2" = "19", "3" = "20", "4" = "over 20"),
                   q_ell = c("1" = "under 10%", "2" = "10-29%", "3" = "30-49%",
                             "4" = "50% or more"))
write_study(api_study(apistrat, as.character(apistrat$stype), NA), "api_strat", api_labels)
write_study(api_study(apiclus1, NA, apiclus1$dnum), "api_clus1", api_labels)

ages <- c("0-19", "20-39", "40-59", "60+")
nh <- data.frame(respondent_id = seq_len(nrow(nhanes)), weight = nhanes$WTMEC2YR,
                 stratum = nhanes$SDMVSTRA, psu = nhanes$SDMVPSU,
                 region = REGIONS[nhanes$race], sex = c("male", "female")[nhanes$RIAGENDR],
                 age_group = ages[as.integer(nhanes$agecat)],
                 q_hi_chol = nhanes$HI_CHOL, q_race = nhanes$race,
                 q_agecat = as.integer(nhanes$agecat))
nh_labels <- list(q_hi_chol = c("0" = "No", "1" = "Yes"),
                  q_race = c("1" = "Hispanic", "2" = "Non-Hispanic white",
                             "3" = "Non-Hispanic black", "4" = "Other"),
                  q_agecat = setNames(ages, 1:4))
write_study(nh, "nhanes", nh_labels)
write_study(nh[!(nh$stratum == 89 & nh$psu == 2), ], "nhanes_lonely", nh_labels)

# S1: PSUs 1-4, PSU 4 only zero weights; S2: PSUs 1-2, one zero weight; S3: one PSU (lonely).
# region 11 lies inside S1/PSU 1; region 23 inside the lonely S3; region 27 carries no weight;
# in age group 60+ every answer to q_a is 1.
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
  q_a = c(1,2,1, 2,3,1, 1,2,1, 3,2,1, 2,1,3, 1,2,3, 2,1,NA),
  q_b = c(1,1,1, 2,NA,1, 2,2,1, 1,1,2, NA,1,2, 1,2,2, 2,2,1),
  stringsAsFactors = FALSE)
sm$q_a[sm$age_group == "60+" & !is.na(sm$q_a)] <- 1
sm <- cbind(respondent_id = seq_len(nrow(sm)), sm)
write_study(sm, "small_edge", list(q_a = c("1" = "one", "2" = "two", "3" = "three"),
                                   q_b = c("1" = "x", "2" = "y")))

# --- the NHANES-style .sav (adults only: the study's ages are 18-110) ---------------------
adults <- nhanes[as.integer(nhanes$agecat) > 1, ]
seqn <- 51623 + which(as.integer(nhanes$agecat) > 1)
h <- function(k) (seqn * 7919 + k * 104729) %% 1000             # deterministic pseudo-random
chol <- ifelse(is.na(adults$HI_CHOL), NA, ifelse(adults$HI_CHOL == 1, 1, 2))
na_rows <- which(is.na(chol))
chol[na_rows[seq_len(min(40, length(na_rows)))]] <- 7            # refused
chol[na_rows[40 + seq_len(min(25, length(na_rows) - 40))]] <- 9  # don't know
lab <- function(x, labels) labelled(x, labels)
region_names <- c("Akmola Region" = 11, "Aktobe Region" = 15, "Almaty Region" = 19,
                  "Atyrau Region" = 23)
sav <- data.frame(
  SEQN = seqn,
  SDDSRVYR = 2,                                                  # extra: survey cycle
  RIAGENDR = lab(adults$RIAGENDR, c(Male = 1, Female = 2)),
  AGEGRP = lab(as.integer(adults$agecat) - 1, c("20-39" = 1, "40-59" = 2, "60+" = 3)),
  REGION = lab(REGIONS[adults$race], region_names),
  RIDRETH1 = lab(adults$race, c("Mexican American" = 1, "Non-Hispanic White" = 2,
                                "Non-Hispanic Black" = 3, "Other" = 4)),  # labelled, not mapped
  INDFMPIR = round(h(1) / 200, 2),                               # extra: a ratio
  WTMEC2YR = adults$WTMEC2YR, SDMVSTRA = adults$SDMVSTRA, SDMVPSU = adults$SDMVPSU,
  RLQ010 = lab(chol, c(Yes = 1, No = 2, Refused = 7, "Don't know" = 9)),
  RLQ020 = lab(ifelse(h(2) < 15, 99, 1 + h(3) %% 4),
               c(Islam = 1, Orthodox = 2, Catholic = 3, Other = 4, Refused = 99)),
  RLQ030 = lab(ifelse(h(4) < 30, NA, 1 + h(5) %% 3), c(Weekly = 1, Monthly = 2, Never = 3)),
  RLQ040 = lab(ifelse(h(6) < 40, 9, 1 + h(7) %% 2), c(Fully = 1, Partly = 2,
                                                      "Hard to say" = 9)))
attr(sav$RLQ010, "label") <- "Do you consider yourself a religious believer?"
write_sav(sav, file.path(out, "nhanes_style.sav"))

back <- read_sav(file.path(out, "nhanes_style.sav"))
label_of <- function(x) as.character(as_factor(x, levels = "labels"))
oracle <- data.frame(respondent_id = back$SEQN, weight = back$WTMEC2YR,
                     stratum = back$SDMVSTRA, psu = back$SDMVPSU,
                     region = as.numeric(back$REGION), sex = tolower(label_of(back$RIAGENDR)),
                     age_group = label_of(back$AGEGRP),
                     q_believer = as.numeric(back$RLQ010), q_confession = as.numeric(back$RLQ020),
                     q_attendance = as.numeric(back$RLQ030), q_freedom = as.numeric(back$RLQ040))
write.csv(oracle, file.path(out, "nhanes_style.oracle.csv"), row.names = FALSE, na = "")
message("make_studies.R: wrote ", out)
