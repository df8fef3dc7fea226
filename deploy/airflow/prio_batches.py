"""Example Airflow DAG: trigger the nightly Prio batches on server A.

For operators who schedule with telemetry-airflow instead of the Kubernetes
CronJob in k8s/overlays/project-a/batch-trigger.yaml (use one or the other,
not both; a second POST of the same batch is harmless: it answers 202 with the
batch's current state and starts nothing).

For each batch id of DATA_CONFIG (the prio-processor config/content.json form,
kept in the Airflow Variable ``prio_data_config``) the DAG
  1. POSTs /batches/{batchId} with {"submissionDate": "<ds>"} on server A, and
  2. waits with a sensor until GET /batches/{batchId} reports a terminal phase,
     so that downstream tasks (e.g. the BigQuery load of the published
     aggregate) can depend on it. FAILED or ABANDONED fail the task.

Setup in Airflow:
  * Connection ``prio_server_a`` (type http, stored in the secrets backend):
    host and port of A's operator API (e.g. through an internal load
    balancer), no login, and as Extra
    ``{"Authorization": "Bearer <token>", "Content-Type": "application/json"}``
    with the plain operator token whose SHA-256 is
    PRIO_PEERAUTH_OPERATORTOKENSHA256 on A. The HTTP hook sends the Extra as
    headers, so the token never shows up in the DAG file or in rendered task
    fields.
  * Variable ``prio_data_config``: the JSON of DATA_CONFIG.
Requires apache-airflow-providers-http.
"""

import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.providers.http.operators.http import HttpOperator
from airflow.providers.http.sensors.http import HttpSensor

HTTP_CONN_ID = "prio_server_a"
TERMINAL_OK = {"PUBLISHED"}
TERMINAL_BAD = {"FAILED", "ABANDONED"}

default_args = {
    "owner": "prio-operators@example.com",
    "depends_on_past": False,
    "email": ["prio-operators@example.com"],
    "email_on_failure": True,
    "email_on_retry": False,
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
}


def batch_ids():
    """Batch ids of DATA_CONFIG; parsed when the DAG file is loaded."""
    raw = Variable.get("prio_data_config", default_var="[]")
    # canary-* ids are the canary DAG's (prio_canary.py), never triggered here.
    return [entry["batch_id"] for entry in json.loads(raw) if not entry["batch_id"].startswith("canary-")]


def accept_trigger(response):
    """202: started, or it exists already (a rerun of this task) and the body is its
    current state. 409 means a real conflict (n_data differs from the batch's)."""
    return response.status_code in (200, 201, 202)


def batch_done(response):
    """True once the batch is PUBLISHED; raises once it FAILED or was ABANDONED."""
    phase = response.json().get("phase")
    if phase in TERMINAL_BAD:
        raise ValueError(f"batch ended {phase}: {response.text}")
    return phase in TERMINAL_OK


with DAG(
    dag_id="prio_batches",
    description="Trigger the nightly Prio aggregation on server A and wait for it",
    default_args=default_args,
    start_date=datetime(2026, 11, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    tags=["prio", "impact/tier_2"],
) as dag:
    for batch_id in batch_ids():
        task_id = batch_id.replace(".", "_").replace("-", "_")

        trigger = HttpOperator(
            task_id=f"trigger_{task_id}",
            http_conn_id=HTTP_CONN_ID,
            method="POST",
            endpoint=f"/batches/{batch_id}",
            data=json.dumps({"submissionDate": "{{ ds }}"}),
            response_check=accept_trigger,
            extra_options={"check_response": False, "timeout": 60},
            log_response=True,
        )

        wait = HttpSensor(
            task_id=f"wait_{task_id}",
            http_conn_id=HTTP_CONN_ID,
            method="GET",
            endpoint=f"/batches/{batch_id}",
            response_check=batch_done,
            mode="reschedule",
            poke_interval=300,
            timeout=6 * 3600,
        )

        trigger >> wait
