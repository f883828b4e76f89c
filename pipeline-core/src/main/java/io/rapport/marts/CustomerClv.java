package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGammaParameters;
import io.rapport.models.PurchaseModel;
import io.rapport.schema.Check;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One row per customer with at least one purchase up to the as-of date: the predictions of the
 * selected purchase model ({@code clv_model.selected}: BG/NBD by default, Pareto/NBD or MBG/NBD)
 * and Gamma-Gamma and the customer lifetime value ({@code customer_clv}, SPEC section 5).
 *
 * <ul>
 *   <li>{@code frequency}, {@code recency}, {@code t}, {@code monetary_value},
 *       {@code historical_net_revenue}: from {@link CustomerSummaries} (model time unit);</li>
 *   <li>{@code p_alive}: the model's P(alive | x, t_x, T) (BG/NBD: 1 for customers without repeat purchases);</li>
 *   <li>{@code expected_purchases}: the model's E[X(t_H) | x, t_x, T] over the horizon of H =
 *       {@code clv.horizon-months} months of 365.25/12 days, converted to time units;</li>
 *   <li>{@code expected_avg_order_value}: Gamma-Gamma E[Z | x, zbar] = p (v + x zbar) / (p x +
 *       q - 1) for customers with repeat purchases (a negative zbar counts as 0), the population
 *       mean p v / (q - 1) for one-time buyers;</li>
 *   <li>{@code clv} = sum over m = 1..H of expected_avg_order_value x (E[X(t_m)] - E[X(t_{m-1})])
 *       / (1 + monthly discount rate)^m, with t_m = m months;</li>
 *   <li>{@code clv_tier}: with k = {@code clv.tiers} names, lowest first, the cut points are
 *       c_j = the exact j/k quantile of clv ({@link QuantileCuts}) for j = 1..k-1 over all customers with a clv, and a
 *       customer's tier is the name at index (number of cut points strictly below its clv). Ties
 *       at a cut go to the lower tier, so equal CLVs always share a tier and a heavily tied
 *       distribution (many equal CLVs) can leave a tier empty.</li>
 * </ul>
 * When the selected purchase model did not converge, p_alive, expected_purchases, clv and clv_tier are null; when
 * Gamma-Gamma did not converge, expected_avg_order_value, clv and clv_tier are null.
 */
public final class CustomerClv {
  private CustomerClv() {}

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String FREQUENCY = CustomerSummaries.FREQUENCY;
  public static final String RECENCY = CustomerSummaries.RECENCY;
  public static final String T = CustomerSummaries.T;
  public static final String MONETARY_VALUE = CustomerSummaries.MONETARY_VALUE;
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String EXPECTED_AVG_ORDER_VALUE = "expected_avg_order_value";
  public static final String CLV = "clv";
  public static final String HISTORICAL_NET_REVENUE = CustomerSummaries.HISTORICAL_NET_REVENUE;
  public static final String CLV_TIER = "clv_tier";

