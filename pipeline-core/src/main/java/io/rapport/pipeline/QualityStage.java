package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.quality.AnomalyBaseline;
import io.rapport.quality.AnomalyRules;
import io.rapport.quality.CheckResult;
import io.rapport.quality.MetricVerdict;
import io.rapport.quality.QualityGate;
import io.rapport.quality.RunMetrics;
import io.rapport.schema.Severity;
import io.rapport.staging.Rejects;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.RunHistory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Step 4, quality gate: runs every table's checks on the staged tables (audit before publish),
 * and records the run's metrics in {@code run_metrics}, each judged against the published runs
 * before this date (SPEC 5, Run metrics and anomalies). Errors (a failed error check, an
 * anomaly of severity error not accepted) stop the run with exit code 3 and nothing is
 * published; warnings are kept with the run.
 */
public final class QualityStage {
  public static final String NAME = Step.QUALITY_GATE.id();

  private QualityStage() {}

  public static StageReport run(PipelineRun run) {
    return run(run, Set.of());
  }

  /** @param acceptedAnomalies metrics whose anomaly this run accepts ({@code --accept-anomaly}) */
  public static StageReport run(PipelineRun run, Set<String> acceptedAnomalies) {
    run.describe(NAME, "run metrics");
    List<MetricVerdict> verdicts = judgeRunMetrics(run, acceptedAnomalies);
    long metricRows = run.write(RunMetrics.TABLE, RunMetrics.build(run.spark(), verdicts));

    // Each table's checks are one aggregation (or a few queries): independent, so run a few at once.
    List<CheckResult> results = new ArrayList<>();
    StageTables.concurrently(NAME, Catalog.PUBLISHED, table -> {
      run.describe(NAME, "checks of " + table.name());
      return QualityGate.check(table, run.read(table), run::readTable);
    }).forEach(results::addAll);
    results.add(rejectsReconcile(run));
    List<Manifest.QualityEntry> entries = results.stream()
        .map(r -> new Manifest.QualityEntry(r.table(), r.check(), r.severity().id(), r.passed(), r.failingRows(), r.detail()))
        .collect(Collectors.toList());
    List<String> warnings = new ArrayList<>();
    results.stream().filter(r -> !r.passed() && r.severity() == Severity.WARNING)
        .forEach(r -> warnings.add("quality warning on " + r.table() + ": " + r.check() + ": " + r.detail()));
    verdicts.stream().filter(MetricVerdict::flagged)
        .forEach(v -> warnings.add("anomaly " + v.status() + " on " + v.metric() + ": " + v.detail()));
    // A mistyped key in quality.anomalies.metrics would otherwise silently configure nothing.
    Set<String> measured = verdicts.stream().map(MetricVerdict::metric).collect(Collectors.toSet());
    run.settings().quality().anomalies().metrics().keySet().stream().filter(k -> !measured.contains(k)).sorted()
        .forEach(k -> warnings.add("quality.anomalies.metrics." + k + " names no metric of this run; it has no effect"));
    StageReport report = new StageReport(NAME, Map.of(RunMetrics.TABLE.name(), metricRows), null, entries, warnings,
        verdicts.stream().map(QualityStage::entry).toList(), List.copyOf(new TreeSet<>(acceptedAnomalies)));
    run.saveReport(report);
    boolean failOnWarning = run.settings().quality().failOnWarning();
    List<CheckResult> errors = QualityGate.blocking(results, failOnWarning);
    List<MetricVerdict> anomalies = verdicts.stream().filter(v -> v.blocks(failOnWarning)).toList();
    if (!errors.isEmpty() || !anomalies.isEmpty()) {
      List<String> lines = new ArrayList<>();
      errors.forEach(r -> lines.add("  - " + r.table() + " / " + r.check() + ": " + r.detail()));
      anomalies.forEach(v -> lines.add("  - " + RunMetrics.TABLE.name() + " / " + v.metric() + ": " + v.status()
          + ", " + v.detail()));
      if (!anomalies.isEmpty()) {
        lines.add("  If the change is known and right, accept it for this run: rapport run --as-of " + run.asOf() + " "
            + anomalies.stream().map(v -> "--accept-anomaly " + v.metric()).collect(Collectors.joining(" ")));
      }
      throw new DataQualityException("Quality gate failed for " + run.asOf() + "; nothing was published:\n"
          + String.join("\n", lines));
    }
    return report;
  }

