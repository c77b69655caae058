# Shared helpers for the bench_*.sh scripts. Source this file, do not run it.
#
# Environment:
#   BENCH_RUNS       timed runs per measurement (default 5; one warm-up run
#                    comes on top)
#   BENCH_LOCK_FILE  when set, this file exists while measurements run, so
#                    that cooperating jobs on a shared machine can wait for
#                    it. It is released between measurements once it has been
#                    held for 2 minutes, and removed on exit.
#   BENCH_LOAD_WAIT  seconds to wait, once the lock is taken, for the 1-minute
#                    load average to fall below 1.5 (default 60)

bench_runs=${BENCH_RUNS:-5}

bench_require() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "error: '$tool' not found; the benchmarks need it" >&2
            exit 1
        fi
    done
}

# Prints the machine and the load, so that every result carries its context.
bench_machine() {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
        "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Creates BENCH_LOCK_FILE (when set) and waits for other jobs to calm down.
# The caller's EXIT trap must call bench_unlock.
bench_lock() {
    if [[ -z ${BENCH_LOCK_FILE:-} ]]; then
        return
    fi
    while [[ -e $BENCH_LOCK_FILE ]]; do
        sleep 5
    done
    : >"$BENCH_LOCK_FILE"
    bench_locked=1
    bench_locked_since=$SECONDS

    local waited=0
    while ((waited < ${BENCH_LOAD_WAIT:-60})) &&
        ! awk '{ exit !($1 < 1.5) }' /proc/loadavg; do
        sleep 5
        waited=$((waited + 5))
    done
}

# Releases the lock after a measurement when it has been held for 2 minutes,
# and pauses so that waiting jobs can take their turn.
bench_yield() {
    if [[ -n ${bench_locked:-} ]] && ((SECONDS - bench_locked_since >= 120)); then
        bench_unlock
        sleep 30
    fi
}

bench_unlock() {
    if [[ -n ${bench_locked:-} ]]; then
        rm -f "$BENCH_LOCK_FILE"
        bench_locked=
    fi
}

# bench_time <label> <results.json> <hyperfine arguments...>
# Times one command with hyperfine under the lock and appends its result,
# with the load average at its start, to <results.json> (one JSON object per
# line).
bench_time() {
    local label=$1 results=$2
    shift 2
    local single load
    single=$(mktemp "$results.XXXXXX") # next to the results, so the caller's cleanup removes it
    if [[ -z ${bench_locked:-} ]]; then
        bench_lock
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    hyperfine --style none --warmup 1 --runs "$bench_runs" --export-json "$single" "$@" -n "$label" \
        >/dev/null
    bench_yield
    python3 -c '
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
result["load"] = float(sys.argv[2])
print(json.dumps(result))' "$single" "$load" >>"$results"
    rm -f "$single"
}

# bench_table <results.json> [bytes]
# Prints a Markdown table of median, minimum and maximum seconds per label and
# the 1-minute load average when the measurement started. When the number of
# bytes each run processes is given, it adds the throughput in MB/s (10^6
# bytes per second, from the median).
bench_table() {
    python3 - "$@" <<'PYTHON'
import json
import sys

results = [json.loads(line) for line in open(sys.argv[1])]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 0
header = "| measurement | median s | min s | max s | runs | load |"
rule = "|---|---:|---:|---:|---:|---:|"
if size:
    header += " MB/s |"
    rule += "---:|"
print(header)
print(rule)
for result in results:
    row = (f"| {result['command']} | {result['median']:.3f} | {result['min']:.3f} "
           f"| {result['max']:.3f} | {len(result['times'])} | {result['load']:.1f} |")
    if size:
        row += f" {size / result['median'] / 1e6:.0f} |" if result["median"] > 0.05 else " - |"
    print(row)
PYTHON
}
