"""Running the R oracle and comparing marts.study_estimates with it, cell by cell.

    make_studies.R OUTDIR          study files built from data(api) and data(nhanes) (+ edges)
    oracle.R IN --lonely RULES     svymean / degf / confint / svyciprop for every cell
    compare.R SPEC OUTDIR          svycontrast / svyttest / svychisq for the differences and
                                   cross-tabulation marts (compare_r, compare_result)

R is optional: `skip_without_r()` skips a test with the reason (no Rscript, or no survey or
haven package; `.ci/install-r.sh` installs them). Results are cached under the pytest cache by
the SHA-256 of the scripts, the input and R's version, so a second run costs nothing.

Tolerances (REPORT of the R study, /work/scratch/roracle/REPORT.md): estimate, standard error,
normal, t and beta bounds to 1e-9 absolute; logit bounds to 1e-8, because R's svyciprop fits
logit(p) by IRLS (glm epsilon 1e-8) and lands up to 4e-9 from the closed form Ahual computes.
Cells R cannot judge are compared with Ahual's own rule instead: a proportion of 0 or 1 (R's
normal and t intervals are [p, p], its logit drifts to 1e-12-wide nonsense and its beta is NaN;
Ahual's interval is Korn-Graubard with the domain's respondents as effective size, whatever the
method), normal and t bounds R leaves outside [0, 1]
(Ahual clips them), and logit bounds on 1 degree of freedom: there confint.svyglm turns the
t quantile into a normal level, 1 - 2 * pnorm(qt(0.025, 1)), which rounds to exactly 1, and
returns [0, NaN]; those cells are compared with the closed form expit(logit p -+ qt(0.975, 1)
se / (p (1 - p))) on R's own p and se.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-9
LOGIT_TOLERANCE = 1e-8
DEGENERATE = 1e-12  # |p| or |1 - p| below this: R's logit and beta say nothing
RULES = ("fail", "remove", "certainty", "adjust", "average")
INTERVALS = ("normal", "t", "logit", "beta")


def r_missing() -> str | None:
    """Why the oracle cannot run here (None: it can)."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (.ci/install-r.sh installs R and its survey package)"
    check = subprocess.run(
        ["Rscript", "-e", ("for (p in c('survey', 'haven')) if (!requireNamespace(p, quietly = "
         "TRUE)) { cat(p); quit(status = 3) }")], capture_output=True, text=True, timeout=120)
    if check.returncode != 0:
        return (f"R's {check.stdout.strip() or 'survey'} package is not installed "
                "(.ci/install-r.sh installs r-cran-survey and r-cran-haven)")
    return None


def skip_without_r() -> None:
    import pytest

    why = r_missing()
    if why:
        pytest.skip(why)


def _r_version() -> str:
    done = subprocess.run(["Rscript", "-e", ("cat(R.version.string, as.character("
                           "packageVersion('survey')))")], capture_output=True, text=True)
    return done.stdout


def _digest(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def make_studies(cache: Path) -> Path:
    """The folder of study files make_studies.R writes (made once per script version)."""
    folder = cache / f"studies-{_digest((HERE / 'make_studies.R').read_bytes(), _r_version())}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["Rscript", str(HERE / "make_studies.R"), str(folder)], check=True,
                       capture_output=True, text=True, timeout=600)
        (folder / "done").write_text("ok\n")
    return folder


def oracle(cache: Path, data: Path, rules: tuple[str, ...] = RULES) -> pd.DataFrame:
    """oracle.R's cells for `data` under each lonely-PSU rule (cached)."""
    key = _digest((HERE / "oracle.R").read_bytes(), data.read_bytes(), ",".join(rules),
                  _r_version())
    out = cache / f"oracle-{data.stem}-{key}.csv"
    if not out.exists():
        partial = out.with_suffix(".partial.csv")
        subprocess.run(["Rscript", str(HERE / "oracle.R"), str(data), "--lonely",
                        ",".join(rules), "--out", str(partial)], check=True,
                       capture_output=True, text=True, timeout=1800)
        partial.rename(out)
    frame = pd.read_csv(out, dtype={"category_code": str, "error": str},
                        keep_default_na=False, na_values=["NA", "NaN"])
    frame["category_code"] = frame["category_code"].astype(float).astype(int)
    return frame


