#!/usr/bin/env bash
# PostgreSQL for tests/e2e/test_production.py (a Prefect server on PostgreSQL with workers).
#
#   .ci/install-postgres.sh              install Debian's postgresql if missing, start the cluster
#   .ci/install-postgres.sh --no-install start the cluster only if PostgreSQL is installed
#   .ci/install-postgres.sh --stop       stop the cluster
#
# Quiet and idempotent. The cluster is a throwaway one for tests, not the machine's service:
# its data folder is $AHUAL_PG_DIR/data (default /tmp/ahual-postgres, owned by the postgres
# user when run as root), it listens on 127.0.0.1:$AHUAL_PG_PORT (default 54329) only, and
# it runs without fsync (fast, and lost on a crash: never do this for the real Prefect database,
# see flows/ops/production/README.md). It has a role `ahual` (password `ahual`) that may create databases,
# and a database `ahual`; the test creates and drops its own database on each run. The
# connection URL is printed and written to $AHUAL_PG_DIR/url.
# Without apt (or without the rights to use it) it says so and exits 0: the test then skips,
# with the reason, and the rest of the suite runs.
set -uo pipefail

dir=${AHUAL_PG_DIR:-/tmp/ahual-postgres}
port=${AHUAL_PG_PORT:-54329}
data=$dir/data
log=$dir/postgres.log
role=ahual
password=ahual
mode=${1:-install}

say() { echo "install-postgres: $*"; }
source "$(dirname "$0")/apt.sh"

bindir() {  # the newest installed server's programs (Debian keeps them off PATH)
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$found" && -x "$found/initdb" ]]; then
        echo "$found"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

# Run a server program as the cluster's owner: the postgres user when we are root (the server
# refuses to run as root), else ourselves.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_postgres() {
    apt_install install-postgres "tests/e2e/test_production.py will be skipped" \
        postgresql postgresql-contrib || exit 0
}

init_cluster() {
    if ! as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
        say "initdb failed (see $dir/initdb.log); the test will be skipped"
        exit 0
    fi
    cat >>"$data/postgresql.conf" <<EOF
# tests/e2e/test_production.py: loopback only, its own port, no durability (a throwaway cluster)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_cluster() {
    as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 ||
        as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1
}

bin=$(bindir)
if [[ "$mode" == "--stop" ]]; then
    if [[ -n "$bin" && -f "$data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 && say "stopped $data"
    fi
    exit 0
fi
if [[ -z "$bin" ]]; then
    if [[ "$mode" == "--no-install" ]]; then
        say "PostgreSQL is not installed; run .ci/install-postgres.sh"
        exit 0
    fi
    install_postgres
    bin=$(bindir)
    if [[ -z "$bin" ]]; then
        say "installed, but no PostgreSQL server programs found; the test will be skipped"
        exit 0
    fi
fi
if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    say "no postgres user to run the server as; tests/e2e/test_production.py will be skipped"
    exit 0
fi

mkdir -p "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
[[ -f "$data/PG_VERSION" ]] || init_cluster
if ! start_cluster; then
    # a throwaway cluster left broken (a machine stopped mid-write, another version): anew
    say "the cluster in $data did not start (see $log); making it anew"
    rm -rf "$data"
    init_cluster
    if ! start_cluster; then
        say "the server did not start (see $log); the test will be skipped"
        exit 0
    fi
fi
psql=("$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA)
if [[ -z $(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'") ]]; then
    as_owner "${psql[@]}" -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >/dev/null
fi
if [[ -z $(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$role'") ]]; then
    as_owner "${psql[@]}" -c "CREATE DATABASE $role OWNER $role" >/dev/null
fi
url="postgresql+asyncpg://$role:$password@127.0.0.1:$port/$role"
echo "$url" >"$dir/url"
version=$(as_owner "${psql[@]}" -c "SHOW server_version" | cut -d' ' -f1)
say "PostgreSQL $version on 127.0.0.1:$port (data $data, log $log)"
say "role $role (password $password, may create databases); for Prefect:"
say "  PREFECT_SERVER_DATABASE_CONNECTION_URL=$url"
exit 0
