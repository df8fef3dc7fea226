#!/usr/bin/env bash
# End-to-end check of the dashboards and alert rules against the running pair:
#
#   bash deploy/e2e-prometheus.sh [--keep]
#
# Starts server-b and server-a from their jars on 127.0.0.1 with the
# environment of their pods: the ConfigMap of k8s/overlays/project-b|a
# (kustomize build; only ports, addresses, storage, the peer URL, DATA_CONFIG
# and the shutdown phase replaced; streaming stays on as the overlays set it,
# against the Pub/Sub emulator of bin/pubsub-emulator, which creates each
# overlay's PRIO_STREAM_PROJECT/PRIO_STREAM_SUBSCRIPTION at start, reached
# through PUBSUB_EMULATOR_HOST) and exactly the keys of the overlay's Secret
# (fresh keys, PEM contents). So B serves /peer over TLS with the "peer" SSL
# bundle and demands A's client certificate, A reaches B through its "peer"
# bundle, peer traffic is signed with Ed25519 keys, the operator API needs the
# bearer token, actuator is on a separate plain-HTTP management port. A real Prometheus (Debian's prometheus binary) scrapes both management
# ports every second as jobs prio-server-a / prio-server-b and loads the rule
# files of deploy/monitoring/rules. Then:
#
#   1. the CronJob's trigger script (k8s/overlays/project-a/trigger-batches.sh)
#      starts a good batch and one whose id only A's DATA_CONFIG has (it fails
#      as CONFIG_MISMATCH on both sides: a peer round error on A); a second good
#      batch and a rerun of the failed one follow a scrape later (so rates see
#      increases), the trigger runs again (existing batches answer 202), one
#      unsigned request reaches B's /peer (an auth failure) and one call with a
#      wrong token reaches A;
#   2. checks: the batches' outcomes on both sides, the rule groups loaded
#      without errors, PrioBatchFailed and PrioPeerAuthFailures firing and
#      PrioServerDown silent;
#   3. every PromQL expression of every dashboard panel and template variable
#      (extracted by deploy/monitoring/check-promql.py, Grafana variables
#      substituted: $__rate_interval/$__interval by a window covering the whole
#      run, $__range by 5m, multi-value variables by their "All" value) is
#      queried at /api/v1/query and must return at least one series with a
#      finite value; label_values() variables must list both servers.
#
# One line per check ("ok"/"FAIL"), last "N passed, M failed"; exit status 0
# only if nothing failed. Everything started is stopped on exit. About 20 s
# with the jars built; builds prio-cli, server-a and server-b first if
# a jar is missing, and the Pub/Sub emulator if it is not built (Go; bin/test
# and deploy/test.sh build it). Needs Java 17+, curl, openssl, python3, kustomize
# and prometheus (deploy/test.sh installs them). All traffic stays on 127.0.0.1.
#
# ok and fail always succeed, so "test && ok ... || fail ..." is an if-then-else:
# shellcheck disable=SC2015
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

start=$(date +%s)
deadline=$((start + 170)) # the whole run, builds excepted
work=$(mktemp -d "${TMPDIR:-/tmp}/prio-e2e-prometheus.XXXXXX")
pids=()

