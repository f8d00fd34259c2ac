#!/usr/bin/env bash
# Times trajkit against flexmix on the repository's data sets, in one run on
# one machine, for docs/performance.md. Model: Poisson, K = 4, cubic in
# every group, free shares, 10 starts for both tools (flexmix: 10 random
# starts, best kept, bench/flexmix.R; trajkit: --starts 10, the best 5 to
# convergence).
#
# flexmix's time is the fitting alone, timed inside R (no start-up, no
# reading); trajkit's is the whole process (start-up and reading included),
# timed by hyperfine. Both are medians of RUNS runs (trajkit: 10 runs).
#
# Needs Go, R with flexmix (Debian: r-base-core r-cran-flexmix) and
# hyperfine. Run from anywhere: bench/compare.sh [RUNS] [DATA...], where
# DATA is a file under data/, with :COLUMN for an exposure column.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
	sets=(gbtm_sim/sim630.csv gbtm_sim/sim5000.csv toronto/TO1adj.csv toronto/TO1_exposure.csv:exposure)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/trajkit" ./cmd/trajkit

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(go version); $(Rscript -e 'cat(R.version.string, "flexmix", as.character(packageVersion("flexmix")))' 2>/dev/null); $(hyperfine --version)"
echo "| data | flexmix log-likelihood (best of $runs runs) | starts reaching it | flexmix fit s (median of $runs) | trajkit log-likelihood | trajkit whole process s (median of 10) | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for spec in "${sets[@]}"; do
	file=data/${spec%%:*}
	exposure=""
	[[ $spec == *:* ]] && exposure=${spec#*:}
	flexargs=(--starts 10)
	tkargs=(fit --data "$file" --groups 4 --starts 10)
	if [ -n "$exposure" ]; then
		flexargs+=(--exposure "$exposure")
		tkargs+=(--exposure "$exposure")
	fi
	: > "$tmp/flex.txt"
	for r in $(seq "$runs"); do
		Rscript bench/flexmix.R "$file" "${flexargs[@]}" --seed "$r" | tee -a "$tmp/flex.txt" >&2
	done
	fll=$(sed 's/.*loglik=\([^ ]*\).*/\1/' "$tmp/flex.txt" | sort -g | tail -1)
	freached=$(grep -F "loglik=$fll" "$tmp/flex.txt" | head -1 | sed 's/.*reached=\([^ ]*\).*/\1/')
	ftime=$(sed 's/.*fit_seconds=\([^ ]*\).*/\1/' "$tmp/flex.txt" | median)
	tll=$("$tmp/trajkit" "${tkargs[@]}" | awk '/^Log-likelihood/ {print $2}')
	hyperfine --style none --warmup 1 --runs 10 --export-csv "$tmp/tk.csv" "$tmp/trajkit ${tkargs[*]}" >&2
	ttime=$(awk -F, 'NR == 2 {print $4}' "$tmp/tk.csv")
	ratio=$(awk -v f="$ftime" -v t="$ttime" 'BEGIN {printf "%.0f", f / t}')
	echo "| ${spec%%:*}${exposure:+ (exposure)} | $fll | $freached of 10 | $ftime | $tll | $(printf '%.3f' "$ttime") | $ratio |"
done
