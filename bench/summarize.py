"""Assembles bench/results/<commit>-<N>.json from a bench/run work folder and prints a summary.

Usage: summarize.py WORK DATA OUT (the rest comes from environment variables set by bench/run).
"""
import json, os, re, sys, datetime
work, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
E = os.environ
m = json.load(open(os.path.join(work, "manifest.json")))

def kv(path):
    d = {}
    for line in open(path):
        if "=" in line and not line.startswith("source="):
            k, v = line.strip().split("=", 1)
            d[k] = v
    return d

def gnu_time(path):
    d = {}
    for line in open(path):
        if ":" in line:
            k, v = line.strip().rsplit(":", 1) if "Elapsed" not in line else (line.split("):", 1)[0] + ")", line.split("):", 1)[1])
            d[k.strip()] = v.strip()
    return d

def wall(s):
    parts = [float(p) for p in s.split(":")]
    sec = 0.0
    for p in parts:
        sec = sec * 60 + p
    return sec

def du(path):
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files if not f.startswith("."))
    return total

t = gnu_time(os.path.join(work, "time.txt"))
tb = gnu_time(os.path.join(work, "time-bare.txt"))
bare = kv(os.path.join(work, "bare.txt"))
clv = kv(os.path.join(work, "clv.txt"))
per_source_bare = {}
for line in open(os.path.join(work, "bare.txt")):
    if line.startswith("source="):
        f = dict(p.split("=", 1) for p in line.split())
        per_source_bare[f["source"]] = float(f["seconds"])
steps = {s["step"]: s["seconds"] for s in m["steps"]}

def optional(name):
    path = os.path.join(work, name)
    return path if os.path.exists(path) and os.path.getsize(path) > 0 else None

# DuckDB reference pipeline (bench/duckdb/*.sql through io.rapport.bench.DuckDbReference).
duck = kv(os.path.join(work, "duckdb.txt"))
td = gnu_time(os.path.join(work, "time-duckdb.txt"))
comparison = [l.rstrip("\n") for l in open(os.path.join(work, "duckdb-comparison.txt"))] if optional("duckdb-comparison.txt") else []
table_lines = [l for l in comparison if re.match(r"^\w+\s+rapport\s", l)]

# Daily increment: the previous day without the last day's files, then the last day added.
incremental = None
if optional("incremental-manifest.json"):
    mi = json.load(open(os.path.join(work, "incremental-manifest.json")))
    mb = json.load(open(os.path.join(work, "incremental-base-manifest.json")))
    diff = [l.rstrip("\n") for l in open(os.path.join(work, "incremental-diff.txt"))]
    incremental = {
        "steps": {s["step"]: s["seconds"] for s in mi["steps"]},
        "seconds": round(sum(s["seconds"] for s in mi["steps"]), 3),
        "base_seconds": round(sum(s["seconds"] for s in mb["steps"]), 3),
        "base_as_of": mb["as_of_date"],
        "equal": "equal=true" in diff,
        "differing": [l for l in diff if "equal=false" in l or not l.startswith(("table=", "equal="))],
        "peak_rss_mb": round(int(gnu_time(os.path.join(work, "incremental-time.txt"))["Maximum resident set size (kbytes)"]) / 1024),
    }
# Spark job wall time by job description (what each step was doing), largest first.
by_what = {}
jobs_file = os.path.join(work, "jobs.tsv")
if os.path.exists(jobs_file):
    for line in open(jobs_file):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 5:
            what = re.sub(r"^Rapport \S+: ", "", f[4]) or "(no description)"
            what = re.sub(r"<br/>.*", "", what)
            key = (f[3].replace("rapport-", "") + " | " if f[3] else "") + what
            by_what[key] = by_what.get(key, 0.0) + float(f[0])
