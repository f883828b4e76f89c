"""Imports deploy/airflow/rapport_daily.py with small stand-ins for the Airflow modules it uses
(Airflow is not installed in the build) and prints, as JSON, what AirflowDagTest checks.

    python3 dag_harness.py describe DAG_FILE AIRFLOW_MAJOR
        the DAG's settings and each task's spark-submit command, retries and downstream tasks
    python3 dag_harness.py decide DAG_FILE FAKE_SPARK_SUBMIT
        runs every task's execute() against FAKE_SPARK_SUBMIT once per exit code 0..3 and reports
        whether the task succeeded, is retried (AirflowException) or fails at once (AirflowFailException)

The stand-ins model only what the DAG relies on: DAG as a context manager with default_args,
BaseOperator(task_id=..., **kwargs) with `log` and `>>`, the two exception classes (in Airflow,
AirflowFailException subclasses AirflowException and fails a task without retrying it), the
interval timetable and pendulum.datetime.
"""
import importlib.util
import json
import logging
import os
import sys
import types


class AirflowException(Exception):
    pass


class AirflowFailException(AirflowException):
    pass


class DAG:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = {}

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None


class BaseOperator:
    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.dag = DAG.current
        settings = dict(self.dag.kwargs.get("default_args", {}))
        settings.update(kwargs)
        self.settings = settings
        self.downstream = []
        self.log = logging.getLogger("task." + task_id)
        self.dag.tasks[task_id] = self

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other


class CronDataIntervalTimetable:
    def __init__(self, cron, timezone):
        self.cron = cron
        self.timezone = timezone


def install_stubs(airflow_major):
    airflow = types.ModuleType("airflow")
    exceptions = types.ModuleType("airflow.exceptions")
    exceptions.AirflowException = AirflowException
    exceptions.AirflowFailException = AirflowFailException
    timetables = types.ModuleType("airflow.timetables")
    interval = types.ModuleType("airflow.timetables.interval")
    interval.CronDataIntervalTimetable = CronDataIntervalTimetable
    modules = {"airflow": airflow, "airflow.exceptions": exceptions, "airflow.timetables": timetables,
               "airflow.timetables.interval": interval}
    if airflow_major == "3":
        sdk = types.ModuleType("airflow.sdk")
        sdk.DAG = DAG
        sdk.BaseOperator = BaseOperator
        modules["airflow.sdk"] = sdk
    else:
        airflow.DAG = DAG
        models = types.ModuleType("airflow.models")
        models.BaseOperator = BaseOperator
        modules["airflow.models"] = models
    pendulum = types.ModuleType("pendulum")
    pendulum.datetime = lambda *args, **kwargs: {"args": list(args), "kwargs": kwargs}
    modules["pendulum"] = pendulum
    sys.modules.update(modules)


def load(dag_file, airflow_major):
    install_stubs(airflow_major)
    spec = importlib.util.spec_from_file_location("rapport_daily", dag_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def describe(dag_file, airflow_major):
    module = load(dag_file, airflow_major)
    dag = module.dag
    tasks = {}
    for task_id, task in dag.tasks.items():
        tasks[task_id] = {
            "command": task.command(),
            "retries": task.settings.get("retries"),
            "retry_exponential_backoff": task.settings.get("retry_exponential_backoff"),
            "max_active_tis_per_dag": task.settings.get("max_active_tis_per_dag"),
            "env_vars": sorted(task.env_vars),
            "downstream": task.downstream,
        }
    return {"dag_id": dag.dag_id, "max_active_runs": dag.kwargs.get("max_active_runs"),
            "timetable": type(dag.kwargs.get("schedule")).__name__, "tasks": tasks,
            "retry_decision": {str(code): module.retry_decision(code) for code in range(4)}}


def decide(dag_file, fake_spark_submit):
    module = load(dag_file, "3")
    results = {}
    for task_id, task in module.dag.tasks.items():
        task.spark_submit = fake_spark_submit
        outcomes = {}
        for code in range(4):
            os.environ["RAPPORT_FAKE_EXIT"] = str(code)
            try:
                xcom = task.execute({})
                outcomes[str(code)] = {"outcome": "success", "message": None, "xcom": xcom}
            except AirflowFailException as e:
                outcomes[str(code)] = {"outcome": "fail", "message": str(e), "xcom": None}
            except AirflowException as e:
                outcomes[str(code)] = {"outcome": "retry", "message": str(e), "xcom": None}
        results[task_id] = outcomes
    return results


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    mode, dag_file, argument = sys.argv[1:4]
    result = describe(dag_file, argument) if mode == "describe" else decide(dag_file, argument)
    print(json.dumps(result))
