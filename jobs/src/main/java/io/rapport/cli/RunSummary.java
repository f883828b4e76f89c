package io.rapport.cli;

import io.rapport.jobs.RunLauncher;
import io.rapport.warehouse.Manifest;
import java.util.Map;

/**
 * The short human-readable summary a run prints on stdout: how it ended, what it read and wrote,
 * each step, and after a failure what failed and what to do next. Sections whose facts the run
 * does not have (the input accounting when ingest did not finish) are left out, not printed empty.
 */
final class RunSummary {
  private RunSummary() {}

  static String render(RunLauncher.Outcome outcome, String warehouse) {
    StringBuilder out = new StringBuilder();
    if (outcome.alreadyComplete()) {
      RunLauncher.PublishedBy by = outcome.publishedBy();
      out.append(String.format("Rapport %s is already complete%s; nothing to do.%n", outcome.asOf(), by == null ? ""
          : String.format(" (published by job instance %d, execution %d, at %s)", by.jobInstanceId(), by.jobExecutionId(),
              by.publishedAt())));
      out.append("Use --force to run it again and replace its snapshot.").append(System.lineSeparator());
      if (outcome.manifest() != null) {
        out.append(String.format("Manifest: %s/_runs/as_of_date=%s/manifest.json%n", warehouse, outcome.asOf()));
      }
      return out.toString();
    }
    boolean failed = outcome.exitCode() != 0;
    double total = outcome.steps().stream().mapToDouble(RunLauncher.StepLine::seconds).sum();
    out.append(String.format("Rapport run for %s: %s in %.1f s (job instance %d, execution %d)%n",
        outcome.asOf(), failed ? "FAILED (exit " + outcome.exitCode() + ")"
            + (outcome.failedStep() == null ? "" : " at step " + outcome.failedStep()) : "COMPLETED",
        total, outcome.jobInstanceId(), outcome.jobExecutionId()));
    if (failed && outcome.error() != null) {
      out.append(String.format("%nWhat failed:%n"));
      outcome.error().lines().forEach(line -> out.append("  ").append(line.strip()).append(System.lineSeparator()));
    }
    Map<String, Manifest.SourceAccounting> inputs = outcome.inputs();
    if (inputs != null && !inputs.isEmpty()) {
      out.append(String.format("%n%-12s %10s %10s %10s %11s %12s%n", "Input", "read", "accepted", "rejected", "duplicates", "after as-of"));
      for (Map.Entry<String, Manifest.SourceAccounting> e : inputs.entrySet()) {
        Manifest.SourceAccounting a = e.getValue();
        out.append(String.format("%-12s %10d %10d %10d %11d %12d%n", e.getKey(), a.read(), a.accepted(), a.rejected(), a.duplicates(), a.afterAsOf()));
      }
      inputs.forEach((source, a) -> {
        if (a.rejectedByReason() != null && !a.rejectedByReason().isEmpty()) {
          out.append("  rejected ").append(source).append(":");
          a.rejectedByReason().forEach((reason, n) -> out.append(' ').append(reason).append(' ').append(n).append(','));
          out.setLength(out.length() - 1);
          out.append(System.lineSeparator());
        }
        if (a.roundedPrices() > 0) {
          out.append("  ").append(source).append(": ").append(a.roundedPrices())
              .append(" accepted rows had unit_price rounded half-even to 4 decimals (price-rounding: half-even)")
              .append(System.lineSeparator());
        }
      });
    }
    Manifest manifest = outcome.manifest();
    if (manifest != null) {
      out.append(String.format("%nTables in %s/<table>/as_of_date=%s/%n", warehouse, outcome.asOf()));
      // The name column fits the longest table name, so the counts line up.
      int width = manifest.outputRows().keySet().stream().mapToInt(String::length).max().orElse(24);
      manifest.outputRows().forEach((table, rows) -> out.append(String.format("  %-" + width + "s %10d rows%n", table, rows)));
    }
    out.append(String.format("%nSteps%n"));
    for (RunLauncher.StepLine step : outcome.steps()) {
      out.append(String.format("  %-13s %-10s %7.1f s  %s", step.step(), step.status(), step.seconds(), step.note()).stripTrailing())
          .append(System.lineSeparator());
    }
    if (manifest != null && !manifest.runMetrics().isEmpty()) {
      Map<String, Long> byStatus = new java.util.TreeMap<>();
      manifest.runMetrics().forEach(m -> byStatus.merge(m.status(), 1L, Long::sum));
      out.append(String.format("%nRun metrics: %d (%s)%s%n", manifest.runMetrics().size(),
          byStatus.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
              .collect(java.util.stream.Collectors.joining(", ")),
          manifest.acceptedAnomalies().isEmpty() ? "" : "; accepted for this run: " + String.join(", ", manifest.acceptedAnomalies())));
    }
    if (manifest != null && !manifest.warnings().isEmpty()) {
      out.append(String.format("%nWarnings%n"));
      manifest.warnings().forEach(w -> out.append("  - ").append(w).append(System.lineSeparator()));
    }
    if (failed) {
      out.append(System.lineSeparator()).append(outcome.publishedBy() == null
          ? "Nothing was published: " + outcome.asOf() + " has no snapshot yet."
          : "Nothing was published: readers still see the snapshot of " + outcome.asOf() + " published by job instance "
              + outcome.publishedBy().jobInstanceId() + ".").append(System.lineSeparator());
      out.append("Next: ").append(NextSteps.afterFailure(outcome.errorDetails().kind(), outcome.errorDetails().rule(),
          outcome.failedStep(), "run")).append(System.lineSeparator());
    }
    if (manifest != null) {
      out.append(String.format("%nManifest: %s/_runs/as_of_date=%s/manifest.json%n", warehouse, outcome.asOf()));
    }
    return out.toString();
  }
}
