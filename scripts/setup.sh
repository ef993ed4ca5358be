#!/usr/bin/env bash
# Install what Bilim ERP needs, idempotently: the Python virtual environment
# with the pinned packages and our modules, and (with --sao) the sao web
# client with its Kazakh translation.  Used by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# one installer at a time: `.ci/run` starts `make test` for SQLite and for
# PostgreSQL side by side, and both run the install steps
mkdir -p build
exec 9>build/.install.lock
flock 9

SAO_VERSION=8.0.11
VENV=.venv
PYTHON=${PYTHON:-python3}

want_sao=0
for arg in "$@"; do
    case "$arg" in
        --sao) want_sao=1 ;;
    esac
done

# pysaml2 (SAML single sign-on, R9) signs and verifies XML with Debian's
# xmlsec1 program
if ! command -v xmlsec1 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "== installing Debian's xmlsec1 (SAML signatures)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null
    else
        echo "setup.sh: SAML sign-on needs xmlsec1: apt-get install xmlsec1" >&2
    fi
fi

# printed accounting forms (reportlab PDF) use DejaVu Sans for Kazakh Cyrillic
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "== installing Debian's fonts-dejavu-core (PDF forms)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            fonts-dejavu-core >/dev/null
    else
        echo "setup.sh: PDF forms need fonts-dejavu-core" >&2
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating the virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.bilim-installed"
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] \
        || [ pyproject.toml -nt "$stamp" ]; then
    echo "== installing the pinned Python packages"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r requirements.txt
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-deps -e .
    touch "$stamp"
fi

if [ "$want_sao" = 1 ]; then
    sao=build/sao
    if [ ! -f "$sao/.installed-$SAO_VERSION" ]; then
        echo "== installing the sao web client $SAO_VERSION"
        rm -rf "$sao" build/sao-pack
        mkdir -p build/sao-pack
        (cd build/sao-pack && npm pack --silent "tryton-sao@$SAO_VERSION" >/dev/null)
        tar -xzf build/sao-pack/tryton-sao-$SAO_VERSION.tgz -C build/sao-pack
        mv build/sao-pack/package "$sao"
        rm -rf build/sao-pack
        # a standalone install: index.html loads its libraries from its own
        # node_modules, so they must not be hoisted elsewhere
        (cd "$sao" && npm install --silent --omit=dev --legacy-peer-deps \
            --no-audit --no-fund >/dev/null)
        touch "$sao/.installed-$SAO_VERSION"
    fi
    # our Kazakh translation of the client (R17)
    "$VENV/bin/python" scripts/i18n_sao.py "$sao"
fi
