package io.rapport.report;

import static org.apache.spark.sql.functions.col;

import io.rapport.clv.HoldoutValidation;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.ClvSegmentSummary;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's CLV model section (#18): which purchase model is behind the CLV figures and why,
 * the holdout comparison that {@code clv.model: auto} selects by (predicted against actual repeat
 * purchase days per calibration-frequency bucket, one series per model), and the segment totals
 * with their 90% intervals. Reads {@code clv_model}, {@code clv_holdout} and
 * {@code clv_segment_summary} (a few dozen rows each).
 */
public final class ClvModelSection {
  private ClvModelSection() {}

  public static final String HOLDOUT_CHART = "clv-holdout";
  /** The charts of this section (beside {@link Charts#ALL}). */
  public static final List<String> CHARTS = List.of(HOLDOUT_CHART);

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

  /** One row of clv_model. */
  public record Model(String model, boolean converged, boolean selected, String selectionReason, String warning,
      String failureReason, Double correlation) {}

  /** One row of clv_holdout. */
  public record Bucket(String model, String bucket, Long minFrequency, long customers, double actualMean,
      Double predictedMean, Double meanAbsoluteError) {}

  /** One row of clv_segment_summary. */
  public record Segment(String dimension, String value, long customers, Double clv, Double p05, Double p95) {}

  /** What the section draws; {@code problem} says why a table could not be read (null when all could). */
  public record Data(List<Model> models, List<Bucket> holdout, List<Segment> segments, String problem) {
    public Data {
      models = List.copyOf(models);
      holdout = List.copyOf(holdout);
      segments = List.copyOf(segments);
    }

    public static Data empty() {
      return new Data(List.of(), List.of(), List.of(), null);
    }
  }

