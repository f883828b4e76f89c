package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rapport.report.Charts;
import io.rapport.report.RunReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report of the bundled-samples run, opened by a real browser (headless Chromium, Debian
 * packages chromium and chromium-driver, installed by .ci/chromium.sh): it renders, every chart
 * that has data is drawn, and the page runs no script and logs no error.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path temp;

  @BeforeEach
  void chromiumIsInstalled() {
    if (Files.isExecutable(CHROMIUM)) {
      return;
    }
    String message = "Chromium is not installed at " + CHROMIUM + ": install it with .ci/chromium.sh";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: the browser test must run)");
    }
    Assumptions.abort(message + " (skipped outside CI)");
  }

  @Test
  void theSamplesRunReportRendersEveryChartInHeadlessChromium() throws Exception {
    ReportSampleRun run = ReportSampleRun.get();
    Path report = run.runFolder().resolve(RunReport.FILE_NAME);
    assertTrue(Files.isRegularFile(report), "the run wrote no report beside its manifest: " + report);
    assertTrue(Files.exists(run.runFolder().resolve("manifest.json")));
    String html = Files.readString(report).toLowerCase();
    for (String external : List.of("<script", "http://", "https://", " src=", "<link", "url(")) {
      assertFalse(html.contains(external), "the report must work offline but contains " + external);
    }

    Path png = temp.resolve("report.png");
    Browser shot = chromium(temp.resolve("profile-screenshot"), "--screenshot=" + png, "--window-size=1400,3000",
        report.toUri().toString());
    assertEquals(0, shot.exitCode(), shot.stderr());
    assertTrue(Files.size(png) > 50_000, "screenshot too small to hold charts: " + Files.size(png) + " bytes");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1400, image.getWidth());
    assertEquals(3000, image.getHeight());
    assertTrue(distinctColours(image) > 50, "the screenshot is (nearly) one colour: " + distinctColours(image));

    Browser dom = chromium(temp.resolve("profile-dom"), "--enable-logging=stderr", "--v=0", "--dump-dom",
        report.toUri().toString());
    assertEquals(0, dom.exitCode(), dom.stderr());
    assertFalse(dom.stdout().contains("<script"), "the report must run no script");
    assertEquals(List.of(), consoleLines(dom.stderr()), "the browser console must stay silent");

    Map<String, Long> rows = rowsBehindEachChart(run.warehouse);
    List<String> drawn = new ArrayList<>();
    for (String chart : Charts.ALL) {
      Matcher svg = Pattern.compile("<svg data-chart=\"" + chart + "\"[^>]*><title>([^<]+)</title>(.*?)</svg>", Pattern.DOTALL)
          .matcher(dom.stdout());
      if (rows.getOrDefault(chart, 1L) > 0) {
        assertTrue(svg.find(), "chart " + chart + " is missing from the rendered page");
        assertTrue(svg.group(2).matches("(?s).*<(rect|polyline|circle)\\b.*"), "chart " + chart + " is empty");
        drawn.add(chart);
      } else {
        // The samples leave this table without data for the chart: the page must say so.
        System.err.println("ReportBrowserTest: chart " + chart + " has no data in the samples run; expecting its no-data note");
        assertTrue(dom.stdout().contains("data-chart-empty=\"" + chart + "\""), "no no-data note for " + chart);
      }
    }
    headlineMatchesTheTables(dom.stdout(), run.warehouse);
    // The samples hold data for every chart; only CLV may be empty (a boundary fit leaves it null).
    assertTrue(drawn.size() >= Charts.ALL.size() - 1, "charts drawn: " + drawn);
    if (Files.isDirectory(Path.of("target"))) {
      // Kept for people (and CI artifacts) to look at.
      Files.copy(png, Path.of("target", "report-screenshot.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The value printed in a headline card of the rendered page. */
  static String headline(String dom, String name) {
    Matcher m = Pattern.compile("data-headline=\"" + name + "\"><div class=\"label\">[^<]*</div><div class=\"value\">([^<]*)</div>")
        .matcher(dom);
    assertTrue(m.find(), "no headline " + name + " in the rendered page");
    return m.group(1);
  }

  /** The headline strip's figures, read back from the browser's DOM, equal the as-of month of kpi_monthly and customer_clv. */
  static void headlineMatchesTheTables(String dom, Path warehouse) throws SQLException {
    String kpi = "SELECT CAST(%s AS VARCHAR) FROM " + table(warehouse, "kpi_monthly") + " ORDER BY month DESC LIMIT 1";
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      java.util.function.Function<String, Double> value = sql -> {
        try {
          String v = SqlDuckDbTest.strings(duck, sql).get(0);
          return v == null ? null : Double.valueOf(v);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      };
      java.util.function.BiFunction<String, Double, String> shown = (pattern, v) ->
          v == null ? "n/a" : String.format(java.util.Locale.ROOT, pattern, v);
      assertEquals(shown.apply("%,.2f", value.apply(String.format(kpi, "net_revenue"))), headline(dom, "net-revenue"));
      assertEquals(shown.apply("%,.0f", value.apply(String.format(kpi, "active_customers"))), headline(dom, "active-customers"));
      assertEquals(shown.apply("%,.0f", value.apply(String.format(kpi, "new_customers"))), headline(dom, "new-customers"));
      assertEquals(shown.apply("%.1f", value.apply(String.format(kpi, "nps"))), headline(dom, "nps"));
      assertEquals(shown.apply("%.1f%%", value.apply(String.format(kpi, "csat"))), headline(dom, "csat"));
      assertEquals(shown.apply("%.1f%%", value.apply(String.format(kpi, "100 * churn_rate"))), headline(dom, "churn-rate"));
      assertEquals(shown.apply("%,.2f", value.apply("SELECT CAST(sum(CAST(clv AS DOUBLE)) AS VARCHAR) FROM "
          + table(warehouse, "customer_clv"))), headline(dom, "clv-total"));
      System.err.println("ReportBrowserTest: headline net revenue " + headline(dom, "net-revenue") + ", active "
          + headline(dom, "active-customers") + ", CLV " + headline(dom, "clv-total") + " agree with the tables");
    }
  }

  @Test
  void theConsoleCheckCatchesAScriptError() throws Exception {
    Path page = Files.writeString(temp.resolve("broken.html"),
        "<html><body><p>x</p><script>undefinedFunction();</script></body></html>");

    Browser dom = chromium(temp.resolve("profile-broken"), "--enable-logging=stderr", "--v=0", "--dump-dom",
        page.toUri().toString());

    assertTrue(dom.stdout().contains("<script"));
    assertTrue(consoleLines(dom.stderr()).stream().anyMatch(l -> l.contains("Uncaught ReferenceError")), dom.stderr());
  }

  /** The rows each chart draws from, per the published tables (DuckDB reads them directly). */
  static Map<String, Long> rowsBehindEachChart(Path warehouse) throws SQLException {
    Map<String, String> sql = new LinkedHashMap<>();
    String overallMonths = " WHERE dimension = 'overall' AND period_type = 'month'";
    sql.put(Charts.LIFECYCLE, "SELECT count(*) FROM " + table(warehouse, "customer_lifecycle_monthly") + " WHERE dimension = 'overall'");
    sql.put(Charts.REVENUE_WATERFALL, "SELECT count(*) FROM " + table(warehouse, "revenue_bridge_monthly") + " WHERE is_complete_period");
    sql.put(Charts.REVENUE_BRIDGE_TREND, "SELECT count(*) FROM " + table(warehouse, "revenue_bridge_monthly"));
    sql.put(Charts.RETENTION_HEATMAP, "SELECT count(*) FROM " + table(warehouse, "retention_cohorts"));
    sql.put(Charts.CHURN_FLOWS, "SELECT count(*) FROM " + table(warehouse, "churn_monthly"));
    sql.put(Charts.CLV_BY_TIER, "SELECT count(*) FROM " + table(warehouse, "customer_clv") + " WHERE clv IS NOT NULL AND clv_tier IS NOT NULL");
    sql.put(Charts.NPS_TREND, "SELECT count(*) FROM " + table(warehouse, "nps_summary") + overallMonths);
    sql.put(Charts.CSAT_TREND, "SELECT count(*) FROM " + table(warehouse, "csat_summary") + overallMonths);
    sql.put(Charts.RATING_MIX, "SELECT count(*) FROM " + table(warehouse, "review_summary") + overallMonths);
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (var entry : sql.entrySet()) {
        rows.put(entry.getKey(), SqlDuckDbTest.single(duck, entry.getValue()));
      }
    }
    return rows;
  }

  private static String table(Path warehouse, String table) {
    return "read_parquet('" + warehouse.resolve(table) + "/*/*.parquet')";
  }

  record Browser(int exitCode, String stdout, String stderr) {}

  /** One headless Chromium call, isolated in its own profile, with every background network feature off. */
  static Browser chromium(Path profile, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("Chromium did not finish within 180 s: " + command);
    }
    return new Browser(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Messages the page wrote to the browser console (errors, uncaught exceptions). */
  static List<String> consoleLines(String stderr) {
    return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
