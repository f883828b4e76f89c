package io.rapport.report;

import io.rapport.warehouse.Manifest;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run report's charts, each drawn as inline SVG from small aggregates. Every chart is a
 * {@code <figure>} with a heading; its {@code <svg>} carries {@code data-chart="<name>"} and a
 * {@code <title>}. A chart without data becomes a "no data" note instead.
 */
public final class Charts {
  public static final String ROW_ACCOUNTING = "row-accounting";
  public static final String STEP_TIMINGS = "step-timings";
  public static final String RETENTION_HEATMAP = "retention-heatmap";
  public static final String CHURN_FLOWS = "churn-flows";
  public static final String CLV_BY_TIER = "clv-by-tier";
  public static final String NPS_TREND = "nps-trend";
  public static final String CSAT_TREND = "csat-trend";
  public static final String RATING_MIX = "rating-mix";
  public static final String LIFECYCLE = "lifecycle";
  public static final String REVENUE_WATERFALL = "revenue-waterfall";
  public static final String REVENUE_BRIDGE_TREND = "revenue-bridge-trend";
  /** Every chart of the report. */
  public static final List<String> ALL = List.of(LIFECYCLE, REVENUE_WATERFALL, REVENUE_BRIDGE_TREND, RETENTION_HEATMAP,
      CHURN_FLOWS, CLV_BY_TIER, NPS_TREND, CSAT_TREND, RATING_MIX, ROW_ACCOUNTING, STEP_TIMINGS);