  /** Reads the three tables of a date; a table that cannot be read costs the section, not the report. */
  public static Data collect(Function<String, Dataset<Row>> table) {
    try {
      List<Model> models = new ArrayList<>();
      for (Row r : table.apply(ClvModelTable.TABLE.name()).collectAsList()) {
        models.add(new Model(r.getAs(ClvModelTable.MODEL), r.<Boolean>getAs(ClvModelTable.CONVERGED),
            Boolean.TRUE.equals(r.getAs(ClvModelTable.SELECTED)), r.getAs(ClvModelTable.SELECTION_REASON),
            r.getAs(ClvModelTable.WARNING), r.getAs(ClvModelTable.FAILURE_REASON),
            r.getAs(ClvModelTable.FREQUENCY_MONETARY_CORRELATION)));
      }
      List<Bucket> holdout = new ArrayList<>();
      for (Row r : table.apply(HoldoutValidation.TABLE.name()).orderBy(col(HoldoutValidation.MODEL)).collectAsList()) {
        holdout.add(new Bucket(r.getAs(HoldoutValidation.MODEL), r.getAs(HoldoutValidation.FREQUENCY_BUCKET),
            r.getAs(HoldoutValidation.MIN_FREQUENCY), r.<Long>getAs(HoldoutValidation.CUSTOMERS),
            r.<Double>getAs(HoldoutValidation.ACTUAL_MEAN), r.getAs(HoldoutValidation.PREDICTED_MEAN),
            r.getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR)));
      }
      List<Segment> segments = new ArrayList<>();
      for (Row r : table.apply(ClvSegmentSummary.TABLE.name())
          .orderBy(col(ClvSegmentSummary.DIMENSION), col(ClvSegmentSummary.CLV).desc()).collectAsList()) {
        segments.add(new Segment(r.getAs(ClvSegmentSummary.DIMENSION), r.getAs(ClvSegmentSummary.DIMENSION_VALUE),
            r.<Long>getAs(ClvSegmentSummary.CUSTOMERS), money(r.getAs(ClvSegmentSummary.CLV)),
            money(r.getAs(ClvSegmentSummary.CLV_P05)), money(r.getAs(ClvSegmentSummary.CLV_P95))));
      }
      return new Data(models, holdout, segments, null);
    } catch (Exception e) { // Spark's AnalysisException is checked in Java terms but thrown unchecked
      String message = e.getMessage() == null ? "unknown error" : e.getMessage().lines().findFirst().orElse("");
      return new Data(List.of(), List.of(), List.of(), "could not read the CLV model tables: " + message);
    }
  }

  private static Double money(BigDecimal value) {
    return value == null ? null : value.doubleValue();
  }

  /** The section's HTML: heading, the selection sentence, the holdout chart and the interval table. */
  public static String render(Data data) {
    StringBuilder html = new StringBuilder("<h3>CLV models</h3>\n");
    if (data.problem() != null || data.models().isEmpty()) {
      html.append(Charts.empty(HOLDOUT_CHART, "Holdout check of the purchase models",
          data.problem() != null ? data.problem() : "clv_model has no rows for this date"));
      return html.toString();
    }
    html.append("<p>");
    for (Model m : data.models()) {
      if (m.selected() && m.selectionReason() != null) {
        html.append("Purchase model behind customer_clv and p_alive: <b>").append(Svg.escape(m.model())).append("</b>, ")
            .append(Svg.escape(m.selectionReason())).append(". ");
      }
    }
    html.append("</p>\n<table><tr><th>model</th><th>selected</th><th>state</th><th>note</th></tr>\n");
    for (Model m : data.models()) {
      String note = m.correlation() == null ? "" : String.format(Locale.ROOT, "frequency-monetary correlation %.3f. ", m.correlation());
      note += m.converged() ? (m.warning() == null ? "" : m.warning()) : m.failureReason();
      html.append("<tr><td>").append(Svg.escape(m.model())).append("</td><td>").append(m.selected() ? "yes" : "")
          .append("</td><td class=\"").append(m.converged() ? "ok\">converged" : "fail\">not fitted").append("</td><td>")
          .append(Svg.escape(note)).append("</td></tr>\n");
    }
    html.append("</table>\n");
    html.append(holdoutChart(data.holdout()));
    html.append(segmentTable(data.segments()));
    return html.toString();
  }

  /** Actual mean per bucket as grey bars, each model's predicted mean as a line with dots. */
  static String holdoutChart(List<Bucket> holdout) {
    String title = "Holdout check of the purchase models";
    List<Bucket> buckets = holdout.stream().filter(b -> b.minFrequency() != null).toList();
    if (buckets.isEmpty()) {
      return Charts.empty(HOLDOUT_CHART, title, "clv_holdout has no customers for this date (no purchase before the calibration end)");
    }
    List<String> labels = buckets.stream().sorted((a, b) -> Long.compare(a.minFrequency(), b.minFrequency()))
        .map(Bucket::bucket).distinct().toList();
    Map<String, Map<String, Bucket>> byModel = new LinkedHashMap<>();
    Map<String, Double> actual = new LinkedHashMap<>();
    for (Bucket b : buckets) {
      byModel.computeIfAbsent(b.model(), k -> new LinkedHashMap<>()).put(b.bucket(), b);
      actual.put(b.bucket(), b.actualMean());
    }
    double max = buckets.stream().mapToDouble(b -> Math.max(b.actualMean(), b.predictedMean() == null ? 0 : b.predictedMean()))
        .max().orElse(1);
    int left = 70;
    int right = Charts.WIDTH - 30;
    int top = 20;
    int bottom = 260;
    List<Double> ticks = Svg.ticks(0, Math.max(max, 1e-6), 5);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    Svg svg = new Svg(Charts.WIDTH, bottom + 70);
    for (double t : ticks) {
      svg.line(left, y.at(t), right, y.at(t), "#e3e3e3", 1);
      svg.text(left - 8, y.at(t) + 4, String.format(Locale.ROOT, "%.2f", t), "end", 11, "#555");
    }
    double band = (right - left) / (double) labels.size();
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i);
      double cx = left + band * i + band / 2;
      double a = actual.get(label);
      svg.rect(cx - band * 0.3, y.at(a), band * 0.6, bottom - y.at(a), "#d5d9de",
          String.format(Locale.ROOT, "x = %s: actual %.3f repeat purchase days per customer", label, a));
      svg.text(cx, bottom + 18, label, "middle", 12, "#333");
    }
    List<String> legend = new ArrayList<>(List.of("actual"));
    List<String> colours = new ArrayList<>(List.of("#d5d9de"));
    int k = 0;
    for (Map.Entry<String, Map<String, Bucket>> e : byModel.entrySet()) {
      String colour = COLOURS[k++ % COLOURS.length];
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        Bucket b = e.getValue().get(labels.get(i));
        if (b != null && b.predictedMean() != null) {
          double cx = left + band * i + band / 2;
          points.add(new double[] {cx, y.at(b.predictedMean())});
          svg.circle(cx, y.at(b.predictedMean()), 4, colour, String.format(Locale.ROOT,
              "%s, x = %s: predicted %.3f (actual %.3f), mean absolute error %.3f", e.getKey(), labels.get(i),
              b.predictedMean(), b.actualMean(), b.meanAbsoluteError() == null ? Double.NaN : b.meanAbsoluteError()));
        }
      }
      if (points.size() > 1) {
        svg.polyline(points, colour, 2);
      }
      Bucket total = holdout.stream().filter(b -> b.model().equals(e.getKey()) && b.minFrequency() == null).findFirst().orElse(null);
      legend.add(e.getKey() + (total == null || total.meanAbsoluteError() == null ? ""
          : String.format(Locale.ROOT, " (MAE %.3f)", total.meanAbsoluteError())));
      colours.add(colour);
    }
    svg.text((left + right) / 2.0, bottom + 36, "calibration frequency (repeat purchase days)", "middle", 12, "#555");
    svg.legend(left, bottom + 60, legend, colours);
    return Charts.figure(HOLDOUT_CHART, title,
        "Repeat purchase days per customer in the holdout (the last clv.selection-holdout-days before the as-of date),"
            + " by frequency in the calibration period: grey bars actual, lines each model's prediction. clv.model auto"
            + " selects the lowest total mean absolute error (MAE) among converged fits.",
        svg.render(HOLDOUT_CHART, title));
  }

  static String segmentTable(List<Segment> segments) {
    StringBuilder html = new StringBuilder("<h2>CLV by segment, with 90% intervals</h2>\n");
    if (segments.isEmpty()) {
      return html.append("<p class=\"no-data\">No data: clv_segment_summary has no rows for this date.</p>\n").toString();
    }
    html.append("<p class=\"caption\">Total CLV over the horizon per segment; the interval reflects the uncertainty of the"
        + " fitted parameters only (not model error or the randomness of future purchases).</p>\n")
        .append("<table><tr><th>dimension</th><th>value</th><th class=\"n\">customers</th><th class=\"n\">CLV</th>"
            + "<th class=\"n\">5%</th><th class=\"n\">95%</th></tr>\n");
    for (Segment s : segments) {
      html.append("<tr><td>").append(Svg.escape(s.dimension())).append("</td><td>")
          .append(Svg.escape(s.value() == null ? "" : s.value())).append("</td><td class=\"n\">")
          .append(Charts.count(s.customers())).append("</td><td class=\"n\">").append(amount(s.clv()))
          .append("</td><td class=\"n\">").append(amount(s.p05())).append("</td><td class=\"n\">").append(amount(s.p95()))
          .append("</td></tr>\n");
    }
    return html.append("</table>\n").toString();
  }

  private static String amount(Double value) {
    return value == null ? "" : Charts.money(value);
  }
}
