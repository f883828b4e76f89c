package io.rapport.pipeline;

import io.rapport.errors.DataQualityException;
import io.rapport.quality.CheckResult;
import io.rapport.quality.Severity;
import io.rapport.warehouse.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Step 4, quality gate: runs every table's checks on the staged tables (audit before publish).
 * Errors stop the run with exit code 3 and nothing is published; warnings are kept with the run.
 */
public final class QualityStage {
  public static final String NAME = "quality";

  private QualityStage() {}

  public static StageReport run(PipelineRun run) {
    run.describe(NAME, "quality checks");
    List<CheckResult> results = TableChecks.all(run);
    List<Manifest.QualityEntry> entries = results.stream()
        .map(r -> new Manifest.QualityEntry(r.table(), r.check(), r.severity().name().toLowerCase(),
            r.passed(), r.failingRows(), r.detail()))
        .collect(Collectors.toList());
    List<String> warnings = new ArrayList<>();
    results.stream().filter(r -> !r.passed() && r.severity() == Severity.WARNING)
        .forEach(r -> warnings.add("quality warning on " + r.table() + ": " + r.check() + ": " + r.detail()));
    StageReport report = new StageReport(NAME, null, null, entries, warnings);
    run.saveReport(report);
    List<CheckResult> errors = results.stream()
        .filter(r -> !r.passed() && (r.severity() == Severity.ERROR || run.settings().quality().failOnWarning()))
        .toList();
    if (!errors.isEmpty()) {
      throw new DataQualityException("Quality gate failed for " + run.asOf() + "; nothing was published:\n"
          + errors.stream().map(r -> "  - " + r.table() + " / " + r.check() + ": " + r.detail())
              .collect(Collectors.joining("\n")));
    }
    return report;
  }
}