  static final int WIDTH = 960;
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT);
  private static final String AXIS = "#888";
  private static final String GRID = "#e3e3e3";
  private static final String INK = "#333";

  private Charts() {}

  // ---- run accounting ------------------------------------------------------------------------

  /** One 100% bar per source: accepted, rejected, duplicates and rows after the as-of date. */
  public static String rowAccounting(Map<String, Manifest.SourceAccounting> inputs) {
    String title = "Row accounting per source";
    if (inputs == null || inputs.isEmpty()) {
      return empty(ROW_ACCOUNTING, title, "the manifest lists no input source");
    }
    List<String> labels = List.of("accepted", "rejected", "duplicates", "after as-of date");
    List<String> colours = List.of("#3a7d44", "#c0392b", "#e6a23c", "#9aa5b1");
    int left = 110;
    int barWidth = WIDTH - left - 30;
    Svg svg = new Svg(WIDTH, 30 + inputs.size() * 58 + 30);
    double y = 20;
    for (var entry : new TreeMap<>(inputs).entrySet()) {
      Manifest.SourceAccounting a = entry.getValue();
      long[] parts = {a.accepted(), a.rejected(), a.duplicates(), a.afterAsOf()};
      long total = Math.max(1, parts[0] + parts[1] + parts[2] + parts[3]);
      svg.text(left - 10, y + 18, entry.getKey(), "end", 13, INK);
      double x = left;
      for (int i = 0; i < parts.length; i++) {
        double w = barWidth * parts[i] / (double) total;
        svg.rect(x, y, w, 26, colours.get(i), entry.getKey() + " " + labels.get(i) + ": " + count(parts[i]));
        x += w;
      }
      svg.text(left, y + 42, String.format(Locale.ROOT, "read %s: accepted %s, rejected %s (%s), duplicates %s, after as-of %s",
          count(a.read()), count(a.accepted()), count(a.rejected()), percent(100.0 * a.rejected() / Math.max(1, a.read())),
          count(a.duplicates()), count(a.afterAsOf())), "start", 12, "#555");
      y += 58;
    }
    svg.legend(left, y + 14, labels, colours);
    return figure(ROW_ACCOUNTING, title,
        "Every row read ends in exactly one place: read = accepted + rejected + duplicates + after as-of date.",
        svg.render(ROW_ACCOUNTING, title));
  }

  /** Seconds per job step. */
  public static String stepTimings(List<Manifest.StepTiming> steps) {
    String title = "Step timings";
    if (steps == null || steps.isEmpty()) {
      return empty(STEP_TIMINGS, title, "the manifest lists no step");
    }
    int left = 200;
    double max = steps.stream().mapToDouble(Manifest.StepTiming::seconds).max().orElse(1);
    Svg.Scale x = new Svg.Scale(0, Math.max(max, 1e-9), left, WIDTH - 110);
    Svg svg = new Svg(WIDTH, 20 + steps.size() * 30 + 10);
    double y = 12;
    for (Manifest.StepTiming step : steps) {
      svg.text(left - 10, y + 15, step.step() + " (" + lower(step.status()) + ")", "end", 13, INK);
      svg.rect(left, y, x.at(step.seconds()) - left, 20, "#4a78b5", step.step() + ": " + seconds(step.seconds()));
      svg.text(x.at(step.seconds()) + 6, y + 15, seconds(step.seconds()), "start", 12, INK);
      y += 30;
    }
    return figure(STEP_TIMINGS, title, "Wall-clock time of each step of this run (a restarted run shows the earlier time of steps it did not redo).",
        svg.render(STEP_TIMINGS, title));
  }

  // ---- growth ---------------------------------------------------------------------------------

  private static final String NEW = "#4a78b5";
  private static final String RETURNING = "#3a7d44";
  private static final String RESURRECTED = "#46a7a0";
  private static final String DORMANT = "#c0392b";
  private static final String OTHER = "#9aa5b1";
  private static final String TOTAL = "#5b5b73";

  /** Growth accounting: new, returning and resurrected stacked above the axis, dormant below it. */
  public static String lifecycle(List<ReportData.LifecycleMonth> months, String problem) {
    String title = "Customer lifecycle by month";
    if (months.isEmpty()) {
      return empty(LIFECYCLE, title, problem != null ? problem : "customer_lifecycle_monthly has no rows for this date");
    }
    int left = 70;
    int right = WIDTH - 30;
    int top = 20;
    int bottom = 300;
    double maxUp = months.stream().mapToDouble(m -> m.newCustomers() + m.returningCustomers() + m.resurrectedCustomers())
        .max().orElse(1);
    double maxDown = months.stream().mapToDouble(ReportData.LifecycleMonth::dormantCustomers).max().orElse(0);
    List<Double> ticks = Svg.ticks(-maxDown, Math.max(maxUp, 1), 6);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 80);
    yAxis(svg, ticks, y, left, right, v -> count((long) Math.abs(v)));
    double band = (right - left) / (double) months.size();
    double barW = Math.max(2, band * 0.7);
    for (int i = 0; i < months.size(); i++) {
      ReportData.LifecycleMonth m = months.get(i);
      double cx = left + band * i + band / 2;
      String month = MONTH.format(m.month()) + (m.complete() ? "" : " (month not complete)");
      double below = 0;
      long[] up = {m.newCustomers(), m.returningCustomers(), m.resurrectedCustomers()};
      String[] names = {"new", "returning", "resurrected"};
      String[] colours = {NEW, RETURNING, RESURRECTED};
      for (int k = 0; k < 3; k++) {
        svg.rect(cx - barW / 2, y.at(below + up[k]), barW, y.at(below) - y.at(below + up[k]), colours[k],
            month + ": " + count(up[k]) + " " + names[k]);
        below += up[k];
      }
      svg.rect(cx - barW / 2, y.at(0), barW, y.at(-m.dormantCustomers()) - y.at(0), DORMANT,
          month + ": " + count(m.dormantCustomers()) + " dormant (bought last month, not this month)");
      if (!m.complete()) {
        svg.rect(cx - barW / 2, y.at(below), barW, y.at(-m.dormantCustomers()) - y.at(below), "#ffffff99", null);
      }
    }
    svg.line(left, y.at(0), right, y.at(0), INK, 1);
    monthLabels(svg, months.stream().map(ReportData.LifecycleMonth::month).toList(), left, band, bottom);
    svg.legend(left, bottom + 72, List.of("new", "returning", "resurrected", "dormant (below the axis)"),
        List.of(NEW, RETURNING, RESURRECTED, DORMANT));
    return figure(LIFECYCLE, title,
        "Customers with a purchase in the month: first purchase (new), also bought the month before (returning), back after "
            + "a gap (resurrected); below the axis, last month's buyers who did not buy this month (dormant, not yet churned). "
            + "Pale bar: the month is not complete.",
        svg.render(LIFECYCLE, title));
  }

  /** The revenue bridge of one month as a waterfall: starting revenue, the six buckets, ending revenue. */
  public static String revenueWaterfall(ReportData.BridgeMonth month, String currency, String problem) {
    String title = month == null ? "Revenue bridge" : "Revenue bridge, " + MONTH.format(month.month());
    if (month == null) {
      return empty(REVENUE_WATERFALL, title, problem != null ? problem : "revenue_bridge_monthly has no complete month for this date");
    }
    String[] labels = {"last month", "new", "resurrected", "expansion", "contraction", "dormant", "other", "this month"};
    double[] steps = {month.starting(), month.newRevenue(), month.resurrectedRevenue(), month.expansionRevenue(),
        month.contractionRevenue(), month.dormantRevenue(), month.otherRevenue(), month.ending()};
    double[] from = new double[steps.length];
    double[] to = new double[steps.length];
    double running = 0;
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < steps.length; i++) {
      boolean total = i == 0 || i == steps.length - 1;
      from[i] = total ? 0 : running;
      to[i] = total ? steps[i] : running + steps[i];
      running = to[i];
      lo = Math.min(lo, Math.min(from[i], to[i]));
      hi = Math.max(hi, Math.max(from[i], to[i]));
    }
    int left = 90;
    int right = WIDTH - 30;
    int top = 30;
    int bottom = 290;
    List<Double> ticks = Svg.ticks(lo, Math.max(hi, 1), 6);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 50);
    yAxis(svg, ticks, y, left, right, v -> String.format(Locale.ROOT, "%,.0f", v));
    svg.text(left - 80, top - 14, "net revenue, " + currency, "start", 12, "#555");
    double band = (right - left) / (double) steps.length;
    double barW = band * 0.6;
    for (int i = 0; i < steps.length; i++) {
      boolean total = i == 0 || i == steps.length - 1;
      double cx = left + band * i + band / 2;
      String colour = total ? TOTAL : steps[i] >= 0 ? RETURNING : DORMANT;
      double top0 = y.at(Math.max(from[i], to[i]));
      double height = Math.max(1, Math.abs(y.at(from[i]) - y.at(to[i])));
      svg.rect(cx - barW / 2, top0, barW, height, colour, labels[i] + ": " + signedMoney(steps[i], total) + " " + currency);
      svg.text(cx, top0 - 5, signedMoney(steps[i], total), "middle", 11, INK);
      if (i < steps.length - 1) {
        svg.dashed(cx + barW / 2, y.at(to[i]), cx + band - barW / 2, y.at(to[i]), AXIS);
      }
      svg.text(cx, bottom + 18, labels[i], "middle", 12, INK);
    }
    return figure(REVENUE_WATERFALL, title,
        "How last month's net revenue became this month's (" + currency + "): each customer's change in spend, by lifecycle "
            + "status; dormant = revenue lost from last month's buyers who did not buy; other = refunds outside purchase months.",
        svg.render(REVENUE_WATERFALL, title));
  }

  /** Per month, the bridge's gains stacked above the axis and its losses below, with the net change as a line. */
  public static String revenueBridgeTrend(List<ReportData.BridgeMonth> months, String currency, String problem) {
    String title = "Revenue bridge by month";
    if (months.isEmpty()) {
      return empty(REVENUE_BRIDGE_TREND, title, problem != null ? problem : "revenue_bridge_monthly has no rows for this date");
    }
    int left = 90;
    int right = WIDTH - 30;
    int top = 30;
    int bottom = 300;
    double maxUp = 0;
    double maxDown = 0;
    for (ReportData.BridgeMonth m : months) {
      double[] b = buckets(m);
      double up = 0;
      double down = 0;
      for (double v : b) {
        up += Math.max(0, v);
        down += Math.min(0, v);
      }
      maxUp = Math.max(maxUp, up);
      maxDown = Math.min(maxDown, down);
    }
    List<Double> ticks = Svg.ticks(maxDown, Math.max(maxUp, 1), 6);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 80);
    yAxis(svg, ticks, y, left, right, v -> String.format(Locale.ROOT, "%,.0f", v));
    svg.text(left - 80, top - 14, "change in net revenue, " + currency, "start", 12, "#555");
    String[] names = {"new", "resurrected", "expansion", "contraction", "dormant", "other"};
    String[] colours = {NEW, RESURRECTED, RETURNING, "#e6a23c", DORMANT, OTHER};
    double band = (right - left) / (double) months.size();
    double barW = Math.max(2, band * 0.7);
    List<double[]> line = new ArrayList<>();
    for (int i = 0; i < months.size(); i++) {
      ReportData.BridgeMonth m = months.get(i);
      double cx = left + band * i + band / 2;
      double[] b = buckets(m);
      double up = 0;
      double down = 0;
      for (int k = 0; k < b.length; k++) {
        String tip = MONTH.format(m.month()) + ": " + names[k] + " " + signedMoney(b[k], false) + " " + currency;
        if (b[k] >= 0) {
          svg.rect(cx - barW / 2, y.at(up + b[k]), barW, y.at(up) - y.at(up + b[k]), colours[k], tip);
          up += b[k];
        } else {
          svg.rect(cx - barW / 2, y.at(down), barW, y.at(down + b[k]) - y.at(down), colours[k], tip);
          down += b[k];
        }
      }
      if (!m.complete()) {
        svg.rect(cx - barW / 2, y.at(up), barW, y.at(down) - y.at(up), "#ffffff99", null);
      }
      line.add(new double[] {cx, y.at(m.ending() - m.starting())});
    }
    svg.line(left, y.at(0), right, y.at(0), INK, 1);
    svg.polyline(line, INK, 1.5);
    for (int i = 0; i < months.size(); i++) {
      ReportData.BridgeMonth m = months.get(i);
      svg.circle(line.get(i)[0], line.get(i)[1], 3, INK, MONTH.format(m.month()) + ": net change "
          + signedMoney(m.ending() - m.starting(), false) + " " + currency + ", ending " + money(m.ending()) + " " + currency);
    }
    monthLabels(svg, months.stream().map(ReportData.BridgeMonth::month).toList(), left, band, bottom);
    svg.legend(left, bottom + 72, List.of("new", "resurrected", "expansion", "contraction", "dormant", "other", "net change"),
        List.of(NEW, RESURRECTED, RETURNING, "#e6a23c", DORMANT, OTHER, INK));
    return figure(REVENUE_BRIDGE_TREND, title,
        "Each month's change in net revenue (" + currency + ") split by where it came from; the line is the net change "
            + "(this month minus last month). Pale bar: the month is not complete.",
        svg.render(REVENUE_BRIDGE_TREND, title));
  }

  private static double[] buckets(ReportData.BridgeMonth m) {
    return new double[] {m.newRevenue(), m.resurrectedRevenue(), m.expansionRevenue(), m.contractionRevenue(),
        m.dormantRevenue(), m.otherRevenue()};
  }

  private static String signedMoney(double v, boolean total) {
    String text = String.format(Locale.ROOT, "%,.0f", Math.abs(v));
    return total ? (v < 0 ? "-" : "") + text : (v < 0 ? "-" : "+") + text;
  }

  // ---- customers -----------------------------------------------------------------------------

  /** Cohorts as rows, periods as columns, shaded by retention rate. */
  public static String retentionHeatmap(List<ReportData.CohortCell> cells, String problem) {
    String title = "Cohort retention";
    if (cells.isEmpty()) {
      return empty(RETENTION_HEATMAP, title, problem != null ? problem : "retention_cohorts has no rows for this date");
    }
    TreeMap<LocalDate, Long> cohorts = new TreeMap<>();
    int maxPeriod = 0;
    double maxLater = 0;
    for (ReportData.CohortCell c : cells) {
      cohorts.put(c.cohortMonth(), c.cohortSize());
      maxPeriod = Math.max(maxPeriod, c.periodNumber());
      if (c.periodNumber() > 0) {
        maxLater = Math.max(maxLater, c.retentionRate());
      }
    }
    // Later periods rarely pass 30%: shading against their own maximum keeps them readable.
    double scaleTop = maxLater > 0 ? maxLater : 1;
    List<LocalDate> rows = new ArrayList<>(cohorts.keySet());
    int left = 150;
    int top = 40;
    double cellW = Math.min(40, (WIDTH - left - 20) / (double) (maxPeriod + 1));
    double cellH = 20;
    Svg svg = new Svg(WIDTH, (int) (top + rows.size() * cellH + 60));
    svg.text(left, 14, "period (months after the first purchase)", "start", 12, "#555");
    for (int p = 0; p <= maxPeriod; p++) {
      if (cellW >= 18 || p % 2 == 0) {
        svg.text(left + p * cellW + cellW / 2, top - 8, Integer.toString(p), "middle", 11, "#555");
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      svg.text(left - 8, top + r * cellH + 14, MONTH.format(rows.get(r)) + "  n=" + count(cohorts.get(rows.get(r))), "end", 11, INK);
    }
    for (ReportData.CohortCell c : cells) {
      int r = rows.indexOf(c.cohortMonth());
      double x = left + c.periodNumber() * cellW;
      double y = top + r * cellH;
      double shade = Math.min(1, c.retentionRate() / scaleTop);
      String tip = MONTH.format(c.cohortMonth()) + " period " + c.periodNumber() + ": " + percent(100 * c.retentionRate())
          + " (" + count(c.activeCustomers()) + " of " + count(c.cohortSize()) + ")" + (c.completePeriod() ? "" : ", period not complete");
      svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, blue(shade), tip);
      if (!c.completePeriod()) {
        svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, "#ffffff80", null);
      }
      if (cellW >= 30) {
        svg.text(x + cellW / 2, y + 14, String.format(Locale.ROOT, "%.0f", 100 * c.retentionRate()), "middle", 10,
            shade > 0.55 ? "#fff" : INK);
      }
    }
    double legendY = top + rows.size() * cellH + 25;
    for (int i = 0; i <= 10; i++) {
      svg.rect(left + i * 24, legendY, 24, 12, blue(i / 10.0), null);
    }
    svg.text(left + 270, legendY + 11, "0% to " + percent(100 * scaleTop) + " retained (period 0 is always 100%); pale cells: period not complete",
        "start", 11, "#555");
    return figure(RETENTION_HEATMAP, title,
        "Share of each cohort (customers by month of first purchase) who purchased in each later month; cell text in percent.",
        svg.render(RETENTION_HEATMAP, title));
  }

  /** New and reactivated customers above the axis, churned below, active customers as a line. */
  public static String churnFlows(List<ReportData.ChurnMonth> months, String problem) {
    String title = "Monthly churn flows";
    if (months.isEmpty()) {
      return empty(CHURN_FLOWS, title, problem != null ? problem : "churn_monthly has no rows for this date");
    }
    int left = 70;
    int right = WIDTH - 70;
    int top = 20;
    int bottom = 300;
    double maxUp = months.stream().mapToDouble(m -> m.newCustomers() + m.reactivatedCustomers()).max().orElse(1);
    double maxDown = months.stream().mapToDouble(ReportData.ChurnMonth::churnedCustomers).max().orElse(0);
    List<Double> ticks = Svg.ticks(-maxDown, Math.max(maxUp, 1), 6);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    double maxEnd = Math.max(1, months.stream().mapToDouble(ReportData.ChurnMonth::customersAtEnd).max().orElse(1));
    List<Double> endTicks = Svg.ticks(0, maxEnd, 5);
    Svg.Scale yEnd = new Svg.Scale(0, endTicks.get(endTicks.size() - 1), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 80);
    yAxis(svg, ticks, y, left, right, Charts::count);
    for (double t : endTicks) {
      svg.text(right + 8, yEnd.at(t) + 4, count((long) t), "start", 11, "#7a3e9d");
    }
    double band = (right - left) / (double) months.size();
    double barW = Math.max(2, band * 0.7);
    List<double[]> line = new ArrayList<>();
    for (int i = 0; i < months.size(); i++) {
      ReportData.ChurnMonth m = months.get(i);
      double cx = left + band * i + band / 2;
      String month = MONTH.format(m.month());
      svg.rect(cx - barW / 2, y.at(m.newCustomers()), barW, y.at(0) - y.at(m.newCustomers()), "#4a78b5",
          month + ": " + count(m.newCustomers()) + " new");
      svg.rect(cx - barW / 2, y.at(m.newCustomers() + m.reactivatedCustomers()), barW,
          y.at(m.newCustomers()) - y.at(m.newCustomers() + m.reactivatedCustomers()), "#46a7a0",
          month + ": " + count(m.reactivatedCustomers()) + " reactivated");
      svg.rect(cx - barW / 2, y.at(0), barW, y.at(-m.churnedCustomers()) - y.at(0), "#c0392b",
          month + ": " + count(m.churnedCustomers()) + " churned"
              + (m.churnRate() == null ? "" : " (churn rate " + percent(100 * m.churnRate()) + ")"));
      line.add(new double[] {cx, yEnd.at(m.customersAtEnd())});
    }
    svg.line(left, y.at(0), right, y.at(0), INK, 1);
    svg.polyline(line, "#7a3e9d", 2);
    for (int i = 0; i < months.size(); i++) {
      ReportData.ChurnMonth m = months.get(i);
      svg.circle(line.get(i)[0], line.get(i)[1], 3, "#7a3e9d", MONTH.format(m.month()) + ": " + count(m.customersAtEnd()) + " active at the end");
    }
    monthLabels(svg, months.stream().map(ReportData.ChurnMonth::month).toList(), left, band, bottom);
    svg.legend(left, bottom + 72, List.of("new", "reactivated", "churned", "active at the end (right axis)"),
        List.of("#4a78b5", "#46a7a0", "#c0392b", "#7a3e9d"));
    return figure(CHURN_FLOWS, title,
        "Customers per month: first purchases and reactivations add to the active base, churn events (no purchase within the threshold) remove from it.",
        svg.render(CHURN_FLOWS, title));
  }

  /** A box per CLV tier: whiskers 10th to 90th percentile, box quartiles, line median, dot mean. */
  public static String clvByTier(List<ReportData.ClvTier> tiers, String problem) {
    return clvByTier(tiers, problem, "CLV");
  }

  /** As {@link #clvByTier(List, String)}, the axis labelled {@code axisLabel} (e.g. "CLV, USD, 12 months"). */
  public static String clvByTier(List<ReportData.ClvTier> tiers, String problem, String axisLabel) {
    String title = "CLV distribution by tier (" + axisLabel + ")";
    if (tiers.isEmpty()) {
      return empty(CLV_BY_TIER, title, problem != null ? problem
          : "customer_clv has no CLV for this date (the models may not have converged: see clv_model)");
    }
    int left = 80;
    int right = WIDTH - 30;
    int top = 34;
    int bottom = 270;
    double max = tiers.stream().mapToDouble(t -> Math.max(t.p90(), t.mean())).max().orElse(1);
    double min = Math.min(0, tiers.stream().mapToDouble(ReportData.ClvTier::p10).min().orElse(0));
    List<Double> ticks = Svg.ticks(min, Math.max(max, 1e-6), 6);
    Svg.Scale y = new Svg.Scale(ticks.get(0), ticks.get(ticks.size() - 1), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 60);
    yAxis(svg, ticks, y, left, right, v -> v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : money(v));
    svg.text(left - 70, top - 16, axisLabel, "start", 12, "#555");
    double band = (right - left) / (double) tiers.size();
    double boxW = Math.min(90, band * 0.5);
    for (int i = 0; i < tiers.size(); i++) {
      ReportData.ClvTier t = tiers.get(i);
      double cx = left + band * i + band / 2;
      String tip = String.format(Locale.ROOT, "%s: %s customers; CLV p10 %s, p25 %s, median %s, p75 %s, p90 %s, max %s, mean %s, total %s",
          t.tier(), count(t.customers()), money(t.p10()), money(t.p25()), money(t.median()), money(t.p75()),
          money(t.p90()), money(t.max()), money(t.mean()), money(t.total()));
      svg.line(cx, y.at(t.p10()), cx, y.at(t.p90()), "#555", 1.5);
      svg.line(cx - boxW / 4, y.at(t.p10()), cx + boxW / 4, y.at(t.p10()), "#555", 1.5);
      svg.line(cx - boxW / 4, y.at(t.p90()), cx + boxW / 4, y.at(t.p90()), "#555", 1.5);
      svg.rect(cx - boxW / 2, y.at(t.p75()), boxW, Math.max(1, y.at(t.p25()) - y.at(t.p75())), "#8fb3de", tip);
      svg.line(cx - boxW / 2, y.at(t.median()), cx + boxW / 2, y.at(t.median()), "#1f3f6b", 2.5);
      svg.circle(cx, y.at(t.mean()), 4, "#e6a23c", t.tier() + " mean " + money(t.mean()));
      svg.text(cx, bottom + 20, t.tier(), "middle", 13, INK);
      svg.text(cx, bottom + 38, count(t.customers()) + " customers", "middle", 11, "#555");
    }
    return figure(CLV_BY_TIER, title,
        "Predicted CLV over the horizon per tier: whiskers 10th-90th percentile, box quartiles, dark line median, orange dot mean.",
        svg.render(CLV_BY_TIER, title));
  }

  // ---- voice of the customer -----------------------------------------------------------------

  public static String npsTrend(List<ReportData.NpsMonth> months, String problem) {
    String title = "NPS by month";
    if (months.isEmpty()) {
      return empty(NPS_TREND, title, problem != null ? problem : "nps_summary has no monthly overall rows for this date");
    }
    List<LocalDate> x = months.stream().map(ReportData.NpsMonth::month).toList();
    return trend(NPS_TREND, title,
        "Net Promoter Score (-100..100) of all responses per month, with its 95% margin of error as the shaded band.",
        x, i -> months.get(i).nps(), i -> Math.max(-100, months.get(i).nps() - months.get(i).margin95()),
        i -> Math.min(100, months.get(i).nps() + months.get(i).margin95()), i -> months.get(i).responses(),
        i -> months.get(i).lowSample(), -100, 100, "#2e7d6b");
  }

  public static String csatTrend(List<ReportData.CsatMonth> months, String problem) {
    String title = "CSAT by month";
    if (months.isEmpty()) {
      return empty(CSAT_TREND, title, problem != null ? problem : "csat_summary has no monthly overall rows for this date");
    }
    List<LocalDate> x = months.stream().map(ReportData.CsatMonth::month).toList();
    return trend(CSAT_TREND, title,
        "Share of CSAT responses scoring 4 or 5 per month (percent), with its 95% Wilson interval as the shaded band.",
        x, i -> months.get(i).csat(), i -> months.get(i).wilsonLow(), i -> months.get(i).wilsonHigh(),
        i -> months.get(i).responses(), i -> months.get(i).lowSample(), 0, 100, "#4a78b5");
  }

  /** 100% stacked bars of the review ratings per month. */
  public static String ratingMix(List<ReportData.RatingMonth> months, String problem) {
    String title = "Review rating mix by month";
    if (months.isEmpty()) {
      return empty(RATING_MIX, title, problem != null ? problem : "review_summary has no monthly overall rows for this date");
    }
    List<String> colours = List.of("#d7191c", "#f08a4b", "#f2c94c", "#8cc665", "#1a9641");
    int left = 60;
    int right = WIDTH - 30;
    int top = 20;
    int bottom = 260;
    Svg svg = new Svg(WIDTH, bottom + 80);
    Svg.Scale y = new Svg.Scale(0, 1, bottom, top);
    yAxis(svg, List.of(0.0, 0.25, 0.5, 0.75, 1.0), y, left, right, v -> String.format(Locale.ROOT, "%.0f%%", 100 * v));
    double band = (right - left) / (double) months.size();
    double barW = Math.max(2, band * 0.75);
    for (int i = 0; i < months.size(); i++) {
      ReportData.RatingMonth m = months.get(i);
      double cx = left + band * i + band / 2;
      long total = Math.max(1, m.ratingCounts().stream().mapToLong(Long::longValue).sum());
      double below = 0;
      for (int star = 0; star < 5; star++) {
        double share = m.ratingCounts().get(star) / (double) total;
        svg.rect(cx - barW / 2, y.at(below + share), barW, y.at(below) - y.at(below + share), colours.get(star),
            String.format(Locale.ROOT, "%s: %d star: %s of %s reviews (%s); average %.2f", MONTH.format(m.month()), star + 1,
                count(m.ratingCounts().get(star)), count(m.reviews()), percent(100 * share), m.avgRating()));
        below += share;
      }
    }
    monthLabels(svg, months.stream().map(ReportData.RatingMonth::month).toList(), left, band, bottom);
    svg.legend(left, bottom + 72, List.of("1 star", "2 stars", "3 stars", "4 stars", "5 stars"), colours);
    return figure(RATING_MIX, title, "Share of each rating among the month's reviews (all products).",
        svg.render(RATING_MIX, title));
  }

  // ---- shared pieces -------------------------------------------------------------------------

  private interface IndexValue {
    double at(int i);
  }

  private interface IndexFlag {
    boolean at(int i);
  }

  private static String trend(String name, String title, String caption, List<LocalDate> months, IndexValue value,
      IndexValue low, IndexValue high, IndexValue responses, IndexFlag lowSample, double floor, double ceiling,
      String colour) {
    int left = 60;
    int right = WIDTH - 30;
    int top = 20;
    int bottom = 260;
    double min = floor;
    double max = ceiling;
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int i = 0; i < months.size(); i++) {
      lo = Math.min(lo, low.at(i));
      hi = Math.max(hi, high.at(i));
    }
    // Zoom in on the data, but never beyond the metric's own range.
    List<Double> ticks = Svg.ticks(Math.max(min, lo), Math.min(max, Math.max(hi, lo + 1)), 6);
    ticks = ticks.stream().filter(t -> t >= min - 1e-9 && t <= max + 1e-9).toList();
    Svg.Scale y = new Svg.Scale(Math.min(ticks.get(0), lo), Math.max(ticks.get(ticks.size() - 1), hi), bottom, top);
    Svg svg = new Svg(WIDTH, bottom + 80);
    yAxis(svg, ticks, y, left, right, v -> String.format(Locale.ROOT, "%.0f", v));
    if (min < 0 && y.d0() < 0 && y.d1() > 0) {
      svg.dashed(left, y.at(0), right, y.at(0), AXIS);
    }
    double band = (right - left) / (double) months.size();
    List<double[]> upper = new ArrayList<>();
    List<double[]> lower = new ArrayList<>();
    List<double[]> line = new ArrayList<>();
    for (int i = 0; i < months.size(); i++) {
      double cx = left + band * i + band / 2;
      upper.add(new double[] {cx, y.at(high.at(i))});
      lower.add(0, new double[] {cx, y.at(low.at(i))});
      line.add(new double[] {cx, y.at(value.at(i))});
    }
    List<double[]> area = new ArrayList<>(upper);
    area.addAll(lower);
    if (months.size() == 1) {
      // A single month has no width: show its interval as a bar.
      svg.rect(line.get(0)[0] - 6, upper.get(0)[1], 12, lower.get(0)[1] - upper.get(0)[1], colour + "40", null);
    }
    svg.polygon(area, colour, 0.18);
    svg.polyline(line, colour, 2);
    boolean anyLow = false;
    for (int i = 0; i < months.size(); i++) {
      boolean few = lowSample.at(i);
      anyLow |= few;
      // Low-sample months: a pale hollow point, so the eye does not read them as firm.
      svg.circle(line.get(i)[0], line.get(i)[1], 3.5, few ? "#ffffff" : colour, String.format(Locale.ROOT, "%s: %.1f (%.1f to %.1f), %s responses%s",
          MONTH.format(months.get(i)), value.at(i), low.at(i), high.at(i), count((long) responses.at(i)),
          few ? " (low sample)" : ""));
      if (few) {
        svg.circleOutline(line.get(i)[0], line.get(i)[1], 3.5, colour);
      }
      svg.text(line.get(i)[0], bottom - 4, "n=" + count((long) responses.at(i)), "middle", 9, few ? "#aaa" : "#555");
    }
    monthLabels(svg, months, left, band, bottom);
    if (anyLow) {
      svg.text(left, bottom + 72, "hollow points and grey n: fewer responses than voice.min-responses (low sample)",
          "start", 11, "#555");
    }
    return figure(name, title, caption, svg.render(name, title));
  }

  private interface Label {
    String of(double value);
  }

  private static void yAxis(Svg svg, List<Double> ticks, Svg.Scale y, double left, double right, Label label) {
    for (double t : ticks) {
      svg.line(left, y.at(t), right, y.at(t), GRID, 1);
      svg.text(left - 8, y.at(t) + 4, label.of(t), "end", 11, "#555");
    }
    svg.line(left, y.at(ticks.get(0)), left, y.at(ticks.get(ticks.size() - 1)), AXIS, 1);
  }

  /** Month labels under a band axis, thinned so that at most about 18 are written. */
  private static void monthLabels(Svg svg, List<LocalDate> months, double left, double band, double bottom) {
    int every = Math.max(1, (int) Math.ceil(months.size() / 18.0));
    for (int i = 0; i < months.size(); i++) {
      if (i % every == 0 || i == months.size() - 1) {
        svg.slantedText(left + band * i + band / 2 + 4, bottom + 16, MONTH.format(months.get(i)), 11);
      }
    }
  }

  static String figure(String name, String title, String caption, String body) {
    return "<figure class=\"chart\" id=\"chart-" + Svg.escape(name) + "\">\n<h2>" + Svg.escape(title) + "</h2>\n"
        + "<p class=\"caption\">" + Svg.escape(caption) + "</p>\n" + body + "\n</figure>\n";
  }

  static String empty(String name, String title, String why) {
    return figure(name, title, "", "<p class=\"no-data\" data-chart-empty=\"" + Svg.escape(name) + "\">No data: "
        + Svg.escape(why) + ".</p>");
  }

  /** White to dark blue. */
  private static String blue(double shade) {
    double s = Math.max(0, Math.min(1, shade));
    int r = (int) Math.round(240 + (8 - 240) * s);
    int g = (int) Math.round(244 + (48 - 244) * s);
    int b = (int) Math.round(250 + (107 - 250) * s);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String count(double value) {
    return count(Math.round(value));
  }

  static String money(double value) {
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : "%,.2f", value);
  }

  static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f%%", value);
  }

  private static String seconds(double value) {
    return String.format(Locale.ROOT, "%.1f s", value);
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
