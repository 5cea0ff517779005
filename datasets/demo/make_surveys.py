"""Generate the demo microdata of the 9 studies in datasets/demo/survey/<STUDY>/ (committed).

MADE-UP RESPONDENTS. The programme plans 9 sociological studies but publishes none of their
data; these files are invented so that `ahual demo` can build `study_estimates`. Answers follow
plausible regional patterns (e.g. more believers in the south), nothing more. Three studies are
SPSS .sav files with value labels and user-missing codes (S01, S04 and S08, stratified-clustered:
region x settlement strata, clusters of about 20 respondents); the rest are CSV files with a
codebook CSV beside them. S03 has no weights (equal weights). Deterministic:
`python datasets/demo/make_surveys.py`.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pyreadstat
from make_registrations import HERE, REGIONS_2007

OUT = HERE / "survey"
SAV_STUDIES = {"S01", "S04", "S08"}
STUDIES = {  # study -> (design, respondents, weights given)
    "S01": ("stratified-clustered", 3200, True), "S02": ("stratified", 2400, True),
    "S03": ("simple", 2000, False), "S04": ("stratified-clustered", 3000, True),
    "S05": ("stratified", 2400, True), "S06": ("simple", 2000, True),
    "S07": ("stratified", 2400, True), "S08": ("stratified-clustered", 3200, True),
    "S09": ("stratified-clustered", 3600, True),
}
SOUTH = {"31", "43", "51", "19", "75"}  # more believers, more mosque attendance
# variable -> question (en), codes -> (en, ru, kk), missing codes
CODEBOOK = {
    "q_believer": ("Do you consider yourself a religious believer?", {
        1: ("Yes", "Да", "Иә"), 2: ("No", "Нет", "Жоқ"),
        8: ("Hard to say", "Затрудняюсь ответить", "Жауап беру қиын"),
        9: ("Refused", "Отказ от ответа", "Жауап беруден бас тартты")}, {8, 9}),
    "q_confession": ("Which religion do you belong to?", {
        1: ("Islam", "Ислам", "Ислам"), 2: ("Orthodox Christianity", "Православие", "Православие"),
        3: ("Catholicism", "Католицизм", "Католицизм"),
        4: ("Protestantism", "Протестантизм", "Протестантизм"),
        5: ("Judaism", "Иудаизм", "Иудаизм"), 6: ("Buddhism", "Буддизм", "Буддизм"),
        7: ("Other", "Другое", "Басқа"), 8: ("None", "Не отношу себя ни к какой", "Ешқайсысы"),
        99: ("Refused", "Отказ от ответа", "Жауап беруден бас тартты")}, {99}),
    "q_attendance": ("How often do you attend places of worship?", {
        1: ("Weekly or more often", "Еженедельно и чаще", "Апта сайын не жиірек"),
        2: ("Monthly", "Ежемесячно", "Ай сайын"),
        3: ("On religious holidays", "По религиозным праздникам", "Діни мерекелерде"),
        4: ("Never", "Никогда", "Ешқашан"),
        9: ("Hard to say", "Затрудняюсь ответить", "Жауап беру қиын")}, {9}),
    "q_freedom": ("Is freedom of religion ensured in Kazakhstan?", {
        1: ("Fully", "Полностью", "Толық"), 2: ("Partly", "Частично", "Ішінара"),
        3: ("Not ensured", "Не обеспечена", "Қамтамасыз етілмеген"),
        9: ("Hard to say", "Затрудняюсь ответить", "Жауап беру қиын")}, {9}),
}


def respondents(study: str, design: str, n: int, weighted: bool) -> pd.DataFrame:
    rng = np.random.default_rng(int(study[1:]) * 1185)
    regions = np.array(REGIONS_2007)
    region = rng.choice(regions, size=n)
    frame = pd.DataFrame({"respondent_id": np.arange(1, n + 1) + int(study[1:]) * 100_000,
                          "region": region})
    if design != "simple":
        settlement = rng.choice(["urban", "rural"], size=n, p=[0.55, 0.45])
        frame["stratum"] = [f"{r}-{s}" for r, s in zip(region, settlement, strict=True)]
    if design == "stratified-clustered":  # about 20 interviews per cluster
        frame["psu"] = frame.groupby("stratum").cumcount() // 20 + 1
    frame["sex"] = rng.choice([1, 2], size=n, p=[0.46, 0.54])
    frame["age"] = rng.integers(18, (29 if study == "S03" else 85) + 1, size=n)
    if weighted:
        frame["weight"] = np.round(rng.lognormal(0, 0.35, size=n), 4)
    south = np.isin(region, list(SOUTH))
    believer = rng.random(n) < np.where(south, 0.86, 0.72)
    frame["q_believer"] = np.where(believer, 1, 2)
    frame.loc[rng.random(n) < 0.05, "q_believer"] = 8
    confession = np.where(south, rng.choice([1, 2, 4, 7, 8], size=n, p=[.8, .1, .03, .02, .05]),
                          rng.choice([1, 2, 3, 4, 5, 6, 7, 8], size=n,
                                     p=[.55, .3, .02, .04, .01, .01, .02, .05]))
    frame["q_confession"] = np.where(rng.random(n) < 0.02, 99, confession)
    frame["q_attendance"] = rng.choice([1, 2, 3, 4, 9], size=n, p=[.12, .15, .45, .24, .04])
    frame["q_freedom"] = rng.choice([1, 2, 3, 9], size=n, p=[.62, .24, .04, .10])
    frame["q_freedom"] = frame["q_freedom"].astype("Int64")
    frame.loc[rng.random(n) < 0.01, "q_freedom"] = pd.NA  # not asked: an empty answer
    return frame


def write_sav(study: str, frame: pd.DataFrame) -> None:
    names = {r: n for r, n in zip(REGIONS_2007, _region_names(), strict=True)}
    labels = {v: {float(c): t[0] for c, t in codes.items()}
              for v, (_, codes, _) in CODEBOOK.items()}
    labels["sex"] = {1.0: "male", 2.0: "female"}
    labels["region"] = {float(r): names[r] for r in REGIONS_2007}
    frame = frame.assign(region=frame["region"].astype(int),
                         q_freedom=frame["q_freedom"].astype("float64"))
    missing = {v: [{"lo": float(m), "hi": float(m)} for m in sorted(miss)]
               for v, (_, _, miss) in CODEBOOK.items()}
    pyreadstat.write_sav(
        frame, OUT / study / f"{study}.sav",
        file_label=f"Ahual demo study {study}: MADE-UP RESPONDENTS",
        column_labels={v: q for v, (q, _, _) in CODEBOOK.items()},
        variable_value_labels=labels, missing_ranges=missing)
    _write_codebook(OUT / study / f"{study}.codebook.csv", translations_only=True)


def write_csv(study: str, frame: pd.DataFrame) -> None:
    frame.to_csv(OUT / study / f"{study}.csv", index=False)
    _write_codebook(OUT / study / f"{study}.codebook.csv")


def _write_codebook(path, translations_only: bool = False) -> None:
    """A .sav carries its own labels; its codebook CSV adds the kk/ru/en translations."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["variable", "question_en", "code", "label_en", "label_ru", "label_kk",
                      "missing"])
        for variable, (question, codes, missing) in CODEBOOK.items():
            for code, (en, ru, kk) in codes.items():
                out.writerow([variable, question, code, en, ru, kk,
                              "yes" if code in missing else ""])
        if not translations_only:
            for code, (en, ru, kk) in {1: ("male", "мужской", "ер"),
                                       2: ("female", "женский", "әйел")}.items():
                out.writerow(["sex", "Sex", code, en, ru, kk, ""])


def _region_names() -> list[str]:
    regions = pd.read_csv(HERE.parent / "reference" / "regions.csv", dtype=str)
    return [regions.set_index("region_code").at[r, "name_en"] for r in REGIONS_2007]


def main() -> None:
    for study, (design, n, weighted) in STUDIES.items():
        (OUT / study).mkdir(parents=True, exist_ok=True)
        frame = respondents(study, design, n, weighted)
        (write_sav if study in SAV_STUDIES else write_csv)(study, frame)


if __name__ == "__main__":
    main()
