"""Rapport daily run: check that the day's inputs have landed, then one spark-submit per logical date.

As-of date: ``{{ data_interval_start | ds }}`` under an explicit CronDataIntervalTimetable.
Airflow 3 changed cron schedules to CronTriggerTimetable by default (create_cron_data_intervals =
False), where ``logical_date``/``ds`` is the moment the run fires (the day AFTER the data day),
whereas Airflow 2 set it to the start of the data interval. Declaring the interval timetable and
passing the interval's start makes the as-of date the day whose data is complete, the same on
Airflow 2 and 3 whatever the scheduler setting: the run that fires on D+1 at 03:00 UTC processes D.

Two tasks per date:

- ``inputs_ready``: ``rapport validate --as-of D --require-day``. Exit 0 when the day folder of every
  required source exists and holds its ``_SUCCESS`` marker (docs/operations.md, "Readiness check");
  exit 1 while it does not, and the task is retried every 15 minutes for up to 3 hours. A run on
  partial data would mark the date complete, and later runs of it would be no-ops.
- ``rapport_run``: ``rapport run --as-of D``, retried (a retry restarts the failed run at its failed
  step) only when Rapport exits with 1.

Exit codes: 0 success or already complete; 1 run failed (retried); 2 usage, configuration or
input-contract error and 3 data-quality gate failed: retrying cannot fix these, so the task fails at
once with Rapport's message (``AirflowFailException``). Fix the data or the configuration, then clear
the task: the run restarts where it stopped.

The tasks run spark-submit themselves (rather than through SparkSubmitOperator, which gives the exit
code only inside the text of its error) so that they can read Rapport's exit code and its ``--json``
result. The driver
runs on the worker (``--deploy-mode client``): the per-date run lock lives on the driver's machine,
and in client mode spark-submit's exit code is the driver's.

Backfill: ``airflow backfill create --dag-id rapport_daily --from-date 2025-01-01 --to-date 2025-01-31``
(Airflow 3; ``airflow dags backfill`` on Airflow 2). Each date is an independent Rapport run: a
completed date is a no-op (exit 0), a failed one resumes where it stopped, so re-running a backfill is
safe. To rebuild dates on purpose, run ``rapport run --as-of D --force`` by hand (docs/operations.md).

Works with Airflow 2.9+ and Airflow 3; needs no Airflow provider.
"""
from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta

import pendulum

try:  # Airflow 3
    from airflow.sdk import DAG, BaseOperator
except ImportError:  # Airflow 2.9+
    from airflow import DAG
    from airflow.models import BaseOperator
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable

RAPPORT_JAR = os.environ.get("RAPPORT_JAR", "/opt/rapport/rapport.jar")
RAPPORT_CONFIG = os.environ.get("RAPPORT_CONFIG", "/etc/rapport/rapport.yaml")
SPARK_SUBMIT = os.environ.get("RAPPORT_SPARK_SUBMIT", "spark-submit")
SPARK_MASTER = os.environ.get("RAPPORT_SPARK_MASTER", "yarn")
SPARK_ADD_OPENS = " ".join(
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
        "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
        "sun.nio.cs", "sun.security.action", "sun.util.calendar",
    )
)
SPARK_CONF = {
    "spark.driver.extraJavaOptions": SPARK_ADD_OPENS + " -Duser.timezone=UTC",
    "spark.executor.extraJavaOptions": SPARK_ADD_OPENS + " -Duser.timezone=UTC",
}
AS_OF = "{{ data_interval_start | ds }}"

EXIT_MEANINGS = {
    "run": {1: "the run failed; a retry restarts it", 2: "usage, configuration or input-contract error",
            3: "data-quality gate failed"},
    "validate": {1: "the day's inputs are not complete yet; a retry checks again",
                 2: "usage, configuration or input-contract error"},
}


def retry_decision(exit_code: int) -> str:
    """What a task does with Rapport's exit code: "success", "retry" (exit 1) or "fail" (no retry)."""
    if exit_code == 0:
        return "success"
    if exit_code == 1:
        return "retry"
    return "fail"


