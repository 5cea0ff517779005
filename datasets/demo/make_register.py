"""Generate the demo register extracts in datasets/demo/register/ and their truth in
datasets/demo/register_truth.csv (run once, committed).

A MADE-UP REGISTER. Every association, name, BIN and date is invented. It is made consistent
with the demo's regional counts (datasets/demo/registrations/, make_registrations.py): on 1
January 2007, 2008 and 2009 the associations registered and not liquidated in each region and
confession are the reported count, but for the differences planted for the reconciliation to
explain: Pavlodar and North Kazakhstan count no branches, and a few associations liquidated
during 2007 were still counted (their liquidation reached the register only in a later
extract). With the real national totals of the 2011 re-registration: 4,551 associations on the
day the 2011 law came into force, 3,088 of them re-registered by 25 October 2012.

A register has what a real one has: the same association in several extracts (names in Kazakh
in one, Russian in another, a typo, quotes dropped), listed twice within an extract (once
without its BIN), old records without BINs, liquidations reported late, branches, South
Kazakhstan's associations under Turkistan or Shymkent after 2018. `register_truth.csv` gives
the true association of every record (file, row), for measuring the linkage.
Deterministic: `python datasets/demo/make_register.py`.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from make_registrations import HERE, REGIONS_2007, figures, names

from ahual.flows.kinds.register.bin import with_check_digit

OUT = HERE / "register"
TRUTH = HERE / "register_truth.csv"
NOTE = "DEMO DATA: a made-up register consistent with the demo's regional counts"
LAW = date(2011, 10, 25)  # the 2011 Law on religious activity comes into force
DEADLINE = date(2012, 10, 25)  # re-registration within a year
AT_LAW, REREGISTERED = 4551, 3088  # the real national totals
BRANCHES_NOT_COUNTED = ("55", "59")  # regions whose reports leave branches out
EXTRACTS = (date(2009, 1, 1), date(2013, 1, 1), date(2020, 1, 1))
TYPE = {"ISL": ("Мечеть", "мешіті"), "ORT": ("Приход", "приходы"),
        "CAT": ("Приход", "приходы"), "PRO": ("Церковь", "шіркеуі"),
        "JUD": ("Община", "қауымы"), "BUD": ("Община", "қауымы"),
        "NTR": ("Религиозное объединение", "діни бірлестігі"),
        "CHF": ("Фонд", "қоры")}
PROPER = [("Нур", "Нұр"), ("Иман", "Иман"), ("Береке", "Береке"), ("Ынтымак", "Ынтымақ"),
          ("Акжол", "Ақжол"), ("Рахмет", "Рахмет"), ("Шапагат", "Шапағат"), ("Умит", "Үміт"),
          ("Достык", "Достық"), ("Жулдыз", "Жұлдыз"), ("Сеним", "Сенім"), ("Азамат", "Азамат"),
          ("Покров", "Покров"), ("Вознесение", "Вознесение"), ("Благовест", "Благовест"),
          ("Ковчег", "Ковчег"), ("Эммануил", "Эммануил"), ("Голгофа", "Голгофа"),
          ("Маранафа", "Маранафа"), ("Вефиль", "Вефиль"), ("Сион", "Сион"), ("Агапе", "Агапе"),
          ("Нурлы", "Нұрлы"), ("Кайнар", "Қайнар"), ("Тениз", "Теңіз"), ("Алтын", "Алтын"),
          ("Самал", "Самал"), ("Мейрим", "Мейірім"), ("Сауле", "Сәуле"), ("Шуак", "Шуақ")]
SYLLABLES = [("Кара", "Қара"), ("Ак", "Ақ"), ("Кок", "Көк"), ("Сары", "Сары"),
             ("Тал", "Тал"), ("Булак", "Бұлақ"), ("Тобе", "Төбе"), ("Кум", "Құм"),
             ("Коль", "Көл"), ("Жар", "Жар"), ("Кайын", "Қайың"), ("Шок", "Шоқ"),
             ("Озен", "Өзен"), ("Мерген", "Мерген")]
FORMS = {"local": ("местное", "жергілікті", "local"), "branch": ("филиал", "филиал", "branch"),
         "regional": ("региональное", "өңірлік", "regional"),
         "republican": ("республиканское", "республикалық", "republican")}


@dataclass
class Association:
    key: str
    region: str
    confession: str
    form: str
    kato: str
    place: tuple[str, str]
    proper: tuple[str, str]
    registered: date
    bin: str | None = None
    old_number: str | None = None
    reregistered: date | None = None
    liquidated: date | None = None
    reason: str | None = None
    recorded: date | None = None  # the first extract that shows the liquidation
    later: dict = field(default_factory=dict)  # region/kato from 2018 (Shymkent, Turkistan)


def day_between(rng: random.Random, start: date, end: date) -> date:
    """A day after `start` and before `end` (never a report's own date)."""
    return start + timedelta(days=1 + rng.randrange((end - start).days - 1))


class Maker:
    def __init__(self, seed: int = 2011, scale: int = 1) -> None:
        self.rng, self.scale, self.made = random.Random(seed), scale, []
        self.places = {r: [self.place(r, i) for i in range(40 * scale)] for r in REGIONS_2007}
        self.used: set[tuple] = set()
        self.bins: set[str] = set()

    def place(self, region: str, i: int) -> tuple[str, tuple[str, str]]:
        a, b = self.rng.sample(SYLLABLES, 2)
        return f"{region}{i + 1:03d}{self.rng.randrange(10000):04d}", (a[0] + b[0].lower(),
                                                                       a[1] + b[1].lower())

    def new(self, region: str, confession: str, start: date, end: date,
            form: str | None = None) -> Association:
        rng = self.rng
        form = form or ("branch" if rng.random() < 0.06 else
                        "regional" if rng.random() < 0.03 else "local")
        while True:
            kato, place = rng.choice(self.places[region])
            proper = rng.choice(PROPER)
            if (region, kato, proper, confession) not in self.used or self.scale > 1:
                break
        self.used.add((region, kato, proper, confession))
        made = Association(f"A{len(self.made) + 1:06d}", region, confession, form, kato, place,
                           proper, day_between(rng, start, end))
        self.made.append(made)
        return made

    def cohort(self, counts: dict[str, dict[str, int]], start: date, end: date) -> None:
        for region in REGIONS_2007:
            for confession, n in sorted(counts[region].items()):
                for _ in range(n * self.scale):
                    made = self.new(region, confession, start, end)
                    if region in BRANCHES_NOT_COUNTED and made.form == "branch":
                        made.form = "local"  # counted: a branch here would be one more
                if region in BRANCHES_NOT_COUNTED and n:
                    for _ in range(max(1, n // 15) * self.scale):
                        self.new(region, confession, start, end, form="branch")

    def build(self) -> list[Association]:
        rng = self.rng
        y2007, y2008, y2009, _ = figures()
        y2008["35"] = dict(y2008["35"], **{"PRO-BAP": y2008["35"]["PRO-BAP"] + 2})
        grow = [(y2007, date(1991, 1, 1), date(2007, 1, 1)),
                ({r: {c: n - y2007[r].get(c, 0) for c, n in y2008[r].items()} for r in y2008},
                 date(2007, 1, 1), date(2008, 1, 1)),
                ({r: {c: n - y2008[r].get(c, 0) for c, n in y2009[r].items()} for r in y2009},
                 date(2008, 1, 1), date(2009, 1, 1))]
        for counts, start, end in grow:
            self.cohort(counts, start, end)
        # Liquidated during 2007 yet still counted on 1 January 2008 and 2009: the register
        # learnt of it only in the 2013 extract.
        old = [a for a in self.made if a.registered < date(2006, 1, 1) and a.form == "local"]
        for a in rng.sample(old, 12 * self.scale):
            a.liquidated, a.recorded = day_between(rng, date(2007, 2, 1), date(2007, 12, 1)), \
                EXTRACTS[1]
            a.reason = "решение суда"
        for region, confession, n in self.to_law():
            for _ in range(n):
                self.new(region, confession, date(2009, 1, 1), LAW)
        self.reregister()
        for _ in range(150 * self.scale):
            a = rng.choice([a for a in self.made[:2000 * self.scale]])
            self.new(a.region, a.confession, DEADLINE, date(2019, 6, 1))
        for a in rng.sample([a for a in self.made if a.reregistered], 90 * self.scale):
            a.liquidated, a.reason = day_between(rng, date(2014, 1, 1), date(2019, 10, 1)), \
                "добровольная ликвидация"
            a.recorded = EXTRACTS[2]
        for a in self.made:
            self.identify(a)
            self.after_2018(a)
        return self.made

    def active(self, on: date) -> list[Association]:
        return [a for a in self.made if a.registered < on and not (a.liquidated and
                                                                   a.liquidated <= on)]

    def to_law(self) -> list[tuple[str, str, int]]:
        """New registrations 2009 to the law's day, spread like the existing ones, so that
        AT_LAW associations exist that day."""
        now = self.active(LAW)
        need = AT_LAW * self.scale - len(now)
        picks = self.rng.choices(now, k=need)
        return [(a.region, a.confession, 1) for a in picks]

    def reregister(self) -> None:
        rng = self.rng
        at_law = self.active(LAW)
        odds = {"ISL": 0.9, "ORT": 0.95, "CAT": 0.95, "JUD": 0.9, "BUD": 0.7, "PRO": 0.45,
                "NTR": 0.3, "CHF": 0.5}
        ranked = sorted(at_law, key=lambda a: rng.random() / odds[a.confession[:3]]
                        + (0.6 if a.form == "branch" else 0))
        for i, a in enumerate(ranked):
            if i < REREGISTERED * self.scale:
                a.reregistered = day_between(rng, LAW, DEADLINE)
            else:
                a.liquidated, a.reason = day_between(rng, date(2012, 6, 1), DEADLINE), \
                    "не прошло перерегистрацию"

    def after_2018(self, a: Association) -> None:
        """South Kazakhstan's associations are listed under Shymkent city or Turkistan."""
        if a.region == "51" and not (a.liquidated and a.liquidated < date(2018, 6, 19)):
            city = self.rng.random() < 0.25
            a.later = {"region": "79" if city else "61",
                       "kato": ("79" + a.kato[2:]) if city else a.kato}

    def identify(self, a: Association) -> None:
        rng = self.rng
        first = max(a.registered, date(2008, 1, 1))
        entity = {"branch": "1", "representation": "2"}.get(a.form, "0")
        if a.registered >= date(2004, 1, 1) or a.reregistered or rng.random() < 0.55:
            while a.bin is None or a.bin in self.bins:
                a.bin = with_check_digit(f"{first:%y%m}4{entity}{rng.randrange(10**5):05d}")
            self.bins.add(a.bin)
        a.old_number = f"{rng.randrange(1000, 9999)}-19{a.region}-РО"


def names_of(a: Association, rng: random.Random, variant: bool) -> tuple[str, str]:
    """(ru, kk) full names; a variant drops the quotes or makes a typo."""
    kind_ru, kind_kk = TYPE[a.confession[:3]]
    proper_ru, proper_kk = a.proper
    if variant and rng.random() < 0.5:
        i = rng.randrange(1, len(proper_ru) - 1)
        proper_ru = proper_ru[:i] + proper_ru[i + 1] + proper_ru[i] + proper_ru[i + 2:]
    quote = ("", "") if variant and rng.random() < 0.5 else ("«", "»")
    prefix = ("Филиал ", "филиалы ") if a.form == "branch" else ("", "")
    ru = f"{prefix[0]}{kind_ru} {quote[0]}{proper_ru}{quote[1]} ({a.place[0]})"
    kk = f"{quote[0]}{proper_kk}{quote[1]} {kind_kk} ({a.place[1]})"
    kk = f"{kk} {prefix[1].strip()}" if prefix[1] else kk
    return ru, kk


def extract(made: list[Association], on: date, rng: random.Random
            ) -> list[tuple[Association, dict]]:
    """The records of the extract as of `on`: every association registered by then (the
    2020 extract: those not liquidated before 2013), a few listed twice."""
    rows = []
    for a in made:
        if a.registered >= on or (on == EXTRACTS[2] and a.liquidated
                                  and a.liquidated < EXTRACTS[1]):
            continue
        known_liquidation = a.liquidated and a.liquidated < on and (a.recorded or on) <= on
        later = a.later if on >= date(2018, 6, 19) else {}
        ru, kk = names_of(a, rng, variant=rng.random() < 0.3)
        row = {"as_of": on, "bin": a.bin if (a.bin and (on > EXTRACTS[0] or
                                                         a.registered >= date(2004, 1, 1)))
               else None,
               "old_number": a.old_number, "name_ru": ru, "name_kk": kk, "form": a.form,
               "confession": a.confession, "region": later.get("region", a.region),
               "kato": later.get("kato", a.kato), "registered": a.registered,
               "reregistered": a.reregistered if a.reregistered and a.reregistered < on
               else None,
               "liquidated": a.liquidated if known_liquidation else None,
               "reason": a.reason if known_liquidation else None}
        rows.append((a, row))
        if rng.random() < 0.015:  # entered twice: again without its BIN, another spelling
            ru, kk = names_of(a, rng, variant=True)
            rows.append((a, dict(row, bin=None, name_ru=ru, name_kk=kk)))
    return rows


def write(made: list[Association], folder: Path, truth: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    regions = names("regions.csv", "region_code")
    confessions = names("confessions.csv", "confession_code")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.*"):
        if old.name != "README.md":
            old.unlink()
    truth_rows = []

    def text(d):
        return "" if d is None else d

    # 2009: the ministry's extract, Russian, Windows-1251, semicolons, dd.mm.yyyy, no Kazakh
    first = extract(made, EXTRACTS[0], rng)
    name = "2009-01-01_register_ministry_ru.csv"
    with open(folder / name, "w", encoding="cp1251", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["Дата выписки", "БИН", "Регистрационный номер", "Наименование",
                      "Организационно-правовая форма", "Конфессия", "Область", "Код КАТО",
                      "Дата регистрации", "Дата ликвидации", "Основание ликвидации",
                      "Примечание"])
        for i, (a, r) in enumerate(first, start=2):
            out.writerow([f"{r['as_of']:%d.%m.%Y}", text(r["bin"]), r["old_number"],
                          r["name_ru"], FORMS[r["form"]][0],
                          confessions.at[r["confession"], "name_ru"],
                          regions.at[r["region"], "name_ru"], r["kato"],
                          f"{r['registered']:%d.%m.%Y}",
                          f"{r['liquidated']:%d.%m.%Y}" if r["liquidated"] else "",
                          text(r["reason"]), NOTE])
            truth_rows.append([name, i, a.key])
    # 2013: the regions' extracts gathered in one workbook, Kazakh headers and names
    name = "2013-01-01_register_regions_kk.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Үзінді күні", "БСН", "Толық атауы", "Орысша атауы",
                  "Ұйымдық-құқықтық нысаны", "Конфессиясы", "Облыс", "ӘАОЖ",
                  "Тіркелген күні", "Қайта тіркелген күні", "Таратылған күні",
                  "Тарату негізі"])
    for i, (a, r) in enumerate(extract(made, EXTRACTS[1], rng), start=2):
        sheet.append([r["as_of"].isoformat(), text(r["bin"]), r["name_kk"], r["name_ru"],
                      FORMS[r["form"]][1], confessions.at[r["confession"], "name_kk"],
                      regions.at[r["region"], "name_kk"], r["kato"], r["registered"].isoformat(),
                      text(r["reregistered"] and r["reregistered"].isoformat()),
                      text(r["liquidated"] and r["liquidated"].isoformat()), text(r["reason"])])
        truth_rows.append([name, i, a.key])
    book.create_sheet("about").append([NOTE])
    book.save(folder / name)
    # 2020: the national register, English headers, UTF-8, KATO codes, region codes
    name = "2020-01-01_register_national_en.csv"
    with open(folder / name, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["as_of", "bin", "name_kk", "name_ru", "legal_form", "confession",
                      "region", "kato", "registered_on", "reregistered_on", "liquidated_on",
                      "liquidation_reason", "note"])
        for i, (a, r) in enumerate(extract(made, EXTRACTS[2], rng),
                                   start=2):
            out.writerow([r["as_of"].isoformat(), text(r["bin"]), r["name_kk"], r["name_ru"],
                          FORMS[r["form"]][2], r["confession"], r["region"], r["kato"],
                          r["registered"].isoformat(),
                          text(r["reregistered"] and r["reregistered"].isoformat()),
                          text(r["liquidated"] and r["liquidated"].isoformat()),
                          text(r["reason"]), NOTE])
            truth_rows.append([name, i, a.key])
    with open(truth, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["file", "source_row", "association"])
        out.writerows(truth_rows)


def main() -> None:
    made = Maker().build()
    write(made, OUT, TRUTH)


if __name__ == "__main__":
    main()
