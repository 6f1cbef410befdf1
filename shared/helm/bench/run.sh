#!/usr/bin/env bash
# Helm renderer benchmark: `ferroflux helm template` vs the reference `helm template` (v4.3.1) on
# every fixture chart, whole-process time side by side in one hyperfine run per chart, plus our
# in-process render time (load + values + render + print) from the render_bench example.
#
#   shared/helm/bench/run.sh            # prints a markdown table; JSON in $OUT (default /tmp/ferroflux-helm-bench)
#   SKIP_BUILD=1 RUNS=20 shared/helm/bench/run.sh   # reuse the release binaries already built
#
# Needs: hyperfine (Debian: apt-get install -y hyperfine), Go (for hack/gotool helm), jq.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
fixtures=${FIXTURES:-$root/../shared/fixtures}
out=${OUT:-/tmp/ferroflux-helm-bench}
runs=${RUNS:-30}
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"

command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
helm=$("$root/hack/gotool" helm)
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$root" && cargo build --release -q -p ferroflux-cli && cargo build --release -q -p ferroflux-helm --example render_bench)
fi
ours="$target/release/ferroflux"
inproc="$target/release/examples/render_bench"

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
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/$name.json" \
    -n helm "$helm template rel $dir" \
    -n ferroflux "$ours helm template rel $dir" >/dev/null
  # Medians: on a shared machine a few runs take several times longer, and move the mean.
  helm_ms=$(jq '.results[] | select(.command=="helm") | .median * 1000' "$out/$name.json")
  ours_ms=$(jq '.results[] | select(.command=="ferroflux") | .median * 1000' "$out/$name.json")
  inproc_ms=$("$inproc" "$dir" 100 | jq '.median_ms')
  awk -v n="$name" -v h="$helm_ms" -v o="$ours_ms" -v i="$inproc_ms" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.1fx | %.2f | %.0fx |\n", n, h, o, h / o, i, h / i }'
done
