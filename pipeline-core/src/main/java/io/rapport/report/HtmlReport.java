package io.rapport.report;

import io.rapport.catalog.Catalog;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import io.rapport.warehouse.Manifest;
import java.util.List;
import java.util.Map;

/**
 * Renders the run report: one self-contained HTML page (inline CSS and SVG, no script, no
 * reference to anything outside the file), so it opens offline from the warehouse folder or an
 * e-mail attachment.
 */
public final class HtmlReport {
  private static final String CSS = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}
      h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:0 0 4px}h3{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
      table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
      td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f6f8}
      figure.chart{margin:20px 0 28px}.caption{color:#555;font-size:13px;margin:0 0 8px}
      .no-data{background:#f7f7f7;border:1px dashed #bbb;padding:16px;color:#555}
      .warn{color:#8a5300}.fail{color:#b00020}.ok{color:#2e7d32}.meta{color:#555;font-size:13px}
      """;

  private HtmlReport() {}

  public static String render(Manifest manifest, ReportData data) {
    StringBuilder html = new StringBuilder();
    String asOf = manifest.asOfDate();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Rapport run report ").append(Svg.escape(asOf)).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>Rapport run report: as of ").append(Svg.escape(asOf)).append("</h1>\n")
        .append("<p class=\"meta\">Rapport ").append(Svg.escape(manifest.rapportVersion()))
        .append(" &middot; job instance ").append(manifest.jobInstanceId())
        .append(", execution ").append(manifest.jobExecutionId())
        .append(" &middot; started ").append(Svg.escape(manifest.startedAt()))
        .append(" &middot; published ").append(Svg.escape(manifest.publishedAt()))
        .append("<br>configuration ").append(Svg.escape(manifest.configFile()))
        .append(" (SHA-256 ").append(Svg.escape(shortDigest(manifest.configDigest()))).append(")</p>\n");
    quality(html, manifest);
    warnings(html, manifest.warnings());

    html.append("<h3>Run</h3>\n")
        .append(Charts.rowAccounting(manifest.inputs()))
        .append(Charts.stepTimings(manifest.steps()));
    outputs(html, manifest.outputRows());

    html.append("<h3>Customers</h3>\n")
        .append(Charts.retentionHeatmap(data.cohorts(), data.problems().get(RetentionCohorts.TABLE.name())))
        .append(Charts.churnFlows(data.churn(), data.problems().get(ChurnMonthly.TABLE.name())))
        .append(Charts.clvByTier(data.clvTiers(), data.problems().get(CustomerClv.TABLE.name())));

    html.append(ClvModelSection.render(data.clvModel()));

    html.append("<h3>Voice of the customer</h3>\n")
        .append(Charts.npsTrend(data.nps(), data.problems().get(NpsSummary.TABLE.name())))
        .append(Charts.csatTrend(data.csat(), data.problems().get(CsatSummary.TABLE.name())))
        .append(Charts.ratingMix(data.ratings(), data.problems().get(ReviewSummary.TABLE.name())));

    html.append("<p class=\"meta\">Written by the publish step beside the manifest (_runs/as_of_date=")
        .append(Svg.escape(asOf)).append("/). Tables and definitions: docs/tables/.</p>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void quality(StringBuilder html, Manifest manifest) {
    List<Manifest.QualityEntry> checks = manifest.quality() == null ? List.of() : manifest.quality();
    List<Manifest.QualityEntry> failed = checks.stream().filter(c -> !c.passed()).toList();
    html.append("<p>Quality checks: ").append(checks.size()).append(", ")
        .append("<span class=\"").append(failed.isEmpty() ? "ok" : "warn").append("\">")
        .append(checks.size() - failed.size()).append(" passed, ").append(failed.size()).append(" failed</span>")
        .append(failed.isEmpty() ? "" : " (a run with a failed ERROR check is not published, so these are warnings)")
        .append(".</p>\n");
    if (!failed.isEmpty()) {
      html.append("<table><tr><th>table</th><th>check</th><th>severity</th><th class=\"n\">failing rows</th><th>detail</th></tr>\n");
      for (Manifest.QualityEntry c : failed) {
        html.append("<tr><td>").append(Svg.escape(c.table())).append("</td><td>").append(Svg.escape(c.check()))
            .append("</td><td>").append(Svg.escape(c.severity())).append("</td><td class=\"n\">")
            .append(Charts.count(c.failingRows())).append("</td><td>").append(Svg.escape(c.detail())).append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
  }

  private static void warnings(StringBuilder html, List<String> warnings) {
    if (warnings == null || warnings.isEmpty()) {
      return;
    }
    html.append("<p class=\"warn\">Warnings:</p>\n<ul class=\"warn\">\n");
    for (String w : warnings) {
      html.append("<li>").append(Svg.escape(w)).append("</li>\n");
    }
    html.append("</ul>\n");
  }

  private static void outputs(StringBuilder html, Map<String, Long> rows) {
    html.append("<h2>Tables published</h2>\n");
    if (rows == null || rows.isEmpty()) {
      html.append("<p class=\"no-data\">No data: the manifest lists no table.</p>\n");
      return;
    }
    html.append("<table><tr><th>table</th><th class=\"n\">rows</th></tr>\n");
    for (String table : Catalog.publishedNames()) {
      if (rows.containsKey(table)) {
        row(html, table, rows.get(table));
      }
    }
    rows.entrySet().stream().filter(e -> !Catalog.publishedNames().contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey()).forEach(e -> row(html, e.getKey(), e.getValue()));
    html.append("</table>\n");
  }

  private static void row(StringBuilder html, String table, Long rows) {
    html.append("<tr><td>").append(Svg.escape(table)).append("</td><td class=\"n\">")
        .append(rows == null ? "" : Charts.count(rows)).append("</td></tr>\n");
  }

  private static String shortDigest(String digest) {
    return digest == null ? "" : digest.substring(0, Math.min(12, digest.length()));
  }
}
