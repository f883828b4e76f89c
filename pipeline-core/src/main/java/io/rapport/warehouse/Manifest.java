package io.rapport.warehouse;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The record of one complete snapshot, written last as
 * {@code _runs/as_of_date=<date>/manifest.json}: its presence marks the date complete.
 */
public record Manifest(
    @JsonProperty("as_of_date") String asOfDate,
    @JsonProperty("rapport_version") String rapportVersion,
    @JsonProperty("job_instance_id") long jobInstanceId,
    @JsonProperty("job_execution_id") long jobExecutionId,
    @JsonProperty("config_file") String configFile,
    @JsonProperty("config_digest") String configDigest,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("published_at") String publishedAt,
    @JsonProperty("inputs") Map<String, SourceAccounting> inputs,
    @JsonProperty("outputs") Map<String, Long> outputRows,
    @JsonProperty("steps") List<StepTiming> steps,
    @JsonProperty("quality") List<QualityEntry> quality,
    @JsonProperty("warnings") List<String> warnings) {

  /** Row accounting of one source: read = accepted + rejected + duplicates + after_as_of. */
  public record SourceAccounting(
      @JsonProperty("files") List<String> files,
      @JsonProperty("read") long read,
      @JsonProperty("accepted") long accepted,
      @JsonProperty("rejected") long rejected,
      @JsonProperty("duplicates") long duplicates,
      @JsonProperty("after_as_of") long afterAsOf,
      @JsonProperty("rejected_by_reason") Map<String, Long> rejectedByReason,
      @JsonProperty("rounded_prices") long roundedPrices) {
    /** Without price rounding (no source opted into {@code price-rounding: half-even}). */
    public SourceAccounting(List<String> files, long read, long accepted, long rejected, long duplicates, long afterAsOf,
        Map<String, Long> rejectedByReason) {
      this(files, read, accepted, rejected, duplicates, afterAsOf, rejectedByReason, 0);
    }
  }

  public record StepTiming(
      @JsonProperty("step") String step,
      @JsonProperty("status") String status,
      @JsonProperty("seconds") double seconds) {}

  public record QualityEntry(
      @JsonProperty("table") String table,
      @JsonProperty("check") String check,
      @JsonProperty("severity") String severity,
      @JsonProperty("passed") boolean passed,
      @JsonProperty("failing_rows") long failingRows,
      @JsonProperty("detail") String detail) {}
}
