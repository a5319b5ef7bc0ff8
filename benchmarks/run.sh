#!/usr/bin/env bash
# Runs the whole benchmark suite with short iterations and writes a results table (markdown) and a chart (SVG) of
# the contention sweep. Usage: benchmarks/run.sh [output directory]   (default: benchmarks/target/results)
#
# Knobs (environment): WARMUP (iterations, default 2), ITERATIONS (default 3), TIME (seconds per iteration,
# default 1), FORKS (default 1), MEET_BENCH_REDIS_URL (use this Redis instead of starting one), SKIP_BUILD=1,
# ONLY (a regular expression: run only the groups whose name matches, e.g. ONLY='lock|webhook').
# COLLECTOR_LOCKS (default 1000,10000,100000), RECONCILER_RECORDINGS (default 1000,10000,100000; see docs/benchmarks.md),
# BACKEND_CONCURRENCY (default 1,10), BACKEND_WARMUP (warmup iterations of the backend group, default 3),
# BACKEND_SERVER_WARMUP (seconds of mixed load on the fresh backend before the first measurement, default 90),
# MEET_BENCH_BACKEND_JVM_ARGS (JVM options of the benchmarked backend process, e.g. a JFR recording).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
OUT="${1:-$ROOT/benchmarks/target/results}"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
WARMUP="${WARMUP:-2}"
ITERATIONS="${ITERATIONS:-3}"
TIME="${TIME:-1}"
FORKS="${FORKS:-1}"
ONLY="${ONLY:-.}"

mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.log "$OUT"/*.txt

if [ "${SKIP_BUILD:-0}" != "1" ] || [ ! -f "$JAR" ]; then
  echo "bench: building $JAR"
  ./mvnw -B -q -pl benchmarks -am package -DskipTests -DskipITs
fi

# --- Redis: a real redis-server of our own on a free port, like CI; else the benchmarks' embedded one.
REDIS_DIR=""
REDIS_PORT=""
stop_redis() {
  if [ -n "$REDIS_PORT" ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  if [ -n "$REDIS_DIR" ]; then
    rm -rf "$REDIS_DIR"
  fi
}
trap stop_redis EXIT

if [ -z "${MEET_BENCH_REDIS_URL:-}" ]; then
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing redis-server"
    (apt-get install -y -qq redis-server >/dev/null 2>&1 \
      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null)) \
      || echo "bench: could not install redis-server; the benchmarks fall back to the embedded Redis"
  fi
  if command -v redis-server >/dev/null 2>&1; then
    REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    REDIS_DIR="$(mktemp -d -t meet-bench-redis.XXXXXX)"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 1 100); do
      [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break
      sleep 0.1
    done
    export MEET_BENCH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    echo "bench: redis-server $(redis-server --version | awk '{print $3}') on $MEET_BENCH_REDIS_URL"
  else
    echo "bench: no redis-server: the benchmarks start the test kit's embedded Redis"
  fi
fi

COMMON=(-wi "$WARMUP" -w "${TIME}s" -i "$ITERATIONS" -r "${TIME}s" -f "$FORKS" -foe true)

group() {
  local name="$1"
  shift
  if ! [[ "$name" =~ $ONLY ]]; then
    return 0
  fi
  echo "bench: $name"
  java -jar "$JAR" "$@" "${COMMON[@]}" -rf json -rff "$OUT/$name.json" >"$OUT/$name.log" 2>&1 || {
    echo "bench: $name failed, see $OUT/$name.log" >&2
    tail -30 "$OUT/$name.log" >&2
    exit 1
  }
}

START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

group lock-cycle 'LockCycleBenchmark'
group lock-contention 'LockContentionBenchmark' -p threads=1,4,16,64 -p rooms=oneRoom,distinctRooms
group webhook 'WebhookBenchmark' -p backend=memory,memory-shm,redis-s3
group lock-collector 'LockCollectorBenchmark' -p locks="${COLLECTOR_LOCKS:-1000,10000,100000}" -p scenario=held,orphaned -prof gc
group reconciler 'ReconcilerBenchmark' -p recordings="${RECONCILER_RECORDINGS:-1000,10000,100000}" -p backend=memory-shm -prof gc
group reconciler-s3 'ReconcilerBenchmark' -p recordings=1000,10000 -p backend=redis-s3
group start-to-active 'StartToActiveBenchmark' -p backend=memory,redis-s3
# Benchmark 6: the backend (meet-sample-app's jar, its own process) over HTTP at concurrency 1 and 10, against ONE
# backend process (BackendHttpRun: the driver is not forked, the backend would restart per fork); its log is kept.
if [[ "backend-http" =~ $ONLY ]]; then
  echo "bench: backend-http"
  MEET_BENCH_BACKEND_LOG_DIR="$OUT" MEET_BENCH_BACKEND_WARMUP="${BACKEND_SERVER_WARMUP:-90}" java -cp "$JAR" dev.meet.benchmarks.BackendHttpRun -c "${BACKEND_CONCURRENCY:-1,10}" \
    -wi "${BACKEND_WARMUP:-3}" -w "${TIME}s" -i "$ITERATIONS" -r "${TIME}s" -foe true \
    -rf json -rff "$OUT/backend-http.json" >"$OUT/backend-http.log" 2>&1 || {
    echo "bench: backend-http failed, see $OUT/backend-http.log" >&2
    tail -30 "$OUT/backend-http.log" >&2
    exit 1
  }
fi

END=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

python3 "$ROOT/benchmarks/report/report.py" "$OUT" \
  --started "$START" --ended "$END" --load "$LOAD_BEFORE / $LOAD_AFTER" \
  --settings "warmup ${WARMUP}x${TIME}s, measurement ${ITERATIONS}x${TIME}s, forks ${FORKS}" \
  --cores "$(nproc 2>/dev/null || echo '?')" --backend-server-warmup "${BACKEND_SERVER_WARMUP:-90}" --redis "${REDIS_PORT:+redis-server $(redis-server --version | awk '{print $3}')}"
echo "bench: $OUT/results.md and $OUT/contention.svg"