def raise_for_exit_code(exit_code: int, result: dict | None, command: str) -> None:
    """Returns on 0; raises AirflowException (retried) on 1, AirflowFailException (not retried) otherwise."""
    decision = retry_decision(exit_code)
    if decision == "success":
        return
    error = (result or {}).get("error") or {}
    reason = error.get("message") or "see the task log for Rapport's message (the line starting with 'rapport:')"
    hint = (result or {}).get("hint")
    meaning = EXIT_MEANINGS.get(command, {}).get(exit_code, "unexpected exit code")
    message = f"rapport {command} exited with {exit_code} ({meaning}): {reason}"
    if hint:
        message += f" Next: {hint}"
    if decision == "retry":
        raise AirflowException(message)
    raise AirflowFailException(message + " Retrying cannot fix this; clear the task once it is fixed.")


def last_json_document(lines: list[str]) -> dict | None:
    """Rapport's --json result: the last line of its output that is a JSON object with an exit code."""
    for line in reversed(lines):
        text = line.strip()
        if text.startswith("{"):
            try:
                document = json.loads(text)
            except ValueError:
                continue
            if isinstance(document, dict) and "exit_code" in document:
                return document
    return None


class RapportSubmitOperator(BaseOperator):
    """spark-submit of the Rapport jar in client mode; fails without retry on exit codes 2 and 3."""

    template_fields = ("application_args", "env_vars")

    def __init__(self, *, application: str, java_class: str, application_args: list[str],
                 conf: dict[str, str] | None = None, env_vars: dict[str, str] | None = None,
                 master: str = SPARK_MASTER, spark_submit: str = SPARK_SUBMIT, **kwargs):
        super().__init__(**kwargs)
        self.application = application
        self.java_class = java_class
        self.application_args = application_args
        self.conf = conf or {}
        self.env_vars = env_vars or {}
        self.master = master
        self.spark_submit = spark_submit
        self._process = None

    def command(self) -> list[str]:
        command = [self.spark_submit, "--master", self.master, "--deploy-mode", "client", "--class", self.java_class]
        for key, value in self.conf.items():
            command += ["--conf", f"{key}={value}"]
        return command + [self.application, *self.application_args]

    def execute(self, context):
        command = self.command()
        self.log.info("Running %s", " ".join(command))
        # Credentials travel in the environment only; neither they nor the environment are logged.
        env = {**os.environ, **{k: v for k, v in self.env_vars.items() if v}}
        lines = []
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        for line in self._process.stdout:
            lines.append(line)
            self.log.info("%s", line.rstrip())
        exit_code = self._process.wait()
        result = last_json_document(lines)
        raise_for_exit_code(exit_code, result, self.application_args[0])
        # A small XCom: what ran and how it ended (the whole result may list thousands of input files).
        return {key: (result or {}).get(key) for key in
                ("status", "exit_code", "as_of_date", "already_complete", "job_instance_id", "job_execution_id")}

    def on_kill(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()


with DAG(
    dag_id="rapport_daily",
    description="Rapport customer analytics snapshot for the previous day",
    schedule=CronDataIntervalTimetable("0 3 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": True,
    },
    tags=["rapport"],
) as dag:
    inputs_ready = RapportSubmitOperator(
        task_id="inputs_ready",
        application=RAPPORT_JAR,
        java_class="io.rapport.cli.Rapport",
        application_args=["validate", "--as-of", AS_OF, "--require-day", "--config", RAPPORT_CONFIG, "--json"],
        conf=SPARK_CONF,
        # Waiting for the day's inputs: exit 1 until every day folder has its marker.
        retries=12,
        retry_delay=timedelta(minutes=15),
        retry_exponential_backoff=False,
    )
    rapport_run = RapportSubmitOperator(
        task_id="rapport_run",
        application=RAPPORT_JAR,
        java_class="io.rapport.cli.Rapport",
        application_args=["run", "--as-of", AS_OF, "--config", RAPPORT_CONFIG, "--json"],
        conf=SPARK_CONF,
        # Job-repository credentials come from the environment, never from the config file.
        env_vars={
            "RAPPORT_JOB_REPOSITORY_USER": "{{ var.value.get('rapport_job_repository_user', '') }}",
            "RAPPORT_JOB_REPOSITORY_PASSWORD": "{{ var.value.get('rapport_job_repository_password', '') }}",
        },
        max_active_tis_per_dag=1,
    )
    inputs_ready >> rapport_run
