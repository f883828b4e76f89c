package io.rapport.report;

import io.rapport.warehouse.Manifest;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The report's section on run metrics and anomalies: each metric with its recent history (the
 * values of the published runs its baseline came from, oldest first, then today's), its bounds
 * and today's status; flagged metrics (error, warning, accepted) first. Everything comes from the
 * manifest, which keeps each metric's baseline values, so the section reads no table.
 */
public final class AnomalySection {
  private static final Map<String, Integer> ORDER = Map.of("error", 0, "warning", 1, "no_baseline", 2, "ok", 3);

  private AnomalySection() {}

  public static String render(Manifest manifest) {
    List<Manifest.MetricEntry> metrics = new ArrayList<>(manifest.runMetrics());
    StringBuilder html = new StringBuilder("<h3>Run metrics and anomalies</h3>\n");
    if (metrics.isEmpty()) {
      return html.append("<p class=\"no-data\">No data: this manifest records no run metrics.</p>\n").toString();
    }
    metrics.sort(Comparator.comparing((Manifest.MetricEntry m) -> ORDER.getOrDefault(m.status(), 4)));
    long flagged = metrics.stream().filter(AnomalySection::flagged).count();
    long accepted = metrics.stream().filter(m -> flagged(m) && m.accepted()).count();
    html.append("<p>").append(metrics.size()).append(" metrics, ")
        .append("<span class=\"").append(flagged == 0 ? "ok" : "warn").append("\">").append(flagged)
        .append(" outside their bounds").append(accepted == 0 ? "" : " (" + accepted + " accepted with --accept-anomaly)")
        .append("</span>. Bounds are the median of the earlier published runs x (1 -/+ max-relative-change);"
            + " reading and overriding an anomaly: docs/operations.md.</p>\n");
    if (!manifest.acceptedAnomalies().isEmpty()) {
      html.append("<p class=\"warn\">This run accepted: ")
          .append(Svg.escape(String.join(", ", manifest.acceptedAnomalies()))).append("</p>\n");
    }
    html.append("<table><tr><th>metric</th><th>status</th><th>history (oldest first)</th><th class=\"n\">today</th>"
        + "<th class=\"n\">baseline</th><th>bounds</th><th>detail</th></tr>\n");
    for (Manifest.MetricEntry m : metrics) {
      String status = m.status() + (m.accepted() && flagged(m) ? ", accepted" : "");
      String css = m.accepted() && flagged(m) ? "warn" : "error".equals(m.status()) ? "fail" : "warning".equals(m.status()) ? "warn" : "";
      html.append("<tr><td>").append(Svg.escape(m.metric())).append("</td><td")
          .append(css.isEmpty() ? "" : " class=\"" + css + "\"").append(">").append(Svg.escape(status))
          .append("</td><td>").append(Svg.escape(history(m))).append("</td><td class=\"n\">").append(number(m.value()))
          .append("</td><td class=\"n\">").append(number(m.baseline())).append("</td><td>")
          .append(m.lowerBound() == null ? "" : "[" + number(m.lowerBound()) + ", " + number(m.upperBound()) + "]")
          .append("</td><td>").append(Svg.escape(m.detail())).append("</td></tr>\n");
    }
    return html.append("</table>\n").toString();
  }

  private static boolean flagged(Manifest.MetricEntry m) {
    return "error".equals(m.status()) || "warning".equals(m.status());
  }

  /** "2025-08-10 400 · 2025-08-17 410 · ..." from the baseline runs, oldest first. */
  private static String history(Manifest.MetricEntry m) {
    List<String> parts = new ArrayList<>();
    List<String> dates = m.baselineAsOfDates() == null ? List.of() : m.baselineAsOfDates();
    List<Double> values = m.baselineValues() == null ? List.of() : m.baselineValues();
    for (int i = Math.min(dates.size(), values.size()) - 1; i >= 0; i--) {
      parts.add(dates.get(i) + " " + number(values.get(i)));
    }
    return parts.isEmpty() ? "none published" : String.join(" \u00b7 ", parts);
  }

  static String number(Double v) {
    if (v == null) {
      return "";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(java.util.Locale.ROOT, "%,d", (long) v.doubleValue());
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
