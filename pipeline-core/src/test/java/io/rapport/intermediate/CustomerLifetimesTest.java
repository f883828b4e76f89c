package io.rapport.intermediate;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.order;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.rapport.testing.SparkTestSupport;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CustomerLifetimesTest extends SparkTestSupport {

  /**
   * c1: two purchases on 10 January (o2 by mobile at the same noon as o1, so o1 wins on order id),
   * a returns-only order in December before them, a purchase on 20 April;
   * c2: one purchase with no channel and no country; c3: a returns-only order only.
   */
  private Dataset<Row> orders() {
    return factOrders(spark,
        order("o2", "c1", "2024-01-10", "50", "0", 2),
        order("o1", "c1", "2024-01-10", "100", "0", 1),
        order("o0", "c1", "2023-12-01", "0", "30", null),
        order("o4", "c1", "2024-04-20", "20", "0", 3),
        order("o5", "c2", "2024-02-05", "40", "0", 1),
        order("o6", "c3", "2024-02-06", "0", "15", null))
        .withColumn("channel", when(col("order_id").equalTo("o2"), lit("mobile"))
            .when(col("order_id").equalTo("o5"), lit(null)).otherwise(col("channel")))
        .withColumn("country", when(col("order_id").equalTo("o5"), lit(null)).otherwise(col("country")));
  }

  @Test
  void onePurchaseAggregationPerCustomer() {
    Dataset<Row> lifetimes = CustomerLifetimes.build(orders());

    assertSchema(CustomerLifetimes.TABLE.schema(), lifetimes);
    // c1: first purchase o1 (10 Jan; the December returns-only order is no purchase), last 20 April,
    // 3 purchase orders on 2 days, acquired on o1's channel web (o2 has the same time, larger id).
    // c2: one purchase without channel or country: unknown. c3: no purchase, no row.
    assertRows(List.of(
        "c1|2024-01-10|2024-04-20|2024-01-01|3|2|web|DE",
        "c2|2024-02-05|2024-02-05|2024-02-01|1|1|unknown|unknown"),
        lifetimes, "customer_id", "first_purchase_date", "last_purchase_date", "cohort_month",
        "purchase_orders", "purchase_days", "acquisition_channel", "acquisition_country");
  }
}