cleanup() {
  local rc=$? pid
  trap - EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  # after the servers: their graceful stop still talks to it
  [[ -f "$work/pubsub/pubsub.pid" ]] && bin/pubsub-emulator stop "$work/pubsub" >/dev/null 2>&1
  if [[ $keep == 1 || $rc != 0 ]]; then
    echo "work directory kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
failures=()
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
fail() { failed=$((failed + 1)); failures+=("$*"); printf 'FAIL %s\n' "$*"; }
die() {
  printf 'FAIL %s\n' "$*"
  printf '%d passed, %d failed\n' "$passed" "$((failed + 1))"
  exit 1
}
log_tail() { # log_tail FILE: the end of a server log, indented
  [[ -f "$1" ]] && tail -n 25 "$1" | sed 's/^/       | /'
  return 0
}
time_left() { (($(date +%s) < deadline)); }

if command -v go >/dev/null 2>&1; then # kustomize from `go install` (deploy/test.sh)
  PATH="$PATH:$(go env GOBIN 2>/dev/null || true):$(go env GOPATH 2>/dev/null || true)/bin"
fi
for tool in java curl openssl python3 prometheus sha256sum kustomize; do
  command -v "$tool" >/dev/null 2>&1 \
    || die "$tool is not installed (Debian: prometheus, openssl, python3, a JDK 17; kustomize: bash deploy/test.sh installs it)"
done

# ------------------------------------------------------------------ build
jar_a=server-a/target/server-a.jar
jar_b=server-b/target/server-b.jar
jar_cli=prio-cli/target/prio-cli.jar
if [[ ! -f $jar_a || ! -f $jar_b || ! -f $jar_cli ]]; then
  echo "building prio-cli, server-a, server-b (./mvnw -q -B -ntp -DskipTests package)"
  ./mvnw -q -B -ntp -DskipTests package -pl prio-cli,server-a,server-b -am >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log"; die "the Maven build failed"; }
  start=$(date +%s)
  deadline=$((start + 170))
fi
# Run copies: a rebuild of target/ while the servers run must not swap a jar underneath them.
cp "$jar_a" "$work/server-a.jar"
cp "$jar_b" "$work/server-b.jar"

# ------------------------------------------------------------------ material
# X25519 keys and the shared seed (the CLI), Ed25519 signing keys (PEM), the
# operator token, and a TLS certificate per server (B's serves /peer, A's is
# the client certificate B demands).
prio() { bin/prio "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
prio keygen >"$work/key-a.json"
prio keygen >"$work/key-b.json"
priv_a=$(json_field private_key <"$work/key-a.json")
pub_a=$(json_field public_key <"$work/key-a.json")
priv_b=$(json_field private_key <"$work/key-b.json")
pub_b=$(json_field public_key <"$work/key-b.json")
seed=$(prio shared-seed | json_field shared_seed)

for s in a b; do
  openssl genpkey -algorithm ed25519 -out "$work/sign-$s.pem" 2>/dev/null
  openssl pkey -in "$work/sign-$s.pem" -pubout -out "$work/sign-$s.pub.pem" 2>/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=prio-server-$s" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$work/tls-$s.key" -out "$work/tls-$s.crt" 2>/dev/null
done
token=$(openssl rand -hex 32)
printf '%s' "$token" >"$work/operator-token"
token_sha=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
chmod 600 "$work"/*.pem "$work"/*.key "$work"/operator-token "$work"/key-*.json

# ------------------------------------------------------------------ input
day=$(date -u +%F)
n_data=8
ok_ids=(e2e-ok-0 e2e-ok-1)
bad_id=e2e-not-on-b # in A's DATA_CONFIG only: the handshake fails as CONFIG_MISMATCH
python3 - "$work/part-0.ndjson" "$n_data" <<'PY'
import json, random, sys
rnd = random.Random(6)
with open(sys.argv[1], "w") as f:
    for _ in range(12):
        f.write(json.dumps({"payload": [rnd.randint(0, 1) for _ in range(int(sys.argv[2]))]}) + "\n")
PY
for id in "${ok_ids[@]}" "$bad_id"; do
  prio encode-shares --n-data "$n_data" --batch-id "$id" \
    --public-key-hex-internal "$pub_a" --public-key-hex-external "$pub_b" --input "$work/part-0.ndjson" \
    --output-A "$work/a/prio/v1/submission_date=$day/batch_id=$id/server_id=a" \
    --output-B "$work/b/prio/v1/submission_date=$day/batch_id=$id/server_id=b" >/dev/null
done
config_b="[{\"batch_id\": \"${ok_ids[0]}\", \"n_data\": $n_data}, {\"batch_id\": \"${ok_ids[1]}\", \"n_data\": $n_data}]"
config_a="${config_b%]}, {\"batch_id\": \"$bad_id\", \"n_data\": $n_data}]"

# ------------------------------------------------------------------ ports
read -r port_a mgmt_a port_b mgmt_b port_prom port_pubsub < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
)

# ------------------------------------------------------------------ start
# Each server gets the environment its pod gets: the ConfigMap prio-server-config
# of its overlay (kustomize build k8s/overlays/project-a|b), with only what is
# tied to the cluster replaced (ports and addresses on loopback, file: storage,
# the peer URL, DATA_CONFIG, a shorter shutdown phase), plus every key of the
# Secret prio-server-secrets (the SecretProviderClass's secretObjects) with
# values of the same kind (PEM contents, hex).
# shellcheck disable=SC2034 # filled and read through namerefs
declare -A secret_a secret_b
# shellcheck disable=SC2034 # filled and read through namerefs
secret_values() { # secret_values a|b: fills secret_a / secret_b
  local s=$1 other
  [[ $s == a ]] && other=b || other=a
  local -n values="secret_$s"
  local priv=$priv_a pub=$pub_a pub_other=$pub_b
  [[ $s == b ]] && priv=$priv_b pub=$pub_b pub_other=$pub_a
  values=(
    [SHARED_SECRET]="$seed" [PRIVATE_KEY_HEX]="$priv" [PUBLIC_KEY_HEX_INTERNAL]="$pub"
    [PUBLIC_KEY_HEX_EXTERNAL]="$pub_other"
    [PRIO_PEERAUTH_PRIVATEKEY]="$(cat "$work/sign-$s.pem")"
    [PRIO_PEERAUTH_PEERPUBLICKEY]="$(cat "$work/sign-$other.pub.pem")"
    [PRIO_PEERAUTH_OPERATORTOKENSHA256]="$token_sha"
    [SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_CERTIFICATE]="$(cat "$work/tls-$s.crt")"
    [SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_PRIVATEKEY]="$(cat "$work/tls-$s.key")"
    [SPRING_SSL_BUNDLE_PEM_PEER_TRUSTSTORE_CERTIFICATE]="$(cat "$work/tls-$other.crt")"
  )
}
# overlay_env a|b: NUL-separated KEY=VALUE of the overlay's ConfigMap, less the
# keys the caller replaces; and checks that the Secret's keys are the ones above.
overlay_env() {
  kustomize build "k8s/overlays/project-$1" >"$work/project-$1.yaml" || return 1
  local -n sec="secret_$1"
  python3 - "$work/project-$1.yaml" "${!sec[@]}" <<'PY'
import re, sys
docs = open(sys.argv[1], encoding="utf-8").read().split("\n---\n")
want_secret = set(sys.argv[2:])
replaced = {"SERVER_PORT", "MANAGEMENT_SERVER_PORT", "SERVER_ADDRESS", "MANAGEMENT_SERVER_ADDRESS",
            "PRIO_PEER_URL", "BUCKET_INTERNAL", "BUCKET_EXTERNAL", "DATA_CONFIG",
            "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", "PRIO_BATCH_MINBATCHSIZE"}
def unquote(v):
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v
config, secret_keys = None, None
for d in docs:
    if re.search(r"(?m)^kind: ConfigMap$", d) and re.search(r"(?m)^  name: prio-server-config-", d):
        config, key = {}, None
        lines = d.split("\n")
        i = lines.index("data:") + 1
        while i < len(lines) and lines[i].startswith("  "):
            line = lines[i]
            if line.startswith("    ") and key:              # block scalar continuation
                config[key] += ("\n" if config[key] else "") + line[4:]
            else:
                k, _, v = line.strip().partition(": ")
                key = k.rstrip(":")
                config[key] = "" if v in ("|", "|-", ">") else unquote(v)
            i += 1
    if re.search(r"(?m)^kind: SecretProviderClass$", d) and re.search(r"(?m)^  name: prio-server-secrets$", d):
        tail = d.split("secretObjects:", 1)[1]
        secret_keys = set(re.findall(r"(?m)^\s+(?:- )?key: (\S+)$", tail))
if config is None or secret_keys is None:
    sys.exit("no ConfigMap prio-server-config or SecretProviderClass prio-server-secrets in the overlay")
if secret_keys != want_secret:
    sys.exit(f"the overlay's Secret keys {sorted(secret_keys)} differ from the e2e's {sorted(want_secret)}")
for k, v in sorted(config.items()):
    if k not in replaced:
        sys.stdout.write(f"{k}={v}\0")
PY
}
start_server() { # start_server a|b ENV...
  local s=$1
  shift
  local -a envs
  local k
  local -n sec="secret_$s"
  mapfile -d '' -t envs < <(overlay_env "$s")
  [[ ${#envs[@]} -gt 5 ]] || { echo "no environment from k8s/overlays/project-$s"; return 1; }
  for k in "${!sec[@]}"; do envs+=("$k=${sec[$k]}"); done
  printf '%s\n' "${envs[@]%%=*}" >"$work/env-$s.keys"
  env "${envs[@]}" SERVER_ADDRESS=127.0.0.1 MANAGEMENT_SERVER_ADDRESS=127.0.0.1 \
    SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE=5s PUBSUB_EMULATOR_HOST="127.0.0.1:$port_pubsub" \
    BUCKET_INTERNAL="file:$work/$s" BUCKET_EXTERNAL="file:$work/$s-published" \
    "$@" java -Xmx384m -XX:TieredStopAtLevel=1 -jar "$work/server-$s.jar" >"$work/$s.log" 2>&1 &
  pids+=($!)
}
secret_values a
secret_values b
overlay_env a >/dev/null && overlay_env b >/dev/null \
  || die "the overlays' ConfigMap/Secret do not fit the servers' environment (see above)"

# Streaming as the overlays set it: each one's project and subscription, made in the emulator.
overlay_value() { # overlay_value a|b KEY
  overlay_env "$1" | tr '\0' '\n' | sed -n "s/^$2=//p"
}
pubsub_args=()
declare -A stream_sub
for s in a b; do
  [[ $(overlay_value "$s" PRIO_STREAM_ENABLED) == true ]] || die "k8s/overlays/project-$s does not turn streaming on"
  project=$(overlay_value "$s" PRIO_STREAM_PROJECT)
  sub=$(overlay_value "$s" PRIO_STREAM_SUBSCRIPTION)
  [[ -n $project && -n $sub ]] || die "k8s/overlays/project-$s: no PRIO_STREAM_PROJECT/PRIO_STREAM_SUBSCRIPTION"
  stream_sub[$s]="$project/$sub"
  pubsub_args+=(-topic "projects/$project/topics/$sub" -subscription "projects/$project/subscriptions/$sub=$sub")
done
bin/pubsub-emulator install >"$work/pubsub-install.log" 2>&1 \
  || { tail -n 20 "$work/pubsub-install.log"; die "could not build the Pub/Sub emulator (needs Go)"; }
PUBSUB_EMULATOR_WATCH_PID=$$ bin/pubsub-emulator start "$port_pubsub" "$work/pubsub" "${pubsub_args[@]}" \
  >"$work/pubsub-start.log" 2>&1 || { cat "$work/pubsub-start.log"; die "the Pub/Sub emulator did not start"; }
start_server b DATA_CONFIG="$config_b" SERVER_PORT="$port_b" MANAGEMENT_SERVER_PORT="$mgmt_b"
pid_b=${pids[-1]}
start_server a DATA_CONFIG="$config_a" SERVER_PORT="$port_a" MANAGEMENT_SERVER_PORT="$mgmt_a" \
  PRIO_PEER_URL="https://127.0.0.1:$port_b" PRIO_PEER_MAXATTEMPTS=2 PRIO_BATCH_MINBATCHSIZE=1
pid_a=${pids[-1]}
ok "servers started with the ConfigMap and Secret keys of k8s/overlays/project-a and project-b"

mkdir -p "$work/prometheus"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $repo/deploy/monitoring/rules/*.yml
scrape_configs:
  - job_name: prio-server-a
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$mgmt_a"]
  - job_name: prio-server-b
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$mgmt_b"]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
  --web.listen-address="127.0.0.1:$port_prom" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
pid_prom=${pids[-1]}
prom="http://127.0.0.1:$port_prom"

wait_ready() { # wait_ready NAME PID URL
  while time_left; do
    curl -fsS -o /dev/null --max-time 2 "$3" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}
wait_ready prometheus "$pid_prom" "$prom/-/ready" || { log_tail "$work/prometheus.log"; die "prometheus did not start"; }
wait_ready server-b "$pid_b" "http://127.0.0.1:$mgmt_b/actuator/health/readiness" \
  || { log_tail "$work/b.log"; die "server-b did not become ready"; }
wait_ready server-a "$pid_a" "http://127.0.0.1:$mgmt_a/actuator/health/readiness" \
  || { log_tail "$work/a.log"; die "server-a did not become ready"; }
ok "prometheus, server-b (TLS, client certificate required) and server-a ready after $(($(date +%s) - start))s"
for s in a b; do
  # each pulls its own subscription, under its ingest lease in its own storage
  if grep -q "streaming from ${stream_sub[$s]} under" "$work/$s.log" \
    && [[ -f "$work/$s/prio/v1/state/stream/ingest-lease.json" ]]; then
    ok "server-$s streams from ${stream_sub[$s]} (the emulator) under its ingest lease"
  else
    fail "server-$s does not stream from ${stream_sub[$s]}: $(grep -i stream "$work/$s.log" | tail -n 3)"
  fi
done

# promql EXPR: the JSON answer of an instant query.
promql() { curl -fsS --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$1"; }
# scraped_since EPOCH: both jobs have been scraped successfully after EPOCH.
scraped_since() {
  promql "count(timestamp(up{job=~\"prio-server-a|prio-server-b\"} == 1) > $1)" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and float(r[0]["value"][1]) >= 2 else 1)'
}
wait_scraped() { # wait_scraped EPOCH
  while time_left; do
    scraped_since "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
wait_scraped "$(date +%s)" && ok "both servers scraped (up == 1 in jobs prio-server-a, prio-server-b)" \
  || die "prometheus does not scrape both servers: $(curl -s "$prom/api/v1/targets" | head -c 1500)"

# ------------------------------------------------------------------ traffic
api() { curl -sS --max-time 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
phase_of() { # phase_of a|b ID
  local port=$port_a
  [[ $1 == b ]] && port=$port_b
  if [[ $1 == a ]]; then
    api "http://127.0.0.1:$port/batches/$2?submissionDate=$day"
  else
    api --cacert "$work/tls-b.crt" --cert "$work/tls-a.crt" --key "$work/tls-a.key" \
      "https://127.0.0.1:$port/batches/$2?submissionDate=$day"
  fi | python3 -c 'import json,sys; print(json.load(sys.stdin).get("phase", "?"))' 2>/dev/null || echo "?"
}
wait_phase() { # wait_phase ID PHASE: on A
  local p
  while time_left; do
    p=$(phase_of a "$1")
    [[ $p == "$2" ]] && return 0
    case "$p" in PUBLISHED | FAILED | ABANDONED) echo "batch $1 ended $p, not $2"; return 1 ;; esac
    kill -0 "$pid_a" 2>/dev/null && kill -0 "$pid_b" 2>/dev/null || { echo "a server exited"; return 1; }
    sleep 0.25
  done
  echo "batch $1 still $p"
  return 1
}
trigger() { # the CronJob's script, against the real server A
  env PRIO_API_URL="http://127.0.0.1:$port_a" DATA_CONFIG="$config_a" SUBMISSION_DATE="$day" \
    TOKEN_FILE="$work/operator-token" TMPDIR="$work" sh k8s/overlays/project-a/trigger-batches.sh
}

# Round 1: the nightly trigger, for the first good batch and the one B does not know.
config_a_round1="[{\"batch_id\": \"${ok_ids[0]}\", \"n_data\": $n_data}, {\"batch_id\": \"$bad_id\", \"n_data\": $n_data}]"
if out=$(env PRIO_API_URL="http://127.0.0.1:$port_a" DATA_CONFIG="$config_a_round1" SUBMISSION_DATE="$day" \
  TOKEN_FILE="$work/operator-token" TMPDIR="$work" sh k8s/overlays/project-a/trigger-batches.sh 2>&1) \
  && [[ $(grep -c 'HTTP 202' <<<"$out") == 2 ]]; then
  ok "trigger-batches.sh started ${ok_ids[0]} and $bad_id (HTTP 202)"
else
  fail "trigger-batches.sh against server A: $out"
fi
r=$(wait_phase "${ok_ids[0]}" PUBLISHED) && ok "${ok_ids[0]} PUBLISHED on A" || fail "${ok_ids[0]}: $r"
r=$(wait_phase "$bad_id" FAILED) && ok "$bad_id FAILED on A (not in B's DATA_CONFIG)" || fail "$bad_id: $r"
wait_scraped "$(date +%s)" || fail "no scrape after round 1"

# Round 2, a scrape later, so that rate() and increase() see the counters and
# histograms move (lazily registered series appear with their first value).
code=$(api -o "$work/post.json" -w '%{http_code}' -X POST -d "{\"submissionDate\":\"$day\"}" \
  "http://127.0.0.1:$port_a/batches/${ok_ids[1]}") || code=000
[[ $code == 202 ]] && ok "POST /batches/${ok_ids[1]}: 202" || fail "POST /batches/${ok_ids[1]}: $code $(cat "$work/post.json")"
code=$(api -o "$work/rerun.json" -w '%{http_code}' -X POST -d "{\"submissionDate\":\"$day\"}" \
  "http://127.0.0.1:$port_a/batches/$bad_id/rerun") || code=000
[[ $code == 202 ]] && ok "POST /batches/$bad_id/rerun: 202" || fail "rerun $bad_id: $code $(cat "$work/rerun.json")"
r=$(wait_phase "${ok_ids[1]}" PUBLISHED) && ok "${ok_ids[1]} PUBLISHED on A" || fail "${ok_ids[1]}: $r"
r=$(wait_phase "$bad_id" FAILED) && ok "$bad_id FAILED again on A" || fail "$bad_id (rerun): $r"
for id in "${ok_ids[@]}"; do
  p=$(phase_of b "$id")
  [[ $p == PUBLISHED ]] && ok "$id PUBLISHED on B (operator API over TLS)" || fail "$id on B: $p"
done
# The trigger again: every batch exists; each answers 202 with its state.
if out=$(trigger 2>&1) && [[ $(grep -c 'HTTP 202' <<<"$out") == 3 ]]; then
  ok "trigger-batches.sh again: existing batches answer 202, the job succeeds"
else
  fail "trigger-batches.sh second run: $out"
fi
# An unsigned request to B's /peer (TLS with A's client certificate): 401, an auth failure on B.
code=$(curl -sS -o "$work/unsigned.json" -w '%{http_code}' --max-time 10 --cacert "$work/tls-b.crt" \
  --cert "$work/tls-a.crt" --key "$work/tls-a.key" -X PUT -H 'Content-Type: application/json' -d '{}' \
  "https://127.0.0.1:$port_b/peer/v1/batches/$day/${ok_ids[0]}/total") || code=000
[[ $code == 401 ]] && ok "unsigned PUT to B's /peer: 401" || fail "unsigned PUT to B's /peer: $code"
# Without the client certificate, B's TLS handshake fails.
if curl -sS -o /dev/null --max-time 10 --cacert "$work/tls-b.crt" "https://127.0.0.1:$port_b/peer/v1" 2>/dev/null; then
  fail "B accepted a TLS connection without a client certificate"
else
  ok "B refuses a TLS connection without a client certificate"
fi
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H 'Authorization: Bearer wrong' \
  "http://127.0.0.1:$port_a/batches/${ok_ids[0]}?submissionDate=$day") || code=000
[[ $code == 401 ]] && ok "operator API with a wrong token: 401" || fail "operator API with a wrong token: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$mgmt_a/actuator/batches") || code=000
[[ $code == 401 ]] && ok "management port: /actuator/batches without a token: 401" || fail "/actuator/batches without a token: $code"

sleep 1
wait_scraped "$(date +%s)" && wait_scraped "$(($(date +%s) + 1))" \
  && ok "scraped twice after the last request" || fail "no scrape after the traffic"

# ------------------------------------------------------------------ rules and alerts
# alerts_ok: PrioBatchFailed (config_mismatch, both servers) and PrioPeerAuthFailures
# (missing_signature, B) firing; PrioServerDown not active.
alerts_check() {
  curl -fsS --max-time 5 "$prom/api/v1/alerts" | python3 -c '
import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
firing = {(a["labels"]["alertname"], a["labels"].get("server"), a["labels"].get("reason"))
          for a in alerts if a["state"] == "firing"}
want = {("PrioBatchFailed", "a", "config_mismatch"), ("PrioBatchFailed", "b", "config_mismatch"),
        ("PrioPeerAuthFailures", "b", "missing_signature")}
bad = [a for a in alerts if a["labels"]["alertname"] == "PrioServerDown"]
missing = want - firing
if missing or bad:
    print("missing:", sorted(missing), "PrioServerDown:", bad, "firing:", sorted(firing))
    sys.exit(1)
print("firing:", sorted(firing))
'
}
while time_left; do
  if alerts_check >"$work/alerts.out" 2>&1; then break; fi
  sleep 0.5
done
if alerts_check >"$work/alerts.out" 2>&1; then
  ok "alerts: PrioBatchFailed (a, b: config_mismatch) and PrioPeerAuthFailures (b: missing_signature) firing, PrioServerDown silent"
else
  fail "alerts: $(cat "$work/alerts.out")"
fi
if curl -fsS --max-time 5 "$prom/api/v1/rules" | python3 -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
names = sorted(g["name"] for g in groups)
errs = [(r.get("name"), r.get("lastError")) for g in groups for r in g["rules"] if r.get("health") == "err"]
n = sum(len(g["rules"]) for g in groups)
print(f"groups {names}, {n} rules, errors {errs}")
sys.exit(0 if names == ["prio.alerts", "prio.recording"] and not errs and n > 0 else 1)
' >"$work/rules.out" 2>&1; then
  ok "rules: $(cat "$work/rules.out")"
else
  fail "rules: $(cat "$work/rules.out")"
fi

# ------------------------------------------------------------------ dashboards
window="$(($(date +%s) - start + 60))s" # covers the whole run
python3 - "$prom" "$window" <<'PY' >"$work/dashboards.out" 2>&1 || true
import importlib.util, json, math, os, re, sys, urllib.parse, urllib.request

prom, window = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("check_promql", os.path.join("deploy", "monitoring", "check-promql.py"))
cp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cp)

def query(expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)["data"]

# The "All" value of each multi-value query variable, per dashboard.
all_values = {}
for f in sorted(os.listdir(cp.DASHBOARD_DIR)):
    if f.endswith(".json"):
        d = json.load(open(os.path.join(cp.DASHBOARD_DIR, f), encoding="utf-8"))
        all_values[f] = {v["name"]: (v.get("allValue") or ".*")
                         for v in d.get("templating", {}).get("list", []) if v.get("type") == "query"}

def concrete(f, expr):
    expr = re.sub(r"\$__(rate_interval|interval)\b|\$\{__(rate_interval|interval)\}", window, expr)
    expr = re.sub(r"\$__range\b|\$\{__range\}", "5m", expr)
    value = lambda m: all_values[f].get(m.group(1), ".*")
    expr = re.sub(r"\$\{(\w+)(?::\w+)?\}", value, expr)
    return re.sub(r"\$(\w+)", value, expr)

def verdict(data):
    """None if the answer has a series with a finite value, else why not."""
    samples = [float(s["value"][1]) for s in data["result"]] if data["resultType"] == "vector" else []
    finite = [v for v in samples if not math.isnan(v) and not math.isinf(v)]
    if not samples:
        return "empty result", samples, finite
    if not finite:
        return f"{len(samples)} series, all NaN/Inf", samples, finite
    return None, samples, finite

# Controls: the verdict must refuse what a panel would show as "No data".
controls = {"prio_no_such_metric_total": "empty", "vector(0) / 0": "NaN"}
bad = [q for q, kind in controls.items() if verdict(query(q))[0] is None or kind not in verdict(query(q))[0]]
print(("FAIL" if bad else "ok  ") + " checker controls: an empty and an all-NaN answer are refused"
      + (f" (accepted: {bad})" if bad else ""))

for f, where, expr, _ in cp.dashboard_exprs():
    q = concrete(f, expr)
    label = f"{f} | {where} | {q}"
    try:
        data = query(q)
    except Exception as e:  # a parse error is an HTTP 400
        print(f"FAIL {label}: {e}")
        continue
    result = data["result"]
    if where.startswith("variable "):
        # label_values(<q>, <label>): the values the variable offers; both sides must be there.
        d = json.load(open(os.path.join(cp.DASHBOARD_DIR, f), encoding="utf-8"))
        v = next(v for v in d["templating"]["list"] if f"variable {v['name']}" == where)
        q_text = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        lab = re.match(r"\s*label_values\(.*,\s*(\w+)\)\s*$", q_text).group(1)
        values = sorted({s["metric"].get(lab) for s in result if lab in s["metric"]})
        ok = len(values) >= 2
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {lab} = {values}")
        continue
    why, samples, finite = verdict(data)
    if why:
        print(f"FAIL {label}: {why}")
    else:
        print(f"ok   {label}: {len(samples)} series, {len(finite)} finite, max {max(finite):.4g}")
PY
while IFS= read -r line; do
  case "$line" in
    "ok   "*) ok "${line#ok   }" ;;
    "FAIL "*) fail "${line#FAIL }" ;;
    *) fail "dashboard query: $line" ;;
  esac
done <"$work/dashboards.out"
grep -q . "$work/dashboards.out" || fail "no dashboard expressions were queried"

# ------------------------------------------------------------------ summary
echo
echo "took $(($(date +%s) - start))s"
if ((failed > 0)); then
  echo "failed:"
  printf '  %s\n' "${failures[@]}"
  echo "logs: $work/a.log $work/b.log $work/prometheus.log"
  keep=1
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
