#!/usr/bin/env bash
# Benchmark ferroflux's kustomize engine against the reference, kustomize v5.5.0 as built into
# kubectl (`kubectl kustomize`), on every fixture overlay and on a large generated overlay
# (~2,160 objects, three layers of bases, patches, a component, replacements).
#
# For each directory: checks both print the same bytes, then runs hyperfine on the two whole
# processes side by side, and times our engine in-process (build + YAML printing, no process
# start). Prints a Markdown table for docs/benchmarks.md.
#
# Usage: shared/kustomize/bench/run.sh            (from anywhere; needs kubectl, hyperfine, jq)
#   FERROFLUX_FIXTURES=...  fixture repositories (default: testdata/ at the workspace root)
#   LARGE_APPS=240     applications in the generated overlay (nine objects each)
#   RUNS=10            hyperfine runs per small overlay; LARGE_RUNS=3 for the large one
#   FERROFLUX_BIN=...  use an already built `ferroflux` instead of building the CLI
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
FIXTURES_DIR="${FERROFLUX_FIXTURES:-$ROOT/testdata}"
RUNS="${RUNS:-10}"
LARGE_RUNS="${LARGE_RUNS:-3}"
LARGE_APPS="${LARGE_APPS:-240}"

for tool in kubectl hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y hyperfine jq)" >&2; exit 1; }
done

BIN="${FERROFLUX_BIN:-}"
if [[ -z "$BIN" ]]; then
  cargo build --release --quiet -p ferroflux-cli
  BIN="$CARGO_TARGET_DIR/release/ferroflux"
fi
cargo build --release --quiet -p ferroflux-kustomize --example gen_large --example inprocess
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LARGE="$("$CARGO_TARGET_DIR/release/examples/gen_large" "$WORK/large" "$LARGE_APPS")"

dirs=()
while IFS= read -r k; do dirs+=("$(dirname "$k")"); done < <(
  find "$FIXTURES_DIR/podinfo/deploy" "$FIXTURES_DIR/podinfo/kustomize" "$FIXTURES_DIR/flux2-kustomize-helm-example" \
    -name kustomization.yaml | sort)
dirs+=("$LARGE")

echo "| overlay | objects | kubectl kustomize, median (ms) | ferroflux, median (ms) | ratio | ferroflux in-process, mean (ms) |"
echo "|---|---:|---:|---:|---:|---:|"
for d in "${dirs[@]}"; do
  label="${d#"$FIXTURES_DIR"/}"
  runs="$RUNS"
  if [[ "$d" == "$LARGE" ]]; then label="generated: $LARGE_APPS apps, 3 layers"; runs="$LARGE_RUNS"; fi
  kubectl kustomize "$d" >"$WORK/ref.yaml" 2>/dev/null
  "$BIN" kustomize build "$d" >"$WORK/ours.yaml"
  if ! cmp -s "$WORK/ref.yaml" "$WORK/ours.yaml"; then
    echo "OUTPUT DIFFERS for $d" >&2
    diff "$WORK/ref.yaml" "$WORK/ours.yaml" | head -20 >&2
    exit 1
  fi
  objects="$(grep -c '^kind: ' "$WORK/ours.yaml" || true)"
  hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$WORK/h.json" \
    "kubectl kustomize $d" "$BIN kustomize build $d" >/dev/null 2>&1
  ref_ms="$(jq '.results[0].median * 1000' "$WORK/h.json")"
  ours_ms="$(jq '.results[1].median * 1000' "$WORK/h.json")"
  inproc="$("$CARGO_TARGET_DIR/release/examples/inprocess" "$d" 20 | sed -E 's/.*mean ([0-9.]+) ms.*/\1/')"
  printf '| %s | %s | %.1f | %.1f | %.0fx | %.2f |\n' "$label" "$objects" "$ref_ms" "$ours_ms" \
    "$(echo "$ref_ms / $ours_ms" | bc -l)" "$inproc"
done
