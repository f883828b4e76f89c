package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.report.RunReport;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.Publisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 5, publish: moves the audited tables into {@code <warehouse>/<table>/as_of_date=<date>/}
 * and writes the manifest last, from the reports every earlier step left in the staging area.
 */
public final class PublishStage {
  public static final String NAME = Step.PUBLISH.id();
  /** The stages whose reports make up the manifest, in run order. */
  public static final List<String> STAGES = Arrays.stream(Step.values())
      .filter(step -> step != Step.PUBLISH).map(Step::id).toList();

  private PublishStage() {}

  /** Facts about the run that only the job knows (identity, timings, configuration). */
  public record RunFacts(
      String version, long jobInstanceId, long jobExecutionId, String configFile, String configDigest,
      Instant startedAt, List<Manifest.StepTiming> steps) {}

  public static Manifest run(PipelineRun run, RunFacts facts) {
    if (alreadyPublished(run)) {
      // Killed after the manifest was written and the staging area removed: the date is
      // complete, its report written before the manifest; nothing is left to do.
      return JsonFiles.read(run.hadoopConf(), run.layout().manifest(run.asOf()), Manifest.class);
    }
    Map<String, Manifest.SourceAccounting> inputs = new LinkedHashMap<>();
    Map<String, Long> outputs = new LinkedHashMap<>();
    List<Manifest.QualityEntry> quality = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Manifest.MetricEntry> runMetrics = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    for (String stage : STAGES) {
      StageReport report = run.loadReport(stage);
      if (report == null) {
        throw new IllegalStateException("Cannot publish " + run.asOf() + ": the " + stage
            + " step left no report in " + run.staging());
      }
      inputs.putAll(report.inputs());
      report.rowsWritten().forEach((table, rows) -> {
        if (Catalog.publishedNames().contains(table)) {
          outputs.put(table, rows);
        }
      });
      quality.addAll(report.quality());
      warnings.addAll(report.warnings());
      runMetrics.addAll(report.runMetrics());
      accepted.addAll(report.acceptedAnomalies());
    }
    List<String> tables = Publisher.stagedTables(run.hadoopConf(), run.staging());
    Manifest manifest = new Manifest(run.asOf().toString(), facts.version(), facts.jobInstanceId(),
        facts.jobExecutionId(), facts.configFile(), facts.configDigest(), facts.startedAt().toString(),
        Instant.now().toString(), inputs, outputs, facts.steps(), quality, warnings, runMetrics, accepted);
    run.describe(NAME, "publish");
    // The report goes in before the manifest, so a complete date always has one (a report that
    // cannot be drawn is replaced by a page saying why; the run stays published).
    Publisher.publish(run.hadoopConf(), run.layout(), run.asOf(), run.staging(), tables, manifest,
        () -> RunReport.writeQuietly(run.spark(), run.layout(), run.asOf(), manifest, run.settings()));
    return manifest;
  }

  /** The manifest of this date exists and this run's staging area is gone: publish completed. */
  static boolean alreadyPublished(PipelineRun run) {
    return Publisher.isComplete(run.hadoopConf(), run.layout(), run.asOf())
        && !JsonFiles.exists(run.hadoopConf(), run.staging());
  }
}
