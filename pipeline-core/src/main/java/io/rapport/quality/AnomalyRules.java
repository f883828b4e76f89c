package io.rapport.quality;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.schema.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The anomaly rule of SPEC section 5 (Run metrics and anomalies) as plain arithmetic, no Spark:
 * which bounds and severity a metric has, and how a value compares with the median of the
 * earlier published runs.
 */
public final class AnomalyRules {
  /** The built-in {@code max-relative-change} of every metric without its own. */
  public static final double DEFAULT_MAX_RELATIVE_CHANGE = 0.5;
  /** Built-in per-metric rules (SPEC 5's configuration example): user settings override them key by key. */
  static final Map<String, RapportSettings.MetricRule> BUILT_IN = Map.of(
      "orders_28d", new RapportSettings.MetricRule(0.3, Severity.ERROR));

  private AnomalyRules() {}

  /** The resolved rule of one metric. */
  public record Rule(double maxRelativeChange, Severity severity) {
    /** The rule in words, as written to {@code run_metrics.rule}. */
    public String describe(int baselineRuns) {
      return String.format(Locale.ROOT, "within median of up to %d earlier published runs x (1 -/+ %s), else %s",
          baselineRuns, number(maxRelativeChange), severity.id());
    }
  }

  /**
   * The severity SPEC gives a metric by default: {@code error} for a source's rows read and for
   * the 28-day orders, net revenue and active customers; {@code warning} for the rest.
   */
  public static Severity builtInSeverity(String metric) {
    return metric.endsWith(".rows_read") || metric.equals("orders_28d") || metric.equals("net_revenue_28d")
        || metric.equals("active_customers_28d") ? Severity.ERROR : Severity.WARNING;
  }

  /**
   * A metric's rule: each field from {@code quality.anomalies.metrics.<metric>}, else the
   * built-in per-metric rule, else {@code quality.anomalies.default}, else the built-in default.
   */
  public static Rule resolve(String metric, RapportSettings.Anomalies settings) {
    RapportSettings.MetricRule own = settings.metrics().get(metric);
    RapportSettings.MetricRule builtIn = BUILT_IN.get(metric);
    RapportSettings.MetricRule fallback = settings.defaultRule();
    Double change = first(own == null ? null : own.maxRelativeChange(), builtIn == null ? null : builtIn.maxRelativeChange(),
        fallback.maxRelativeChange(), DEFAULT_MAX_RELATIVE_CHANGE);
    Severity severity = first(own == null ? null : own.severity(), builtIn == null ? null : builtIn.severity(),
        fallback.severity(), builtInSeverity(metric));
    return new Rule(change, severity);
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    throw new IllegalArgumentException("no value");
  }

  /** The median (mean of the two middle values for an even count). */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("median of no value");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Judges one metric.
   *
   * @param history the baseline runs' values, newest first ({@link AnomalyBaseline#points})
   * @param baselineRuns {@code quality.anomalies.baseline-runs}, for the rule's wording
   * @param accepted whether the run accepts this metric ({@code --accept-anomaly})
   */
  public static MetricVerdict judge(String metric, Double value, List<MetricVerdict.Point> history, Rule rule,
      int baselineRuns, boolean accepted) {
    String ruleText = rule.describe(baselineRuns);
    if (history.size() < SettingsLoader.MIN_BASELINE_RUNS) {
      return new MetricVerdict(metric, value, null, null, null, history, ruleText, rule.severity(),
          MetricVerdict.NO_BASELINE, accepted, history.size() + " earlier published run" + (history.size() == 1 ? "" : "s")
              + " with this metric" + (history.isEmpty() ? "" : " (" + dates(history) + ")") + "; "
              + SettingsLoader.MIN_BASELINE_RUNS + " are needed for a baseline");
    }
    double baseline = median(history.stream().map(MetricVerdict.Point::value).toList());
    double a = baseline * (1 - rule.maxRelativeChange());
    double b = baseline * (1 + rule.maxRelativeChange());
    double lower = Math.min(a, b);
    double upper = Math.max(a, b);
    String from = "baseline " + number(baseline) + " = median of " + history.size() + " published runs ("
        + dates(history) + ")";
    String status;
    String what;
    if (value == null) {
      status = rule.severity().id();
      what = "no value in this run, bounds [" + number(lower) + ", " + number(upper) + "]";
    } else if (value < lower || value > upper) {
      status = rule.severity().id();
      what = "value " + number(value) + (value < lower ? " below" : " above") + " bounds [" + number(lower) + ", "
          + number(upper) + "]";
    } else {
      status = MetricVerdict.OK;
      what = "value " + number(value) + " within bounds [" + number(lower) + ", " + number(upper) + "]";
    }
    String detail = what + "; " + from;
    if (accepted && !status.equals(MetricVerdict.OK)) {
      detail = "accepted for this run (--accept-anomaly " + metric + "): " + detail;
    }
    return new MetricVerdict(metric, value, baseline, lower, upper, history, ruleText, rule.severity(), status,
        accepted, detail);
  }

  private static String dates(List<MetricVerdict.Point> history) {
    return history.stream().map(p -> p.asOf().toString()).collect(Collectors.joining(", "));
  }

  /** A number as people read it: integers without decimals, others with up to 6 significant digits. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
