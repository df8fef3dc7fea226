"""Example Airflow DAG: the daily Prio canary, a known-answer batch.

Stages synthetic submissions with known true sums (``prio generate``) into both
servers' staging through deploy/canary/stage-canary.sh, starts the batch on
server A, and waits until it is published. Server A then compares what it
published with the true sums staged beside its input: prio_canary_mismatch,
and the alerts PrioCanaryMismatch (it differs) and PrioCanaryMissing (no canary
for 26h); docs/operations.md "Canary".

Canary batch ids start with ``canary-`` (reserved; the nightly DAG and the
CronJob trigger skip them). The id (default ``canary-0``) and its n_data must
be in DATA_CONFIG on both servers.

Run it where the real staging runs: the worker needs this repository's
bin/prio (a JRE and prio-cli.jar), gcloud with write access to both servers'
input buckets (the grants the staging job already has), and:
  * Variables ``prio_public_key_hex_a``, ``prio_public_key_hex_b`` (the servers'
    X25519 public keys), ``prio_staging_a``, ``prio_staging_b`` (each server's
    BUCKET_INTERNAL, gs://bucket[/prefix]), ``prio_repo`` (checkout of this
    repository on the worker);
  * the Connection ``prio_server_a`` of prio_batches.py (the operator token).
Requires apache-airflow-providers-http.
"""

import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.http.operators.http import HttpOperator
from airflow.providers.http.sensors.http import HttpSensor

HTTP_CONN_ID = "prio_server_a"
CANARY_BATCH_ID = "canary-0"


def accept_trigger(response):
    return response.status_code in (200, 201, 202)


def published(response):
    phase = response.json().get("phase")
    if phase in ("FAILED", "ABANDONED"):
        raise ValueError(f"canary ended {phase}: {response.text}")
    return phase == "PUBLISHED"


with DAG(
    dag_id="prio_canary",
    description="Stage and run the daily Prio known-answer batch (canary)",
    default_args={"owner": "prio-operators@example.com", "retries": 1, "retry_delay": timedelta(minutes=10)},
    start_date=datetime(2026, 11, 1),
    schedule="0 4 * * *",
    catchup=False,
    max_active_runs=1,
    tags=["prio", "canary"],
) as dag:
    stage = BashOperator(
        task_id="stage_canary",
        bash_command="{{ var.value.prio_repo }}/deploy/canary/stage-canary.sh",
        env={
            "CANARY_BATCH_ID": CANARY_BATCH_ID,
            "SUBMISSION_DATE": "{{ ds }}",
            "PUBLIC_KEY_HEX_A": "{{ var.value.prio_public_key_hex_a }}",
            "PUBLIC_KEY_HEX_B": "{{ var.value.prio_public_key_hex_b }}",
            "STAGING_A": "{{ var.value.prio_staging_a }}",
            "STAGING_B": "{{ var.value.prio_staging_b }}",
            "CANARY_NO_TRIGGER": "1",
        },
        append_env=True,
    )
    trigger = HttpOperator(
        task_id="trigger_canary",
        http_conn_id=HTTP_CONN_ID,
        method="POST",
        endpoint=f"/batches/{CANARY_BATCH_ID}",
        data=json.dumps({"submissionDate": "{{ ds }}"}),
        response_check=accept_trigger,
        extra_options={"check_response": False, "timeout": 60},
    )
    wait = HttpSensor(
        task_id="wait_canary",
        http_conn_id=HTTP_CONN_ID,
        method="GET",
        endpoint=f"/batches/{CANARY_BATCH_ID}?submissionDate={{{{ ds }}}}",
        response_check=published,
        mode="reschedule",
        poke_interval=120,
        timeout=3 * 3600,
    )
    stage >> trigger >> wait
