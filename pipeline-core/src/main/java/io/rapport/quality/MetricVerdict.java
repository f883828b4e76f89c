package io.rapport.quality;

import io.rapport.schema.Severity;
import java.time.LocalDate;
import java.util.List;

/**
 * One run metric judged against its baseline: a row of {@code run_metrics} (SPEC section 4).
 *
 * @param metric the configurable name, e.g. {@code orders_28d} or {@code purchases.reject_rate}
 * @param value this run's value (null when the run has none, e.g. no survey response in 28 days)
 * @param baseline the median of the baseline values (null with fewer than 3)
 * @param lowerBound baseline x (1 - max-relative-change), the smaller bound (null without baseline)
 * @param upperBound baseline x (1 + max-relative-change), the larger bound (null without baseline)
 * @param history the earlier published runs the baseline came from, newest first
 * @param rule the bounds rule in words, with its severity
 * @param severity what a value outside the bounds does
 * @param status {@code ok}, {@code warning}, {@code error} or {@code no_baseline}
 * @param accepted whether the run was told to accept this metric ({@code --accept-anomaly})
 * @param detail a readable sentence: the value, the bounds and where the baseline came from
 */
public record MetricVerdict(
    String metric, Double value, Double baseline, Double lowerBound, Double upperBound, List<Point> history,
    String rule, Severity severity, String status, boolean accepted, String detail) {

  public static final String OK = "ok";
  public static final String WARNING = "warning";
  public static final String ERROR = "error";
  public static final String NO_BASELINE = "no_baseline";

  public MetricVerdict {
    history = List.copyOf(history);
  }

  /** One earlier published run's value of the metric. */
  public record Point(LocalDate asOf, double value) {}

  /** Outside the bounds (status warning or error), whether accepted or not. */
  public boolean flagged() {
    return status.equals(WARNING) || status.equals(ERROR);
  }

  /** Stops the publish: an error not accepted, or with {@code failOnWarning} a warning not accepted. */
  public boolean blocks(boolean failOnWarning) {
    return !accepted && (status.equals(ERROR) || (failOnWarning && status.equals(WARNING)));
  }
}
