package io.rapport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.warehouse.Manifest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report page from hand-made aggregates: no Spark, only the rendering. */
class HtmlReportTest {
  static final LocalDate JAN = LocalDate.parse("2025-01-01");
  static final LocalDate FEB = LocalDate.parse("2025-02-01");
  static final LocalDate MAR = LocalDate.parse("2025-03-01");

  static Manifest manifestOfOneSmallRun() {
    return new Manifest("2025-03-31", "0.1.0", 7, 9, "config/rapport.yaml", "abcdef0123456789abcdef",
        "2025-04-01T02:00:00Z", "2025-04-01T02:03:00Z",
        Map.of("purchases", new Manifest.SourceAccounting(List.of("p.csv"), 100, 95, 2, 3, 0, Map.of("zero_quantity", 2L)),
            "surveys", new Manifest.SourceAccounting(List.of("s.csv"), 10, 10, 0, 0, 0, Map.of())),
        Map.of(FactOrders.TABLE.name(), 60L, CustomerFacts.TABLE.name(), 3L),
        List.of(new Manifest.StepTiming("ingest", "COMPLETED", 12.5), new Manifest.StepTiming("publish", "STARTED", 0.4)),
        List.of(new Manifest.QualityEntry("rejects", "reject_rate", "WARNING", false, 2, "2% of purchases rejected")),
        List.of("CLV model bg_nbd: boundary solution"));
  }

  /** Three cohorts over three months, one of everything else: every chart has data. */
  static ReportData threeMonthsOfEverything() {
    return new ReportData(
        List.of(new ReportData.CohortCell(JAN, 0, 2, 2, 1.0, true), new ReportData.CohortCell(JAN, 1, 2, 1, 0.5, true),
            new ReportData.CohortCell(JAN, 2, 2, 0, 0.0, false), new ReportData.CohortCell(FEB, 0, 4, 4, 1.0, true),
            new ReportData.CohortCell(FEB, 1, 4, 1, 0.25, false), new ReportData.CohortCell(MAR, 0, 1, 1, 1.0, false)),
        List.of(new ReportData.ChurnMonth(JAN, 0, 2, 0, 0, 2, null), new ReportData.ChurnMonth(FEB, 2, 4, 1, 0, 5, 0.5),
            new ReportData.ChurnMonth(MAR, 5, 1, 1, 1, 6, 0.2)),
        List.of(new ReportData.ClvTier("low", 3, 1, 1, 1.5, 2, 2.5, 3, 3, 2, 6),
            new ReportData.ClvTier("high", 2, 10, 10, 10, 10, 20, 20, 20, 15, 30)),
        List.of(new ReportData.NpsMonth(JAN, 100, 30, 15.3), new ReportData.NpsMonth(FEB, 10, 90, 20)),
        List.of(new ReportData.CsatMonth(JAN, 107, 69.2, 60, 77), new ReportData.CsatMonth(FEB, 5, 80, 37.6, 96.4)),
        List.of(new ReportData.RatingMonth(JAN, 10, List.of(1L, 1L, 2L, 3L, 3L), 3.6),
            new ReportData.RatingMonth(FEB, 4, List.of(0L, 0L, 0L, 2L, 2L), 4.5)),
        Map.of())
        .withGrowth(
            List.of(new ReportData.KpiMonth(JAN, 2, 2, 150, null, null, 30.0, 69.2),
                new ReportData.KpiMonth(FEB, 4, 5, 130, -13.333, 0.5, 90.0, 80.0),
                new ReportData.KpiMonth(MAR, 1, 3, 1234.5, 849.6, 0.2, null, null)),
            List.of(new ReportData.LifecycleMonth(JAN, 2, 0, 0, 0, true), new ReportData.LifecycleMonth(FEB, 4, 1, 0, 1, true),
                new ReportData.LifecycleMonth(MAR, 1, 1, 1, 3, false)),
            // Feb: 150 + 70 (new) + 0 + 30 (expansion) - 20 (contraction) - 100 (dormant) + 0 = 130.
            List.of(new ReportData.BridgeMonth(JAN, 0, 150, 0, 0, 0, 0, 0, 150, true),
                new ReportData.BridgeMonth(FEB, 150, 70, 0, 30, -20, -100, 0, 130, true),
                new ReportData.BridgeMonth(MAR, 130, 1000, 200, 0, 0, -90, -5.5, 1234.5, false)),
            4321.987);
  }

