package io.rapport.report;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The small aggregates a run report draws, already on the driver: a few hundred rows at most
 * whatever the number of customers (per-customer tables are aggregated in Spark first).
 * An empty list means the table had no rows for the date; {@code problems} says why a table
 * could not be read at all (its chart then shows that instead).
 */
public record ReportData(
    List<CohortCell> cohorts,
    List<ChurnMonth> churn,
    List<ClvTier> clvTiers,
    List<NpsMonth> nps,
    List<CsatMonth> csat,
    List<RatingMonth> ratings,
    Map<String, String> problems,
    List<KpiMonth> kpis,
    List<LifecycleMonth> lifecycle,
    List<BridgeMonth> bridge,
    Double clvTotal) {

  public ReportData {
    cohorts = List.copyOf(cohorts);
    churn = List.copyOf(churn);
    clvTiers = List.copyOf(clvTiers);
    nps = List.copyOf(nps);
    csat = List.copyOf(csat);
    ratings = List.copyOf(ratings);
    problems = Map.copyOf(problems);
    kpis = List.copyOf(kpis);
    lifecycle = List.copyOf(lifecycle);
    bridge = List.copyOf(bridge);
  }

  /** The customer, CLV and voice aggregates only (no KPIs, growth tables or CLV total). */
  public ReportData(List<CohortCell> cohorts, List<ChurnMonth> churn, List<ClvTier> clvTiers, List<NpsMonth> nps,
      List<CsatMonth> csat, List<RatingMonth> ratings, Map<String, String> problems) {
    this(cohorts, churn, clvTiers, nps, csat, ratings, problems, List.of(), List.of(), List.of(), null);
  }

  public static ReportData empty() {
    return new ReportData(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
  }

  /** The same data with the growth aggregates (kpi_monthly, lifecycle overall, revenue bridge, total CLV). */
  public ReportData withGrowth(List<KpiMonth> kpis, List<LifecycleMonth> lifecycle, List<BridgeMonth> bridge,
      Double clvTotal) {
    return new ReportData(cohorts, churn, clvTiers, nps, csat, ratings, problems, kpis, lifecycle, bridge, clvTotal);
  }

  /** One row of kpi_monthly (money as a double: the report only draws and rounds it). */
  public record KpiMonth(LocalDate month, long newCustomers, long activeCustomers, double netRevenue,
      Double salesGrowthPct, Double churnRate, Double nps, Double csat) {}

  /** customer_lifecycle_monthly, dimension overall. */
  public record LifecycleMonth(LocalDate month, long newCustomers, long returningCustomers, long resurrectedCustomers,
      long dormantCustomers, boolean complete) {}

  /** One row of revenue_bridge_monthly. */
  public record BridgeMonth(LocalDate month, double starting, double newRevenue, double resurrectedRevenue,
      double expansionRevenue, double contractionRevenue, double dormantRevenue, double otherRevenue, double ending,
      boolean complete) {}

  /** One cell of retention_cohorts. */
  public record CohortCell(LocalDate cohortMonth, int periodNumber, long cohortSize, long activeCustomers,
      double retentionRate, boolean completePeriod) {}

  /** One row of churn_monthly; churnRate is null when no customer was active at the start. */
  public record ChurnMonth(LocalDate month, long customersAtStart, long newCustomers, long churnedCustomers,
      long reactivatedCustomers, long customersAtEnd, Double churnRate) {}

  /** The CLV distribution of one clv_tier (customer_clv aggregated in Spark). */
  public record ClvTier(String tier, long customers, double min, double p10, double p25, double median,
      double p75, double p90, double max, double mean, double total) {}

  /** nps_summary, dimension overall, period month. */
  public record NpsMonth(LocalDate month, long responses, double nps, double margin95, boolean lowSample) {
    public NpsMonth(LocalDate month, long responses, double nps, double margin95) {
      this(month, responses, nps, margin95, false);
    }
  }

  /** csat_summary, dimension overall, period month (percent, 0..100). */
  public record CsatMonth(LocalDate month, long responses, double csat, double wilsonLow, double wilsonHigh,
      boolean lowSample) {
    public CsatMonth(LocalDate month, long responses, double csat, double wilsonLow, double wilsonHigh) {
      this(month, responses, csat, wilsonLow, wilsonHigh, false);
    }
  }

  /** review_summary, dimension overall, period month: reviews by rating, index 0 = 1 star. */
  public record RatingMonth(LocalDate month, long reviews, List<Long> ratingCounts, double avgRating) {
    public RatingMonth {
      ratingCounts = List.copyOf(ratingCounts);
    }
  }
}
