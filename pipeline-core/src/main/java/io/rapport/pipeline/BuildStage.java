package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps 2 and 3, facts and models: builds the step's tables of the {@link Catalog}, each written
 * to the run's staging area and read back by the tables after it; tables that do not read each
 * other are built at the same time ({@link StageTables}).
 */
public final class BuildStage {
  private BuildStage() {}

  public static StageReport run(PipelineRun run, Step step) {
    List<Catalog.Entry> entries = Catalog.builtIn(step);
    StageTables tables = new StageTables(run, step.id(), entries);
    RunTables inputs = new RunTables(run, tables);
    Map<String, Long> rows = tables.build(entries, inputs);
    StageReport report = new StageReport(step.id(), rows, null, List.of(), fitWarnings(inputs.fitsIfComputed()));
    run.saveReport(report);
    return report;
  }

  /** The run summary's sentence for each CLV fit that failed or needs care. */
  static List<String> fitWarnings(ClvFits fits) {
    List<String> warnings = new ArrayList<>();
    if (fits == null) {
      return warnings;
    }
    for (ModelFit fit : fits.asList()) {
      // Only the selected purchase model and Gamma-Gamma feed the per-customer columns.
      boolean used = fit == fits.gammaGamma() || fit.model().equals(fits.selectedModel());
      if (!fit.converged()) {
        warnings.add("CLV model " + fit.model() + " not fitted: " + fit.failureReason()
            + (used ? "; its per-customer columns are null" : " (not selected)"));
      } else if (fit.warning() != null) {
        warnings.add("CLV model " + fit.model() + (used ? "" : " (not selected)") + ": " + fit.warning());
      }
    }
    return warnings;
  }
}
