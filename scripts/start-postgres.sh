#!/usr/bin/env bash
# Install (from Debian packages, if missing) and start a local PostgreSQL 15
# server for the test suite's second run, with a superuser role for Tryton's
# test databases.  Prints the URI to use as TRYTOND_DATABASE__URI.
# CI-only credentials on the loopback interface; not a production set-up.
set -euo pipefail
VERSION=15
ROLE=bilim

if [ ! -x /usr/lib/postgresql/$VERSION/bin/postgres ]; then
    echo "== installing PostgreSQL $VERSION" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql-$VERSION postgresql-contrib >&2
fi
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
    pg_createcluster $VERSION main >&2
fi
if ! pg_lsclusters -h | awk '$1=='$VERSION' && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster $VERSION main start >&2
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 >&2
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"" | grep -q 1; then
    su postgres -c "psql -qc \"CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$ROLE'\"" >&2
fi
echo "postgresql://$ROLE:$ROLE@127.0.0.1:5432/"
