package io.rapport.report;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import java.util.List;
import java.util.function.Function;

/**
 * The report's sections, in page order within each {@link ReportSection.Part}. Add a section
 * here as one line (its class beside this one).
 */
public final class ReportSections {
  private ReportSections() {}

  /** A section given by a function, for the report's own small sections. */
  record Simple(String id, String title, ReportSection.Part part, Function<ReportContext, String> body)
      implements ReportSection {
    @Override
    public String render(ReportContext context) {
      return body.apply(context);
    }
  }

  static final ReportSection WARNINGS = new Simple("warnings", "Warnings and checks", ReportSection.Part.WARNINGS,
      HtmlReport::warningsAndChecks);

  static final ReportSection COHORTS = new Simple("customers", "Cohorts and churn", ReportSection.Part.CUSTOMERS,
      c -> Charts.retentionHeatmap(c.data().cohorts(), c.data().problems().get(RetentionCohorts.TABLE.name()))
          + Charts.churnFlows(c.data().churn(), c.data().problems().get(ChurnMonthly.TABLE.name())));

  static final ReportSection CLV = new Simple("clv", "Customer lifetime value", ReportSection.Part.CLV,
      c -> Charts.clvByTier(c.data().clvTiers(), c.data().problems().get(CustomerClv.TABLE.name()), c.clvLabel()));

  static final ReportSection CLV_MODEL = new Simple("clv-model", "CLV model choice and intervals",
      ReportSection.Part.CLV, c -> ClvModelSection.render(ClvModelSection.collect(c::table)));

  static final ReportSection VOICE = new Simple("voice", "Voice of the customer", ReportSection.Part.VOICE,
      c -> Charts.npsTrend(c.data().nps(), c.data().problems().get(NpsSummary.TABLE.name()))
          + Charts.csatTrend(c.data().csat(), c.data().problems().get(CsatSummary.TABLE.name()))
          + Charts.ratingMix(c.data().ratings(), c.data().problems().get(ReviewSummary.TABLE.name())));

  static final ReportSection ANOMALIES = new Simple("run-metrics", "Run metrics and anomalies",
      ReportSection.Part.MONITORING, c -> AnomalySection.render(c.manifest()));

  static final ReportSection APPENDIX = new Simple("appendix", "Appendix: run details", ReportSection.Part.APPENDIX,
      HtmlReport::appendix);

  /** Every section of the report; {@link HtmlReport} orders them by part, then by this list. */
  public static final List<ReportSection> ALL = List.of(
      new HeadlineSection(),
      WARNINGS,
      new GrowthSection(),
      COHORTS,
      CLV,
      CLV_MODEL,
      VOICE,
      ANOMALIES,
      APPENDIX);
}
