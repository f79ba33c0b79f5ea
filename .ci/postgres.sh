#!/bin/sh
# Installs (Debian's postgresql package), starts a local PostgreSQL server, creates the newsx
# test role and database, and prints the line that points the tests at it:
#   eval "$(.ci/postgres.sh)"    # then: cargo test --release
# Safe to run again: each step is skipped when already done. Needs root (apt-get, pg_ctlcluster).
set -eu
log() { echo "postgres.sh: $*" >&2; }
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing postgresql"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep "^$version main" | grep -q online; then
    log "starting cluster $version/main"
    pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
psql_su() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt -c \"$1\""; }
if [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname = 'newsx'")" != 1 ]; then
    psql_su "CREATE ROLE newsx LOGIN PASSWORD 'newsx'" >&2
fi
if [ "$(psql_su "SELECT 1 FROM pg_database WHERE datname = 'newsx_test'")" != 1 ]; then
    psql_su "CREATE DATABASE newsx_test OWNER newsx" >&2
fi
echo "export NEWSX_TEST_POSTGRES=postgres://newsx:newsx@localhost:$port/newsx_test"
