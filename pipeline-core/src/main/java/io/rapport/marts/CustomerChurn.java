package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.config.RapportSettings.RiskBands;
import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

  public static final TableSpec TABLE = TableSpec.table("customer_churn")
      .grain("One row per customer with at least one purchase up to the as-of date, for one as-of date.")
      .notes("As of date d a customer is churned when d - last purchase day > churn.threshold-days. p_alive comes from the selected CLV model; risk_band splits 1 - p_alive at churn.risk-bands.")
      .documentedIn("customer-tables.md")
      .builtBy(CustomerChurn.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(LAST_PURCHASE_TS, TimestampType, REQUIRED, "UTC", "order_ts of the latest purchase")
      .column(DAYS_SINCE_LAST_PURCHASE, IntegerType, REQUIRED, "days", "as-of date - last purchase day")
      .column(CHURN_THRESHOLD_DAYS, IntegerType, REQUIRED, "days", "the configured threshold T (`churn.threshold-days`, default 90)")
      .column(IS_CHURNED, BooleanType, REQUIRED, "", "days_since_last_purchase > T")
      .column(CHURN_DATE, DateType, NULLABLE, "reporting zone", "last purchase day + T + 1 when on or before the as-of date, else null")
      .column(P_ALIVE, DoubleType, NULLABLE, "probability", "Probability of being alive from the selected purchase model (customer_clv.p_alive, clv_model.selected); null when that model was not fitted")
      .column(RISK_BAND, StringType, NULLABLE, "", "low / medium / high from 1 - p_alive at `churn.risk-bands` cuts (default 0.3, 0.7); null without p_alive")
      .column(LAST_PURCHASE_DATE, DateType, REQUIRED, "reporting zone", "the last purchase day (extra column)")
      .key(CUSTOMER_ID)
      .build();

  /**
   * Builds customer_churn from fact_orders ({@link FactOrders#TABLE}, which carries the purchase
   * timestamps); orders after {@code asOf} are ignored.
   *
   * @param thresholdDays {@code churn.threshold-days}, at least 1
   */
  public static Dataset<Row> build(Dataset<Row> factOrders, LocalDate asOf, int thresholdDays) {
    return fromLifetimes(CustomerLifetimes.build(factOrders, asOf), asOf, thresholdDays);
  }

  /** Builds customer_churn from the customers' lifetimes ({@link CustomerLifetimes#TABLE}, as of {@code asOf}). */
  public static Dataset<Row> fromLifetimes(Dataset<Row> lifetimes, LocalDate asOf, int thresholdDays) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Column churnDate = date_add(col(LAST_PURCHASE_DATE), thresholdDays + 1);
    Dataset<Row> churn = lifetimes
        .select(col(CustomerLifetimes.CUSTOMER_ID).as(CUSTOMER_ID),
            col(CustomerLifetimes.LAST_PURCHASE_TS).as(LAST_PURCHASE_TS),
            col(CustomerLifetimes.LAST_PURCHASE_DATE).as(LAST_PURCHASE_DATE))
        .withColumn(DAYS_SINCE_LAST_PURCHASE, datediff(asOfDate, col(LAST_PURCHASE_DATE)))
        .withColumn(CHURN_THRESHOLD_DAYS, lit(thresholdDays))
        .withColumn(IS_CHURNED, col(DAYS_SINCE_LAST_PURCHASE).gt(thresholdDays))
        .withColumn(CHURN_DATE, when(churnDate.leq(asOfDate), churnDate))
        .withColumn(P_ALIVE, lit(null).cast(DoubleType))
        .withColumn(RISK_BAND, lit(null).cast(StringType));
    return SchemaProjection.project(churn, TABLE.schema());
  }

  /**
   * Fills p_alive from the CLV model and risk_band from risk = 1 - p_alive: {@code low} when
   * risk < cuts.mediumFrom, {@code medium} when risk < cuts.highFrom, else {@code high}. Customers without a
   * p_alive (model not fitted) keep both null.
   *
   * @param pAlive customer_id, p_alive
   * @param cuts {@code churn.risk-bands}
   */
  public static Dataset<Row> withRisk(Dataset<Row> churn, Dataset<Row> pAlive, RiskBands cuts) {
    Column risk = lit(1.0).minus(col(P_ALIVE));
    Dataset<Row> joined = churn.drop(P_ALIVE, RISK_BAND)
        .join(pAlive.select(col(CUSTOMER_ID), col(P_ALIVE).cast(DoubleType).as(P_ALIVE)),
            new String[] {CUSTOMER_ID}, "left")
        .withColumn(RISK_BAND,
            when(risk.lt(cuts.mediumFrom()), RISK_LOW)
                .when(risk.lt(cuts.highFrom()), RISK_MEDIUM)
                .when(risk.isNotNull(), RISK_HIGH));
    return SchemaProjection.project(joined, TABLE.schema());
  }
}
