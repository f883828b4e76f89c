package io.rapport.warehouse;

import com.fasterxml.jackson.annotation.JsonCreator;
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
    @JsonProperty("warnings") List<String> warnings,
    @JsonProperty("run_metrics") List<MetricEntry> runMetrics,
    @JsonProperty("accepted_anomalies") List<String> acceptedAnomalies) {

  @JsonCreator
  public Manifest {
    // Manifests written before run metrics existed have neither list.
    runMetrics = runMetrics == null ? List.of() : List.copyOf(runMetrics);
    acceptedAnomalies = acceptedAnomalies == null ? List.of() : List.copyOf(acceptedAnomalies);
  }

  /** A manifest without run metrics. */
  public Manifest(String asOfDate, String rapportVersion, long jobInstanceId, long jobExecutionId, String configFile,
      String configDigest, String startedAt, String publishedAt, Map<String, SourceAccounting> inputs,
      Map<String, Long> outputRows, List<StepTiming> steps, List<QualityEntry> quality, List<String> warnings) {
    this(asOfDate, rapportVersion, jobInstanceId, jobExecutionId, configFile, configDigest, startedAt, publishedAt,
        inputs, outputRows, steps, quality, warnings, null, null);
  }

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

  /**
   * One row of the run's {@code run_metrics}, kept in the manifest so that later runs take their
   * baseline from published manifests alone (no table scan), with the values behind the baseline
   * for the run report's history.
   */
  public record MetricEntry(
      @JsonProperty("metric") String metric,
      @JsonProperty("value") Double value,
      @JsonProperty("baseline") Double baseline,
      @JsonProperty("lower_bound") Double lowerBound,
      @JsonProperty("upper_bound") Double upperBound,
      @JsonProperty("baseline_as_of_dates") List<String> baselineAsOfDates,
      @JsonProperty("baseline_values") List<Double> baselineValues,
      @JsonProperty("rule") String rule,
      @JsonProperty("severity") String severity,
      @JsonProperty("status") String status,
      @JsonProperty("accepted") boolean accepted,
      @JsonProperty("detail") String detail) {}
}
