package io.rapport.pipeline;

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
    @JsonProperty("warnings") List<String> warnings) {

  public StageReport {
    rowsWritten = rowsWritten == null ? Map.of() : rowsWritten;
    inputs = inputs == null ? Map.of() : inputs;
    quality = quality == null ? List.of() : quality;
    warnings = warnings == null ? List.of() : warnings;
  }
}
