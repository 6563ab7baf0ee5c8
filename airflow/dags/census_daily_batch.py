"""The census daily batch: ingest, score and summary, each a step run by the project's own executables.

Operations drop each day's file as data/census/incoming/<YYYY-MM-DD>.csv in the project folder. The run for a
day loads that file as the batch of that date (replacing it if it was loaded before), scores it with the
registered census model and records the model's performance on it, then rewrites every report, the weekly
page included.

Where the executables are is a setting, so the same file serves every place it runs:
- PGPIPE_COMMAND_PREFIX is put before `ingest` and `summary`: by default the project's containers,
  `docker compose --project-directory $PGPIPE_PROJECT_DIR run --rm ` (the compose file's database service
  must be up); in CI, the folder of the local binaries (`/path/to/checkout/.build/release/`).
- PGPIPE_PROJECT_DIR is the checkout (docker-compose.yml, data/): the steps run there.
The steps reach the database as the executables do (DATABASE_URL, PG*, DATABASE_PASSWORD_FILE). Where each
step has its own role, PGPIPE_INGEST_DATABASE_URL and PGPIPE_INGEST_PASSWORD_FILE become `ingest`'s DATABASE_URL
and DATABASE_PASSWORD_FILE (likewise PGPIPE_SUMMARY_*): the Airflow containers load as pgpipe_ingest and report
as pgpipe_summary.

Failures follow the executables' exit statuses: a data error (65: rows rejected past --max-rejects, or a load
refused by the shrink guard), a usage or input error (64, 66), an output that must not be written (73),
refused credentials or settings (77, 78) fail the task at once, without retries: trying again changes
nothing; the message names the day's rejects file (data/rejects/census_<date>_rejects.jsonl, also ingest.rejects).
A run triggered with {"max_rejects": N} lets the day's load commit with up to N rejected rows: ingest still
exits 65 then, and its last line (`read N, loaded N, rejected N`, without `rolled back`) tells the task it
committed. The database unreachable (69), loads holding the data (75) or anything else are retried with backoff.
"""
import os
import re
import shlex
import subprocess
from datetime import datetime, timedelta

from airflow import DAG

try:  # Airflow 3
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 2
    from airflow.exceptions import AirflowException, AirflowFailException

try:  # Airflow 3
    from airflow.sdk import Param
except ImportError:  # Airflow 2
    from airflow.models.param import Param

try:  # Airflow 3 ships the Python operator in the standard provider
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator

PROJECT = os.environ.get("PGPIPE_PROJECT_DIR", "/opt/pgpipe")
PREFIX = os.environ.get("PGPIPE_COMMAND_PREFIX", f"docker compose --project-directory {shlex.quote(PROJECT)} run --rm ")
# Exit statuses that say the input, the settings or the credentials are wrong: a retry would fail the same way.
PERMANENT = {64: "usage", 65: "data error", 66: "input missing", 73: "output refused", 77: "not permitted", 78: "configuration"}


def step_environment(executable):
    """The process environment for `executable`, with its own connection where one is set."""
    environment = dict(os.environ)
    own = f"PGPIPE_{executable.upper()}_"
    for setting, variable in (("DATABASE_URL", "DATABASE_URL"), ("PASSWORD_FILE", "DATABASE_PASSWORD_FILE")):
        if own + setting in environment:
            environment[variable] = environment[own + setting]
    return environment


def committed_with_rejects(output):
    """Whether ingest's last line, `read N, loaded N, rejected N`, says the load committed with rejected rows
    (within --max-rejects: no `rolled back`); ingest exits 65 then too, as it does for a load that rolled back."""
    lines = output.strip().splitlines()
    match = re.fullmatch(r"read \d+, loaded \d+, rejected (\d+)", lines[-1]) if lines else None
    return match is not None and int(match.group(1)) > 0


def run_step(executable, arguments, rejects=None):
    """Runs `ingest` or `summary` with `arguments` in the project folder; its exit status decides the task's."""
    command = shlex.split(PREFIX + executable) + arguments
    print("running:", shlex.join(command), flush=True)
    step = subprocess.run(command, cwd=PROJECT, env=step_environment(executable), stdout=subprocess.PIPE, text=True)
    print(step.stdout, end="", flush=True)
    status = step.returncode
    where = f"the rejected rows: {os.path.join(PROJECT, rejects)} and ingest.rejects" if rejects else ""
    if status == 0:
        return
    if status == 65 and rejects and committed_with_rejects(step.stdout):
        print(f"{executable}: the load committed with rejected rows, within the run's max_rejects; {where}", flush=True)
        return
    if status in PERMANENT:
        hint = f"; {where}" if status == 65 and rejects else ""
        raise AirflowFailException(f"{executable} exited {status}, {PERMANENT[status]}: not retried{hint}")
    raise AirflowException(f"{executable} exited {status}: retried")


with DAG(
    dag_id="census_daily_batch",
    description="Load, score and report the day's census batch",
    schedule="@daily",
    start_date=datetime(2026, 10, 26),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=5), "retry_exponential_backoff": True},
    tags=["census", "pgpipe"],
    # A run may accept a few rejected rows when triggered with {"max_rejects": N}; by default one fails the day.
    params={"max_rejects": Param(0, type="integer", minimum=0, description="Rejected rows the day's load may have and still commit")},
) as dag:
    ingest = PythonOperator(
        task_id="ingest", python_callable=run_step,
        op_args=["ingest", ["census", "data/census/incoming/{{ ds }}.csv", "--batch-date", "{{ ds }}",
                            "--max-rejects", "{{ params.max_rejects }}", "--no-score", "--quiet"]],
        op_kwargs={"rejects": "data/rejects/census_{{ ds }}_rejects.jsonl"},
    )
    score = PythonOperator(task_id="score", python_callable=run_step, op_args=["ingest", ["score", "--batch-date", "{{ ds }}"]])
    summary = PythonOperator(task_id="summary", python_callable=run_step, op_args=["summary", []])
    ingest >> score >> summary
