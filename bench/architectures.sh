#!/usr/bin/env bash
# Parameter counts and one CPU training epoch per reference pair on the sample images: the teacher
# (trained here, auto) and the weight-selected student (single-ws), one epoch each, 2 threads.
# Writes OUT/architectures.csv (pair, size, role, arch, params, epoch_seconds).
#
# Usage: bench/architectures.sh [OUT]      (from the project folder; about 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
mkdir -p "$out"
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dd() { java -Xmx8g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" org.duodistill.cli.Main "$@"; }
csv="$out/architectures.csv"
echo "pair,size,role,arch,params,epoch_seconds" > "$csv"
while read -r teacher student size; do
	log="$out/train-$student.log"
	dd train --data sample-images --output "$out/model-$student" --overwrite --method single-ws --teacher-arch "$teacher" \
		--student-arch "$student" --size "$size" --epochs 1 --batch 32 --threads 2 > "$log" 2>&1
	for role in teacher student; do
		arch=$([[ $role == teacher ]] && echo "$teacher" || echo "$student")
		secs=$(grep -E "^$role " "$log" | head -1 | sed -E 's/.* ([0-9.]+)s .*/\1/')
		desc=$(grep -E "$arch \(" "$log" | head -1 | sed -E "s/.*$arch \(([0-9.]+)M params.*/\1/")
		echo "$teacher->$student,$size,$role,$arch,${desc}M,${secs}" >> "$csv"
	done
done <<'PAIRS'
resnet18 resnet10-w32 64
vit_small_patch8_64 vit_tiny_patch8_64 64
convnext_tiny convnext_femto 64
vit_small_patch16_224 vit_tiny_patch16_224 224
PAIRS
cat "$csv"
