#!/usr/bin/env bash
# Import throughput (images/s) for PNG, 16-bit TIFF and DICOM: DuoDistill's loader next to ImageJ's
# bare Opener in one run. Usage: bench/import-throughput.sh [images per format]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-300}"
mvn -q -B -f duodistill.xml compile
mvn -q -B -f duodistill.xml dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:$(cat target/bench-classpath.txt)"
dicom="src/test/resources/data/dicom/CT_small.dcm"
[[ -f "$dicom" ]] || dicom=""
java -Djava.awt.headless=true -cp "$cp" bench/ImportThroughput.java "$n" $dicom
