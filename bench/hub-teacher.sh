#!/usr/bin/env bash
# The "Hub teacher against auto" benchmark of docs/benchmarks.md: a resnet18 pretrained here on
# the whole Fashion-MNIST training set (60,000 images, another domain), published as a timm-style
# Hugging Face Hub repo (RGB stem, config.json) on a loopback Hub, used as
#   --teacher hf-hub:duodistill/resnet18.fashion60k
# against --teacher auto (a resnet18 trained here on the target's own training split), at 10%
# and 25% of the target's training split, methods random / single-ws / dual-skd, SEEDS seeds.
#
# Usage: bench/hub-teacher.sh [OUT]          (from the project folder; OUT default hub-teacher-results)
#   SEEDS=1,...,9          seeds (the spread between seeds is ~10 points on these tasks: 3 hide effects)
#   TARGETS=mri-orientation,sample-images   target datasets (one seed of both: about 4 min here)
#   PRETRAIN_EPOCHS=2      epochs of the Fashion-MNIST pretraining (about 12 min each at --threads 1)
#   EPOCHS=20              epochs per student run and per auto teacher
#   THREADS=1              libtorch threads per process. 1 on purpose: on a shared 2-core machine two
#                          threads per process oversubscribe the cores and a step costs up to 10x more
#                          (measured: 110 ms/image against 12 ms/image for resnet18 at 32 px)
#
# Steps, each skipped when its output exists (a rerun resumes; study.csv skips finished runs):
#   1. data: scripts/make_study_data.sh fashion-60k mri-orientation (Debian packages)
#   2. pretraining: train --method teacher on study-data/fashion-60k (train --resume after a kill)
#   3. export (timm names, 1 channel) + bench/make_hub_teacher.py -> OUT/hub-repos/duodistill/resnet18.fashion60k
#   4. bench/loopback_hub.py OUT/hub-repos on 127.0.0.1 (stopped on exit), HF_ENDPOINT pointing at it,
#      HF_HUB_CACHE=OUT/hf-cache (the first run downloads, the others use the cache)
#   5. per seed, per target: study with the Hub teacher, then with auto (interleaved, so an
#      interrupted run leaves paired seeds), then study --report-only and the paired table
#      OUT/hub-vs-auto.md (bench/hub_teacher_report.py).
# Wall time of every step in OUT/timing.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-hub-teacher-results}"
seeds="${SEEDS:-1,2,3,4,5,6,7,8,9}"
targets="${TARGETS:-mri-orientation,sample-images}"
pretrain_epochs="${PRETRAIN_EPOCHS:-2}"
epochs="${EPOCHS:-20}"
threads="${THREADS:-1}"
methods=random,single-ws,dual-skd
fractions=0.1,0.25
size=32
repo_id=duodistill/resnet18.fashion60k
PY=/usr/bin/python3

mkdir -p "$out"
timing="$out/timing.csv"
[[ -f "$timing" ]] || echo "step,target,teacher,seed,seconds,finished" > "$timing"
timed() { # step target teacher seed -- command...
  local step=$1 target=$2 teacher=$3 seed=$4 t0
  shift 5
  t0=$(date +%s.%N)
  "$@"
  printf '%s,%s,%s,%s,%.1f,%s\n' "$step" "$target" "$teacher" "$seed" "$(echo "$(date +%s.%N) - $t0" | bc)" \
    "$(date -u +%FT%TZ)" >> "$timing"
}

scripts/make_study_data.sh fashion-60k mri-orientation
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dd() { java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }

# 2. The teacher: resnet18 on all 60,000 Fashion-MNIST training images.
teacher="$out/teachers/fashion60k-resnet18"
if [[ ! -f "$teacher/model.json" ]]; then
  mkdir -p "$out/teachers"
  if [[ -f "$out/teachers/.fashion60k-resnet18.checkpoint/run.json" ]]; then
    timed pretrain fashion-60k - 7 -- dd train --resume "$teacher" --quiet
  else
    timed pretrain fashion-60k - 7 -- dd train --data study-data/fashion-60k --output "$teacher" --method teacher --teacher-arch resnet18 \
      --size $size --epochs "$pretrain_epochs" --threads "$threads" --seed 7 --quiet
  fi
fi

# 3. The Hub repo, as timm publishes one.
repo="$out/hub-repos/$repo_id"
if [[ ! -f "$repo/model.safetensors" || ! -f "$repo/config.json" || "$teacher/model.json" -nt "$repo/model.safetensors" ]]; then
  dd export --model "$teacher" --output "$out/teachers/fashion60k-resnet18.safetensors" --overwrite >/dev/null
  "$PY" bench/make_hub_teacher.py --model "$teacher" --weights "$out/teachers/fashion60k-resnet18.safetensors" --out "$repo" --tag fashion60k
fi

# 4. The loopback Hub.
rm -f "$out/hub.port"
"$PY" bench/loopback_hub.py "$out/hub-repos" 0 --port-file "$out/hub.port" > "$out/hub.log" 2>&1 &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s "$out/hub.port" ]] && break; kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.2; done
[[ -s "$out/hub.port" ]] || { echo "loopback hub did not start:" >&2; cat "$out/hub.log" >&2; exit 1; }
export HF_ENDPOINT="http://127.0.0.1:$(cat "$out/hub.port")"
export HF_HUB_CACHE="$out/hf-cache"
unset HF_HUB_OFFLINE HF_TOKEN
echo "loopback Hub at $HF_ENDPOINT serving $repo_id; cache $HF_HUB_CACHE"

# 5. The study, seed by seed, Hub teacher then auto.
data_of() { case "$1" in sample-images) echo sample-images ;; *) echo "study-data/$1" ;; esac; }
study() { # target teacher seed; the same student for both teachers, and auto's teacher is the Hub one's architecture
  local arch=()
  [[ "$2" == auto ]] && arch=(--teacher-arch resnet18)
  dd study --data "$(data_of "$1")" --name "$1" --teacher "$2" "${arch[@]}" --student-arch resnet10-w32 --output "$out" \
    --methods "$methods" --fractions "$fractions" --seeds "$3" --size $size --epochs "$epochs" --teacher-epochs "$epochs" \
    --threads "$threads" --quiet >/dev/null
}
IFS=, read -r -a seed_list <<< "$seeds"
IFS=, read -r -a target_list <<< "$targets"
for s in "${seed_list[@]}"; do
  for t in "${target_list[@]}"; do
    for teacher in "hf-hub:$repo_id" auto; do
      echo "$(date -u +%T) $t seed $s teacher $teacher"
      timed study "$t" "$teacher" "$s" -- study "$t" "$teacher" "$s"
    done
  done
done
dd study --output "$out" --report-only >/dev/null
"$PY" bench/hub_teacher_report.py "$out/study.csv" > "$out/hub-vs-auto.md"
echo "done: $out/study.csv, $out/study-summary.md, $out/study.png, $out/hub-vs-auto.md, $out/timing.csv"
