#!/usr/bin/env bash
# The scaling curve of trajkit for docs/performance.md: for each number of
# careers, `trajkit bench` simulates them (5 groups of BenchTruth, ages
# 12-50, 40% censored, 30% late starts, exposure below 1 in 5% of the
# years), writes them as a wide CSV file, reads it back and fits the true
# model (ZIP, K = 5, cubic, constant inflation) with the default starts
# (20 starts, the best 5 to convergence), on all cores. It prints the
# median over the runs of the reading and fitting times.
#
# Usage: bench/scaling.sh [PERSONS:RUNS ...]   (default 1000:5 10000:5 100000:3 1000000:1)
set -euo pipefail
cd "$(dirname "$0")/.."
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
	specs=(1000:5 10000:5 100000:3 1000000:1)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/trajkit" ./cmd/trajkit

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
field() { awk -v k="$1" '$1 == k {print $2}' "$2"; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load average $(cut -d' ' -f1-3 /proc/loadavg); $(go version)"
echo "| careers | runs | file MB | read s | fit s | iterations (all runs) | ms per iteration | peak memory MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for spec in "${specs[@]}"; do
	n=${spec%%:*}
	runs=${spec#*:}
	: > "$tmp/runs.txt"
	for r in $(seq "$runs"); do
		"$tmp/trajkit" bench --persons "$n" --csv "$tmp/careers.csv" > "$tmp/out.txt"
		cat "$tmp/out.txt" >&2
		mb=$(awk '$1 == "write" {print $(NF-1)}' "$tmp/out.txt")
		echo "$(field read "$tmp/out.txt") $(field fit "$tmp/out.txt") $(field iterations "$tmp/out.txt") $(awk '$1 == "per" {print $3}' "$tmp/out.txt") $(awk '$1 == "peak" {print $3}' "$tmp/out.txt")" >> "$tmp/runs.txt"
	done
	col() { awk -v c="$1" '{print $c}' "$tmp/runs.txt" | median; }
	echo "| $n | $runs | $mb | $(col 1) | $(col 2) | $(col 3) | $(col 4) | $(col 5) |"
	rm -f "$tmp/careers.csv"
done
