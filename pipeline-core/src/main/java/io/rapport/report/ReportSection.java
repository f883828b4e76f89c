package io.rapport.report;

/**
 * One section of the run report: a heading and a body of figures and tables. Sections are listed
 * once in {@link ReportSections#ALL}; {@link HtmlReport} draws them by {@link Part} and then in
 * list order, with a table of contents. A section that throws costs only itself: the page shows
 * a "not available" note in its place and the rest of the report is still written.
 *
 * <p>Adding a section (for example the anomaly history or the CLV model choice) is one class
 * implementing this interface plus one line in {@link ReportSections#ALL}. A section reads what
 * it needs through {@link ReportContext}: the run's manifest, the core aggregates already
 * collected ({@link ReportContext#data()}), the reporting currency and CLV horizon, and the
 * date's published tables ({@link ReportContext#table(String)}; aggregate in Spark and collect
 * small results only).
 */
public interface ReportSection {
  /** Where a section stands on the page: the business first, the engineering appendix last. */
  enum Part {
    /** The as-of month's headline numbers. */
    HEADLINE,
    /** Plain-language warnings and failed checks, before any chart. */
    WARNINGS,
    /** Growth: lifecycle, revenue bridge. */
    GROWTH,
    /** Cohorts, churn. */
    CUSTOMERS,
    /** Customer lifetime value and its model. */
    CLV,
    /** Surveys and reviews. */
    VOICE,
    /** Run health over time (e.g. anomaly history). */
    MONITORING,
    /** Step timings, row accounting, file lists, published tables. */
    APPENDIX
  }

  /** Anchor of the section, unique in the report: {@code id="section-<id>"}, kebab-case. */
  String id();

  /** The section's heading. */
  String title();

  Part part();

  /**
   * The section's HTML (without its heading, which the report writes). Text must be escaped
   * ({@code Svg.escape}); charts follow {@link Charts}' conventions ({@code data-chart} names).
   * Return an empty string to leave the section out of this report (e.g. nothing to say).
   */
  String render(ReportContext context);
}
