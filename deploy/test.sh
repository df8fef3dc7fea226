#!/usr/bin/env bash
# Checks of the deployment: k8s/ (both overlays), deploy/monitoring,
# deploy/grafana, deploy/terraform, deploy/airflow, all offline; and
# deploy/e2e-prometheus.sh: the server pair on loopback scraped by a real
# Prometheus (it uses the jars of the Maven build, or builds them).
#
#   bash deploy/test.sh
#
# Runs on a fresh Debian bookworm machine (root, Go installed, package
# registries reachable, nothing else): installs what is missing, idempotently,
#   - promtool and prometheus from Debian's prometheus package,
#   - kustomize through the Go module proxy (pinned below),
#   - python3, shellcheck and openssl from Debian if absent,
# builds the offline validators in deploy/tools (Go, pinned in its go.mod) and
# runs every check, printing "ok" or "FAIL" per check and, last,
# "N passed, M failed". Exit status 0 only if nothing failed.
#
# What cannot be checked offline (terraform validate/plan: the provider schemas
# come only from the Terraform registry) is listed in docs/operations.md.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.1

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
work=$(mktemp -d "${TMPDIR:-/tmp}/prio-deploy-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

log() { printf '%s\n' "$*"; }
die() { printf 'deploy/test.sh: %s\n' "$*" >&2; printf '0 passed, 1 failed\n'; exit 1; }

# ------------------------------------------------------------------ installs
apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then
    log "installing $*: apt-get update"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  log "installing $* from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "Go is required (go 1.26 or newer)"
gobin=$(go env GOBIN)
[[ -n "$gobin" ]] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

command -v promtool >/dev/null 2>&1 || apt_install prometheus
command -v prometheus >/dev/null 2>&1 || apt_install prometheus # the server, for deploy/e2e-prometheus.sh
command -v openssl >/dev/null 2>&1 || apt_install openssl       # keys and certificates of the e2e check
command -v python3 >/dev/null 2>&1 || apt_install python3
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck

if ! kustomize version 2>/dev/null | grep -qx "$KUSTOMIZE_VERSION"; then
  log "installing kustomize $KUSTOMIZE_VERSION with go install"
  go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" || die "go install kustomize failed"
fi

log "building deploy/tools (k8svalidate, hclcheck)"
(cd deploy/tools && go build -buildvcs=false -o "$work/bin/" ./k8svalidate ./hclcheck) \
  || die "go build of deploy/tools failed"
k8svalidate="$work/bin/k8svalidate"
hclcheck="$work/bin/hclcheck"

log "tools: $(promtool --version 2>&1 | head -1); kustomize $(kustomize version); $(go version); $(python3 --version)"
if command -v terraform >/dev/null 2>&1; then
  log "tools: $(terraform version 2>/dev/null | head -1)"
fi
log ""

# -------------------------------------------------------------------- checks
passed=0
failed=0
n=0

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
  local name=$1
  shift
  n=$((n + 1))
  local out="$work/check-$n.log"
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    log "ok   $n $name"
  else
    failed=$((failed + 1))
    log "FAIL $n $name"
    sed -e 's/^/       | /' "$out" | tail -n 40
  fi
}

# expect_fail NAME PATTERN COMMAND...: passes when COMMAND exits non-zero AND
# its output matches PATTERN (so it failed for the reason under test).
expect_fail() {
  local name=$1 pattern=$2
  shift 2
  n=$((n + 1))
  local out="$work/check-$n.log"
  if "$@" >"$out" 2>&1; then
    failed=$((failed + 1))
    log "FAIL $n $name (the command succeeded but must fail)"
    sed -e 's/^/       | /' "$out" | tail -n 20
  elif grep -Eq -- "$pattern" "$out"; then
    passed=$((passed + 1))
    log "ok   $n $name"
  else
    failed=$((failed + 1))
    log "FAIL $n $name (failed, but output lacks /$pattern/)"
    sed -e 's/^/       | /' "$out" | tail -n 20
  fi
}

# --- Kubernetes: build both overlays, validate every object strictly
for side in a b; do
  check "kustomize build k8s/overlays/project-$side" \
    sh -c "kustomize build k8s/overlays/project-$side > '$work/project-$side.yaml'"
  check "project-$side: every object decodes strictly into its Kubernetes / Prometheus Operator type" \
    "$k8svalidate" "$work/project-$side.yaml"
done

