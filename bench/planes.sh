#!/usr/bin/env bash
# Anatomical planes on a real volume stored in two voxel orders: classify both with a model trained
# on sample-images/ (2-D slices shown as its README says), once along storage z (what the reader did
# before planes) and once per anatomical plane; the report gives rows and predicted classes per run
# and whether the two files' rows agree.
#
# Usage: bench/planes.sh [OUT]                 (from the project folder)
#   MODEL=DIR uses an existing model trained on sample-images instead of training one (20 epochs).
# The volume is someones_anatomy.nii.gz of nibabel's documentation (MIT; RAS, 57x67x56, 2.75 mm),
# fetched with `apt-get download python-nibabel-doc` (nothing installed); bench/reorder_volume.py
# writes its copy stored PSL (someones_anatomy-reordered.nii.gz). Needs Debian's python3-nibabel.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-planes-results}"
mkdir -p "$out"
vol="$out/someones_anatomy.nii.gz"
if [[ ! -f "$vol" ]]; then
  (cd "$out" && apt-get download python-nibabel-doc >/dev/null && dpkg-deb -x python-nibabel-doc_*.deb deb)
  cp "$(find "$out/deb" -name someones_anatomy.nii.gz | head -1)" "$vol"
fi
[[ -f "$out/someones_anatomy-reordered.nii.gz" ]] || /usr/bin/python3 bench/reorder_volume.py "$vol" "$out/someones_anatomy-reordered.nii.gz"
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dd() { java -Xmx4g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }
model="${MODEL:-$out/model}"
[[ -f "$model/model.json" ]] || dd train --data sample-images --output "$model" --epochs 20 --seed 1 --threads 2 --quiet >/dev/null
for f in someones_anatomy someones_anatomy-reordered; do
  dd classify --model "$model" --input "$out/$f.nii.gz" --slice-axis z --output "$out/$f-storage-z.csv" --overwrite --threads 2 >/dev/null
  for plane in axial coronal sagittal; do
    dd classify --model "$model" --input "$out/$f.nii.gz" --plane "$plane" --output "$out/$f-$plane.csv" --overwrite --threads 2 >/dev/null
  done
done
python3 - "$out" <<'PY'
import csv, sys, collections
out = sys.argv[1]
def rows(name):
    with open(f"{out}/{name}.csv") as f:
        return [r[1:] for r in list(csv.reader(f))[1:]]
print("| cut | file | rows | predicted axial / coronal / sagittal | rows equal to the other file's |")
print("|---|---|---|---|---|")
for cut in ["storage-z", "axial", "coronal", "sagittal"]:
    a, b = rows(f"someones_anatomy-{cut}"), rows(f"someones_anatomy-reordered-{cut}")
    for name, r in (("RAS (as stored)", a), ("PSL (reordered)", b)):
        c = collections.Counter(x[1] for x in r)
        print(f"| {cut} | {name} | {len(r)} | {c['axial']} / {c['coronal']} / {c['sagittal']} | {'yes' if a == b else 'no'} |")
PY