spark_jobs = {k: round(v, 2) for k, v in sorted(by_what.items(), key=lambda kv: -kv[1])}
pipeline_s = round(sum(steps.values()), 3)
bare_s = float(bare["bare_scan_s"])
rows_read = {k: v["read"] for k, v in m["inputs"].items()}
mem_kb = int(open("/proc/meminfo").readline().split()[1])
result = {
    "commit": E["BENCH_COMMIT"],
    "commit_dirty": E["BENCH_DIRTY"] == "true",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "customers": int(E["BENCH_CUSTOMERS"]),
    "seed": int(E["BENCH_SEED"]),
    "as_of": E["BENCH_AS_OF"],
    "purchase_lines": m["inputs"]["purchases"]["read"],
    "rows_read": rows_read,
    "input_bytes": {s: du(os.path.join(data, s)) for s in sorted(os.listdir(data)) if os.path.isdir(os.path.join(data, s))},
    "input_files": {s: len(v["files"]) for s, v in m["inputs"].items()},
    "pipeline_s": pipeline_s,
    "pipeline_process_wall_s": wall(t["Elapsed (wall clock) time (h:mm:ss or m:ss)"]),
    "bare_scan_s": bare_s,
    "bare_scan_per_source_s": per_source_bare,
    "bare_scan_process_wall_s": wall(tb["Elapsed (wall clock) time (h:mm:ss or m:ss)"]),
    "ratio": round(pipeline_s / bare_s, 2),
    "clv_fit_customers": int(clv["clv_fit_customers"]),
    "clv_fit_s": float(clv["clv_fit_s"]),
    "clv_fit_warm_s": float(clv["clv_fit_warm_s"]),
    "clv_fit_aggregates_s": float(clv["clv_fit_aggregates_s"]),
    "clv_fit_distinct_triples": int(clv["clv_fit_distinct_triples"]),
    "clv_fit_distinct_pairs": int(clv["clv_fit_distinct_pairs"]),
    "duckdb_s": float(duck["duckdb_s"]),
    "ratio_duckdb": round(pipeline_s / float(duck["duckdb_s"]), 2),
    "duckdb_steps": {k[len("duckdb_step_"):-2]: float(v) for k, v in duck.items() if k.startswith("duckdb_step_")},
    "duckdb_process_wall_s": wall(td["Elapsed (wall clock) time (h:mm:ss or m:ss)"]),
    "duckdb_peak_rss_mb": round(int(td["Maximum resident set size (kbytes)"]) / 1024),
    "duckdb_memory_limit": E.get("BENCH_DUCKDB_MEMORY", ""),
    "duckdb_rows": {k[len("duckdb_rows_"):]: int(v) for k, v in duck.items() if k.startswith("duckdb_rows_")},
    "duckdb_tables_equal": bool(table_lines) and all(l.endswith(" equal") for l in table_lines),
    "duckdb_comparison": [" ".join(l.split()) for l in comparison],
    "incremental_s": incremental["seconds"] if incremental else None,
    "incremental_ratio": round(incremental["seconds"] / pipeline_s, 3) if incremental else None,
    "incremental_equals_full": incremental["equal"] if incremental else None,
    "incremental_steps": incremental["steps"] if incremental else None,
    "incremental_base_s": incremental["base_seconds"] if incremental else None,
    "incremental_base_as_of": incremental["base_as_of"] if incremental else None,
    "incremental_differing_tables": incremental["differing"] if incremental else None,
    "incremental_peak_rss_mb": incremental["peak_rss_mb"] if incremental else None,
    "boundary": E.get("BENCH_BOUNDARY") == "1",
    "clv_fit_bg_nbd_parameters": clv.get("clv_fit_bg_nbd_parameters"),
    "clv_fit_bg_nbd_warning": clv.get("clv_fit_bg_nbd_warning") or None,
    "clv_fit_boundary": "boundary" in (clv.get("clv_fit_bg_nbd_warning") or "") + (clv.get("clv_fit_gamma_gamma_warning") or ""),
    "peak_rss_mb": round(int(t["Maximum resident set size (kbytes)"]) / 1024),
    "bare_scan_peak_rss_mb": round(int(tb["Maximum resident set size (kbytes)"]) / 1024),
    "steps": steps,
    "rows_per_s": round(sum(rows_read.values()) / pipeline_s),
    "purchase_lines_per_s": round(m["inputs"]["purchases"]["read"] / pipeline_s),
    "output_rows": m.get("outputs") or (m.get("manifest") or {}).get("outputs"),
    "spark_job_seconds_by_description": spark_jobs,
    "machine": {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1)},
    "java_options": os.environ.get("RAPPORT_JAVA_OPTS", ""),
    "load_avg_at_start": E["BENCH_LOAD_AT_START"],
    "cpu_percent": t.get("Percent of CPU this job got"),
    "spark_conf": E.get("BENCH_SPARK_CONF", ""),
    "command": "bench/run --customers %s --seed %s%s%s" % (E["BENCH_CUSTOMERS"], E["BENCH_SEED"],
        " --boundary" if E.get("BENCH_BOUNDARY") == "1" else "", "" if incremental else " --no-incremental"),
}
json.dump(result, open(out, "w"), indent=2)
open(out, "a").write("\n")
print(f"Rapport bench {result['customers']:,} customers, {result['purchase_lines']:,} purchase lines "
      f"({sum(result['input_bytes'].values())/1e6:.0f} MB CSV), commit {result['commit']}, load at start {result['load_avg_at_start']}")
print(f"  pipeline   {pipeline_s:8.1f} s  (process {result['pipeline_process_wall_s']:.1f} s)  " +
      "  ".join(f"{k} {v:.1f}" for k, v in steps.items()))
print(f"  bare scan  {bare_s:8.1f} s  ratio {result['ratio']:.2f}  (target <= 2.5 at 10M lines)")
print(f"  CLV fit    {result['clv_fit_s']:8.2f} s  for {result['clv_fit_customers']:,} customers (warm {result['clv_fit_warm_s']:.2f} s, Spark aggregates {result['clv_fit_aggregates_s']:.2f} s)")
print(f"  DuckDB     {result['duckdb_s']:8.1f} s  ratio_duckdb {result['ratio_duckdb']:.2f}  (target <= 3 at 10M lines)  "
      f"tables equal to Rapport's: {result['duckdb_tables_equal']}")
if incremental:
    print(f"  increment  {result['incremental_s']:8.1f} s  incremental_ratio {result['incremental_ratio']:.3f} (target <= 0.2)  "
          f"equals the full run: {result['incremental_equals_full']}  (previous day {result['incremental_base_s']:.1f} s)")
if result["boundary"] or result["clv_fit_boundary"]:
    print(f"  boundary   BG/NBD {result['clv_fit_bg_nbd_parameters']}: {result['clv_fit_bg_nbd_warning']}")
print(f"  peak RSS   {result['peak_rss_mb']:8d} MB  ({result['java_options']})")
for k, v in list(spark_jobs.items())[:8]:
    print(f"    {v:8.1f} s  {k}")
print(f"  throughput {result['rows_per_s']:,} input rows/s")
print(f"  -> {out}")