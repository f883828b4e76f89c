package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGammaParameters;
import io.rapport.models.ModelFit;
import io.rapport.models.ParameterDraws;
import io.rapport.models.PurchaseModel;
import io.rapport.schema.Check;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One row per segment dimension and value for one as-of date: the customers' total expected
 * purchases and CLV with a 90% interval from parameter uncertainty ({@code clv_segment_summary},
 * SPEC section 5 "CLV intervals").
 *
 * <p>Dimensions: {@code overall} (value null), {@code clv_tier}, {@code rfm_segment},
 * {@code acquisition_channel}. {@code customers}, {@code expected_purchases} and {@code clv} sum
 * customer_clv. The interval: {@code clv.interval-draws} parameter vectors of the selected
 * purchase model and of Gamma-Gamma are drawn from their asymptotic normal distributions on the
 * log-parameter scale ({@link ParameterDraws}, seeded by the as-of date), each segment's total
 * CLV is recomputed under every draw, and clv_p05 / clv_p95 are the 5% and 95% percentiles of
 * those totals (C-3).
 *
 * <p>All per-customer work runs in Spark. Gamma-Gamma's conditional mean is linear in zbar,
 * {@code p (v + x zbar) / (p x + q - 1) = A(x) + B(x) zbar}, so a customer's CLV under a draw is
 * {@code D(x, t_x, T) (A(x) + B(x) zbar)} with D the discounted expected purchases: a segment's
 * total needs only, per distinct (x, t_x, T), its customer count and the sum of their zbar. The
 * customers are grouped by segment and triple, the groups by triple and the triples by (x, T), and
 * each task evaluates D's sum over months given alive once per (x, T) and draw, D, A and B once per
 * triple and draw ({@link SegmentTotals}), and adds them into its segments' totals; segments are
 * weighted sums of those.
 */
public final class ClvSegmentSummary {
  private ClvSegmentSummary() {}

  public static final String DIMENSION = "dimension";
  public static final String DIMENSION_VALUE = "dimension_value";
  public static final String CUSTOMERS = "customers";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String CLV = "clv";
  public static final String CLV_P05 = "clv_p05";
  public static final String CLV_P95 = "clv_p95";
  public static final String INTERVAL_DRAWS = "interval_draws";

  public static final String OVERALL = "overall";
  public static final String BY_CLV_TIER = "clv_tier";
  public static final String BY_RFM_SEGMENT = "rfm_segment";
  public static final String BY_ACQUISITION_CHANNEL = "acquisition_channel";

  public static final TableSpec TABLE = TableSpec.table("clv_segment_summary")
      .grain("One row per dimension (overall, clv_tier, rfm_segment, acquisition_channel) and value that has customers, for one as-of date.")
      .notes("Sums of customer_clv per segment, with a 90% interval of the segment's total CLV from the uncertainty of the fitted parameters only (clv.interval-draws draws, seeded by the as-of date; C-3). The interval does not cover model misspecification or the randomness of future purchases.")
      .documentedIn("clv-tables.md")
      .builtBy(ClvSegmentSummary.class)
      .column(DIMENSION, StringType, REQUIRED, "", "`overall`, `clv_tier`, `rfm_segment` or `acquisition_channel` (of the customer's first purchase order, `unknown` without one).")
      .column(DIMENSION_VALUE, StringType, NULLABLE, "", "The tier, segment or channel; null only for `overall`. Customers without a clv_tier (models not fitted) are in no clv_tier row.")
      .column(CUSTOMERS, LongType, REQUIRED, "customers", "Customers in the segment (customer_clv rows).")
      .column(EXPECTED_PURCHASES, DoubleType, NULLABLE, "purchase days", "Sum of customer_clv.expected_purchases; null when the purchase model was not fitted.")
      .column(CLV, StagedSchemas.MONEY, NULLABLE, "money", "Sum of customer_clv.clv at the estimated parameters; null when a model was not fitted.")
      .column(CLV_P05, StagedSchemas.MONEY, NULLABLE, "money", "5th percentile of the segment's total CLV over the parameter draws; null when there is no interval (a fit without a positive-definite information matrix, Gamma-Gamma q <= 1, or a model not fitted).")
      .column(CLV_P95, StagedSchemas.MONEY, NULLABLE, "money", "95th percentile of the same draws.")
      .column(INTERVAL_DRAWS, LongType, NULLABLE, "draws", "Parameter draws behind clv_p05 and clv_p95 (`clv.interval-draws`); null without an interval.")
      .key(DIMENSION, DIMENSION_VALUE)
      .check(Check.rule("dimension_value_null_only_for_overall", "dimension_value is null exactly when dimension is overall",
          col(DIMENSION).equalTo(OVERALL).and(col(DIMENSION_VALUE).isNull())
              .or(col(DIMENSION).notEqual(OVERALL).and(col(DIMENSION_VALUE).isNotNull()))))
      .check(Check.rule("interval_ordered", "clv_p05 <= clv_p95 wherever there is an interval",
          col(CLV_P05).isNull().or(col(CLV_P05).leq(col(CLV_P95)))))
      .build();

