# Sourced by the .ci/install-*.sh scripts: Debian packages, installed quietly where apt-get and
# the rights to use it exist.
#
#   apt_install PREFIX WHAT_SKIPS PACKAGE...
#
# Installs the packages (updating the package lists once if the first try fails) and returns 0;
# otherwise prints "PREFIX: <why>; WHAT_SKIPS" and returns 1, so the caller can exit 0 and let
# the tests that need the packages skip with the reason.
apt_install() {
    local prefix=$1 skips=$2
    shift 2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$prefix: no apt-get here; $skips"
        return 1
    fi
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            echo "$prefix: not root and no passwordless sudo; $skips"
            return 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        $sudo apt-get update -qq >/dev/null 2>&1 || true
        if ! $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
            echo "$prefix: apt-get could not install $*; $skips"
            return 1
        fi
    fi
    echo "$prefix: installed $*"
}
