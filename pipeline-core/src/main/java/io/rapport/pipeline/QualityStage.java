package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.errors.DataQualityException;
import io.rapport.quality.CheckResult;
import io.rapport.quality.QualityGate;
import io.rapport.schema.Severity;
import io.rapport.schema.TableSpec;
import io.rapport.staging.Rejects;
import io.rapport.warehouse.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Step 4, quality gate: runs every table's checks on the staged tables (audit before publish).
 * Errors stop the run with exit code 3 and nothing is published; warnings are kept with the run.
 */
public final class QualityStage {
  public static final String NAME = Step.QUALITY_GATE.id();

  private QualityStage() {}

  public static StageReport run(PipelineRun run) {
    List<CheckResult> results = new ArrayList<>();
    for (TableSpec table : Catalog.PUBLISHED) {
      run.describe(NAME, "checks of " + table.name());
      results.addAll(QualityGate.check(table, run.read(table), run::readTable));
    }
    results.add(rejectsReconcile(run));
    List<Manifest.QualityEntry> entries = results.stream()
        .map(r -> new Manifest.QualityEntry(r.table(), r.check(), r.severity().id(), r.passed(), r.failingRows(), r.detail()))
        .collect(Collectors.toList());
    List<String> warnings = new ArrayList<>();
    results.stream().filter(r -> !r.passed() && r.severity() == Severity.WARNING)
        .forEach(r -> warnings.add("quality warning on " + r.table() + ": " + r.check() + ": " + r.detail()));
    StageReport report = new StageReport(NAME, null, null, entries, warnings);
    run.saveReport(report);
    List<CheckResult> errors = QualityGate.blocking(results, run.settings().quality().failOnWarning());
    if (!errors.isEmpty()) {
      throw new DataQualityException("Quality gate failed for " + run.asOf() + "; nothing was published:\n"
          + errors.stream().map(r -> "  - " + r.table() + " / " + r.check() + ": " + r.detail())
              .collect(Collectors.joining("\n")));
    }
    return report;
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