  public static final TableSpec TABLE = TableSpec.table("customer_clv")
      .grain("One row per customer with at least one purchase day up to the as-of date, for one as-of date.")
      .notes("Per-customer columns come from the selected purchase model (clv_model.selected) and Gamma-Gamma; they stay null when a model was not fitted. Times are in the model time unit clv.time-unit-days (default 7: weeks, fractional).")
      .documentedIn("clv-tables.md")
      .builtBy(CustomerClv.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "Customer (pseudonymised when `privacy.pseudonymise-customer-ids` is on).")
      .column(FREQUENCY, LongType, REQUIRED, "purchase days", "x = purchase days up to the as-of date - 1: the repeat purchase days (CLV-01). 0 for one-time buyers.")
      .column(RECENCY, DoubleType, REQUIRED, "time units", "t_x = (last purchase day - first purchase day) / time unit. 0 for one-time buyers.")
      .column(T, DoubleType, REQUIRED, "time units", "T = (as-of date - first purchase day) / time unit: the customer's observed age. Whole days, so a customer whose first purchase is on the as-of day has T = 0 (CLV-02).")
      .column(MONETARY_VALUE, StagedSchemas.MONEY, NULLABLE, "money", "Mean net amount of the repeat purchase days (every purchase day but the first); **null when frequency = 0** (CLV-03). Can be 0 (free orders) and, rarely, negative (a day whose returns exceed its sales).")
      .column(P_ALIVE, DoubleType, NULLABLE, "probability", "P(alive | x, t_x, T) of the selected purchase model: probability that the customer has not dropped out. BG/NBD: 1 for one-time buyers (it lets customers drop out only after a repeat purchase); Pareto/NBD and MBG/NBD let them drop out too. Null when the model was not fitted.")
      .column(EXPECTED_PURCHASES, DoubleType, NULLABLE, "purchase days", "E[X(t_H) | x, t_x, T] of the selected purchase model: expected repeat purchase days over the horizon, H = `clv.horizon-months` months of 365.25/12 days (CLV-05). Null when the model was not fitted.")
      .column(EXPECTED_AVG_ORDER_VALUE, StagedSchemas.MONEY, NULLABLE, "money per purchase day", "Gamma-Gamma expected mean spend of a future purchase day: p (v + x zbar) / (p x + q - 1) for repeat buyers (a negative zbar counts as 0), the population mean p v / (q - 1) for one-time buyers (CLV-04). Null when Gamma-Gamma was not fitted.")
      .column(CLV, StagedSchemas.MONEY, NULLABLE, "money", "Discounted expected net revenue over the horizon: sum over months m = 1..H of expected_avg_order_value x (E[X(m months)] - E[X(m-1 months)]) / (1 + `clv.monthly-discount-rate`)^m (CLV-05). Null when either model was not fitted.")
      .column(HISTORICAL_NET_REVENUE, StagedSchemas.MONEY, NULLABLE, "money", "Sum of the net amounts of all purchase days up to the as-of date (first day included).")
      .column(CLV_TIER, StringType, NULLABLE, "", "Quantile tier of `clv`, names from `clv.tiers` lowest first (default low, medium, high, top: quartiles); null when clv is null (CLV-06).")
      .key(CUSTOMER_ID)
      .check(Check.reconcile("customers_match_customer_facts", "customer_clv and customer_facts hold the same customers",
          CustomerClv::customersNotInCustomerFacts))
      .check(Check.rule("p_alive_in_0_1_and_clv_not_negative",
          "p_alive within [0, 1] and clv >= 0 wherever the model was fitted",
          col(P_ALIVE).isNull().or(col(P_ALIVE).between(0, 1)).and(col(CLV).isNull().or(col(CLV).geq(0)))))
      .build();

  /** Average month in days, as the SPEC defines the horizon. */
  public static final double DAYS_PER_MONTH = 365.25 / 12;

  private static final StructType PREDICTION = new StructType()
      .add(P_ALIVE, DoubleType, true)
      .add(EXPECTED_PURCHASES, DoubleType, true)
      .add(EXPECTED_AVG_ORDER_VALUE, DoubleType, true)
      .add(CLV, DoubleType, true);

  /**
   * Builds the table from customer summaries ({@link CustomerSummaries#TABLE}) and the fits of
   * the same run. A lazy transformation: the per-customer math runs in a UDF whose closure holds
   * only the fitted parameters.
   */
  public static Dataset<Row> build(Dataset<Row> summaries, ClvFits fits, RapportSettings.Clv settings) {
    Predictor predictor = new Predictor(
        fits.purchaseModel().orElse(null),
        fits.gammaGammaParameters().orElse(null),
        settings.horizonMonths(),
        DAYS_PER_MONTH / settings.timeUnitDays(),
        settings.monthlyDiscountRate());
    // Marked non-deterministic so the optimiser evaluates it once per row, not once per field.
    UserDefinedFunction predict = functions.udf(predictor, PREDICTION).asNondeterministic();
    Dataset<Row> predicted = summaries
        .withColumn("_prediction", predict.apply(col(FREQUENCY), col(RECENCY), col(T), col(MONETARY_VALUE)))
        .select(
            col(CUSTOMER_ID), col(FREQUENCY), col(RECENCY), col(T), col(MONETARY_VALUE),
            col("_prediction." + P_ALIVE).as(P_ALIVE),
            col("_prediction." + EXPECTED_PURCHASES).as(EXPECTED_PURCHASES),
            col("_prediction." + EXPECTED_AVG_ORDER_VALUE).cast(StagedSchemas.MONEY).as(EXPECTED_AVG_ORDER_VALUE),
            col("_prediction." + CLV).cast(StagedSchemas.MONEY).as(CLV),
            col(HISTORICAL_NET_REVENUE));
    return conform(withTiers(predicted, settings.tiers()), TABLE.schema());
  }