  /**
   * Builds the table: a lazy transformation (the parameter draws are driver arithmetic).
   *
   * @param customerClv {@link CustomerClv#TABLE}
   * @param customerFacts {@link CustomerFacts#TABLE} (rfm_segment)
   * @param lifetimes {@link CustomerLifetimes#TABLE} (acquisition_channel)
   * @param asOf seeds the draws (SPEC: deterministic for a run)
   */
  public static Dataset<Row> build(Dataset<Row> customerClv, Dataset<Row> customerFacts, Dataset<Row> lifetimes,
      ClvFits fits, RapportSettings.Clv settings, LocalDate asOf) {
    String id = CustomerClv.CUSTOMER_ID;
    Dataset<Row> customers = customerClv
        .join(customerFacts.select(col(CustomerFacts.CUSTOMER_ID).as(id), col(CustomerFacts.RFM_SEGMENT)), id)
        .join(lifetimes.select(col(CustomerLifetimes.CUSTOMER_ID).as(id), col(CustomerLifetimes.ACQUISITION_CHANNEL)), id);
    Column segments = array(
        segment(OVERALL, lit(null).cast(StringType)),
        segment(BY_CLV_TIER, col(CustomerClv.CLV_TIER)),
        segment(BY_RFM_SEGMENT, col(CustomerFacts.RFM_SEGMENT)),
        segment(BY_ACQUISITION_CHANNEL, col(CustomerLifetimes.ACQUISITION_CHANNEL)));
    Column x = col(CustomerClv.FREQUENCY);
    Column tx = col(CustomerClv.RECENCY);
    Column t = col(CustomerClv.T);
    Dataset<Row> bySegment = customers
        .select(x, tx, t, col(CustomerClv.MONETARY_VALUE), col(CustomerClv.EXPECTED_PURCHASES), col(CustomerClv.CLV),
            explode(segments).as("_s"))
        .select(col("_s.d").as(DIMENSION), col("_s.v").as(DIMENSION_VALUE), x, tx, t,
            col(CustomerClv.MONETARY_VALUE), col(CustomerClv.EXPECTED_PURCHASES), col(CustomerClv.CLV))
        .filter(col(DIMENSION).equalTo(OVERALL).or(col(DIMENSION_VALUE).isNotNull()));
    Dataset<Row> point = bySegment.groupBy(col(DIMENSION), col(DIMENSION_VALUE))
        .agg(count(lit(1)).as(CUSTOMERS), sum(col(CustomerClv.EXPECTED_PURCHASES)).as(EXPECTED_PURCHASES),
            sum(col(CustomerClv.CLV)).as(CLV));

    int n = settings.intervalDraws();
    DrawValues values = drawValues(fits, settings, asOf);
    Dataset<Row> result;
    if (values == null) {
      result = point.withColumn(CLV_P05, lit(null).cast(DoubleType)).withColumn(CLV_P95, lit(null).cast(DoubleType))
          .withColumn(INTERVAL_DRAWS, lit(null).cast(LongType));
    } else {
      // Per segment and triple: customers and the sum of their zbar (repeat buyers; negative as 0).
      Dataset<Row> groups = bySegment
          .groupBy(col(DIMENSION), col(DIMENSION_VALUE), x, tx, t)
          .agg(count(lit(1)).cast(DoubleType).as("_n"),
              sum(when(x.gt(0), greatest(col(CustomerClv.MONETARY_VALUE).cast(DoubleType), lit(0.0))).otherwise(0.0)).as("_z"));
      // Per triple, the segments it appears in: the draw values of a triple are computed once.
      Dataset<Row> byTriple = groups.groupBy(x, tx, t)
          .agg(collect_list(struct(col(DIMENSION), col(DIMENSION_VALUE), col("_n"), col("_z"))).as("_groups"));
      // Per (x, T), its triples: the discounted purchases if alive, a sum over the horizon's months
      // that depends on (x, T) only, are computed once per pair and draw. Grouped by triple alone,
      // every task met most pairs again and recomputed them (90% of this table's CPU).
      Dataset<Row> byPair = byTriple.groupBy(x, t)
          .agg(collect_list(struct(tx, col("_groups"))).as("_triples"));
      // Each task sums its pairs into one total per segment and draw (a few segments x draws),
      // so no per-triple array of draws is ever shuffled.
      Dataset<Row> partial = byPair.mapPartitions(new SegmentTotals(values), Encoders.row(PARTIAL_TOTALS));
      Dataset<Row> totals = partial
          .select(col(DIMENSION), col(DIMENSION_VALUE), posexplode(col("_totals")).as(new String[] {"_draw", "_clv"}))
          .groupBy(col(DIMENSION), col(DIMENSION_VALUE), col("_draw"))
          .agg(sum(col("_clv")).as("_total"))
          .groupBy(col(DIMENSION), col(DIMENSION_VALUE))
          .agg(expr("percentile(_total, array(0.05, 0.95))").as("_q"))
          .withColumnRenamed(DIMENSION, "_d").withColumnRenamed(DIMENSION_VALUE, "_dv");
      result = point.join(totals, col(DIMENSION).equalTo(col("_d")).and(col(DIMENSION_VALUE).eqNullSafe(col("_dv"))), "left")
          .withColumn(CLV_P05, col("_q").getItem(0))
          .withColumn(CLV_P95, col("_q").getItem(1))
          .withColumn(INTERVAL_DRAWS, when(col("_q").isNotNull(), lit((long) n)));
    }
    return conform(result);
  }

