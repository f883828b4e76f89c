package io.rapport.cli;

import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.jobs.RunLauncher;
import io.rapport.jobs.SparkSessions;
import io.rapport.staging.Staging;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the whole job for one as-of date and publish its tables.",
        "",
        "Steps: ingest and validate, facts, models and metrics, quality gate, publish. A completed date is not run"
            + " again unless --force; a failed run is restarted by the same command and does not redo its completed steps.",
        "",
        "Prints a summary (or with --json one JSON document) on stdout; progress and logs go to stderr."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the date was published, or was already complete",
        "1:the run failed; run the same command again to restart it",
        "2:usage, configuration or input-contract error; fix it, then run again",
        "3:data-quality gate failed (reject rate, a table check or an anomaly); nothing was published"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport run                              # bundled samples, last purchase day",
        "  rapport run --as-of 2025-08-31 --config /etc/rapport/rapport.yaml",
        "  rapport run --as-of 2025-08-31 --force   # rebuild a complete date",
        "  rapport run --as-of 2025-08-31 --accept-anomaly orders_28d   # a known drop, published anyway",
        "  rapport run --full-refresh               # restage every input file, then run",
        "  rapport run --as-of 2025-08-31 --json | jq .status"})
final class RunCommand implements Callable<Integer>, JsonOutput.JsonCommand {
  @Option(names = "--as-of", paramLabel = "DATE",
      description = "As-of date (yyyy-MM-dd), the scheduler's logical date. Default: the last purchase day in the inputs.")
  String asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--force", description = "Run again even if the date is complete; replaces its snapshot.")
  boolean force;

  @Option(names = "--accept-anomaly", paramLabel = "METRIC",
      description = "Accept this run's anomaly of METRIC (a run_metrics name, e.g. orders_28d) for this run only:"
          + " published and recorded in the manifest. Repeatable. See docs/operations.md.")
  List<String> acceptAnomalies = new ArrayList<>();

  @Option(names = "--full-refresh", description = "Restage every input file instead of only the new or changed ones"
      + " (forgets the staged history under <warehouse>/_staged first).")
  boolean fullRefresh;

  @Option(names = "--json", description = "Print one JSON document instead of the summary (its fields: docs/json-output.md).")
  boolean json;

  /** The as-of date once known (given, or chosen from the inputs), for the failure document. */
  private LocalDate resolvedDate;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() throws Exception {
    LoadedSettings loaded = Settings.load(config);
    LocalDate date = parseDate(asOf);
    Set<String> accepted = acceptedAnomalies(acceptAnomalies);
    SparkSession spark = SparkSessions.create(loaded.settings(), "rapport run");
    try {
      org.apache.hadoop.fs.Path stagedRoot = Staging.stagedRoot(loaded.settings().warehouse());
      if (fullRefresh) {
        // Once, before anything reads the staged history: the default as-of date and the ingest step
        // then stage every file; a restarted run carries on from what was staged.
        Staging.forgetStaged(spark, stagedRoot);
        System.err.println("rapport: --full-refresh: every input file is staged again");
      }
      if (date == null) {
        date = Staging.latestEventDate(spark, loaded.settings(), stagedRoot).orElseThrow(() -> new ConfigurationException(
            "Cannot choose an as-of date: the purchases input has no valid purchase; pass --as-of DATE"));
        System.err.println("rapport: no --as-of given; using the last purchase day in the inputs, " + date);
      }
      resolvedDate = date;
      RunLauncher.Outcome outcome = RunLauncher.run(loaded, date, force, accepted, spark);
      String warehouse = loaded.settings().warehouse();
      if (json) {
        JsonOutput.print(document(outcome, warehouse));
      } else {
        System.out.print(RunSummary.render(outcome, warehouse));
      }
      if (outcome.error() != null) {
        System.err.println("rapport: " + outcome.error());
      }
      return outcome.exitCode();
    } finally {
      spark.stop();
    }
  }

