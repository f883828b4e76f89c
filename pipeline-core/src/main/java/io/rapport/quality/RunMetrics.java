package io.rapport.quality;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.intermediate.Orders;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.schema.Check;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The metrics of one run (SPEC 5, Run metrics and anomalies) and the table {@code run_metrics}
 * that records them with their verdicts. Cheap by construction: the per-source and per-table
 * figures are counts the run already has (ingest's accounting, the rows counted while each table
 * was written); the rest are small aggregations: the last 28 days of {@code fact_orders} and
 * {@code fact_survey_responses} (a few columns, filtered on the day), one row of
 * {@code churn_monthly}, the sum of one column of {@code customer_clv}, the rows of
 * {@code clv_model}.
 */
public final class RunMetrics {
  public static final String METRIC = "metric";
  public static final String VALUE = "value";
  public static final String BASELINE = "baseline";
  public static final String LOWER_BOUND = "lower_bound";
  public static final String UPPER_BOUND = "upper_bound";
  public static final String BASELINE_RUNS = "baseline_runs";
  public static final String RULE = "rule";
  public static final String STATUS = "status";
  public static final String DETAIL = "detail";
  public static final String SEVERITY = "severity";
  public static final String IS_ACCEPTED = "is_accepted";
  public static final String BASELINE_AS_OF_DATES = "baseline_as_of_dates";

  /** The window of the {@code _28d} metrics: the as-of day and the 27 days before it. */
  public static final int WINDOW_DAYS = 28;

  public static final TableSpec TABLE = TableSpec.table("run_metrics")
      .grain("One row per run metric for one as-of date.")
      .notes("Every run records its metrics and judges each against the same metric of the latest published runs "
          + "with an earlier as-of date (at most `quality.anomalies.baseline-runs`, default 7): baseline = their "
          + "median, bounds = baseline x (1 -/+ max-relative-change). A value outside the bounds gets the metric's "
          + "severity as status (`error` stops the publish unless the run accepts it with `--accept-anomaly`); fewer "
          + "than 3 baseline values give `no_baseline`. Metric names: `<source>.rows_read`, `<source>.rows_accepted`, "
          + "`<source>.rows_rejected`, `<source>.reject_rate`, `<table>.rows`, `orders_28d`, `net_revenue_28d`, "
          + "`active_customers_28d`, `nps_28d`, `csat_28d`, `churn_rate_last_month`, `clv_total`, "
          + "`<model>.<parameter>`. Reading and overriding an anomaly: docs/operations.md; choices Q1.. in "
          + "docs/decisions/anomalies.md.")
      .documentedIn("run-metrics.md")
      .builtBy(RunMetrics.class)
      .column(METRIC, StringType, REQUIRED, "", "The metric's name, the key its rule is configured under (`quality.anomalies.metrics.<metric>`).")
      .column(VALUE, DoubleType, NULLABLE, "", "This run's value; null when the run has none (no survey response in 28 days, a model not fitted).")
      .column(BASELINE, DoubleType, NULLABLE, "", "Median of the metric over the baseline runs; null with fewer than 3 (status `no_baseline`).")
      .column(LOWER_BOUND, DoubleType, NULLABLE, "", "baseline x (1 - max-relative-change) (the smaller of the two bounds for a negative baseline).")
      .column(UPPER_BOUND, DoubleType, NULLABLE, "", "baseline x (1 + max-relative-change).")
      .column(BASELINE_RUNS, IntegerType, REQUIRED, "runs", "Earlier published runs with a value of the metric that the baseline is the median of (fewer than 3: no baseline).")
      .column(RULE, StringType, REQUIRED, "", "The rule applied, with its max-relative-change and severity.")
      .column(STATUS, StringType, REQUIRED, "", "`ok`, `warning`, `error` (outside the bounds; the metric's severity) or `no_baseline`.")
      .column(DETAIL, StringType, REQUIRED, "", "The value against its bounds, and the as-of dates of the baseline runs.")
      .column(SEVERITY, StringType, REQUIRED, "", "What a value outside the bounds does: `error` fails the quality gate, `warning` is reported.")
      .column(IS_ACCEPTED, BooleanType, REQUIRED, "", "True when the run was told to accept this metric (`rapport run --accept-anomaly METRIC`); an accepted `error` does not stop the publish.")
      .column(BASELINE_AS_OF_DATES, StringType, NULLABLE, "", "As-of dates of the baseline runs, newest first, comma-separated; null when there is none.")
      .key(METRIC)
      .check(Check.rule("status_in_domain", "status is ok, warning, error or no_baseline",
          col(STATUS).isin(MetricVerdict.OK, MetricVerdict.WARNING, MetricVerdict.ERROR, MetricVerdict.NO_BASELINE)))
      .check(Check.rule("bounds_around_baseline", "lower_bound <= baseline <= upper_bound when there is a baseline",
          col(BASELINE).isNull().or(col(LOWER_BOUND).leq(col(BASELINE)).and(col(BASELINE).leq(col(UPPER_BOUND))))))
      .build();

  private RunMetrics() {}

  /** A source's counts from the ingest step. */
  public record SourceRows(long read, long accepted, long rejected) {}

