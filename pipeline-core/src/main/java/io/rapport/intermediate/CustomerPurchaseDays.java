package io.rapport.intermediate;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per customer and purchase day (a reporting-zone calendar day with at least one
 * purchase, SPEC 3), for one as-of date.
 *
 * <p>Only purchase orders ({@link Orders#IS_PURCHASE}) make a purchase day, and
 * {@link #NET_AMOUNT} sums the net amounts of that day's purchase orders only: a returns-only
 * order is not a purchase, so it neither creates a purchase day nor lowers one. This frame feeds
 * churn (purchase days, not orders) and the CLV models, which read exactly
 * (customer_id, purchase_date, net_amount).
 */
public final class CustomerPurchaseDays {
  private CustomerPurchaseDays() {}

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  /** The order_date (reporting zone) of the day's purchase orders. */
  public static final String PURCHASE_DATE = "purchase_date";
  /** Number of purchase orders that day. */
  public static final String ORDERS = "orders";
  /** Sum of net_amount of that day's purchase orders. */
  public static final String NET_AMOUNT = "net_amount";

  public static final TableSpec TABLE = TableSpec.intermediate("customer_purchase_days")
      .grain("One row per customer and purchase day (reporting zone).")
      .notes("Feeds churn, CLV and the growth tables.")
      .documentedIn("customer-tables.md")
      .builtBy(CustomerPurchaseDays.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(PURCHASE_DATE, DateType, REQUIRED, "reporting zone", "order_date of the day's purchase orders")
      .column(ORDERS, LongType, REQUIRED, "", "purchase orders that day")
      .column(NET_AMOUNT, MONEY, REQUIRED, "money", "sum of net_amount of that day's purchase orders; returns-only orders are not included (CM-05)")
      .key(CUSTOMER_ID, PURCHASE_DATE)
      .build();

  /** Purchase days from orders ({@link Orders} columns: fact_orders has them). */
  public static Dataset<Row> build(Dataset<Row> factOrders) {
    Dataset<Row> days = factOrders
        .filter(col(Orders.IS_PURCHASE))
        .groupBy(col(Orders.CUSTOMER_ID), col(Orders.ORDER_DATE).as(PURCHASE_DATE))
        .agg(count(lit(1)).as(ORDERS), sum(col(Orders.NET_AMOUNT)).as(NET_AMOUNT));
    return SchemaProjection.project(days, TABLE.schema());
  }
}
