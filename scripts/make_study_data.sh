#!/usr/bin/env bash
# Build the accuracy-study datasets into study-data/ (not committed; see .gitignore):
#
#   fashion-mnist    Fashion-MNIST 28x28, 10 classes, 150/50/100 per class (target, data-scarce)
#   fashion-source   Fashion-MNIST 28x28, 10 classes, 800/100 per class, disjoint (teacher pretraining)
#   fashion-60k      Fashion-MNIST 28x28, 10 classes, all 60,000 training images / 200 per class of the
#                    test set as val (pretraining the Hub teacher of bench/hub-teacher.sh)
#   mri-position     64x64 axial MRI slices: inferior/middle/superior third, split by volume
#   mri-orientation  64x64 MRI slices: axial/coronal/sagittal, split by volume
#
# Usage:  scripts/make_study_data.sh [DATASET...]     (default: all five)
#   STUDY_DATA_DIR=/elsewhere scripts/make_study_data.sh   to write somewhere else
#
# Debian packages are fetched with `apt-get download` and unpacked with `dpkg -x` into
# study-data/.debs (a cache; nothing is installed).  Only the Python modules are installed
# from Debian when missing (python3-numpy python3-pil python3-nibabel python3-pydicom), which
# needs root; run `apt-get update` once first on a fresh machine.
# Idempotent: a dataset folder that has its SOURCE.md is skipped (delete it to rebuild).
# Each dataset folder has a SOURCE.md with packages, licences, split and counts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${STUDY_DATA_DIR:-$ROOT/study-data}"
CACHE="$OUT/.debs"
PY=/usr/bin/python3
ALL=(fashion-mnist fashion-source fashion-60k mri-position mri-orientation)

if [ $# -gt 0 ]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi
for d in "${WANT[@]}"; do
    case " ${ALL[*]} " in *" $d "*) ;; *) echo "unknown dataset '$d' (known: ${ALL[*]})" >&2; exit 2 ;; esac
done

start=$(date +%s)

# Python modules, from Debian.
if ! "$PY" -c 'import numpy, PIL, nibabel, pydicom' 2>/dev/null; then
    NEED=(python3-numpy python3-pil python3-nibabel python3-pydicom)
    if [ "$(id -u)" = 0 ]; then
        echo "installing ${NEED[*]} (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${NEED[@]}" >/dev/null
    else
        echo "missing Python modules: run 'sudo apt-get install ${NEED[*]}'" >&2
        exit 1
    fi
fi

# Which packages do the datasets still to build need?
declare -A PKGS=()
for d in "${WANT[@]}"; do
    [ -f "$OUT/$d/SOURCE.md" ] && continue
    case "$d" in
        fashion-*) PKGS[dataset-fashion-mnist]=1 ;;
        mri-*) for p in python-nibabel-doc python3-nibabel python3-dipy heudiconv; do PKGS[$p]=1; done ;;
    esac
done

mkdir -p "$CACHE/x"
for p in "${!PKGS[@]}"; do
    [ -f "$CACHE/x/$p/.version" ] && continue
    deb=$(ls "$CACHE"/"${p}"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        echo "fetching Debian package $p"
        # apt-get download writes into the current folder; as root it warns that the
        # download is unsandboxed, which is harmless here.
        (cd "$CACHE" && apt-get download -q "$p" 2>&1 | grep -v -e 'unsandboxed' -e '^Get:' -e '^Fetched' || true)
        deb=$(ls "$CACHE"/"${p}"_*.deb 2>/dev/null | head -n 1 || true)
        if [ -z "$deb" ]; then
            echo "apt-get download $p failed (run 'apt-get update' first?)" >&2
            exit 1
        fi
    fi
    rm -rf "$CACHE/x/$p"
    mkdir -p "$CACHE/x/$p"
    dpkg -x "$deb" "$CACHE/x/$p"
    dpkg-deb -f "$deb" Version > "$CACHE/x/$p/.version"
done

OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$ROOT/scripts/make_study_data.py" \
    --out "$OUT" --debs "$CACHE/x" --only "${WANT[@]}"

echo "done in $(( $(date +%s) - start )) s; data in $OUT"
