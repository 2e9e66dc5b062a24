#!/usr/bin/env bash
# Calibration benchmark: test-split ECE / NLL / Brier of the same model without and with the
# temperature fitted on the validation split (--calibrate none | temperature; at --threads 1 the two
# trainings give the same weights, so only the temperature differs; accuracy must not change).
#
# Usage: bench/calibration.sh [OUT]            (from the project folder)
#   DATASETS="sample-images study-data/mri-orientation" SEEDS="1 2 3" EPOCHS=20 TEACHER=auto override.
# mri-orientation is built by scripts/make_study_data.sh (Debian packages). Appends to OUT/calibration.csv;
# OUT/evaluations/ keeps each run's test metrics and, beside them, its reliability diagram.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-calibration-results}"
datasets="${DATASETS:-sample-images study-data/mri-orientation}"
seeds="${SEEDS:-1 2 3}"
epochs="${EPOCHS:-20}"
teacher="${TEACHER:-auto}"
mkdir -p "$out"
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dd() { java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }
csv="$out/calibration.csv"
[[ -f "$csv" ]] || echo "dataset,seed,calibrate,temperature,accuracy,macro_f1,ece,nll,brier,n" > "$csv"
metric() { grep "^$1," "$2" | cut -d, -f2; }
for data in $datasets; do
  name=$(basename "$data")
  for seed in $seeds; do
    for cal in none temperature; do
      grep -q "^$name,$seed,$cal," "$csv" && continue
      model="$out/models/$name-$seed-$cal"
      rm -rf "$model"
      dd train --data "$data" --output "$model" --teacher "$teacher" --teacher-arch resnet18 --student-arch resnet10-w32 --size 32 \
        --epochs "$epochs" --seed "$seed" --threads 1 --calibrate "$cal" --quiet >/dev/null 2>"$out/train.log"
      # the test images of this very split (split.csv), as paths relative to the project folder
      awk -F, 'NR > 1 && $4 == "test" { print $1 "," $3 }' "$model/split.csv" | sed "s|^|$PWD/|" > "$out/test.csv"
      # one CSV per run, so that each keeps its reliability diagram beside it (NAME-SEED-CAL-reliability.png)
      m="$out/evaluations/$name-$seed-$cal.csv"
      mkdir -p "$out/evaluations"
      dd evaluate --model "$model" --data "$out/test.csv" --output "$m" --overwrite --threads 1 >/dev/null 2>&1
      t=$(python3 -c "import json;print(json.load(open('$model/model.json')).get('calibration',{}).get('temperature',1))")
      echo "$name,$seed,$cal,$t,$(metric accuracy $m),$(metric macro_f1 $m),$(metric ece $m),$(metric nll $m),$(metric brier $m),$(metric n $m)" >> "$csv"
      tail -1 "$csv"
    done
  done
done
