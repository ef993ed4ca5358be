#!/usr/bin/env bash
# Run the whole Bilim ERP test suite with pytest: Tryton's module tests, the
# doctest scenarios of every module, the cross-module tests and the browser
# test.  SQLite (in memory) by default; PostgreSQL when TRYTOND_DATABASE__URI
# is a postgresql:// URI.  Extra arguments go to pytest.
# pytest exits 5 when it ran no test: that fails this script too.
set -euo pipefail
cd "$(dirname "$0")/.."

uri=${TRYTOND_DATABASE__URI:-sqlite://}
export TRYTOND_DATABASE__URI=$uri
case "$uri" in
    postgresql*)
        backend=postgresql
        export DB_NAME=${DB_NAME:-test_bilim}
        ;;
    *)
        backend=sqlite
        export DB_NAME=${DB_NAME:-:memory:}
        ;;
esac
# Tryton caches the databases it builds for the tests; a fresh cache each run
# keeps a run independent of the previous one
export DB_CACHE=${DB_CACHE:-$PWD/build/db-cache-$backend}
rm -rf "$DB_CACHE"
mkdir -p "$DB_CACHE" test-output
export BILIM_TEST_OUTPUT=$PWD/test-output/$backend
mkdir -p "$BILIM_TEST_OUTPUT"

echo "== Bilim ERP tests on $backend"
.venv/bin/python -m pytest -q \
    --junitxml="$BILIM_TEST_OUTPUT/junit.xml" "$@"
