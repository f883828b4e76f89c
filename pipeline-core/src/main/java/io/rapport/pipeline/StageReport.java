package io.rapport.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rapport.warehouse.Manifest;
import java.util.List;
import java.util.Map;

/**
 * What one pipeline stage did, kept as JSON in the run's staging area so that a restarted run
 * (which skips completed steps) can still report every step in the manifest.
 */
public record StageReport(
    @JsonProperty("stage") String stage,
    @JsonProperty("rows_written") Map<String, Long> rowsWritten,
    @JsonProperty("inputs") Map<String, Manifest.SourceAccounting> inputs,
    @JsonProperty("quality") List<Manifest.QualityEntry> quality,
    @JsonProperty("warnings") List<String> warnings,
    @JsonProperty("run_metrics") List<Manifest.MetricEntry> runMetrics,
    @JsonProperty("accepted_anomalies") List<String> acceptedAnomalies) {

  /** The report of a stage that judges no run metric. */
  public StageReport(String stage, Map<String, Long> rowsWritten, Map<String, Manifest.SourceAccounting> inputs,
      List<Manifest.QualityEntry> quality, List<String> warnings) {
    this(stage, rowsWritten, inputs, quality, warnings, null, null);
  }

  @JsonCreator
  public StageReport {
    rowsWritten = rowsWritten == null ? Map.of() : rowsWritten;
    inputs = inputs == null ? Map.of() : inputs;
    quality = quality == null ? List.of() : quality;
    warnings = warnings == null ? List.of() : warnings;
    runMetrics = runMetrics == null ? List.of() : runMetrics;
    acceptedAnomalies = acceptedAnomalies == null ? List.of() : acceptedAnomalies;
  }
}