  /** auto with two purchase models: pareto_nbd selected; two buckets and the total each. */
  static ClvModelSection.Data clvModels() {
    return new ClvModelSection.Data(
        List.of(new ClvModelSection.Model("bg_nbd", true, false, null, null, null, null),
            new ClvModelSection.Model("pareto_nbd", true, true, "auto: lowest total holdout mean absolute error: bg_nbd 0.80, pareto_nbd 0.70", null, null, null),
            new ClvModelSection.Model("gamma_gamma", true, true, null, null, null, 0.11)),
        List.of(new ClvModelSection.Bucket("bg_nbd", "0", 0L, 10, 0.2, 0.25, 0.3), new ClvModelSection.Bucket("bg_nbd", "1", 1L, 5, 0.8, 0.6, 0.7),
            new ClvModelSection.Bucket("bg_nbd", "total", null, 15, 0.4, 0.37, 0.8),
            new ClvModelSection.Bucket("pareto_nbd", "0", 0L, 10, 0.2, 0.22, 0.3), new ClvModelSection.Bucket("pareto_nbd", "1", 1L, 5, 0.8, 0.7, 0.6),
            new ClvModelSection.Bucket("pareto_nbd", "total", null, 15, 0.4, 0.38, 0.7)),
        List.of(new ClvModelSection.Segment("overall", null, 15, 300.0, 250.0, 360.0),
            new ClvModelSection.Segment("clv_tier", "top", 4, 200.0, 170.0, 240.0)),
        null);
  }

  @Test
  void theClvModelSectionSaysWhichModelWasSelectedWhyAndDrawsOneSeriesPerModel() {
    String html = ClvModelSection.render(clvModels());

    assertTrue(html.contains("<b>pareto_nbd</b>, auto: lowest total holdout mean absolute error"), html);
    Matcher svg = Pattern.compile("<svg data-chart=\"clv-holdout\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(html);
    assertTrue(svg.find());
    assertEquals(2, count(svg.group(1), "<polyline"), "one line per model");
    assertTrue(svg.group(1).contains("pareto_nbd (MAE 0.700)"));
    assertTrue(html.contains("<td>clv_tier</td><td>top</td><td class=\"n\">4</td><td class=\"n\">200</td><td class=\"n\">170</td><td class=\"n\">240</td>"), html);
    assertTrue(html.contains("frequency-monetary correlation 0.110"));
  }

  @Test
  void everyChartIsANamedInlineSvgWithATitleAndContent() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything());