def oracles(cache: Path, inputs: list[Path], rules: tuple[str, ...] = RULES
            ) -> dict[str, pd.DataFrame]:
    """`oracle` for several inputs, two R processes at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        frames = list(pool.map(lambda p: oracle(cache, p, rules), inputs))
    return {p.stem: f for p, f in zip(inputs, frames, strict=True)}


@dataclass
class Comparison:
    """How one study of the mart compares with R under one rule and interval method."""

    cells: int = 0  # mart cells compared with R
    compared: dict[str, int] = field(default_factory=dict)  # quantity -> values compared
    own_rule: int = 0  # interval bounds checked against Ahual's rule (R says nothing there)
    largest: dict[str, float] = field(default_factory=dict)  # quantity -> largest |difference|
    failures: list[str] = field(default_factory=list)

    def note(self, quantity: str, ours: np.ndarray, theirs: np.ndarray, tolerance: float,
             keys: pd.DataFrame) -> None:
        both_nan = np.isnan(ours) & np.isnan(theirs)
        diff = np.where(both_nan, 0.0, np.abs(ours - theirs))
        bad = ~(diff <= tolerance)  # NaN on one side only is a failure
        self.compared[quantity] = self.compared.get(quantity, 0) + len(ours)
        finite = diff[np.isfinite(diff)]
        if len(finite):
            self.largest[quantity] = max(self.largest.get(quantity, 0.0), float(finite.max()))
        for i in np.flatnonzero(bad)[:5]:
            self.failures.append(f"{quantity} {dict(keys.iloc[i])}: Ahual {ours[i]!r}, "
                                 f"R {theirs[i]!r}")


KEY = ["variable", "category_code", "domain"]


def compare(mart: pd.DataFrame, r_cells: pd.DataFrame, interval: str,
            result: Comparison | None = None) -> Comparison:
    """Every cell of one study of marts.study_estimates (one rule, one interval method) against
    R's cells for the same rule. Cells R leaves out of svyby (a domain whose weights are all 0:
    estimate NaN) must be absent from the mart; every other R cell must be there."""
    result = result or Comparison()
    r_cells = r_cells[r_cells["error"].fillna("") == ""]
    weighted = r_cells[r_cells["estimate"].notna()]
    merged = weighted.merge(mart, on=KEY, how="outer", suffixes=("_r", ""), indicator=True)
    only_r = merged[merged["_merge"] == "left_only"]
    only_ours = merged[merged["_merge"] == "right_only"]
    for _, row in only_r.head(5).iterrows():
        result.failures.append(f"R has {dict(row[KEY])}, the mart does not")
    unweighted = set(map(tuple, r_cells.loc[r_cells["estimate"].isna(), KEY].to_numpy()))
    for _, row in only_ours.head(5).iterrows():
        what = "a domain R drops (no weight)" if tuple(row[KEY]) in unweighted else "a cell"
        result.failures.append(f"the mart has {what} R does not: {dict(row[KEY])}")
    both = merged[merged["_merge"] == "both"].reset_index(drop=True)
    result.cells += len(both)
    keys = both[KEY]
    f = lambda c: both[c].to_numpy(dtype="float64")  # noqa: E731
    result.note("estimate", f("estimate"), f("estimate_r"), TOLERANCE, keys)
    result.note("std_error", f("std_error"), f("std_error_r"), TOLERANCE, keys)
    result.note("df", f("df"), f("df_r"), 0, keys)
    p = f("estimate_r")
    degenerate = (np.abs(p) < DEGENERATE) | (np.abs(1 - p) < DEGENERATE)
    inner = ~degenerate
    if interval in ("normal", "t"):
        for side in ("low", "high"):
            theirs = np.clip(f(f"{interval}_{side}"), 0, 1)
            result.note(f"{interval} {side}", f(f"ci_{side}")[inner], theirs[inner], TOLERANCE,
                        keys[inner].reset_index(drop=True))
    tolerance = LOGIT_TOLERANCE if interval == "logit" else TOLERANCE
    lost = inner & (f("df_r") == 1) if interval == "logit" else np.zeros(len(both), bool)
    for side in ("low", "high") if interval in ("logit", "beta") else ():
        result.note(f"{interval} {side}", f(f"ci_{side}")[inner & ~lost],
                    f(f"{interval}_{side}")[inner & ~lost], tolerance,
                    keys[inner & ~lost].reset_index(drop=True))
    if lost.any():
        from scipy import stats

        p1, se1 = p[lost], f("std_error_r")[lost]
        half = stats.t.ppf(0.975, 1) * se1 / (p1 * (1 - p1))
        logit = np.log(p1 / (1 - p1))
        result.own_rule += 2 * int(lost.sum())
        for side, sign in (("low", -1), ("high", 1)):
            result.note(f"logit {side} (df 1, closed form)", f(f"ci_{side}")[lost],
                        1 / (1 + np.exp(-(logit + sign * half))), TOLERANCE,
                        keys[lost].reset_index(drop=True))
    # where R says nothing, Ahual's own rule: [0, KG upper] for p = 0, [KG lower, 1] for p = 1
    edge = both[degenerate]
    result.own_rule += 2 * len(edge)
    zero, one = edge[edge["estimate"] == 0], edge[edge["estimate"] == 1]
    if len(edge) != len(zero) + len(one):
        result.failures.append("a degenerate cell of R is not exactly 0 or 1 in the mart: "
                               f"{edge.loc[~edge.index.isin(zero.index.union(one.index)), KEY]}")
    for name, low, high in (("0", zero["ci_low"], zero["ci_high"]),
                            ("1", one["ci_low"], one["ci_high"])):
        defined = low.notna() & high.notna()
        if name == "0" and not ((low[defined] == 0) & (high[defined] > 0)).all():
            result.failures.append(f"p = 0 intervals are not [0, u]: {zero[KEY]}")
        if name == "1" and not ((high[defined] == 1) & (low[defined] < 1)).all():
            result.failures.append(f"p = 1 intervals are not [l, 1]: {one[KEY]}")
    if len(edge) and set(edge["ci_method"]) != {"beta"}:
        result.failures.append(f"a proportion of 0 or 1 under {interval} is not given the beta "
                               "interval")
    if set(both.loc[inner, "ci_method"]) - {interval}:
        result.failures.append(f"a proportion inside (0, 1) under {interval} is not {interval}")
    return result


def cache_dir(request) -> Path:
    """Where R's results are kept between runs: pytest's cache (R costs about a minute), or a
    fresh folder when the cache is off (`-p no:cacheprovider`)."""
    import tempfile

    if hasattr(request.config, "cache"):
        return Path(request.config.cache.mkdir("ahual-r-oracle"))
    return Path(tempfile.mkdtemp(prefix="ahual-r-oracle-"))


# ---------------------------------------------------------------------------------------------
# compare.R: differences, cross-tabulations and Rao-Scott tests (marts.study_differences,
# study_crosstabs, study_crosstab_tests), every job of a test module in one R run

SPEC_COLUMNS = ("job", "input", "lonely", "vars", "crosstabs", "versus")


def compare_r(cache: Path, jobs: list[dict[str, str]]) -> Path:
    """The folder of compare.R's results for `jobs` (dicts of SPEC_COLUMNS; missing = empty),
    made by one Rscript run and cached by the script, the spec, every input and R's version."""
    inputs = [Path(job[name]).read_bytes() for job in jobs for name in ("input", "versus")
              if job.get(name)]
    lines = [",".join(SPEC_COLUMNS)] + [",".join(f'"{job.get(c, "")}"' for c in SPEC_COLUMNS)
                                         for job in jobs]
    spec_text = "\n".join(lines) + "\n"
    key = _digest((HERE / "compare.R").read_bytes(), spec_text, *inputs, _r_version())
    folder = cache / f"compare-{key}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "spec.csv").write_text(spec_text, encoding="utf-8")
        done = subprocess.run(["Rscript", str(HERE / "compare.R"), str(folder / "spec.csv"),
                               str(folder)], capture_output=True, text=True, timeout=1800)
        if done.returncode:
            raise RuntimeError(f"compare.R failed:\n{done.stderr[-3000:]}")
        (folder / "done").write_text("ok\n")
    return folder


