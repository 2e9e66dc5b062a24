#!/usr/bin/env bash
# ResNet training against PyTorch 1.13 eager, and the single operations behind it (issue 23, part 3).
# 1. The training step (resnet10-w32, 64 px, batch 32, cross-entropy; bench/SpeedBench.java against
#    bench/torch_speed.py), 2. each operation of that step at the network's shapes, forward and
#    forward + backward (bench/OpBench.java against bench/torch_ops.py). In every round: DuoDistill,
#    PyTorch with the oneDNN/ATen caps DuoDistill runs under on AMD Zen 5 (DNNL_MAX_CPU_ISA=AVX,
#    ATEN_CPU_CAPABILITY=avx2), and PyTorch without them; ROUNDS rounds alternating, medians.
#
# 3. (PARTS=profile) libtorch's profiler over 20 training steps on each side, compared operation by
#    operation (bench/compare_profiles.py): self time per step, and the time between operations.
# The training step is also timed with glibc's own malloc settings (-Dduodistill.malloc=glibc), as
# DuoDistill ran before NativeHeap.
#
# Usage: bench/op-speed.sh [OUT]     (ROUNDS=3 SECONDS_PER_RUN=5 SECONDS_PER_OP=0.5 THREADS=2; ~7 minutes)
#   PARTS="train profile ops" chooses the parts (default: train ops).
# Needs Debian's python3-torch (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results/op-speed}"
mkdir -p "$out"
rounds="${ROUNDS:-3}"; secs="${SECONDS_PER_RUN:-5}"; opsecs="${SECONDS_PER_OP:-0.5}"; threads="${THREADS:-2}"
mvn -q -B -o -f duodistill.xml compile
mvn -q -B -o -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
export OMP_NUM_THREADS="$threads" OPT_OUT_TRACKING=true
cap=(env DNNL_MAX_CPU_ISA=AVX ATEN_CPU_CAPABILITY=avx2)
ours() { "${cap[@]}" java -Xmx6g -Dthreads="$threads" -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" "$@" 2>/dev/null; }
py() { /usr/bin/python3 "$@" 2>/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

parts="${PARTS:-train ops}"
if [[ " $parts " == *" train "* ]]; then
raw="$out/train-raw.csv"
echo "round,side,images_per_second" > "$raw"
for ((r = 1; r <= rounds; r++)); do
	echo "$r,duodistill,$(ours bench/SpeedBench.java train resnet10-w32 64 32 "$secs" | tail -1 | cut -d, -f6)" >> "$raw"
	echo "$r,duodistill_glibc_malloc,$(ours -Dduodistill.malloc=glibc bench/SpeedBench.java train resnet10-w32 64 32 "$secs" | tail -1 | cut -d, -f6)" >> "$raw"
	echo "$r,pytorch_capped,$("${cap[@]}" /usr/bin/python3 bench/torch_speed.py train resnet10-w32 64 32 "$secs" "$threads" 2>/dev/null | tail -1 | cut -d, -f6)" >> "$raw"
	echo "$r,pytorch_uncapped,$(py bench/torch_speed.py train resnet10-w32 64 32 "$secs" "$threads" | tail -1 | cut -d, -f6)" >> "$raw"
done
cat "$raw"
for side in $(awk -F, 'NR > 1 {print $2}' "$raw" | awk '!seen[$0]++'); do
	echo "$side,$(awk -F, -v s="$side" '$2 == s {print $3}' "$raw" | median)"
done | tee "$out/train.csv"
fi
if [[ " $parts " == *" profile "* ]]; then
	# every operation's time in 20 training steps, libtorch's profiler on both sides (capped alike)
	ours -Dprofile="$out/profile-duodistill.json" bench/SpeedBench.java train resnet10-w32 64 32 1 >/dev/null
	ours -Dduodistill.malloc=glibc -Dprofile="$out/profile-duodistill-glibc.json" bench/SpeedBench.java train resnet10-w32 64 32 1 >/dev/null
	PROFILE="$out/profile-pytorch.json" "${cap[@]}" /usr/bin/python3 bench/torch_speed.py train resnet10-w32 64 32 1 "$threads" >/dev/null 2>&1
	/usr/bin/python3 bench/compare_profiles.py "$out/profile-duodistill.json" 20 "$out/profile-pytorch.json" 20 "$out/profile.csv"
	/usr/bin/python3 bench/compare_profiles.py "$out/profile-duodistill-glibc.json" 20 "$out/profile-pytorch.json" 20 "$out/profile-glibc.csv"
	head -25 "$out/profile.csv" | column -s, -t
fi
[[ " $parts " == *" ops "* ]] || exit 0

oraw="$out/ops-raw.csv"
echo "round,side,op,shape,fwd_us,fwdbwd_us" > "$oraw"
for ((r = 1; r <= rounds; r++)); do
	ours bench/OpBench.java "$opsecs" | sed "s/^/$r,duodistill,/" >> "$oraw"
	ours -Dcl=true bench/OpBench.java "$opsecs" | sed "s/^/$r,duodistill_channels_last,/" >> "$oraw"
	"${cap[@]}" /usr/bin/python3 bench/torch_ops.py "$opsecs" "$threads" 2>/dev/null | sed "s/^/$r,pytorch_capped,/" >> "$oraw"
	py bench/torch_ops.py "$opsecs" "$threads" | sed "s/^/$r,pytorch_uncapped,/" >> "$oraw"
done
# medians per op and side; ratio = PyTorch's time / ours (cl: ours with channels-last activations) (> 1: libtorch 2.7.1 through DJL is faster)
/usr/bin/python3 - "$oraw" "$out/ops.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
keys = list(dict.fromkeys((r["op"], r["shape"]) for r in rows))
med = lambda side, k, col: statistics.median(float(r[col]) for r in rows if r["side"] == side and (r["op"], r["shape"]) == k)
with open(sys.argv[2], "w") as f:
    f.write("op,shape,ours_fwd_us,ours_cl_fwd_us,capped_fwd_us,uncapped_fwd_us,ours_fwdbwd_us,ours_cl_fwdbwd_us,capped_fwdbwd_us,uncapped_fwdbwd_us,"
            "ratio_fwdbwd_capped,ratio_fwdbwd_cl_capped,ratio_fwdbwd_uncapped\n")
    sides = ("duodistill", "duodistill_channels_last", "pytorch_capped", "pytorch_uncapped")
    for k in keys:
        o, ocl, c, u = (med(s, k, "fwd_us") for s in sides)
        ob, oclb, cb, ub = (med(s, k, "fwdbwd_us") for s in sides)
        f.write(f"{k[0]},{k[1]},{o:.1f},{ocl:.1f},{c:.1f},{u:.1f},{ob:.1f},{oclb:.1f},{cb:.1f},{ub:.1f},{cb / ob:.2f},{cb / oclb:.2f},{ub / ob:.2f}\n")
PY
column -s, -t "$out/ops.csv"