    for (String chart : Charts.ALL) {
      Matcher svg = Pattern.compile("<svg data-chart=\"" + chart + "\"[^>]*><title>[^<]+</title>(.*?)</svg>", Pattern.DOTALL)
          .matcher(html);
      assertTrue(svg.find(), "no svg for " + chart);
      assertTrue(svg.group(1).contains("<rect") || svg.group(1).contains("<polyline"), chart + " draws nothing");
    }
    assertEquals(Charts.ALL.size(), count(html, "<svg "), "one svg per chart, no other");
    // Rendered from collected data only, the CLV model section cannot read its tables and says so;
    // no other chart is empty.
    assertEquals(1, count(html, "data-chart-empty"));
    assertEquals(1, count(html, "data-chart-empty=\"" + ClvModelSection.HOLDOUT_CHART + "\""));
  }

  @Test
  void theReportIsSelfContainedWithoutScriptsOrExternalReferences() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything()).toLowerCase();

    for (String forbidden : List.of("<script", "http://", "https://", " src=", "<link", "@import", "url(", "javascript:", "onload=")) {
      assertFalse(html.contains(forbidden), "report contains " + forbidden);
    }
    assertTrue(html.startsWith("<!doctype html>"));
    assertTrue(html.contains("<meta charset=\"utf-8\">"));
  }

  @Test
  void emptyTablesGiveANoDataNoteInsteadOfACharts() {
    Manifest bare = new Manifest("2025-03-31", "0.1.0", 1, 1, "c.yaml", "d", "s", "p", Map.of(), Map.of(), List.of(), List.of(), List.of());

    String html = HtmlReport.render(bare, ReportData.empty());

    assertEquals(0, count(html, "<svg"));
    for (String chart : Charts.ALL) {
      assertTrue(html.contains("<p class=\"no-data\" data-chart-empty=\"" + chart + "\">No data: "), "no note for " + chart);
    }
    assertTrue(html.contains("retention_cohorts has no rows for this date"));
  }

  @Test
  void aTableThatCouldNotBeReadSaysWhyInItsChart() {
    ReportData data = new ReportData(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        Map.of(ChurnMonthly.TABLE.name(), "could not read churn_monthly: Path does not exist"));

    String html = HtmlReport.render(manifestOfOneSmallRun(), data);

    assertTrue(html.contains("data-chart-empty=\"churn-flows\">No data: could not read churn_monthly: Path does not exist."));
  }

  @Test
  void figuresFromTheRunAppearInTooltipsAndLabels() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything());

    // Retention of JAN period 1: 1 of 2 customers.
    assertTrue(html.contains("<title>2025-01 period 1: 50.0% (1 of 2)</title>"));
    // An incomplete period says so.
    assertTrue(html.contains("<title>2025-02 period 1: 25.0% (1 of 4), period not complete</title>"));
    // Purchases: 2 rejected of 100 read.
    assertTrue(html.contains("read 100: accepted 95, rejected 2 (2.0%), duplicates 3, after as-of 0"));
    // NPS 90 with margin 20: the band stops at 100 (SPEC: NPS lies in -100..100).
    assertTrue(html.contains("<title>2025-02: 90.0 (70.0 to 100.0), 10 responses</title>"));
    // Churn rate of February: 1 of 2 at the start.
    assertTrue(html.contains("<title>2025-02: 1 churned (churn rate 50.0%)</title>"));
    // Rating mix: 3 of 10 January reviews have 5 stars.
    assertTrue(html.contains("<title>2025-01: 5 star: 3 of 10 reviews (30.0%); average 3.60</title>"));
    assertTrue(html.contains("low: 3 customers; CLV p10 1.00, p25 1.50, median 2.00"));
    assertTrue(html.contains("ingest (completed)"));
    // The one quality entry failed (a warning: failed errors stop the publish).
    assertTrue(html.contains("Quality checks: 1, <span class=\"warn\">0 passed, 1 failed</span>"));
    assertTrue(html.contains("CLV model bg_nbd: boundary solution"));
  }

  @Test
  void textFromTheDataIsEscaped() {
    ReportData data = new ReportData(List.of(), List.of(),
        List.of(new ReportData.ClvTier("<b>\"gold\" & co</b>", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
        List.of(), List.of(), List.of(), Map.of());

    String html = HtmlReport.render(manifestOfOneSmallRun(), data);

    assertFalse(html.contains("<b>\"gold\""));
    assertTrue(html.contains("&lt;b&gt;&quot;gold&quot; &amp; co&lt;/b&gt;"));
  }

  @Test
  void sectionsStandInPartOrderWithATableOfContentsAndAFailingSectionCostsOnlyItself() {
    ReportSection appendixFirstInTheList = new ReportSections.Simple("late", "Late", ReportSection.Part.APPENDIX, c -> "<p>late</p>");
    ReportSection broken = new ReportSections.Simple("broken", "Broken", ReportSection.Part.CLV, c -> {
      throw new IllegalStateException("clv_model has no row\nsecond line");
    });
    ReportSection headline = new ReportSections.Simple("head", "Head", ReportSection.Part.HEADLINE,
        c -> "<p>" + Svg.escape(c.clvLabel()) + "</p>");
    ReportSection silent = new ReportSections.Simple("silent", "Silent", ReportSection.Part.VOICE, c -> "");
    ReportContext context = ReportContext.of(manifestOfOneSmallRun(), ReportData.empty(), "EUR", 6);

    String html = HtmlReport.render(context, List.of(appendixFirstInTheList, broken, headline, silent));

    // Part order (HEADLINE < CLV < APPENDIX) wins over list order; the empty section is left out.
    int head = html.indexOf("<section id=\"section-head\">");
    int brokenAt = html.indexOf("<section id=\"section-broken\">");
    int late = html.indexOf("<section id=\"section-late\">");
    assertTrue(head > 0 && head < brokenAt && brokenAt < late, "sections out of order");
    assertFalse(html.contains("section-silent"));
    assertTrue(html.contains("<p>CLV, EUR, 6 months</p>"));
    assertTrue(html.contains("data-section-failed=\"broken\">Not available: clv_model has no row.</p>"));
    assertTrue(html.contains("<a href=\"#section-head\">Head</a> &middot; <a href=\"#section-broken\">Broken</a>"));
  }

  @Test
  void runDetailsAreInTheAppendixAfterTheBusinessSections() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything());

    int appendix = html.indexOf("<section id=\"section-appendix\">");
    assertTrue(appendix > html.indexOf("<section id=\"section-voice\">"));
    assertTrue(html.indexOf("data-chart=\"" + Charts.STEP_TIMINGS + "\"") > appendix);
    assertTrue(html.indexOf("data-chart=\"" + Charts.ROW_ACCOUNTING + "\"") > appendix);
    assertTrue(html.indexOf("<details><summary>p.csv</summary>p.csv</details>") > appendix, "input files listed in the appendix");
  }

  @Test
  void theHeadlineStripShowsTheAsOfMonthFirstWithCurrencyAndHorizon() {
    String html = HtmlReport.render(ReportContext.of(manifestOfOneSmallRun(), threeMonthsOfEverything(), "EUR", 12),
        ReportSections.ALL);

    // The as-of date 2025-03-31 ends March: March is complete; its row is the last kpi month.
    assertTrue(html.contains("March 2025 (complete month)"));
    assertTrue(html.contains(headline("net-revenue", "Net revenue, EUR", "1,234.50", "+849.6% on the month before")));
    assertTrue(html.contains(headline("active-customers", "Active customers", "3", "with a purchase in the month")));
    assertTrue(html.contains(headline("new-customers", "New customers", "1", "first purchase in the month")));
    assertTrue(html.contains(headline("nps", "NPS", "n/a", "no NPS responses in the month")));
    assertTrue(html.contains(headline("churn-rate", "Churn rate", "20.0%", "of customers active at the start of the month")));
    assertTrue(html.contains(headline("clv-total", "Total CLV, EUR, 12 months", "4,321.99", "expected over the next 12 months")));
    // The business comes first: headline, then warnings, then growth; the appendix last.
    int headline = html.indexOf("section-headline\">");
    int warnings = html.indexOf("section-warnings\">");
    int growth = html.indexOf("section-growth\">");
    assertTrue(headline < warnings && warnings < growth && growth < html.indexOf("section-customers\">"));
    assertTrue(html.contains("CLV distribution by tier (CLV, EUR, 12 months)"));
  }

  @Test
  void growthChartsDrawLifecycleWithDormantBelowAndTheLastCompleteMonthsWaterfall() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything());

    assertTrue(html.contains("<title>2025-03 (month not complete): 3 dormant (bought last month, not this month)</title>"));
    // March is not complete (is_complete_period false), so the waterfall is February's.
    assertTrue(html.contains("Revenue bridge, 2025-02"));
    assertTrue(html.contains("<title>dormant: -100 USD</title>"));
    assertTrue(html.contains("<title>this month: 130 USD</title>"));
    assertTrue(html.contains("net revenue, USD"));
    // Net change of March: 1,234.5 - 130 = 1,104.5 -> "+1,105" (rounded to whole units in the chart).
    assertTrue(html.contains("2025-03: net change +1,105 USD, ending 1,235 USD"));
  }

  @Test
  void rateChartsShowNAndMarkLowSampleMonths() {
    ReportData data = new ReportData(List.of(), List.of(), List.of(),
        List.of(new ReportData.NpsMonth(JAN, 100, 30, 15.3, false), new ReportData.NpsMonth(FEB, 12, 50, 40, true)),
        List.of(), List.of(), Map.of());

    String html = HtmlReport.render(manifestOfOneSmallRun(), data);

    assertTrue(html.contains(">n=100</text>"));
    assertTrue(html.contains(">n=12</text>"));
    assertTrue(html.contains("<title>2025-02: 50.0 (10.0 to 90.0), 12 responses (low sample)</title>"));
    assertTrue(html.contains("fewer responses than voice.min-responses (low sample)"));
  }

  @Test
  void warningsArePlainLanguageFirstWithTheModelDetailFoldedBelow() {
    String html = HtmlReport.render(manifestOfOneSmallRun(), threeMonthsOfEverything());

    int plain = html.indexOf("The BG/NBD purchase model cannot tell customers apart");
    int detail = html.indexOf("<details><summary>Detail</summary><code>CLV model bg_nbd: boundary solution</code></details>");
    assertTrue(plain > 0 && detail > plain, "plain sentence, then the detail");
    assertTrue(PlainWarnings.plain("CLV model pareto_nbd not fitted: too few repeat buyers (3 < 20)")
        .startsWith("Customer lifetime value is not available from the Pareto/NBD purchase model"));
    assertEquals("something else", PlainWarnings.plain("something else"));
  }

  @Test
  void aLongFileListIsFoldedAndCut() {
    List<String> files = java.util.stream.IntStream.rangeClosed(1, 60).mapToObj(i -> String.format("d%02d.csv", i)).toList();
    Manifest many = new Manifest("2025-03-31", "0.1.0", 1, 1, "c.yaml", "d", "s", "p",
        Map.of("purchases", new Manifest.SourceAccounting(files, 60, 60, 0, 0, 0, Map.of())), Map.of(), List.of(),
        List.of(), List.of());

    String html = HtmlReport.render(many, ReportData.empty());

    // 60 files: the first 50 listed, d51..d60 counted.
    assertTrue(html.contains("<details><summary>d01.csv .. d60.csv</summary>"));
    assertTrue(html.contains("d50.csv and 10 more (see manifest.json)</details>"));
    assertFalse(html.contains("d51.csv,"));
  }

  private static String headline(String name, String label, String value, String note) {
    return "<div class=\"kpi\" data-headline=\"" + name + "\"><div class=\"label\">" + Svg.escape(label)
        + "</div><div class=\"value\">" + Svg.escape(value) + "</div><div class=\"note\">" + Svg.escape(note) + "</div></div>";
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
