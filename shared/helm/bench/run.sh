#!/usr/bin/env bash
# Helm renderer benchmark: `ferroflux helm template` vs the reference `helm template` (v4.3.1) on
# every fixture chart, whole-process time side by side, plus our in-process render time (load +
# values + render + print) from the render_bench example.
#
# The two commands run in turn, round after round (the `interleave` example), so both meet the
# same moments of the machine: on a shared VM the speed drifts by a quarter within minutes, and
# a tool timed in one stretch (as hyperfine times all runs of one command, then the other) gets
# whatever that stretch was. Medians of RUNS rounds after 3 warm-up rounds.
#
#   shared/helm/bench/run.sh            # prints a markdown table; raw results in $OUT (default /tmp/ferroflux-helm-bench)
#   SKIP_BUILD=1 RUNS=20 shared/helm/bench/run.sh   # reuse the release binaries already built
#
# Needs: Go (for hack/gotool helm), jq. Chart paths must not contain spaces.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
fixtures=${FERROFLUX_FIXTURES:-$root/testdata}
out=${OUT:-/tmp/ferroflux-helm-bench}
runs=${RUNS:-30}
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"

helm=$("$root/hack/gotool" helm)
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$root" && cargo build --release -q -p ferroflux-cli && cargo build --release -q -p ferroflux-helm --example render_bench --example interleave)
fi
ours="$target/release/ferroflux"
inproc="$target/release/examples/render_bench"
interleave="$target/release/examples/interleave"

charts=(podinfo/charts/podinfo charts/bitnami-nginx charts/bitnami-postgresql charts/bitnami-redis charts/prometheus charts/traefik)

echo "| chart | helm template, median (ms) | ferroflux helm template, median (ms) | ratio (whole process) | ferroflux in-process render, median (ms) | ratio (in-process) |"
echo "|---|---:|---:|---:|---:|---:|"
for chart in "${charts[@]}"; do
  name=$(basename "$chart")
  dir="$fixtures/$chart"
  # Both must render the chart, else the comparison means nothing.
  if ! "$ours" helm template rel "$dir" >/dev/null 2>"$out/$name.err"; then
    echo "| $name | - | - | ours fails: $(head -c 120 "$out/$name.err" | tr '\n|' '  ') | - | - |"
    continue
  fi
  "$interleave" "$runs" "$helm template rel $dir" "$ours helm template rel $dir" >"$out/$name.txt"
  helm_ms=$(awk 'NR == 1 { print $2 }' "$out/$name.txt")
  ours_ms=$(awk 'NR == 2 { print $2 }' "$out/$name.txt")
  inproc_ms=$("$inproc" "$dir" 100 | jq '.median_ms')
  awk -v n="$name" -v h="$helm_ms" -v o="$ours_ms" -v i="$inproc_ms" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.1fx | %.2f | %.0fx |\n", n, h, o, h / o, i, h / i }'
done