# What makes the two overlays the two sides.
overlay_contract() {
  local a="$work/project-a.yaml" b="$work/project-b.yaml" f
  need() { # need MESSAGE COMMAND...
    local msg=$1
    shift
    if ! "$@"; then echo "overlay contract: $msg"; return 1; fi
  }
  need "A runs server-a" grep -q 'image: server-a:' "$a"
  need "B runs server-b" grep -q 'image: server-b:' "$b"
  need "SERVER_ID=A on A" grep -q 'SERVER_ID: A' "$a"
  need "SERVER_ID=B on B" grep -q 'SERVER_ID: B' "$b"
  need "job label prio-server-a" grep -q 'app.kubernetes.io/instance: prio-server-a' "$a"
  need "job label prio-server-b" grep -q 'app.kubernetes.io/instance: prio-server-b' "$b"
  need "CronJob on A" grep -q '^kind: CronJob' "$a"
  need "no CronJob on B" not grep -q '^kind: CronJob' "$b"
  need "B serves /peer with TLS on 8443" grep -q 'SERVER_PORT: "8443"' "$b"
  need "B's app port uses the peer SSL bundle" grep -q 'SERVER_SSL_BUNDLE: peer' "$b"
  need "B's container port is 8443" grep -q 'containerPort: 8443' "$b"
  need "A reaches B through the peer SSL bundle" grep -q 'PRIO_PEER_SSLBUNDLE: peer' "$a"
  need "A's peer URL is https" grep -q 'PRIO_PEER_URL: https://' "$a"
  need "A's app port is plain 8080" grep -q 'SERVER_PORT: "8080"' "$a"
  need "A has no TLS app port" not grep -q 'SERVER_SSL_BUNDLE' "$a"
  need "A does not name project b" not grep -q 'prio-project-b' "$a"
  need "B does not name project a" not grep -q 'prio-project-a' "$b"
  need "A streams from its own subscription" grep -q 'PRIO_STREAM_SUBSCRIPTION: prio-submissions-a' "$a"
  need "B streams from its own subscription" grep -q 'PRIO_STREAM_SUBSCRIPTION: prio-submissions-b' "$b"
  for f in "$a" "$b"; do
    need "streaming on in $f" grep -q 'PRIO_STREAM_ENABLED: "true"' "$f"
  done
  local window_a window_b
  window_a="$(grep -o 'PRIO_STREAM_WINDOW: .*' "$a" || true)"
  window_b="$(grep -o 'PRIO_STREAM_WINDOW: .*' "$b" || true)"
  need "one stream window length on both servers ($window_a)" \
    test -n "$window_a" -a "$window_a" = "$window_b"
  for f in "$a" "$b"; do
    need "gs:// bucket URIs in $f" grep -q 'BUCKET_INTERNAL: gs://' "$f"
    need "Workload Identity annotation in $f" grep -q 'iam.gke.io/gcp-service-account' "$f"
    need "runAsUser 65532 in $f" grep -q 'runAsUser: 65532' "$f"
    need "read-only root filesystem in $f" grep -q 'readOnlyRootFilesystem: true' "$f"
    need "PrometheusRule in $f" grep -q '^kind: PrometheusRule' "$f"
    need "PodMonitor in $f" grep -q '^kind: PodMonitor' "$f"
    need "plain HTTP management port in $f" grep -q 'MANAGEMENT_SERVER_SSL_ENABLED: "false"' "$f"
    need "no separate peer connector in $f" not grep -q 'PRIO_PEER_PORT' "$f"
    need "peer-auth variables in the secret list of $f" \
      grep -q 'path: PRIO_PEERAUTH_PRIVATEKEY' "$f"
    need "peer public key in $f" grep -q 'path: PRIO_PEERAUTH_PEERPUBLICKEY' "$f"
    need "operator token hash in $f" grep -q 'path: PRIO_PEERAUTH_OPERATORTOKENSHA256' "$f"
    need "peer SSL bundle PEM in $f" grep -q 'path: SPRING_SSL_BUNDLE_PEM_PEER_TRUSTSTORE_CERTIFICATE' "$f"
  done
}
not() { ! "$@"; }
check "overlays: images, SERVER_ID, job labels, CronJob on A only, no cross-project names" overlay_contract