  private static Column segment(String dimension, Column value) {
    return struct(lit(dimension).as("d"), value.as("v"));
  }

  private static Dataset<Row> conform(Dataset<Row> frame) {
    return frame.select(Arrays.stream(TABLE.schema().fields())
        .map((StructField f) -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new));
  }

  private static final StructType PARTIAL_TOTALS = new StructType()
      .add(DIMENSION, StringType, false)
      .add(DIMENSION_VALUE, StringType, true)
      .add("_totals", DataTypes.createArrayType(DoubleType, false), false);

  /**
   * A task's share of every segment's total CLV under every draw: for each pair row
   * (x, T, [(t_x, [(dimension, value, n, zbar sum)])]), the pair's discounted purchases if alive
   * are computed once, each triple's draw values once, and added, n base + S per_value, to each of
   * its segments. One output row per segment seen.
   */
  static final class SegmentTotals implements MapPartitionsFunction<Row, Row> {
    private final DrawValues values;

    SegmentTotals(DrawValues values) {
      this.values = values;
    }

    @Override
    public java.util.Iterator<Row> call(java.util.Iterator<Row> pairs) {
      java.util.Map<List<String>, double[]> totals = new java.util.LinkedHashMap<>();
      int n = values.draws();
      double[] base = new double[n];
      double[] perValue = new double[n];
      while (pairs.hasNext()) {
        Row pair = pairs.next();
        long x = pair.getLong(0);
        double age = pair.getDouble(1);
        double[] ifAlive = values.discountedPurchasesIfAlive(x, age);
        for (Row triple : pair.<Row>getList(2)) {
          values.evaluate(x, triple.getDouble(0), age, ifAlive, base, perValue);
          for (Row g : triple.<Row>getList(1)) {
            double[] total = totals.computeIfAbsent(java.util.Arrays.asList(g.getString(0), g.getString(1)),
                k -> new double[n]);
            double customers = g.getDouble(2);
            double zbar = g.getDouble(3);
            for (int d = 0; d < n; d++) {
              total[d] += customers * base[d] + zbar * perValue[d];
            }
          }
        }
      }
      List<Row> out = new ArrayList<>(totals.size());
      // A Row's array field is a Scala Seq to Spark's row encoder.
      totals.forEach((segment, total) -> out.add(RowFactory.create(segment.get(0), segment.get(1),
          scala.collection.JavaConverters.asScalaBuffer(boxed(total)))));
      return out.iterator();
    }
  }

