package io.rapport.cli;

import io.rapport.jobs.RunLauncher;
import io.rapport.warehouse.Manifest;
import java.util.Map;

/** The short human-readable summary a run prints on stdout. */
final class RunSummary {
  private RunSummary() {}

  static String render(RunLauncher.Outcome outcome, String warehouse) {
    StringBuilder out = new StringBuilder();
    if (outcome.alreadyComplete()) {
      out.append(String.format("Rapport %s is already complete (job instance %d); nothing to do. Use --force to run it again.%n",
          outcome.asOf(), outcome.jobInstanceId()));
      if (outcome.manifest() != null) {
        out.append(String.format("Snapshot published at %s in %s%n", outcome.manifest().publishedAt(), warehouse));
      }
      return out.toString();
    }
    double total = outcome.steps().stream().mapToDouble(RunLauncher.StepLine::seconds).sum();
    out.append(String.format("Rapport run for %s: %s in %.1f s (job instance %d, execution %d)%n%n",
        outcome.asOf(), outcome.exitCode() == 0 ? "COMPLETED" : "FAILED (exit " + outcome.exitCode() + ")",
        total, outcome.jobInstanceId(), outcome.jobExecutionId()));
    Manifest manifest = outcome.manifest();
    if (manifest != null) {
      out.append(String.format("%-12s %10s %10s %10s %11s %12s%n", "Input", "read", "accepted", "rejected", "duplicates", "after as-of"));
      for (Map.Entry<String, Manifest.SourceAccounting> e : manifest.inputs().entrySet()) {
        Manifest.SourceAccounting a = e.getValue();
        out.append(String.format("%-12s %10d %10d %10d %11d %12d%n", e.getKey(), a.read(), a.accepted(), a.rejected(), a.duplicates(), a.afterAsOf()));
      }
      manifest.inputs().forEach((source, a) -> {
        if (!a.rejectedByReason().isEmpty()) {
          out.append("  rejected ").append(source).append(": ");
          a.rejectedByReason().forEach((reason, n) -> out.append(reason).append(' ').append(n).append("  "));
          out.append(System.lineSeparator());
        }
      });
      out.append(String.format("%nTables in %s/<table>/as_of_date=%s/%n", warehouse, outcome.asOf()));
      manifest.outputRows().forEach((table, rows) -> out.append(String.format("  %-24s %10d rows%n", table, rows)));
    }
    out.append(String.format("%nSteps%n"));
    for (RunLauncher.StepLine step : outcome.steps()) {
      out.append(String.format("  %-13s %-10s %7.1f s  %s%n", step.step(), step.status(), step.seconds(), step.note()));
    }
    if (manifest != null && !manifest.warnings().isEmpty()) {
      out.append(String.format("%nWarnings%n"));
      manifest.warnings().forEach(w -> out.append("  - ").append(w).append(System.lineSeparator()));
    }
    if (manifest != null) {
      out.append(String.format("%nManifest: %s/_runs/as_of_date=%s/manifest.json%n", warehouse, outcome.asOf()));
    }
    return out.toString();
  }
}
