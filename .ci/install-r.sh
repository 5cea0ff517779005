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
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-r: no apt-get here; the R oracle tests will be skipped"
    exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    else
        echo "install-r: not root and no passwordless sudo; the R oracle tests will be skipped"
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    if ! $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1; then
        echo "install-r: apt-get could not install ${packages[*]}; the R oracle tests will be skipped"
        exit 0
    fi
fi
if have_r; then
    echo "install-r: installed ${packages[*]}"
else
    echo "install-r: installed, but R cannot load survey and haven; the R oracle tests will be skipped"
fi
exit 0
