#!/usr/bin/env bash
# R and its survey and haven packages: the yardstick of marts.study_estimates
# (tests/marts/test_study_estimates.py, tests/r/). Quiet and idempotent; without apt (or
# without the rights to use it) it says so and exits 0: the R comparisons then skip, with
# the reason, and the rest of the suite runs.
set -uo pipefail
packages=(r-base-core r-cran-survey r-cran-haven)

have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'quit(status = !all(sapply(c("survey", "haven"), requireNamespace, quietly = TRUE)))' \
            >/dev/null 2>&1
}

if have_r; then
    echo "install-r: R with survey and haven is already installed"
    exit 0
fi
source "$(dirname "$0")/apt.sh"
apt_install install-r "the R oracle tests will be skipped" "${packages[@]}" || exit 0
if ! have_r; then
    echo "install-r: installed, but R cannot load survey and haven; the R oracle tests will be skipped"
fi
exit 0
