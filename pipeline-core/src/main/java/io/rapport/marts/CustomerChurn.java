package io.rapport.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.errors.ConfigurationException;
import io.rapport.schema.StagedSchemas;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One row per customer with at least one purchase up to the as-of date, for one as-of date.
 *
 * <p>Non-contractual churn (SPEC 5): with L the last purchase day (reporting zone) and d the as-of
 * date, the customer is churned when d - L > churn_threshold_days; churn_date = L + threshold + 1
 * day when that is on or before d (so is_churned and a non-null churn_date always agree). At
 * d = L + threshold the customer is still active, at L + threshold + 1 churned. p_alive and
 * risk_band stay null until {@link #withRisk} adds the BG/NBD probability.
 */
public final class CustomerChurn {
  private CustomerChurn() {}

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String LAST_PURCHASE_TS = "last_purchase_ts";
  public static final String DAYS_SINCE_LAST_PURCHASE = "days_since_last_purchase";
  public static final String CHURN_THRESHOLD_DAYS = "churn_threshold_days";
  public static final String IS_CHURNED = "is_churned";
  public static final String CHURN_DATE = "churn_date";
  public static final String P_ALIVE = "p_alive";
  public static final String RISK_BAND = "risk_band";
  /** Extra: the reporting-zone day of last_purchase_ts, the L of the definition. */
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";

  public static final String RISK_LOW = "low";
  public static final String RISK_MEDIUM = "medium";
  public static final String RISK_HIGH = "high";

  public static final StructType SCHEMA = new StructType()
      .add(CUSTOMER_ID, StringType, false)
      .add(LAST_PURCHASE_TS, TimestampType, false)
      .add(DAYS_SINCE_LAST_PURCHASE, IntegerType, false)
      .add(CHURN_THRESHOLD_DAYS, IntegerType, false)
      .add(IS_CHURNED, BooleanType, false)
      .add(CHURN_DATE, DateType, true)
      .add(P_ALIVE, DoubleType, true)
      .add(RISK_BAND, StringType, true)
      .add(LAST_PURCHASE_DATE, DateType, false);

  /**
   * Builds customer_churn from fact_orders ({@link FactOrders#SCHEMA}, which carries the purchase
   * timestamps); orders after {@code asOf} are ignored.
   *
   * @param thresholdDays {@code churn.threshold-days}, at least 1
   */
  public static Dataset<Row> build(Dataset<Row> factOrders, LocalDate asOf, int thresholdDays) {
    requireThreshold(thresholdDays);
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Column churnDate = date_add(col(LAST_PURCHASE_DATE), thresholdDays + 1);
    Dataset<Row> churn = factOrders
        .filter(col(FactOrders.IS_PURCHASE).and(col(FactOrders.ORDER_DATE).leq(asOfDate)))
        .groupBy(col(FactOrders.CUSTOMER_ID))
        .agg(max(col(FactOrders.ORDER_TS)).as(LAST_PURCHASE_TS),
            max(col(FactOrders.ORDER_DATE)).as(LAST_PURCHASE_DATE))
        .withColumn(DAYS_SINCE_LAST_PURCHASE, datediff(asOfDate, col(LAST_PURCHASE_DATE)))
        .withColumn(CHURN_THRESHOLD_DAYS, lit(thresholdDays))
        .withColumn(IS_CHURNED, col(DAYS_SINCE_LAST_PURCHASE).gt(thresholdDays))
        .withColumn(CHURN_DATE, when(churnDate.leq(asOfDate), churnDate))
        .withColumn(P_ALIVE, lit(null).cast(DoubleType))
        .withColumn(RISK_BAND, lit(null).cast(StringType));
    return SchemaProjection.project(churn, SCHEMA);
  }

  /**
   * Fills p_alive from the CLV model and risk_band from risk = 1 - p_alive: {@code low} when
   * risk < cuts[0], {@code medium} when risk < cuts[1], else {@code high}. Customers without a
   * p_alive (model not fitted) keep both null.
   *
   * @param pAlive customer_id, p_alive
   * @param cuts {@code churn.risk-bands}: two ascending values in [0, 1]
   */
  public static Dataset<Row> withRisk(Dataset<Row> churn, Dataset<Row> pAlive, List<Double> cuts) {
    requireCuts(cuts);
    Column risk = lit(1.0).minus(col(P_ALIVE));
    Dataset<Row> joined = churn.drop(P_ALIVE, RISK_BAND)
        .join(pAlive.select(col(CUSTOMER_ID), col(P_ALIVE).cast(DoubleType).as(P_ALIVE)),
            new String[] {CUSTOMER_ID}, "left")
        .withColumn(RISK_BAND,
            when(risk.lt(cuts.get(0)), RISK_LOW)
                .when(risk.lt(cuts.get(1)), RISK_MEDIUM)
                .when(risk.isNotNull(), RISK_HIGH));
    return SchemaProjection.project(joined, SCHEMA);
  }

  static void requireThreshold(int thresholdDays) {
    if (thresholdDays < 1) {
      throw new ConfigurationException(
          "Cannot compute churn: churn.threshold-days is " + thresholdDays + ", expected at least 1");
    }
  }

  private static void requireCuts(List<Double> cuts) {
    if (cuts == null || cuts.size() != 2 || cuts.get(0) == null || cuts.get(1) == null
        || cuts.get(0) < 0 || cuts.get(1) > 1 || cuts.get(0) > cuts.get(1)) {
      throw new ConfigurationException(
          "Cannot band churn risk: churn.risk-bands is " + cuts + ", expected two ascending values in [0, 1]");
    }
  }
}