  /**
   * The draws as serializable per-triple math, or null when there is no interval: a model not
   * fitted, no covariance, or Gamma-Gamma q &lt;= 1 at the estimate (one-time buyers then have no
   * CLV, and the draws would give them one).
   */
  static DrawValues drawValues(ClvFits fits, RapportSettings.Clv settings, LocalDate asOf) {
    ModelFit purchase = fits.selected();
    if (fits.purchaseModel().isEmpty() || fits.gammaGammaParameters().isEmpty()
        || !(fits.gammaGammaParameters().get().q() > 1)) {
      return null;
    }
    Random random = new Random(asOf.toEpochDay());
    int n = settings.intervalDraws();
    List<double[]> purchaseDraws = ParameterDraws.draw(purchase, n, random, p -> true);
    // q <= 1 makes the population mean spend infinite: such draws are redrawn (C-3).
    List<double[]> spendDraws = ParameterDraws.draw(fits.gammaGamma(), n, random, p -> p[1] > 1);
    if (purchaseDraws == null || spendDraws == null) {
      return null;
    }
    List<PurchaseModel> models = new ArrayList<>(n);
    List<GammaGammaParameters> spend = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      models.add(PurchaseModel.of(purchase.model(), purchaseDraws.get(i)));
      double[] g = spendDraws.get(i);
      spend.add(new GammaGammaParameters(g[0], g[1], g[2]));
    }
    return new DrawValues(models, spend, settings.horizonMonths(), CustomerClv.DAYS_PER_MONTH / settings.timeUnitDays(),
        settings.monthlyDiscountRate());
  }

  /**
   * Per triple (x, t_x, T) and draw d: {@code base[d]} = D_d A_d(x) (one-time buyers: D_d times
   * the population mean) and {@code per_value[d]} = D_d B_d(x) (0 for one-time buyers), so a
   * group of n customers with zbar summing to S contributes n base + S per_value. A non-finite
   * value (a draw where a customer's CLV is undefined) counts as 0, as a null clv does in the sums.
   */
  static final class DrawValues implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final List<PurchaseModel> models;
    private final List<GammaGammaParameters> spend;
    private final int horizonMonths;
    private final double unitsPerMonth;
    private final double monthlyDiscountRate;

    DrawValues(List<PurchaseModel> models, List<GammaGammaParameters> spend, int horizonMonths, double unitsPerMonth,
        double monthlyDiscountRate) {
      this.models = List.copyOf(models);
      this.spend = List.copyOf(spend);
      this.horizonMonths = horizonMonths;
      this.unitsPerMonth = unitsPerMonth;
      this.monthlyDiscountRate = monthlyDiscountRate;
    }

    int draws() {
      return models.size();
    }

    /** Per draw, the discounted purchases if alive of a customer with x repeat purchases at age T. */
    double[] discountedPurchasesIfAlive(long frequency, double age) {
      double[] sums = new double[models.size()];
      for (int d = 0; d < sums.length; d++) {
        sums[d] = discountedPurchasesIfAlive(models.get(d), frequency, age);
      }
      return sums;
    }

    /**
     * Fills base[d] and perValue[d] for the triple (x, t_x, T) under every draw d, given the
     * pair's {@link #discountedPurchasesIfAlive(long, double)}.
     */
    void evaluate(long frequency, double recency, double age, double[] ifAlive, double[] base, double[] perValue) {
      double x = frequency;
      for (int d = 0; d < models.size(); d++) {
        double discounted = models.get(d).probabilityAlive(x, recency, age) * ifAlive[d];
        GammaGammaParameters g = spend.get(d);
        double denominator = g.p() * x + g.q() - 1;
        base[d] = finiteOrZero(x > 0 ? discounted * g.p() * g.v() / denominator : discounted * g.populationMeanValue());
        perValue[d] = x > 0 ? finiteOrZero(discounted * g.p() * x / denominator) : 0;
      }
    }

    /** The sum over months m of (E[X(m)] - E[X(m-1)]) / (1 + rate)^m given alive (as {@link CustomerClv}): a function of (x, T). */
    double discountedPurchasesIfAlive(PurchaseModel model, double x, double age) {
      double sum = 0;
      double previous = 0;
      double discount = 1;
      for (int m = 1; m <= horizonMonths; m++) {
        discount /= 1 + monthlyDiscountRate;
        double cumulative = model.expectedPurchasesIfAlive(m * unitsPerMonth, x, age);
        sum += (cumulative - previous) * discount;
        previous = cumulative;
      }
      return sum;
    }

    private static double finiteOrZero(double v) {
      return Double.isFinite(v) ? v : 0;
    }

  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }
}
