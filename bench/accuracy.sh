#!/usr/bin/env bash
# The accuracy study of docs/benchmarks.md: methods x training fractions x seeds on three datasets,
# with a teacher trained here on each seed's training split (auto) and with a teacher pretrained
# once on a larger, different dataset (Fashion-MNIST images disjoint from the target's; the
# paper's setting: its head is replaced). Appends to OUT/study.csv (a rerun skips finished runs)
# and writes OUT/study-summary.md and OUT/study.png.
#
# Usage: bench/accuracy.sh [OUT] [SETTINGS...]     (from the project folder)
#   OUT       default study-results
#   SETTINGS  any of pretrained-fashion pretrained-mri pretrained-sample auto-sample auto-mri
#             auto-fashion (default: all six, in that order)
#   SEEDS=1,2,3 FRACTIONS=0.1,0.25,0.5,1 EPOCHS=20 METHODS=... override the grid.
# Needs Debian packages for the data (scripts/make_study_data.sh); about 2 to 3 hours on 2 cores
# for the whole grid.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-study-results}"
shift || true
settings=("$@")
[[ ${#settings[@]} -gt 0 ]] || settings=(pretrained-fashion pretrained-mri pretrained-sample auto-sample auto-mri auto-fashion)
seeds="${SEEDS:-1,2,3}"
fractions="${FRACTIONS:-0.1,0.25,0.5,1}"
epochs="${EPOCHS:-20}"
methods="${METHODS:-random,single-ws,ws-ema,kd,dual-skd,teacher}"
size=32

scripts/make_study_data.sh fashion-mnist fashion-source mri-position
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dd() { java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }

# The pretrained teacher: resnet18 on 8,000 Fashion-MNIST images (800 per class), 12 epochs.
teacher="$out/teachers/fashion-resnet18"
if [[ ! -f "$teacher/model.json" ]]; then
  mkdir -p "$out/teachers"
  dd train --data study-data/fashion-source --output "$teacher" --method teacher --teacher-arch resnet18 --size $size \
    --epochs 12 --seed 7 --quiet
fi

study() { # name data teacher
  dd study --data "$2" --name "$1" --teacher "$3" --output "$out" --methods "$methods" --fractions "$fractions" --seeds "$seeds" \
    --size $size --epochs "$epochs" --teacher-epochs "$epochs" --quiet >/dev/null
}
for s in "${settings[@]}"; do
  case "$s" in
    pretrained-fashion) study fashion-mnist study-data/fashion-mnist "$teacher" ;;
    pretrained-mri) study mri-position study-data/mri-position "$teacher" ;;
    pretrained-sample) study sample-images sample-images "$teacher" ;;
    auto-fashion) study fashion-mnist study-data/fashion-mnist auto ;;
    auto-mri) study mri-position study-data/mri-position auto ;;
    auto-sample) study sample-images sample-images auto ;;
    *) echo "unknown setting $s" >&2; exit 2 ;;
  esac
done
dd study --output "$out" --report-only