  /**
   * Every metric of the run, in a stable order.
   *
   * @param sources each source's accounting from the ingest step
   * @param tableRows the rows written per published table (this table excluded)
   * @param tables the run's tables
   */
  public static Map<String, Double> compute(Map<String, SourceRows> sources, Map<String, Long> tableRows,
      Function<TableSpec, Dataset<Row>> tables, LocalDate asOf) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    sources.forEach((source, rows) -> {
      metrics.put(source + ".rows_read", (double) rows.read());
      metrics.put(source + ".rows_accepted", (double) rows.accepted());
      metrics.put(source + ".rows_rejected", (double) rows.rejected());
      metrics.put(source + ".reject_rate", rows.read() == 0 ? null : (double) rows.rejected() / rows.read());
    });
    tableRows.forEach((table, rows) -> metrics.put(table + ".rows", (double) rows));
    LocalDate from = asOf.minusDays(WINDOW_DAYS - 1);
    metrics.putAll(orders(tables.apply(FactOrders.TABLE), from, asOf));
    metrics.putAll(voice(tables.apply(FactSurveyResponses.TABLE), from, asOf));
    metrics.put("churn_rate_last_month", churnRate(tables.apply(ChurnMonthly.TABLE), lastCompleteMonth(asOf)));
    Row clv = tables.apply(CustomerClv.TABLE).agg(sum(col(CustomerClv.CLV).cast("double"))).first();
    metrics.put("clv_total", clv.isNullAt(0) ? null : clv.getDouble(0));
    metrics.putAll(modelParameters(tables.apply(ClvModelTable.TABLE)));
    return metrics;
  }

  /** orders_28d (purchases), net_revenue_28d (all orders), active_customers_28d (customers with a purchase). */
  static Map<String, Double> orders(Dataset<Row> factOrders, LocalDate from, LocalDate asOf) {
    Row r = factOrders.select(Orders.ORDER_DATE, Orders.IS_PURCHASE, Orders.NET_AMOUNT, Orders.CUSTOMER_ID)
        .filter(col(Orders.ORDER_DATE).between(lit(from), lit(asOf)))
        .agg(sum(when(col(Orders.IS_PURCHASE), 1L).otherwise(0L)),
            sum(col(Orders.NET_AMOUNT)).cast("double"),
            countDistinct(when(col(Orders.IS_PURCHASE), col(Orders.CUSTOMER_ID))))
        .first();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("orders_28d", r.isNullAt(0) ? 0.0 : (double) r.getLong(0));
    m.put("net_revenue_28d", r.isNullAt(1) ? 0.0 : r.getDouble(1));
    m.put("active_customers_28d", (double) r.getLong(2));
    return m;
  }

  /** nps_28d = 100 x (promoters - detractors) / responses, csat_28d = 100 x satisfied / responses; null without responses. */
  static Map<String, Double> voice(Dataset<Row> responses, LocalDate from, LocalDate asOf) {
    Row r = responses.select(FactSurveyResponses.RESPONSE_DATE, FactSurveyResponses.SURVEY_TYPE,
            FactSurveyResponses.NPS_CATEGORY, FactSurveyResponses.IS_SATISFIED)
        .filter(col(FactSurveyResponses.RESPONSE_DATE).between(lit(from), lit(asOf)))
        .agg(count(col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_NPS)),
            count(col(FactSurveyResponses.NPS_CATEGORY).equalTo(FactSurveyResponses.PROMOTER)),
            count(col(FactSurveyResponses.NPS_CATEGORY).equalTo(FactSurveyResponses.DETRACTOR)),
            count(col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT)),
            count(col(FactSurveyResponses.IS_SATISFIED)))
        .first();
    long nps = r.isNullAt(0) ? 0 : r.getLong(0);
    long csat = r.isNullAt(3) ? 0 : r.getLong(3);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("nps_28d", nps == 0 ? null : 100.0 * (r.getLong(1) - r.getLong(2)) / nps);
    m.put("csat_28d", csat == 0 ? null : 100.0 * r.getLong(4) / csat);
    return m;
  }

  /** Rows where {@code condition} is true. */
  private static org.apache.spark.sql.Column count(org.apache.spark.sql.Column condition) {
    return sum(when(condition, 1L).otherwise(0L));
  }

  /** The as-of month when the as-of date is its last day (observation covers it whole), else the month before. */
  public static LocalDate lastCompleteMonth(LocalDate asOf) {
    LocalDate month = asOf.withDayOfMonth(1);
    return asOf.equals(asOf.withDayOfMonth(asOf.lengthOfMonth())) ? month : month.minusMonths(1);
  }

  static Double churnRate(Dataset<Row> churnMonthly, LocalDate month) {
    List<Row> rows = churnMonthly.filter(col(ChurnMonthly.MONTH).equalTo(lit(month)))
        .select(ChurnMonthly.CHURN_RATE).collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? null : ((Number) rows.get(0).get(0)).doubleValue();
  }

  /** {@code <model>.<parameter>} of every converged fit, parameters in name order. */
  static Map<String, Double> modelParameters(Dataset<Row> clvModel) {
    Map<String, Double> m = new LinkedHashMap<>();
    List<Row> rows = clvModel.filter(col(ClvModelTable.CONVERGED))
        .select(ClvModelTable.MODEL, ClvModelTable.PARAMETERS).orderBy(ClvModelTable.MODEL).collectAsList();
    for (Row row : rows) {
      Map<String, Double> parameters = new java.util.TreeMap<>(row.<String, Double>getJavaMap(1));
      parameters.forEach((name, value) -> m.put(row.getString(0) + "." + name, value));
    }
    return m;
  }

  /** The {@code run_metrics} rows of a run's verdicts. */
  public static Dataset<Row> build(SparkSession spark, List<MetricVerdict> verdicts) {
    List<Row> rows = new ArrayList<>();
    for (MetricVerdict v : verdicts) {
      String dates = v.history().isEmpty() ? null
          : v.history().stream().map(p -> p.asOf().toString()).collect(Collectors.joining(", "));
      rows.add(RowFactory.create(v.metric(), v.value(), v.baseline(), v.lowerBound(), v.upperBound(),
          v.history().size(), v.rule(), v.status(), v.detail(), v.severity().id(),
          v.accepted(), dates));
    }
    return spark.createDataFrame(rows, TABLE.schema());
  }
}
