#!/usr/bin/env bash
# The Spark job in local mode against the single-machine classify, side by side in one run (ratios:
# these machines are noisy). Same folder, same model, same output format (CSV), each command a
# fresh JVM as a user runs it; per round: classify --threads 1, Spark local[1] --threads 1,
# classify --threads 2, Spark local[2] (one libtorch thread per task), and Spark local[2] on 100
# images (what a job costs besides its images: JVM, Spark's start, output writer). Medians over
# ROUNDS. Also the job's own time (after Spark has started) and the per-executor model-load cost,
# which the Spark job prints.
#
# Usage: bench/spark.sh [OUT]   (after mvn -B package -DskipTests; about 5 minutes on 2 cores)
#   COPIES=20 (copies of sample-images' 300 PNGs) ROUNDS=3 ARCH=resnet10-w32 TEACHER=resnet18 SIZE=64 override.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
mkdir -p "$out"
copies="${COPIES:-20}"
rounds="${ROUNDS:-3}"
arch="${ARCH:-resnet10-w32}"
teacher="${TEACHER:-resnet18}"
size="${SIZE:-64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
	mkdir -p "$work/images/copy$i"
	cp -r sample-images/axial sample-images/coronal sample-images/sagittal "$work/images/copy$i/"
done
images=$((copies * 300))
bin/duodistill train --data sample-images --output "$work/model" --teacher-arch "$teacher" --student-arch "$arch" \
	--size "$size" --epochs 1 --threads 2 > "$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

raw="$out/spark-raw.csv"
echo "round,run,wall_s,job_s,model_load_s,model_loads" > "$raw"
for r in $(seq 1 "$rounds"); do
	for run in classify-1 spark-1 classify-2 spark-2 spark-small; do
		t0=$(now)
		case "$run" in
			classify-1) bin/duodistill classify --model "$work/model" --input "$work/images" --output "$work/c1.csv" --threads 1 --overwrite >/dev/null 2>&1 ;;
			classify-2) bin/duodistill classify --model "$work/model" --input "$work/images" --output "$work/c2.csv" --threads 2 --overwrite >/dev/null 2>&1 ;;
			spark-1) bin/duodistill-spark classify --master 'local[1]' --threads 1 --model "$work/model" --input "$work/images" --output "$work/s1.csv" --overwrite > "$work/s.txt" 2>/dev/null ;;
			spark-2) bin/duodistill-spark classify --master 'local[2]' --model "$work/model" --input "$work/images" --output "$work/s2.csv" --overwrite > "$work/s.txt" 2>/dev/null ;;
			spark-small) bin/duodistill-spark classify --master 'local[2]' --model "$work/model" --input sample-images/axial --output "$work/small.csv" --overwrite > "$work/s.txt" 2>/dev/null ;;
		esac
		wall=$(echo "$(now) - $t0" | bc -l)
		job="" load="" loads=""
		if [[ "$run" == spark-* ]]; then
			# "... (csv, N file(s) in P partition(s), 12.3 s; model loaded 1 time(s), 0.41 s)"
			job=$(sed -n 's/.* partition(s), \([0-9.]*\) s; .*/\1/p' "$work/s.txt")
			loads=$(sed -n 's/.*model loaded \([0-9]*\) time(s).*/\1/p' "$work/s.txt")
			load=$(sed -n 's/.*time(s), \([0-9.]*\) s).*/\1/p' "$work/s.txt")
		fi
		printf '%s,%s,%.2f,%s,%s,%s\n' "$r" "$run" "$wall" "$job" "$load" "$loads" >> "$raw"
	done
done
# the predictions agree: the same rows, in the same order, as classify with the same libtorch thread
# count (Spark adds status and reason); a different thread count changes some sixth decimals
same() { diff <(tail -n +2 "$1") <(tail -q -n +2 "$2"/part-*.csv | sed 's/,ok,$//') >/dev/null && echo identical || echo DIFFERENT; }
agree1=$(same "$work/c1.csv" "$work/s1.csv")
differ2=$(diff <(tail -n +2 "$work/c2.csv") <(tail -q -n +2 "$work"/s2.csv/part-*.csv | sed 's/,ok,$//') | grep -c '^<' || true)
# of those, rows whose predicted class differs (fields 1-3: file, slice, predicted)
classes2=$(diff <(tail -n +2 "$work/c2.csv" | cut -d, -f1-3) <(tail -q -n +2 "$work"/s2.csv/part-*.csv | cut -d, -f1-3) | grep -c '^<' || true)

col() { awk -F, -v run="$1" -v c="$2" 'NR > 1 && $2 == run {print $c}' "$raw" | median; }
csv="$out/spark.csv"
echo "cores,classify_img_s,spark_img_s,ratio,spark_job_img_s,job_ratio,model_load_s" > "$csv"
for n in 1 2; do
	c=$(col "classify-$n" 3)
	s=$(col "spark-$n" 3)
	j=$(col "spark-$n" 4)
	l=$(col "spark-$n" 5)
	printf '%d,%.1f,%.1f,%.2f,%.1f,%.2f,%.2f\n' "$n" "$(echo "$images / $c" | bc -l)" "$(echo "$images / $s" | bc -l)" \
		"$(echo "$c / $s" | bc -l)" "$(echo "$images / $j" | bc -l)" "$(echo "$c / $j" | bc -l)" "$l" >> "$csv"
done
small=$(col spark-small 3)
echo "images: $images ($arch, ${size} px); rounds: $rounds"
echo "1 core: Spark's rows vs classify's (both 1 libtorch thread): $agree1; 2 cores (classify 2 threads, Spark 1 per task): $differ2 row(s) differ in a probability, $classes2 in the predicted class"
echo "a 100-image Spark job (local[2]) takes ${small} s"
column -s, -t "$csv"
