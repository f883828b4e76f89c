package io.rapport.report;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The headline strip: the as-of month's net revenue and its change on the month before, active
 * and new customers, NPS, CSAT, churn rate and total CLV, from kpi_monthly and customer_clv.
 * Each figure is a {@code <div class="kpi" data-headline="<name>">} whose {@code .value} holds
 * the number as printed, so a test can read it back and compare it with the tables.
 */
final class HeadlineSection implements ReportSection {
  static final String NET_REVENUE = "net-revenue";
  static final String ACTIVE_CUSTOMERS = "active-customers";
  static final String NEW_CUSTOMERS = "new-customers";
  static final String NPS = "nps";
  static final String CSAT = "csat";
  static final String CHURN_RATE = "churn-rate";
  static final String CLV_TOTAL = "clv-total";

  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);

  @Override
  public String id() {
    return "headline";
  }

  @Override
  public String title() {
    return "Headline";
  }

  @Override
  public Part part() {
    return Part.HEADLINE;
  }

  @Override
  public String render(ReportContext context) {
    List<ReportData.KpiMonth> kpis = context.data().kpis();
    if (kpis.isEmpty()) {
      String why = context.data().problems().getOrDefault("kpi_monthly", "kpi_monthly has no rows for this date");
      return "<p class=\"no-data\" data-chart-empty=\"headline\">No data: " + Svg.escape(why) + ".</p>\n";
    }
    ReportData.KpiMonth m = kpis.get(kpis.size() - 1);
    LocalDate asOf = context.asOf();
    boolean complete = asOf.equals(YearMonth.from(m.month()).atEndOfMonth());
    StringBuilder html = new StringBuilder();
    html.append("<p class=\"meta\">").append(Svg.escape(MONTH.format(m.month())))
        .append(complete ? " (complete month)" : " to date (through " + asOf + "; the month is not complete)")
        .append("; changes compare with the month before.</p>\n<div class=\"headline\">\n");
    String change = m.salesGrowthPct() == null ? "no previous month to compare"
        : String.format(Locale.ROOT, "%+.1f%% on the month before", m.salesGrowthPct());
    card(html, NET_REVENUE, context.money("Net revenue"), money(m.netRevenue()), change);
    card(html, ACTIVE_CUSTOMERS, "Active customers", Charts.count(m.activeCustomers()), "with a purchase in the month");
    card(html, NEW_CUSTOMERS, "New customers", Charts.count(m.newCustomers()), "first purchase in the month");
    card(html, NPS, "NPS", m.nps() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", m.nps()),
        m.nps() == null ? "no NPS responses in the month" : "-100 to 100");
    card(html, CSAT, "CSAT", m.csat() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", m.csat()),
        m.csat() == null ? "no CSAT responses in the month" : "share scoring 4 or 5");
    card(html, CHURN_RATE, "Churn rate", m.churnRate() == null ? "n/a" : Charts.percent(100 * m.churnRate()),
        "of customers active at the start of the month");
    Double clv = context.data().clvTotal();
    card(html, CLV_TOTAL, "Total " + context.clvLabel(), clv == null ? "n/a" : money(clv),
        clv == null ? "the CLV model was not fitted (see warnings)" : "expected over the next " + context.clvHorizonMonths() + " months");
    html.append("</div>\n");
    return html.toString();
  }

  private static void card(StringBuilder html, String name, String label, String value, String note) {
    html.append("<div class=\"kpi\" data-headline=\"").append(name).append("\"><div class=\"label\">")
        .append(Svg.escape(label)).append("</div><div class=\"value\">").append(Svg.escape(value))
        .append("</div><div class=\"note\">").append(Svg.escape(note)).append("</div></div>\n");
  }

  /** Money in the headline: thousands separated, two decimals. */
  static String money(double v) {
    return String.format(Locale.ROOT, "%,.2f", v);
  }
}