  /** The run's JSON document (docs/json-output.md, "run"). */
  static Map<String, Object> document(RunLauncher.Outcome o, String warehouse) {
    Map<String, Object> error = o.errorDetails() == null ? null : JsonOutput.error(o.errorDetails());
    String status = o.exitCode() != 0 ? "FAILED" : o.alreadyComplete() ? "ALREADY_COMPLETE" : "COMPLETED";
    String hint = o.exitCode() != 0 ? NextSteps.afterFailure(o.errorDetails().kind(), o.errorDetails().rule(), o.failedStep(), "run")
        : o.alreadyComplete() ? NextSteps.alreadyComplete() : null;
    Map<String, Object> doc = JsonOutput.document("run", status, o.exitCode(), error, hint);
    doc.put("as_of_date", o.asOf().toString());
    doc.put("already_complete", o.alreadyComplete());
    doc.put("failed_step", o.failedStep());
    doc.put("job_instance_id", o.jobInstanceId());
    doc.put("job_execution_id", o.jobExecutionId());
    doc.put("published_by", o.publishedBy() == null ? null : publishedBy(o.publishedBy()));
    doc.put("steps", o.steps().stream().map(RunCommand::step).toList());
    doc.put("inputs", JsonOutput.tree(o.inputs()));
    doc.put("warnings", o.manifest() == null ? List.of() : o.manifest().warnings());
    doc.put("accepted_anomalies", o.manifest() == null ? List.of() : o.manifest().acceptedAnomalies());
    doc.put("anomalies", o.manifest() == null ? List.of() : JsonOutput.tree(o.manifest().runMetrics().stream()
        .filter(m -> "error".equals(m.status()) || "warning".equals(m.status())).toList()));
    doc.put("manifest_path", o.manifest() == null ? null : new WarehouseLayout(warehouse).manifest(o.asOf()).toString());
    doc.put("manifest", JsonOutput.tree(o.manifest()));
    return doc;
  }

  @Override
  public Map<String, Object> failureDocument(int exitCode, Map<String, Object> error) {
    Map<String, Object> doc = JsonOutput.document("run", "FAILED", exitCode, error,
        NextSteps.afterFailure((String) error.get("kind"), (String) error.get("rule"), null, "run"));
    LocalDate date = resolvedDate;
    try {
      date = date != null ? date : parseDate(asOf);
    } catch (RuntimeException notADate) {
      // the error says so; the document leaves the date out
    }
    doc.put("as_of_date", date == null ? null : date.toString());
    doc.put("already_complete", false);
    doc.put("failed_step", null);
    doc.put("job_instance_id", null);
    doc.put("job_execution_id", null);
    doc.put("published_by", null);
    doc.put("steps", List.of());
    doc.put("inputs", Map.of());
    doc.put("warnings", List.of());
    doc.put("accepted_anomalies", List.of());
    doc.put("anomalies", List.of());
    doc.put("manifest_path", null);
    doc.put("manifest", null);
    return doc;
  }

  private static Map<String, Object> publishedBy(RunLauncher.PublishedBy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_instance_id", p.jobInstanceId());
    m.put("job_execution_id", p.jobExecutionId());
    m.put("published_at", p.publishedAt());
    return m;
  }

  private static Map<String, Object> step(RunLauncher.StepLine s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", s.step());
    m.put("status", s.status());
    m.put("seconds", s.seconds());
    m.put("read", s.read());
    m.put("filtered", s.filtered());
    m.put("written", s.written());
    m.put("job_execution_id", s.jobExecutionId() == 0 ? null : s.jobExecutionId());
    return m;
  }

  /** The --accept-anomaly values: metric names, as run_metrics spells them. */
  static Set<String> acceptedAnomalies(List<String> values) {
    Set<String> metrics = new TreeSet<>();
    for (String v : values) {
      if (v == null || !v.matches("[A-Za-z0-9_.-]+")) {
        throw new ConfigurationException("--accept-anomaly '" + v + "' is not a metric name (as in run_metrics.metric,"
            + " e.g. orders_28d or purchases.rows_read)");
      }
      metrics.add(v);
    }
    return metrics;
  }

  static LocalDate parseDate(String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException("--as-of '" + text + "' is not a date in the form yyyy-MM-dd");
    }
  }
}
