"""The census daily batch: ingest, score and summary, each a step run in the project's containers.

Operations drop each day's file as data/census/incoming/<YYYY-MM-DD>.csv in the project folder (mounted into
the containers as /app/data). The run for a day loads that file as the batch of that date (replacing it if it
was loaded before), scores it with the registered census model and records the model's performance on it,
then rewrites every report, the weekly page included. Set PGPIPE_PROJECT_DIR to the checkout that holds
docker-compose.yml; the compose file's database service must be up (`docker compose up -d database`).

Retries cover what passes: the database restarting, a container engine hiccup. A file with rejected rows fails
the ingest task with exit status 65; its rows are in ingest.rejects and data/census_<date>_rejects.jsonl.
"""
import os
from datetime import datetime, timedelta

from airflow import DAG

try:  # Airflow 3 ships the bash operator in the standard provider
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

PROJECT = os.environ.get("PGPIPE_PROJECT_DIR", "/opt/pgpipe")
COMPOSE = f"docker compose --project-directory {PROJECT} run --rm"
BATCH = "{{ ds }}"

with DAG(
    dag_id="census_daily_batch",
    description="Load, score and report the day's census batch",
    schedule="@daily",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=5), "retry_exponential_backoff": True},
    tags=["census", "pgpipe"],
) as dag:
    ingest = BashOperator(
        task_id="ingest",
        bash_command=f"{COMPOSE} ingest census data/census/incoming/{BATCH}.csv --batch-date {BATCH} --no-score --quiet",
    )
    score = BashOperator(
        task_id="score",
        bash_command=f"{COMPOSE} ingest score --batch-date {BATCH}",
    )
    summary = BashOperator(
        task_id="summary",
        bash_command=f"{COMPOSE} summary",
    )
    ingest >> score >> summary