# Scale-out (docs/scale-out.md): both sides run replicas that share batches
# through leases, roll one pod at a time, keep one pod through disruptions,
# spread over nodes, autoscale on CPU and the chunk backlog, and stop only
# after the endpoints drained and the graceful shutdown had its time.
scale_out_contract() {
  local f side
  for side in a b; do
    f="$work/project-$side.yaml"
    python3 - "$f" "$side" <<'PY' || return 1
import re, sys
text, side = open(sys.argv[1]).read(), sys.argv[2]
docs = {}
for d in text.split("\n---\n"):
    m = re.search(r"^kind: (\S+)", d, re.M)
    if m:
        docs[m.group(1)] = d
def need(ok, msg):
    if not ok:
        print(f"project-{side}: {msg}")
        sys.exit(1)
dep = docs.get("Deployment", "")
need(re.search(r"^  replicas: ([2-9]|\d\d+)$", dep, re.M), "Deployment replicas >= 2")
need("type: RollingUpdate" in dep and "maxUnavailable: 0" in dep and "maxSurge: 1" in dep,
     "RollingUpdate with maxUnavailable 0 and maxSurge 1")
need("podAntiAffinity" in dep and "topologySpreadConstraints" in dep and "topologyKey: kubernetes.io/hostname" in dep,
     "pod anti-affinity and topology spread on kubernetes.io/hostname")
pdb = docs.get("PodDisruptionBudget", "")
need(re.search(r"^  minAvailable: 1$", pdb, re.M), "PodDisruptionBudget minAvailable 1")
hpa = docs.get("HorizontalPodAutoscaler", "")
need("apiVersion: autoscaling/v2" in hpa, "an autoscaling/v2 HorizontalPodAutoscaler")
need("name: cpu" in hpa and "name: prio_chunks_waiting" in hpa, "HPA on CPU and prio_chunks_waiting")
need(re.search(rf"server: {side}$", hpa, re.M), f"HPA backlog metric selects server {side}")
m = re.search(r"^  minReplicas: (\d+)$", hpa, re.M)
need(m and int(m.group(1)) >= 2, "HPA minReplicas >= 2")
need(re.search(r"SERVER_SHUTDOWN: graceful", text), "SERVER_SHUTDOWN graceful")
need(re.search(r"PRIO_LEASE_DURATION: \d+s", text), "PRIO_LEASE_DURATION set")
phase = int(re.search(r"SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE: (\d+)s", text).group(1))
grace = int(re.search(r"terminationGracePeriodSeconds: (\d+)", dep).group(1))
sleep = int(re.search(r"preStop:\s+sleep:\s+seconds: (\d+)", dep).group(1))
need(sleep + phase < grace, f"preStop {sleep}s + shutdown phase {phase}s must end before the grace period {grace}s")
need("/actuator/health/readiness" in dep, "readiness probe on the readiness group")
PY
  done
}
check "scale-out: replicas 2, RollingUpdate 0/1, PDB minAvailable 1, spread + anti-affinity, HPA on CPU + backlog, shutdown within the grace period" scale_out_contract
broken_grace() {
  sed -e 's/terminationGracePeriodSeconds: 120/terminationGracePeriodSeconds: 60/' "$work/project-a.yaml" > "$work/grace-broken.yaml"
  local keep="$work/project-a.yaml.keep"
  cp "$work/project-a.yaml" "$keep"
  cp "$work/grace-broken.yaml" "$work/project-a.yaml"
  local rc=0
  scale_out_contract || rc=$?
  cp "$keep" "$work/project-a.yaml"
  return "$rc"
}
expect_fail "scale-out self-test: a grace period shorter than preStop + shutdown fails" 'must end before the grace period' broken_grace

