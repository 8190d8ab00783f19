#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with Debian's Jupyter and fails if one fails.
#
#   bash notebooks/run-all.sh
#
# Installs the Debian packages it needs when they are missing (apt-get; as root, or with sudo -n),
# and runs `apt-get update` only then. The committed notebooks are not rewritten: executed copies go
# to $NOTEBOOKS_EXECUTED_DIR (default notebooks/executed/, git-ignored). Figures are written by the
# notebooks to notebooks/figures/ ($AB_FIGURES_DIR). Data: results/ab/ when it holds every result file, else
# notebooks/sample-results/ (synthetic); AB_RESULTS_DIR=<dir> forces a directory.
set -euo pipefail

NB_DIR="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3                      # Debian's python3: a pyenv python3 on PATH lacks the packages
PACKAGES=(jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)
t_start=$(date +%s)

have_packages() {
  [ -x /usr/bin/jupyter ] && [ -x "$PY" ] &&
    "$PY" -c 'import nbconvert, nbclient, nbformat, ipykernel, pandas, matplotlib, numpy' >/dev/null 2>&1
}

if ! have_packages; then
  echo "notebooks: installing Debian packages: ${PACKAGES[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "notebooks: need root (or sudo) to apt-get install ${PACKAGES[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  have_packages || { echo "notebooks: packages still missing after apt-get install" >&2; exit 1; }
  echo "notebooks: installed in $(( $(date +%s) - t_start )) s"
fi

# directories given relative to the caller's directory (the notebooks run in notebooks/)
OUT_DIR="$(realpath -m "${NOTEBOOKS_EXECUTED_DIR:-$NB_DIR/executed}")"
FIG_DIR="$(realpath -m "${AB_FIGURES_DIR:-$NB_DIR/figures}")"
export AB_FIGURES_DIR="$FIG_DIR"
if [ -n "${AB_RESULTS_DIR:-}" ]; then export AB_RESULTS_DIR; AB_RESULTS_DIR="$(realpath -m "$AB_RESULTS_DIR")"; fi
mkdir -p "$OUT_DIR" "$FIG_DIR"

# Debian's interpreter and jupyter first on PATH, so the python3 kernel is Debian's too.
export PATH="/usr/bin:/bin:$PATH"
unset PYTHONPATH PYTHONHOME PYENV_VERSION
export MPLBACKEND=Agg PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1
export HOME="${HOME:-/root}"
if ! [ -w "$HOME" ]; then export HOME; HOME="$(mktemp -d)"; fi
tmp_runtime="$(mktemp -d)"
trap 'rm -rf "$tmp_runtime"' EXIT
export JUPYTER_RUNTIME_DIR="$tmp_runtime"

shopt -s nullglob
notebooks=("$NB_DIR"/[0-9]*.ipynb)
if [ ${#notebooks[@]} -eq 0 ]; then echo "notebooks: no notebook found in $NB_DIR" >&2; exit 1; fi

passed=0; failed=0; failed_names=()
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb")"
  t0=$(date +%s)
  # run from notebooks/ so the notebooks find abdata.py and write figures/ there
  if (cd "$NB_DIR" && /usr/bin/jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
        --output-dir "$OUT_DIR" "$name" > "$OUT_DIR/${name%.ipynb}.log" 2>&1); then
    passed=$((passed + 1)); echo "notebooks: PASS $name ($(( $(date +%s) - t0 )) s)"
  else
    failed=$((failed + 1)); failed_names+=("$name"); echo "notebooks: FAIL $name ($(( $(date +%s) - t0 )) s)"
    tail -n 40 "$OUT_DIR/${name%.ipynb}.log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/    /'
  fi
done

echo "notebooks: executed copies in $OUT_DIR, figures in $FIG_DIR ($(( $(date +%s) - t_start )) s in all)"
[ $failed -eq 0 ] || echo "notebooks: failed: ${failed_names[*]}"
echo "notebooks: $passed passed, $failed failed"
[ $failed -eq 0 ]
