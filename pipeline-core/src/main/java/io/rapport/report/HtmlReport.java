package io.rapport.report;

import io.rapport.catalog.Catalog;
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
      .headline{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 12px}.kpi{border:1px solid #dde3ea;border-radius:6px;padding:8px 12px;min-width:118px;background:#f8fafc}
      .kpi .label{font-size:12px;color:#555}.kpi .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums;margin:2px 0}.kpi .note{font-size:11px;color:#777}
      ul.warnings{padding-left:20px}ul.warnings li{margin:4px 0}details{color:#555;font-size:12px;margin:2px 0 6px}code{white-space:pre-wrap}
      nav.toc{font-size:13px;margin:8px 0 4px;color:#555}nav.toc a{color:#1f3f6b}
      .warn{color:#8a5300}.fail{color:#b00020}.ok{color:#2e7d32}.meta{color:#555;font-size:13px}
      """;

  /** Input files listed per source in the appendix; the manifest has them all. */
  static final int FILES_LISTED = 50;

  private HtmlReport() {}

  /** The report with the default currency (USD) and CLV horizon (12 months), for rendering collected data. */
  public static String render(Manifest manifest, ReportData data) {
    return render(ReportContext.of(manifest, data, "USD", 12), ReportSections.ALL);
  }

  /** The report of {@code sections}, ordered by part and then by list order. */
  public static String render(ReportContext context, List<ReportSection> sections) {
    Manifest manifest = context.manifest();
    StringBuilder html = new StringBuilder();
    String asOf = manifest.asOfDate();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Rapport run report ").append(Svg.escape(asOf)).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>Rapport run report: as of ").append(Svg.escape(asOf)).append("</h1>\n")
        .append("<p class=\"meta\">Rapport ").append(Svg.escape(manifest.rapportVersion()))
        .append(" &middot; money in ").append(Svg.escape(context.currency()))
        .append(" &middot; published ").append(Svg.escape(manifest.publishedAt())).append("</p>\n");

    List<ReportSection> ordered = sections.stream()
        .sorted(java.util.Comparator.comparing(ReportSection::part))
        .toList();
    List<String[]> rendered = new java.util.ArrayList<>();
    for (ReportSection section : ordered) {
      String body;
      try {
        body = section.render(context);
      } catch (RuntimeException e) { // a section is an extra: it costs itself, never the report
        body = "<p class=\"no-data\" data-section-failed=\"" + Svg.escape(section.id()) + "\">Not available: "
            + Svg.escape(e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("")) + ".</p>\n";
      }
      if (body != null && !body.isEmpty()) {
        rendered.add(new String[] {section.id(), section.title(), body});
      }
    }
    html.append("<nav class=\"toc\">");
    for (int i = 0; i < rendered.size(); i++) {
      html.append(i == 0 ? "" : " &middot; ").append("<a href=\"#section-").append(Svg.escape(rendered.get(i)[0]))
          .append("\">").append(Svg.escape(rendered.get(i)[1])).append("</a>");
    }
    html.append("</nav>\n");
    for (String[] s : rendered) {
      html.append("<section id=\"section-").append(Svg.escape(s[0])).append("\">\n<h3>").append(Svg.escape(s[1]))
          .append("</h3>\n").append(s[2]).append("</section>\n");
    }
    html.append("<p class=\"meta\">Written by the publish step beside the manifest (_runs/as_of_date=")
        .append(Svg.escape(asOf)).append("/). Tables and definitions: docs/tables/.</p>\n</body>\n</html>\n");
    return html.toString();
  }

  /** Failed checks and the run's warnings; empty when all passed and nothing was said. */
  static String warningsAndChecks(ReportContext context) {
    StringBuilder html = new StringBuilder();
    warnings(html, context.manifest().warnings());
    quality(html, context.manifest());
    return html.toString();
  }

  /** Engineering detail: identity of the run, row accounting, step timings, published tables, input files. */
  static String appendix(ReportContext context) {
    Manifest manifest = context.manifest();
    StringBuilder html = new StringBuilder();
    html.append("<p class=\"meta\">job instance ").append(manifest.jobInstanceId())
        .append(", execution ").append(manifest.jobExecutionId())
        .append(" &middot; started ").append(Svg.escape(manifest.startedAt()))
        .append(" &middot; published ").append(Svg.escape(manifest.publishedAt()))
        .append("<br>configuration ").append(Svg.escape(manifest.configFile()))
        .append(" (SHA-256 ").append(Svg.escape(shortDigest(manifest.configDigest()))).append(")</p>\n");
    html.append(Charts.rowAccounting(manifest.inputs())).append(Charts.stepTimings(manifest.steps()));
    outputs(html, manifest.outputRows());
    files(html, manifest.inputs());
    return html.toString();
  }

  private static void files(StringBuilder html, Map<String, Manifest.SourceAccounting> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      return;
    }
    html.append("<h2>Input files</h2>\n<table><tr><th>source</th><th class=\"n\">files</th><th>files read</th></tr>\n");
    for (var e : new java.util.TreeMap<>(inputs).entrySet()) {
      List<String> files = e.getValue().files() == null ? List.of() : e.getValue().files();
      // Thousands of day files are common: folded, and at most FILES_LISTED of them, so the page stays small.
      List<String> shown = files.subList(0, Math.min(FILES_LISTED, files.size()));
      html.append("<tr><td>").append(Svg.escape(e.getKey())).append("</td><td class=\"n\">").append(files.size())
          .append("</td><td><details><summary>").append(files.isEmpty() ? "none" : Svg.escape(files.get(0))
              + (files.size() > 1 ? " .. " + Svg.escape(files.get(files.size() - 1)) : ""))
          .append("</summary>").append(Svg.escape(String.join(", ", shown)))
          .append(files.size() > shown.size() ? " and " + (files.size() - shown.size()) + " more (see manifest.json)" : "")
          .append("</details></td></tr>\n");
    }
    html.append("</table>\n");
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

  /** Each warning in plain language, with the original text (the model's figures) folded below it. */
  private static void warnings(StringBuilder html, List<String> warnings) {
    if (warnings == null || warnings.isEmpty()) {
      return;
    }
    html.append("<ul class=\"warnings\">\n");
    for (String w : warnings) {
      html.append("<li class=\"warn\"><span class=\"plain\">").append(Svg.escape(PlainWarnings.plain(w))).append("</span>");
      if (PlainWarnings.hasDetail(w)) {
        html.append("<details><summary>Detail</summary><code>").append(Svg.escape(w)).append("</code></details>");
      }
      html.append("</li>\n");
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
