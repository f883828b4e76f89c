"""Rapport daily run: one spark-submit per logical date, with retries and one active run at a time.

As-of date: ``{{ data_interval_start | ds }}`` under an explicit CronDataIntervalTimetable.
Airflow 3 changed cron schedules to CronTriggerTimetable by default (create_cron_data_intervals =
False), where ``logical_date``/``ds`` is the moment the run fires (the day AFTER the data day),
whereas Airflow 2 set it to the start of the data interval. Declaring the interval timetable and
passing the interval's start makes the as-of date the day whose data is complete, the same on
Airflow 2 and 3 whatever the scheduler setting: the run that fires on D+1 at 03:00 UTC processes D.

Backfill: ``airflow backfill create --dag-id rapport_daily --from-date 2025-01-01 --to-date 2025-01-31``
(Airflow 3; ``airflow dags backfill`` on Airflow 2). Each date is an independent Rapport run: a
completed date is a no-op (exit 0), a failed one resumes where it stopped, so re-running a
backfill is safe. Pass --force (RAPPORT_FORCE below) only to rebuild dates on purpose.

Exit codes: 0 success or already complete; 1 run failed (a retry restarts it); 2 configuration or
input contract error and 3 data-quality gate: retries will not fix these, fix the data or config.
"""
from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.timetables.interval import CronDataIntervalTimetable

RAPPORT_JAR = os.environ.get("RAPPORT_JAR", "/opt/rapport/rapport.jar")
RAPPORT_CONFIG = os.environ.get("RAPPORT_CONFIG", "/etc/rapport/rapport.yaml")
SPARK_ADD_OPENS = " ".join(
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
        "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
        "sun.nio.cs", "sun.security.action", "sun.util.calendar",
    )
)

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
    rapport_run = SparkSubmitOperator(
        task_id="rapport_run",
        conn_id="spark_default",
        application=RAPPORT_JAR,
        java_class="io.rapport.cli.Rapport",
        application_args=[
            "run",
            "--as-of", "{{ data_interval_start | ds }}",
            "--config", RAPPORT_CONFIG,
        ],
        conf={
            "spark.driver.extraJavaOptions": SPARK_ADD_OPENS + " -Duser.timezone=UTC",
            "spark.executor.extraJavaOptions": SPARK_ADD_OPENS + " -Duser.timezone=UTC",
        },
        # Job-repository credentials come from the environment, never from the config file.
        env_vars={
            "RAPPORT_JOB_REPOSITORY_USER": "{{ var.value.get('rapport_job_repository_user', '') }}",
            "RAPPORT_JOB_REPOSITORY_PASSWORD": "{{ var.value.get('rapport_job_repository_password', '') }}",
        },
        max_active_tis_per_dag=1,
    )
