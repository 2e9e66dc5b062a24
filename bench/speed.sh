#!/usr/bin/env bash
# Throughput of DuoDistill against PyTorch eager, side by side in one run (ratios: these machines are
# noisy): the training step every method runs (CE), the dual-skd step (EMA-teacher forward, KD,
# student step, EMA update) and inference, for student and teacher presets at 64 and 224 px, same
# shapes, batch 32, 2 threads, float32, random data. Each measurement alternates DuoDistill and
# PyTorch ROUNDS times and keeps the median. Then: the share of training time spent waiting for
# data, end-to-end classify of a folder, and peak memory of dual-skd against single-ws.
#
# Usage: bench/speed.sh [OUT]      (from the project folder; about 15 minutes on 2 cores)
#   SECONDS_PER_RUN=5 ROUNDS=3 CONFIGS="resnet10-w32:64 ..." KINDS="train skd infer" override the grid;
#   ONLY_STEPS=1 skips latency, end-to-end training and classify; APPEND=1 adds to an existing speed.csv.
# Needs Debian's python3-torch and python3-matplotlib (run with /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
mkdir -p "$out"
secs="${SECONDS_PER_RUN:-5}"
rounds="${ROUNDS:-3}"
configs="${CONFIGS:-resnet10-w32:64 resnet18:64 vit_tiny_patch8_64:64 convnext_femto:64 resnet10-w32:224 resnet18:224}"
kinds="${KINDS:-train skd infer}"
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
export OMP_NUM_THREADS=2 OPT_OUT_TRACKING=true
ours() { java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" bench/SpeedBench.java "$@" 2>/dev/null | tail -1; }
theirs() { /usr/bin/python3 bench/torch_speed.py "$@" 2 2>/dev/null | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

csv="$out/speed.csv"
[[ "${APPEND:-0}" == 1 && -f "$csv" ]] || echo "kind,arch,size,batch,duodistill_img_s,pytorch_img_s,ratio" > "$csv"
for cfg in $configs; do
	arch="${cfg%%:*}"; size="${cfg##*:}"
	for kind in $kinds; do
		o=(); t=()
		for ((r = 0; r < rounds; r++)); do
			o+=("$(ours "$kind" "$arch" "$size" 32 "$secs" | cut -d, -f6)")
			t+=("$(theirs "$kind" "$arch" "$size" 32 "$secs" | cut -d, -f6)")
		done
		mo=$(printf '%s\n' "${o[@]}" | median); mt=$(printf '%s\n' "${t[@]}" | median)
		echo "$kind,$arch,$size,32,$mo,$mt,$(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.3f", a / b}')" | tee -a "$csv"
	done
done

if [[ "${ONLY_STEPS:-0}" == 1 ]]; then /usr/bin/python3 bench/plot_speed.py "$csv" "$out/speed.png"; exit 0; fi

# batch-1 latency (inference), milliseconds per image; ratio = PyTorch's latency / ours (> 1: we are faster)
lat="$out/latency.csv"
echo "arch,size,duodistill_ms,pytorch_ms,speed_ratio" > "$lat"
for cfg in resnet10-w32:64 resnet18:224; do
	arch="${cfg%%:*}"; size="${cfg##*:}"
	o=$(ours infer "$arch" "$size" 1 "$secs" | cut -d, -f6); t=$(theirs infer "$arch" "$size" 1 "$secs" | cut -d, -f6)
	echo "$arch,$size,$(awk -v a="$o" -v b="$t" 'BEGIN {printf "%.3f,%.3f,%.3f", 1000 / a, 1000 / b, a / b}')" | tee -a "$lat"
done

# training end to end on the sample images: data wait share and peak memory, dual-skd vs single-ws
dd() { java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }
e2e="$out/train-e2e.csv"
echo "method,epochs,seconds,data_wait_seconds,data_wait_share,peak_rss_mb" > "$e2e"
for method in single-ws dual-skd; do
	dd train --data sample-images --output "$out/e2e-$method" --overwrite --method "$method" --epochs 10 --size 64 --threads 2 >/dev/null 2>&1
	awk -F, -v m="$method" 'NR > 1 && $1 == "student" {s += $12; w += $13; if ($14 > r) r = $14; n++}
		END {printf "%s,%d,%.2f,%.3f,%.4f,%d\n", m, n, s, w, w / s, r}' "$out/e2e-$method/history.csv" | tee -a "$e2e"
done

# classify a folder end to end (decode, preprocess, network, CSV) against the network alone
t0=$(date +%s.%N)
dd classify --model "$out/e2e-single-ws" --input sample-images --output "$out/predictions.csv" --overwrite --threads 2 >/dev/null 2>&1
t1=$(date +%s.%N)
n=$(($(wc -l < "$out/predictions.csv") - 1))
echo "classify_end_to_end,$n images,$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.1f img/s incl. JVM and engine start", n / (b - a)}')" | tee "$out/classify-e2e.txt"

/usr/bin/python3 bench/plot_speed.py "$csv" "$out/speed.png"