def compare_result(folder: Path, job: str, part: str) -> pd.DataFrame:
    """One part (differences, versus, crosstabs, tests) of one job's results."""
    path = folder / f"{job}.{part}.csv"
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype={"category_code": str, "row_code": str, "column_code": str,
                                    "error": str}, keep_default_na=False,
                       na_values=["NA", "NaN"])


# ---------------------------------------------------------------------------------------------
# make_numeric.R and numeric.R: means, totals and quantiles (marts.study_means, study_quantiles)

def make_numeric(cache: Path) -> Path:
    """The folder of study files with numeric columns make_numeric.R writes (made once)."""
    script = HERE / "make_numeric.R"
    folder = cache / f"numeric-{_digest(script.read_bytes(), _r_version())}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["Rscript", str(script), str(folder)], check=True, capture_output=True,
                       text=True, timeout=600)
        (folder / "done").write_text("ok\n")
    return folder


def numeric_r(cache: Path, data: Path, rules: tuple[str, ...],
              domains: tuple[str, ...] = ("region", "sex", "age_group")) -> pd.DataFrame:
    """numeric.R's rows for `data` under each lonely-PSU rule, by `domains` (cached)."""
    script = HERE / "numeric.R"
    key = _digest(script.read_bytes(), data.read_bytes(), ",".join(rules), ",".join(domains),
                  _r_version())
    out = cache / f"numeric-{data.stem}-{key}.csv"
    if not out.exists():
        partial = out.with_suffix(".partial.csv")
        done = subprocess.run(["Rscript", str(script), str(data), str(partial), "--lonely",
                               ",".join(rules), "--domains", ",".join(domains)],
                              capture_output=True, text=True, timeout=1800)
        if done.returncode:
            raise RuntimeError(f"numeric.R failed:\n{done.stderr[-3000:]}")
        partial.rename(out)
    return pd.read_csv(out, keep_default_na=False, na_values=["NA", "NaN"])
