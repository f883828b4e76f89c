package io.rapport.intermediate;

import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per customer with at least one purchase: the customer's lifetime in one aggregation of
 * the orders, shared by the customer tables, retention, churn, growth accounting and the CLV
 * segments instead of each aggregating the orders again.
 */
public final class CustomerLifetimes {
  private CustomerLifetimes() {}

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String FIRST_PURCHASE_TS = "first_purchase_ts";
  public static final String LAST_PURCHASE_TS = "last_purchase_ts";
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";
  public static final String COHORT_MONTH = "cohort_month";
  public static final String PURCHASE_ORDERS = "purchase_orders";
  public static final String PURCHASE_DAYS = "purchase_days";
  public static final String ACQUISITION_CHANNEL = "acquisition_channel";
  public static final String ACQUISITION_COUNTRY = "acquisition_country";
  /** The acquisition channel or country of a customer whose first purchase order has none. */
  public static final String UNKNOWN = "unknown";

  public static final TableSpec TABLE = TableSpec.intermediate("customer_lifetimes")
      .grain("One row per customer with at least one purchase up to the as-of date.")
      .notes("From the purchase orders (orders with a completed line of positive quantity).")
      .documentedIn("customer-tables.md")
      .builtBy(CustomerLifetimes.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(FIRST_PURCHASE_TS, TimestampType, REQUIRED, "UTC", "order_ts of the first purchase")
      .column(LAST_PURCHASE_TS, TimestampType, REQUIRED, "UTC", "order_ts of the latest purchase")
      .column(FIRST_PURCHASE_DATE, DateType, REQUIRED, "reporting zone", "calendar day of the first purchase")
      .column(LAST_PURCHASE_DATE, DateType, REQUIRED, "reporting zone", "calendar day of the latest purchase")
      .column(COHORT_MONTH, DateType, REQUIRED, "reporting zone", "month of the first purchase")
      .column(PURCHASE_ORDERS, LongType, REQUIRED, "purchases", "number of purchase orders")
      .column(PURCHASE_DAYS, LongType, REQUIRED, "days", "number of distinct purchase days")
      .column(ACQUISITION_CHANNEL, StringType, REQUIRED, "",
          "channel of the first purchase order (earliest order_ts, then smallest order_id); `unknown` when it has none")
      .column(ACQUISITION_COUNTRY, StringType, REQUIRED, "",
          "country of the first purchase order; `unknown` when it has none")
      .key(CUSTOMER_ID)
      .build();

  /** The lifetimes of the customers in orders ({@link Orders} columns: fact_orders has them). */
  public static Dataset<Row> build(Dataset<Row> orders) {
    return build(orders, null);
  }

  /** The lifetimes as of {@code asOf}: orders after it are ignored (null: none are). */
  public static Dataset<Row> build(Dataset<Row> orders, LocalDate asOf) {
    Column purchases = col(Orders.IS_PURCHASE);
    if (asOf != null) {
      purchases = purchases.and(col(Orders.ORDER_DATE).leq(lit(asOf.toString()).cast(DateType)));
    }
    // min of a struct orders by its fields: the first purchase by time, then by order id.
    Dataset<Row> lifetimes = orders
        .filter(purchases)
        .groupBy(col(Orders.CUSTOMER_ID))
        .agg(
            min(struct(col(Orders.ORDER_TS), col(Orders.ORDER_ID), col(Orders.ORDER_DATE),
                col(Orders.CHANNEL), col(Orders.COUNTRY))).as("_first"),
            max(col(Orders.ORDER_TS)).as(LAST_PURCHASE_TS),
            max(col(Orders.ORDER_DATE)).as(LAST_PURCHASE_DATE),
            count(lit(1)).as(PURCHASE_ORDERS),
            countDistinct(col(Orders.ORDER_DATE)).as(PURCHASE_DAYS))
        .withColumn(FIRST_PURCHASE_TS, col("_first." + Orders.ORDER_TS))
        .withColumn(FIRST_PURCHASE_DATE, col("_first." + Orders.ORDER_DATE))
        .withColumn(COHORT_MONTH, trunc(col(FIRST_PURCHASE_DATE), "month"))
        .withColumn(ACQUISITION_CHANNEL, coalesce(col("_first." + Orders.CHANNEL), lit(UNKNOWN)))
        .withColumn(ACQUISITION_COUNTRY, coalesce(col("_first." + Orders.COUNTRY), lit(UNKNOWN)));
    return SchemaProjection.project(lifetimes, TABLE.schema());
  }
}
