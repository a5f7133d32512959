# Python driver probes: asyncpg and psycopg 3 (probes/python/probe.py), in one venv at
# $drivers_root/python/venv, packages pinned by version + sha256 in probes/python/requirements.txt
# (pip --require-hashes, binary wheels only). Needs CPython 3.11 (the wheels are cp311):
# PGSSLMATRIX_PYTHON, else python3.11 on PATH (pyenv here). PGSSLMATRIX_WHEELHOUSE=DIR takes
# the wheels from DIR instead of PyPI (still checked against the hashes).
# Atomic: a staging directory next to the target is filled, checked (each probe says hello
# with its driver), marked with pg-ssl-matrix.json (the sha256 of the requirements), and
# renamed into place; a failure removes it and installs nothing.

driver_installer[asyncpg]=install_python_drivers
driver_installer[psycopg]=install_python_drivers

install_python_drivers() {
    local target="$drivers_root/python" requirements="$repo/probes/python/requirements.txt"
    local pins python staging marker
    pins=$(sha256sum "$requirements" | cut -d' ' -f1)
    marker="$target/pg-ssl-matrix.json"
    if [[ -f $marker ]] && grep -q "\"requirementsSha256\": \"$pins\"" "$marker"; then
        say "python drivers (asyncpg, psycopg): already installed at $target"
        return 0
    fi
    python=${PGSSLMATRIX_PYTHON:-python3.11}
    command -v "$python" >/dev/null 2>&1 ||
        fail "python drivers need CPython 3.11 ($python not found); install it or set PGSSLMATRIX_PYTHON"
    # The real interpreter, not a pyenv shim: the venv must not depend on the shell's PATH.
    python=$("$python" -c 'import sys; print(sys.executable)')
    [[ $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') == 3.11 ]] ||
        fail "$python is not CPython 3.11 (the pinned wheels are cp311); set PGSSLMATRIX_PYTHON"
    say "python drivers (asyncpg, psycopg): installing into $target"
    staging=$(mktemp -d "$drivers_root/.staging-python.XXXXXX")
    trap 'rm -rf "$staging"' RETURN
    "$python" -m venv --without-pip "$staging/venv" || fail "could not create a venv with $python"
    local index=()
    if [[ -n ${PGSSLMATRIX_WHEELHOUSE:-} ]]; then index=(--no-index --find-links "$PGSSLMATRIX_WHEELHOUSE"); fi
    # pip of the base interpreter installs into the venv (--prefix would not set the layout; --target does).
    "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --only-binary=:all: --require-hashes \
        "${index[@]}" --target "$staging/venv/lib/python3.11/site-packages" -r "$requirements" ||
        fail "could not install the pinned python driver wheels (network, or a hash mismatch). Nothing was installed"
    local hello versions=()
    for d in asyncpg psycopg; do
        hello=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent "$staging/venv/bin/python" -I "$repo/probes/python/probe.py" "$d" </dev/null | head -1)
        grep -q '"driver":{"name":"'"$d"'"' <<<"$hello" || fail "the $d probe did not start: $hello. Nothing was installed"
        versions+=("$(sed -E 's/.*"driver":\{"name":"[^"]*","version":"([^"]*)".*/\1/' <<<"$hello")")
    done
    cat >"$staging/pg-ssl-matrix.json" <<JSON
{
  "name": "python-drivers",
  "source": "PyPI, pinned in probes/python/requirements.txt",
  "requirementsSha256": "$pins",
  "python": "$python",
  "asyncpg": "${versions[0]}",
  "psycopg": "${versions[1]}"
}
JSON
    rm -rf "$target.old"
    [[ -e $target ]] && mv "$target" "$target.old"
    mv "$staging" "$target"
    rm -rf "$target.old"
    say "python drivers: asyncpg ${versions[0]}, psycopg ${versions[1]} installed at $target"
}