  /** This run's metrics, each judged against the published runs before this date. */
  static List<MetricVerdict> judgeRunMetrics(PipelineRun run, Set<String> accepted) {
    Map<String, Double> metrics = RunMetrics.compute(sources(run), publishedRows(run), run::read, run.asOf());
    Set<String> unknown = new TreeSet<>(accepted);
    unknown.removeAll(metrics.keySet());
    if (!unknown.isEmpty()) {
      throw new ConfigurationException("--accept-anomaly " + String.join(", ", unknown) + " names no metric of this run"
          + " (its metrics: " + String.join(", ", metrics.keySet()) + ")");
    }
    RapportSettings.Anomalies settings = run.settings().quality().anomalies();
    List<AnomalyBaseline.PublishedRun> candidates = AnomalyBaseline.candidates(
        published(run, settings.baselineRuns()), run.asOf(), settings.baselineRuns());
    List<MetricVerdict> verdicts = new ArrayList<>();
    metrics.forEach((metric, value) -> verdicts.add(AnomalyRules.judge(metric, value,
        AnomalyBaseline.points(metric, candidates), AnomalyRules.resolve(metric, settings), settings.baselineRuns(),
        accepted.contains(metric))));
    return verdicts;
  }

  /** The published runs before this date, as their manifests recorded them. */
  private static List<AnomalyBaseline.PublishedRun> published(PipelineRun run, int max) {
    List<AnomalyBaseline.PublishedRun> runs = new ArrayList<>();
    for (Manifest m : RunHistory.publishedBefore(run.hadoopConf(), run.layout(), run.asOf(), max)) {
      Map<String, Double> values = new HashMap<>();
      Set<String> shifts = new TreeSet<>();
      for (Manifest.MetricEntry e : m.runMetrics()) {
        values.put(e.metric(), e.value());
        if (e.accepted() && (MetricVerdict.WARNING.equals(e.status()) || MetricVerdict.ERROR.equals(e.status()))) {
          shifts.add(e.metric());
        }
      }
      runs.add(new AnomalyBaseline.PublishedRun(LocalDate.parse(m.asOfDate()), values, shifts));
    }
    return runs;
  }

  private static Map<String, RunMetrics.SourceRows> sources(PipelineRun run) {
    Map<String, RunMetrics.SourceRows> sources = new LinkedHashMap<>();
    run.loadReport(IngestStage.NAME).inputs().forEach((source, a) ->
        sources.put(source, new RunMetrics.SourceRows(a.read(), a.accepted(), a.rejected())));
    return sources;
  }

  /** Rows written per published table by the steps before this one, in catalog order. */
  private static Map<String, Long> publishedRows(PipelineRun run) {
    Map<String, Long> written = new HashMap<>();
    for (Step step : List.of(Step.INGEST, Step.FACTS, Step.MODELS)) {
      StageReport report = run.loadReport(step.id());
      if (report != null) {
        written.putAll(report.rowsWritten());
      }
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : Catalog.publishedNames()) {
      if (written.containsKey(table)) {
        rows.put(table, written.get(table));
      }
    }
    return rows;
  }

  private static Manifest.MetricEntry entry(MetricVerdict v) {
    return new Manifest.MetricEntry(v.metric(), v.value(), v.baseline(), v.lowerBound(), v.upperBound(),
        v.history().stream().map(p -> p.asOf().toString()).toList(),
        v.history().stream().map(MetricVerdict.Point::value).toList(),
        v.rule(), v.severity().id(), v.status(), v.accepted(), v.detail());
  }

  /** The rejects table holds exactly the rows the ingest step counted as rejected. */
  static CheckResult rejectsReconcile(PipelineRun run) {
    StageReport ingest = run.loadReport(IngestStage.NAME);
    long counted = ingest.inputs().values().stream().mapToLong(Manifest.SourceAccounting::rejected).sum();
    long written = run.read(Rejects.TABLE).count();
    String bySource = ingest.inputs().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().rejected()).collect(Collectors.joining(", "));
    return CheckResult.of(Rejects.TABLE.name(), "rows_equal_rejected_count", Severity.ERROR, Math.abs(counted - written),
        "rejects holds " + written + " rows; ingest counted " + counted + " rejected rows (" + bySource + ")");
  }
}
