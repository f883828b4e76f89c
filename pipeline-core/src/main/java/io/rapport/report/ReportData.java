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
    ClvModelSection.Data clvModel) {

  public ReportData {
    cohorts = List.copyOf(cohorts);
    churn = List.copyOf(churn);
    clvTiers = List.copyOf(clvTiers);
    nps = List.copyOf(nps);
    csat = List.copyOf(csat);
    ratings = List.copyOf(ratings);
    problems = Map.copyOf(problems);
    clvModel = clvModel == null ? ClvModelSection.Data.empty() : clvModel;
  }

  /** Without the CLV model section's data (it then shows "no data"). */
  public ReportData(List<CohortCell> cohorts, List<ChurnMonth> churn, List<ClvTier> clvTiers, List<NpsMonth> nps,
      List<CsatMonth> csat, List<RatingMonth> ratings, Map<String, String> problems) {
    this(cohorts, churn, clvTiers, nps, csat, ratings, problems, null);
  }

  public static ReportData empty() {
    return new ReportData(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
  }

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
  public record NpsMonth(LocalDate month, long responses, double nps, double margin95) {}

  /** csat_summary, dimension overall, period month (percent, 0..100). */
  public record CsatMonth(LocalDate month, long responses, double csat, double wilsonLow, double wilsonHigh) {}

  /** review_summary, dimension overall, period month: reviews by rating, index 0 = 1 star. */
  public record RatingMonth(LocalDate month, long reviews, List<Long> ratingCounts, double avgRating) {
    public RatingMonth {
      ratingCounts = List.copyOf(ratingCounts);
    }
  }
}
