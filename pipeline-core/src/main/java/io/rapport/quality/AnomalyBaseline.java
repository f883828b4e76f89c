package io.rapport.quality;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which earlier runs a metric of date D is judged against (SPEC 5): only PUBLISHED runs with an
 * as-of date before D, the latest {@code quality.anomalies.baseline-runs} of them. A failed or
 * unpublished attempt never wrote a manifest, and a later date is never looked at, so a backfill
 * of D and a repaired re-run of D get the baseline the first attempt got. Pure: the caller reads
 * the published runs (their manifests) and passes them in.
 */
public final class AnomalyBaseline {
  private AnomalyBaseline() {}

  /**
   * What one published run recorded.
   *
   * @param metrics each metric's value (a null value: the run had none)
   * @param acceptedShifts the metrics this run was outside the bounds of and accepted
   */
  public record PublishedRun(LocalDate asOf, Map<String, Double> metrics, Set<String> acceptedShifts) {}

  /** The runs a baseline of {@code asOf} may use: published, earlier, the latest {@code maxRuns}, newest first. */
  public static List<PublishedRun> candidates(List<PublishedRun> published, LocalDate asOf, int maxRuns) {
    return published.stream()
        .filter(r -> r.asOf().isBefore(asOf))
        .sorted(Comparator.comparing(PublishedRun::asOf).reversed())
        .limit(maxRuns)
        .toList();
  }

  /**
   * The values of one metric in the candidate runs (newest first), skipping runs without a value.
   * A run that accepted an anomaly of the metric marks a known change (a new currency, a new
   * shop): the baseline starts there, so the runs after it are not judged against the old level.
   */
  public static List<MetricVerdict.Point> points(String metric, List<PublishedRun> candidates) {
    List<MetricVerdict.Point> points = new ArrayList<>();
    for (PublishedRun run : candidates) {
      Double value = run.metrics().get(metric);
      if (value != null && !value.isNaN()) {
        points.add(new MetricVerdict.Point(run.asOf(), value));
      }
      if (run.acceptedShifts().contains(metric)) {
        break;
      }
    }
    return points;
  }
}