# The documented alternative to Secret Manager: a plain Kubernetes Secret.
k8s_secret_variant() {
  cp -r k8s "$work/k8s-secret-variant"
  local o="$work/k8s-secret-variant/overlays/project-b"
  python3 - "$o/kustomization.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "components:\n  - ../../components/secrets-csi\n"
assert old in s, "secrets-csi component not found in the overlay"
s = s.replace(old, "") + """
secretGenerator:
  - name: prio-server-secrets
    envs:
      - secrets.env
    files:
      - SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_CERTIFICATE=peer-tls.crt
      - SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_PRIVATEKEY=peer-tls.key
      - SPRING_SSL_BUNDLE_PEM_PEER_TRUSTSTORE_CERTIFICATE=peer-trust.crt
"""
open(p, "w").write(s)
PY
  printf 'SHARED_SECRET=00\nPRIVATE_KEY_HEX=00\nPUBLIC_KEY_HEX_INTERNAL=00\nPUBLIC_KEY_HEX_EXTERNAL=00\nPRIO_PEERAUTH_PRIVATEKEY=00\nPRIO_PEERAUTH_PEERPUBLICKEY=00\nPRIO_PEERAUTH_OPERATORTOKENSHA256=00\n' > "$o/secrets.env"
  local f
  for f in peer-tls.crt peer-tls.key peer-trust.crt; do printf -- '-----BEGIN X-----\n00\n-----END X-----\n' > "$o/$f"; done
  kustomize build "$o" > "$work/secret-variant.yaml"
  grep -q '^kind: Secret' "$work/secret-variant.yaml"
  grep -q 'SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_PRIVATEKEY: ' "$work/secret-variant.yaml"
  "$k8svalidate" "$work/secret-variant.yaml"
}
check "variant with a Kubernetes Secret instead of Secret Manager builds and validates" k8s_secret_variant

# The CronJob's script, run against a stub curl that records its calls.
trigger_script() {
  local stub="$work/stub" calls="$work/curl-calls"
  mkdir -p "$stub"
  cat > "$stub/curl" <<'STUB'
#!/bin/sh
# Records its arguments; answers with $STUB_CODE (or 500 for a batch id in $STUB_FAIL).
out=""
code=${STUB_CODE:-202}
prev=""
for a in "$@"; do
  [ "$prev" = "-o" ] && out=$a
  case "$a" in *"/batches/${STUB_FAIL:-none}") code=500 ;; esac
  prev=$a
done
printf '%s\n' "$*" >> "$STUB_CALLS"
[ -n "$out" ] && printf '{"status":%s}' "$code" > "$out"
printf '%s' "$code"
STUB
  chmod +x "$stub/curl"
  printf 'tok3n' > "$work/token"
  local env=(PATH="$stub:$PATH" STUB_CALLS="$calls" TOKEN_FILE="$work/token" TMPDIR="$work"
    PRIO_API_URL=http://prio-server:8080 DATA_CONFIG="$(cat k8s/overlays/project-a/content.json)")
  : > "$calls"
  env "${env[@]}" SUBMISSION_DATE=2026-11-23 sh k8s/overlays/project-a/trigger-batches.sh
  # content.json also lists canary-0, which is the canary job's to start: 3 POSTs, not 4.
  [[ $(wc -l < "$calls") == 3 ]] || { echo "expected 3 POSTs"; cat "$calls"; return 1; }
  ! grep -q '/batches/canary-' "$calls" || { echo "the trigger started the canary"; return 1; }
  grep -q -- '-X POST -H Authorization: Bearer tok3n -H Content-Type: application/json --data {"submissionDate":"2026-11-23"} http://prio-server:8080/batches/content.blocking_blocked_TESTONLY-0$' "$calls" \
    || { echo "unexpected request:"; cat "$calls"; return 1; }
  grep -q '/batches/content.blocking_storage_access_api_exempt_TESTONLY-0$' "$calls" || { echo "third batch id missing"; return 1; }
  # Default date: yesterday (UTC).
  : > "$calls"
  env "${env[@]}" sh k8s/overlays/project-a/trigger-batches.sh
  grep -q "\"submissionDate\":\"$(date -u -d yesterday +%Y-%m-%d)\"" "$calls" || { echo "default date is not yesterday"; cat "$calls"; return 1; }
  # 409 (the batch exists with another n_data) fails the job; existing batches answer 202.
  if env "${env[@]}" STUB_CODE=409 SUBMISSION_DATE=2026-11-23 sh k8s/overlays/project-a/trigger-batches.sh; then
    echo "a 409 must fail the job"; return 1
  fi
  # One failing batch: the others are still triggered and the exit status is 1.
  : > "$calls"
  if env "${env[@]}" STUB_FAIL=content.blocking_blocked_TESTONLY-0 sh k8s/overlays/project-a/trigger-batches.sh; then
    echo "a failed POST must fail the job"; return 1
  fi
  [[ $(wc -l < "$calls") == 3 ]] || { echo "the other batches were not triggered"; return 1; }
}
check "CronJob trigger script POSTs every batch id of DATA_CONFIG (stub curl)" trigger_script

