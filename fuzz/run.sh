#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600) and prints the
# executions and crashes of each. Needs cargo-fuzz (`cargo install
# cargo-fuzz`); on a stable toolchain, RUSTC_BOOTSTRAP lets it use the
# instrumentation flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
targets=(front_matter markdown book_toml snippet_attributes site html_safety sources python_names)
cargo fuzz build --sanitizer none --release
printf '%-20s %14s %8s\n' target executions crashes
for target in "${targets[@]}"; do
  log=$(mktemp)
  status=0
  cargo fuzz run --sanitizer none --release "$target" -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=0
  [ "$status" -ne 0 ] && crashes=1
  printf '%-20s %14s %8s\n' "$target" "${runs:-0}" "$crashes"
  [ "$status" -ne 0 ] && tail -n 30 "$log"
  rm -f "$log"
done
