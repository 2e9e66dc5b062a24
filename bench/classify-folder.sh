#!/usr/bin/env bash
# Classifying a folder: `duodistill classify` against the PyTorch script a user would write
# (bench/torch_classify.py: PIL decode, the same preprocessing, batches of 32 across files, softmax,
# CSV), side by side, alternating rounds, medians of wall time including both start-ups. The folder:
# N deterministic 16-bit 128x128 PNGs (bench/make_ct_folder.py, not committed); the model: the
# default student (resnet10-w32) at 64 px trained for one epoch on sample-images (the weights do not
# change the speed). Also: duodistill with --threads 1 (does it scale with the second core?) and the
# largest probability difference between the two programs' CSVs; with BASELINE=CLASSES_DIR, an
# earlier build of duodistill in the same rounds.
#
# Usage: bench/classify-folder.sh [OUT] (from the project folder; ROUNDS=5 N=4266 THREADS=2 BATCH=32 for the
# PyTorch script, as a user writes it; DD_BATCH for duodistill, default: its own --batch default)
# Needs Debian's python3-torch (run with /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results/classify-folder}"
rounds="${ROUNDS:-5}"; n="${N:-4266}"; threads="${THREADS:-2}"; batch="${BATCH:-32}"
ddbatch=(); [[ -n "${DD_BATCH:-}" ]] && ddbatch=(--batch "$DD_BATCH")
mkdir -p "$out"
mvn -q -B -o -f duodistill.xml compile
mvn -q -B -o -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
export OPT_OUT_TRACKING=true
folder="$out/ct-$n"
[[ -f "$folder/slice_$(printf %05d $((n - 1))).png" ]] || /usr/bin/python3 bench/make_ct_folder.py "$folder" "$n"
model="$out/model"
[[ -f "$model/model.json" ]] || java -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main train --data sample-images --output "$model" \
	--overwrite --method single-ws --epochs 1 --size 64 --threads 2 >/dev/null 2>&1
# classify with the given classes folder in front of the dependencies
classify_with() { local classes="$1"; shift; java -Djava.awt.headless=true -Dai.djl.offline=true -cp "$classes:$(cat target/bench-classpath.txt)" \
	org.duodistill.cli.Main classify --model "$model" --input "$folder" --overwrite "$@" >/dev/null 2>&1; }
dd() { classify_with target/classes "$@"; }
# BASELINE=DIR: the classes of an earlier build (e.g. `git worktree add /tmp/old REV && mvn -f /tmp/old/duodistill.xml compile`,
# then BASELINE=/tmp/old/target/classes), timed in the same rounds
base() { classify_with "$BASELINE" "$@"; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
raw="$out/classify-folder-raw.csv"
echo "round,program,threads,seconds" > "$raw"
for ((r = 1; r <= rounds; r++)); do
	echo "$r,duodistill,$threads,$(secs dd --output "$out/duodistill.csv" --threads "$threads" "${ddbatch[@]}")" >> "$raw"
	echo "$r,pytorch,$threads,$(secs /usr/bin/python3 bench/torch_classify.py "$model" "$folder" "$out/pytorch.csv" "$batch" "$threads")" >> "$raw"
	echo "$r,duodistill,1,$(secs dd --output "$out/duodistill-1.csv" --threads 1 "${ddbatch[@]}")" >> "$raw"
	[[ -n "${BASELINE:-}" ]] && echo "$r,baseline,$threads,$(secs base --output "$out/baseline.csv" --threads "$threads")" >> "$raw"
	tail -4 "$raw"
done
med() { awk -F, -v p="$1" -v t="$2" 'NR > 1 && $2 == p && $3 == t {print $4}' "$raw" | median; }
d=$(med duodistill "$threads"); t=$(med pytorch "$threads"); d1=$(med duodistill 1)
diff=$(/usr/bin/python3 - "$out/duodistill.csv" "$out/pytorch.csv" <<'PY'
import csv, sys
a = {r["file"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["file"]: r for r in csv.DictReader(open(sys.argv[2]))}
keys = [k for k in next(iter(a.values())) if k.startswith("p_")]
print(f"{max(abs(float(a[f][k]) - float(b[f][k])) for f in a for k in keys):.1e}")
PY
)
summary="$out/classify-folder.csv"
echo "images,threads,batch,duodistill_s,pytorch_s,speed_ratio,duodistill_1_thread_s,second_core_gain,max_probability_difference" > "$summary"
awk -v n="$n" -v th="$threads" -v b="$batch" -v d="$d" -v t="$t" -v d1="$d1" -v x="$diff" \
	'BEGIN {printf "%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%s\n", n, th, b, d, t, t / d, d1, d1 / d, x}' | tee -a "$summary"
[[ -n "${BASELINE:-}" ]] && echo "baseline (${BASELINE}) median: $(med baseline "$threads") s" | tee -a "$summary"
true