check "shellcheck deploy/test.sh, e2e-prometheus.sh, gen-prometheusrule.sh, trigger-batches.sh" sh -c \
  'shellcheck deploy/test.sh deploy/e2e-prometheus.sh deploy/monitoring/gen-prometheusrule.sh deploy/canary/stage-canary.sh && shellcheck -s sh k8s/overlays/project-a/trigger-batches.sh'

# Self-tests of the validator: it must catch typos, wrong types and drift.
mutate() { # mutate SED-EXPR OUT: apply to project-a's build, insist that it changed something
  sed -e "$1" "$work/project-a.yaml" > "$2"
  ! cmp -s "$work/project-a.yaml" "$2" || { echo "mutation '$1' changed nothing"; return 1; }
}
neg_typo() { mutate 's/terminationGracePeriodSeconds: 120/terminationGracePeriodSecond: 120/' "$work/neg-typo.yaml" && "$k8svalidate" "$work/neg-typo.yaml"; }
neg_type() { mutate 's/^  replicas: 2$/  replicas: "two"/' "$work/neg-type.yaml" && "$k8svalidate" "$work/neg-type.yaml"; }
neg_quantity() { mutate 's/memory: 2Gi/memory: 2GB-ish/' "$work/neg-quantity.yaml" && "$k8svalidate" "$work/neg-quantity.yaml"; }
neg_rule() { mutate 's/- alert: PrioBatchStuck/- alrt: PrioBatchStuck/' "$work/neg-rule.yaml" && "$k8svalidate" "$work/neg-rule.yaml"; }
neg_selector() { mutate '/^kind: PodMonitor/,/^---/s/app.kubernetes.io\/name: prio-server$/app.kubernetes.io\/name: prio-srever/' "$work/neg-sel.yaml" && "$k8svalidate" "$work/neg-sel.yaml"; }
neg_kind() { mutate 's/^kind: PodDisruptionBudget/kind: PodDisruptionBudgets/' "$work/neg-kind.yaml" && "$k8svalidate" "$work/neg-kind.yaml"; }
expect_fail "validator self-test: a typo'd field fails" 'unknown field "terminationGracePeriodSecond"' neg_typo
expect_fail "validator self-test: a wrong type fails" 'cannot unmarshal string into Go struct field .*replicas of type int32' neg_type
expect_fail "validator self-test: a bad quantity fails" 'quantities must match' neg_quantity
expect_fail "validator self-test: a typo in a PrometheusRule fails" 'unknown field "alrt"' neg_rule
expect_fail "validator self-test: a selector that matches no pod fails" 'PodMonitor/prio-server: selector .* matches no pod template' neg_selector
expect_fail "validator self-test: an unknown kind fails" 'unknown apiVersion/kind policy/v1/PodDisruptionBudgets' neg_kind
neg_hpa() { mutate '/^kind: HorizontalPodAutoscaler/,/^---/s/    name: prio-server$/    name: prio-srever/' "$work/neg-hpa.yaml" && "$k8svalidate" "$work/neg-hpa.yaml"; }
expect_fail "validator self-test: an HPA whose target is not in the input fails" 'scaleTargetRef Deployment/prio-srever is not in the input' neg_hpa

# --- Prometheus rules
check "promtool check rules deploy/monitoring/rules" sh -c 'promtool check rules deploy/monitoring/rules/*.yml'
check "promtool test rules deploy/monitoring/tests" sh -c 'promtool test rules deploy/monitoring/tests/*.test.yml'
check "PrometheusRule in k8s/base is generated from the current rule files" deploy/monitoring/gen-prometheusrule.sh --check

