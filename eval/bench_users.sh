#!/usr/bin/env bash
# Concurrent gradio_client users against app processes that this script starts and stops.
#
#   eval/bench_users.sh CORPUS WORK [PROCESSES]
#
# PROCESSES = 1 (default): one app process on the embedded store -> eval/bench_results/users.json
# PROCESSES > 1: a Chroma server (`chroma run`, from the chromadb package) on 127.0.0.1 and that
#   many app processes sharing it and one index folder; users are spread over the processes
#   -> eval/bench_results/users-server.json
# The index is built in WORK first if it is not there (the corpus: eval/make_corpus.py).
set -euo pipefail
corpus=$(realpath "$1"); work=$(realpath -m "$2"); processes=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$root/.venv/bin/python}
bin=$(dirname "$py")
export HF_HUB_OFFLINE=1
mkdir -p "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() {  # URL: until it answers, at most 120 s
  for _ in $(seq 240); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "bench_users: $1 did not come up" >&2; return 1
}

if [ "$processes" -gt 1 ]; then
  port=8011
  "$bin/chroma" run --path "$work/chroma-server" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/api/v2/heartbeat"
  chroma=(--chroma-url "http://127.0.0.1:$port")
  index="$work/index-server"; tag=server
else
  chroma=(); index="$work/index-embedded"; tag=""
fi
"$bin/qa" sync --corpus "$corpus" --index "$index" "${chroma[@]}" >/dev/null

urls=()
for k in $(seq "$processes"); do
  app_port=$((7860 + k))
  "$py" "$root/app.py" --host 127.0.0.1 --port "$app_port" --corpus "$corpus" --index "$index" \
    "${chroma[@]}" >"$work/app-$k.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$app_port")
done
for url in "${urls[@]}"; do wait_for "$url/"; done
joined=$(IFS=,; echo "${urls[*]}")
"$py" "$root/eval/bench.py" users --url "$joined" --users "${USERS:-1,4,16}" \
  --seconds "${SECONDS_PER_LEVEL:-30}" ${tag:+--tag "$tag"}
