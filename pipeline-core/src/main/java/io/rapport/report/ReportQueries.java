package io.rapport.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The report's aggregates: pure transformations of the published tables (testable on hand-made
 * frames), and {@link #collect} which reads one date's tables and brings the small results to the
 * driver.
 */
public final class ReportQueries {
  /** At most this many months (or cohorts) are drawn: the charts stay readable. */
  public static final int MAX_MONTHS = 36;

  public static final String TIER = "tier";
  public static final String CUSTOMERS = "customers";
  public static final String CLV_MIN = "clv_min";
  public static final String CLV_P10 = "clv_p10";
  public static final String CLV_P25 = "clv_p25";
  public static final String CLV_MEDIAN = "clv_median";
  public static final String CLV_P75 = "clv_p75";
  public static final String CLV_P90 = "clv_p90";
  public static final String CLV_MAX = "clv_max";
  public static final String CLV_MEAN = "clv_mean";
  public static final String CLV_TOTAL = "clv_total";

  private ReportQueries() {}

  /**
   * One row per clv_tier with the tier's customers and its CLV distribution (approximate
   * percentiles, as doubles); customers without a CLV (model not fitted) are left out.
   */
  public static Dataset<Row> clvByTier(Dataset<Row> customerClv) {
    var clv = col(CustomerClv.CLV).cast(DataTypes.DoubleType);
    var quantiles = percentile_approx(clv, array(lit(0.1), lit(0.25), lit(0.5), lit(0.75), lit(0.9)), lit(10_000));
    return customerClv
        .where(col(CustomerClv.CLV).isNotNull().and(col(CustomerClv.CLV_TIER).isNotNull()))
        .groupBy(col(CustomerClv.CLV_TIER).as(TIER))
        .agg(count(lit(1)).as(CUSTOMERS), min(clv).as(CLV_MIN), quantiles.as("q"), max(clv).as(CLV_MAX),
            avg(clv).as(CLV_MEAN), sum(clv).as(CLV_TOTAL))
        .select(col(TIER), col(CUSTOMERS), col(CLV_MIN),
            element_at(col("q"), 1).as(CLV_P10), element_at(col("q"), 2).as(CLV_P25),
            element_at(col("q"), 3).as(CLV_MEDIAN), element_at(col("q"), 4).as(CLV_P75),
            element_at(col("q"), 5).as(CLV_P90), col(CLV_MAX), col(CLV_MEAN), col(CLV_TOTAL))
        .orderBy(col(CLV_MEDIAN), col(TIER));
  }

  /** The monthly rows of dimension {@code overall} of nps_summary, csat_summary or review_summary. */
  public static Dataset<Row> overallMonths(Dataset<Row> summary) {
    return summary
        .where(col(NpsSummary.DIMENSION).equalTo(NpsSummary.DIMENSION_OVERALL)
            .and(col(NpsSummary.PERIOD_TYPE).equalTo(NpsSummary.PERIOD_MONTH)))
        .orderBy(col(NpsSummary.PERIOD_START));
  }

  /** Reads the as-of date's published tables and collects the report's aggregates. */
  public static ReportData collect(SparkSession spark, WarehouseLayout layout, LocalDate asOf) {
    Map<String, String> problems = new LinkedHashMap<>();
    Function<String, Dataset<Row>> table = name -> TableIo.read(spark, layout.tablePartition(name, asOf));

    List<ReportData.CohortCell> cohorts = read(problems, RetentionCohorts.TABLE.name(), () -> {
      List<Row> rows = table.apply(RetentionCohorts.TABLE.name())
          .select(RetentionCohorts.COHORT_MONTH, RetentionCohorts.PERIOD_NUMBER, RetentionCohorts.COHORT_SIZE,
              RetentionCohorts.ACTIVE_CUSTOMERS, RetentionCohorts.RETENTION_RATE, RetentionCohorts.IS_COMPLETE_PERIOD)
          .where(col(RetentionCohorts.PERIOD_NUMBER).lt(MAX_MONTHS))
          .collectAsList();
      List<LocalDate> recent = rows.stream().map(r -> date(r, 0)).distinct().sorted().toList();
      LocalDate from = recent.isEmpty() ? null : recent.get(Math.max(0, recent.size() - MAX_MONTHS));
      List<ReportData.CohortCell> cells = new ArrayList<>();
      for (Row r : rows) {
        if (!date(r, 0).isBefore(from)) {
          cells.add(new ReportData.CohortCell(date(r, 0), r.getInt(1), r.getLong(2), r.getLong(3), r.getDouble(4), r.getBoolean(5)));
        }
      }
      return cells;
    });

    List<ReportData.ChurnMonth> churn = read(problems, ChurnMonthly.TABLE.name(), () -> last(table.apply(ChurnMonthly.TABLE.name())
        .select(ChurnMonthly.MONTH, ChurnMonthly.CUSTOMERS_AT_START, ChurnMonthly.NEW_CUSTOMERS,
            ChurnMonthly.CHURNED_CUSTOMERS, ChurnMonthly.REACTIVATED_CUSTOMERS, ChurnMonthly.CUSTOMERS_AT_END,
            ChurnMonthly.CHURN_RATE)
        .orderBy(col(ChurnMonthly.MONTH).desc()).limit(MAX_MONTHS).collectAsList().stream()
        .map(r -> new ReportData.ChurnMonth(date(r, 0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
            r.getLong(5), r.isNullAt(6) ? null : r.getDouble(6)))
        .toList()));

    List<ReportData.ClvTier> tiers = read(problems, CustomerClv.TABLE.name(), () -> clvByTier(table.apply(CustomerClv.TABLE.name()))
        .collectAsList().stream()
        .map(r -> new ReportData.ClvTier(r.getString(0), r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
            r.getDouble(5), r.getDouble(6), r.getDouble(7), r.getDouble(8), r.getDouble(9), r.getDouble(10)))
        .toList());

    List<ReportData.NpsMonth> nps = read(problems, NpsSummary.TABLE.name(), () -> last(overallMonths(table.apply(NpsSummary.TABLE.name()))
        .select(NpsSummary.PERIOD_START, NpsSummary.RESPONSES, NpsSummary.NPS, NpsSummary.NPS_MARGIN_95)
        .orderBy(col(NpsSummary.PERIOD_START).desc()).limit(MAX_MONTHS).collectAsList().stream()
        .map(r -> new ReportData.NpsMonth(date(r, 0), r.getLong(1), r.getDouble(2), r.getDouble(3)))
        .toList()));

    List<ReportData.CsatMonth> csat = read(problems, CsatSummary.TABLE.name(), () -> last(overallMonths(table.apply(CsatSummary.TABLE.name()))
        .select(CsatSummary.PERIOD_START, CsatSummary.RESPONSES, CsatSummary.CSAT, CsatSummary.CSAT_WILSON_LOW,
            CsatSummary.CSAT_WILSON_HIGH)
        .orderBy(col(CsatSummary.PERIOD_START).desc()).limit(MAX_MONTHS).collectAsList().stream()
        .map(r -> new ReportData.CsatMonth(date(r, 0), r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4)))
        .toList()));

    List<ReportData.RatingMonth> ratings = read(problems, ReviewSummary.TABLE.name(), () -> last(overallMonths(table.apply(ReviewSummary.TABLE.name()))
        .select(ReviewSummary.PERIOD_START, ReviewSummary.REVIEWS, ReviewSummary.RATING_1, ReviewSummary.RATING_2,
            ReviewSummary.RATING_3, ReviewSummary.RATING_4, ReviewSummary.RATING_5, ReviewSummary.AVG_RATING)
        .orderBy(col(ReviewSummary.PERIOD_START).desc()).limit(MAX_MONTHS).collectAsList().stream()
        .map(r -> new ReportData.RatingMonth(date(r, 0), r.getLong(1),
            List.of(r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)), r.getDouble(7)))
        .toList()));

    return new ReportData(cohorts, churn, tiers, nps, csat, ratings, problems, ClvModelSection.collect(table));
  }

  /** Rows were taken newest first to keep the last months; the charts want them oldest first. */
  private static <T> List<T> last(List<T> newestFirst) {
    List<T> list = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(list);
    return list;
  }

  private interface Query<T> {
    List<T> run();
  }

  /** A table that cannot be read costs its chart, not the report. */
  private static <T> List<T> read(Map<String, String> problems, String table, Query<T> query) {
    try {
      return query.run();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java terms but thrown unchecked
      problems.put(table, "could not read " + table + ": " + firstLine(e.getMessage()));
      return List.of();
    }
  }

  private static String firstLine(String message) {
    return message == null ? "unknown error" : message.lines().findFirst().orElse("");
  }

  private static LocalDate date(Row row, int i) {
    Object value = row.get(i);
    return value instanceof LocalDate d ? d : ((Date) value).toLocalDate();
  }
}