# Self-test: a broken rule must make the unit tests fail.
broken_rule() {
  cp -r deploy/monitoring "$work/monitoring-broken"
  sed -i 's/prio_batch_oldest_in_phase_seconds) > 2 \* 3600/prio_batch_oldest_in_phase_seconds) > 20 * 3600/' \
    "$work/monitoring-broken/rules/prio-alerts.rules.yml"
  ! cmp -s deploy/monitoring/rules/prio-alerts.rules.yml "$work/monitoring-broken/rules/prio-alerts.rules.yml" \
    || { echo "mutation changed nothing"; return 1; }
  promtool test rules "$work"/monitoring-broken/tests/*.test.yml
}
expect_fail "rules self-test: a broken alert threshold fails its unit test" 'PrioBatchStuck' broken_rule

# --- PromQL of the dashboards, metric names, alert test coverage
check "dashboards: every panel's PromQL parses (promtool), metric names match docs/metrics.md, every alert has firing+silent tests and a runbook" \
  python3 deploy/monitoring/check-promql.py --promtool "$(command -v promtool)"
broken_dashboard() {
  mkdir -p "$work/promql-broken/deploy" "$work/promql-broken/docs"
  cp -r deploy/monitoring deploy/grafana "$work/promql-broken/deploy/"
  cp docs/metrics.md docs/operations.md "$work/promql-broken/docs/"
  sed -i 's/sum by (job, area) (jvm_memory_used_bytes/sum by (job, area) (rate(jvm_memory_used_bytes/' \
    "$work/promql-broken/deploy/grafana/prio-runtime.json"
  python3 "$work/promql-broken/deploy/monitoring/check-promql.py" --promtool "$(command -v promtool)"
}
expect_fail "dashboard self-test: an unparsable panel expression fails" 'could not parse expression' broken_dashboard

# --- End to end: the running pair, scraped by a real Prometheus (deploy/e2e-prometheus.sh):
# every dashboard expression returns data, the alerts fire on real failures.
# Uses the jars of the Maven build (builds them when missing).
check "end to end: pair + Prometheus, every dashboard expression returns data, alerts fire (deploy/e2e-prometheus.sh)" \
  bash deploy/e2e-prometheus.sh

# --- Terraform
check "terraform: HCL parses, is formatted, references and module arguments resolve (hclcheck)" \
  "$hclcheck" deploy/terraform/modules/prio-server deploy/terraform/project-a deploy/terraform/project-b
stream_resources() {
  local f=deploy/terraform/modules/prio-server/pubsub.tf r
  for r in 'google_pubsub_topic" "submissions' 'google_pubsub_subscription" "submissions' \
    'google_pubsub_subscription_iam_member" "server_submissions' 'google_storage_notification" "staging'; do
    grep -q "resource \"$r\"" "$f" || { echo "missing resource $r in $f"; return 1; }
  done
  # both roots use the module, so each project gets them
  grep -q 'source = "../modules/prio-server"' deploy/terraform/project-a/main.tf \
    && grep -q 'source = "../modules/prio-server"' deploy/terraform/project-b/main.tf
}
check "terraform: each project gets its submissions topic, subscription and staging notification" stream_resources
broken_tf() {
  cp -r deploy/terraform "$work/tf-broken"
  sed -i 's/= var.bucket_internal$/= var.bucket_internl/' "$work/tf-broken/project-a/main.tf"
  "$hclcheck" "$work/tf-broken/modules/prio-server" "$work/tf-broken/project-a"
}
expect_fail "hclcheck self-test: an undeclared variable fails" 'var.bucket_internl is not declared' broken_tf
if command -v terraform >/dev/null 2>&1; then
  check "terraform fmt -check -recursive deploy/terraform" terraform fmt -check -recursive -diff deploy/terraform
else
  log "skip terraform fmt: no terraform binary (not in Debian, and not installable from the Go module proxy); hclcheck covers formatting"
fi
no_cross_project() {
  # The server's account may only get bucket roles on this module's own buckets.
  ! grep -rn 'google_storage_bucket_iam_member\|google_storage_bucket_iam_binding' deploy/terraform --include=*.tf \
    | grep -v 'modules/prio-server/main.tf' \
    && ! grep -n 'bucket *= *"' deploy/terraform/modules/prio-server/main.tf \
    && ! grep -rn 'google_project_iam_\|google_storage_bucket_iam_policy' deploy/terraform --include=*.tf
}
check "terraform: bucket IAM only on the module's own buckets, no project-level IAM" no_cross_project

# --- Airflow
check "airflow DAG compiles (python3 -m py_compile)" \
  python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
  deploy/airflow/prio_batches.py "$work/prio_batches.pyc"
check "airflow canary DAG compiles (python3 -m py_compile)" \
  python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
  deploy/airflow/prio_canary.py "$work/prio_canary.pyc"

# --- the validators themselves
# shellcheck disable=SC2016 # expanded by the inner shell
check "deploy/tools: gofmt and go vet" sh -c 'cd deploy/tools && test -z "$(gofmt -l .)" && go vet ./...'

log ""
log "took $(($(date +%s) - start))s"
printf '%d passed, %d failed\n' "$passed" "$failed"
[[ $failed == 0 ]]