  /** Adds clv_tier by exact quantiles of clv, computed lazily and cross-joined back. */
  static Dataset<Row> withTiers(Dataset<Row> frame, List<String> tiers) {
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("Cannot assign CLV tiers: clv.tiers is empty");
    }
    Column names = array(tiers.stream().map(functions::lit).toArray(Column[]::new));
    int k = tiers.size();
    if (k == 1) {
      return frame.withColumn(CLV_TIER, when(col(CLV).isNotNull(), lit(tiers.get(0))));
    }
    Dataset<Row> cuts = QuantileCuts.of(frame, col(CLV), k, "_clv_cuts");
    Column below = lit(0);
    for (int j = 0; j < k - 1; j++) {
      below = below.plus(when(col(CLV).gt(element_at(col("_clv_cuts"), j + 1)), 1).otherwise(0));
    }
    return frame.crossJoin(broadcast(cuts))
        .withColumn(CLV_TIER, when(col(CLV).isNotNull(), element_at(names, below.plus(1))));
  }

  private static Dataset<Row> conform(Dataset<Row> frame, StructType schema) {
    return frame.select(Arrays.stream(schema.fields())
        .map((StructField f) -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new));
  }

  /** The per-customer model math; serializable, holding only parameters and settings. */
  static final class Predictor implements UDF4<Long, Double, Double, BigDecimal, Row> {
    private final PurchaseModel purchaseModel;
    private final GammaGammaParameters gammaGamma;
    private final int horizonMonths;
    private final double unitsPerMonth;
    private final double monthlyDiscountRate;

    Predictor(PurchaseModel purchaseModel, GammaGammaParameters gammaGamma, int horizonMonths, double unitsPerMonth, double monthlyDiscountRate) {
      this.purchaseModel = purchaseModel;
      this.gammaGamma = gammaGamma;
      this.horizonMonths = horizonMonths;
      this.unitsPerMonth = unitsPerMonth;
      this.monthlyDiscountRate = monthlyDiscountRate;
    }

    @Override
    public Row call(Long frequency, Double recency, Double t, BigDecimal monetaryValue) {
      if (frequency == null || recency == null || t == null) {
        return RowFactory.create(null, null, null, null);
      }
      double x = frequency;
      Double pAlive = null;
      Double expectedPurchases = null;
      double[] cumulative = null;
      if (purchaseModel != null) {
        pAlive = finite(purchaseModel.probabilityAlive(x, recency, t));
        cumulative = new double[horizonMonths + 1];
        for (int m = 1; m <= horizonMonths; m++) {
          cumulative[m] = purchaseModel.conditionalExpectedPurchases(m * unitsPerMonth, x, recency, t);
        }
        expectedPurchases = finite(cumulative[horizonMonths]);
      }
      Double averageValue = null;
      if (gammaGamma != null) {
        averageValue = x > 0 && monetaryValue != null
            ? finite(gammaGamma.conditionalExpectedValue(x, Math.max(0.0, monetaryValue.doubleValue())))
            : finite(gammaGamma.populationMeanValue());
      }
      Double clv = null;
      if (cumulative != null && averageValue != null && expectedPurchases != null) {
        double sum = 0;
        double discount = 1;
        for (int m = 1; m <= horizonMonths; m++) {
          discount /= 1 + monthlyDiscountRate;
          sum += averageValue * (cumulative[m] - cumulative[m - 1]) * discount;
        }
        clv = finite(sum);
      }
      return RowFactory.create(pAlive, expectedPurchases, averageValue, clv);
    }

    private static Double finite(double v) {
      return Double.isFinite(v) ? v : null;
    }
  }

  /** Customers in only one of customer_clv and customer_facts (one row per customer with a purchase). */
  static Dataset<Row> customersNotInCustomerFacts(Dataset<Row> customerClv, Function<String, Dataset<Row>> tables) {
    Dataset<Row> a = customerClv.select(col(CUSTOMER_ID));
    Dataset<Row> b = tables.apply(CustomerFacts.TABLE.name()).select(col(CustomerFacts.CUSTOMER_ID));
    return a.exceptAll(b).union(b.exceptAll(a));
  }
}
