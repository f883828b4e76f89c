package io.rapport.intermediate;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.order;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CustomerPurchaseDaysTest extends SparkTestSupport {

  /** c1 buys twice and returns once on 10 January and buys again on 20 January; c2 only returns. */
  private Dataset<Row> twoOrdersOnOneDayAndAReturn() {
    return factOrders(spark,
        order("o1", "c1", "2024-01-10", "10", "0", 1),
        order("o2", "c1", "2024-01-10", "6", "1", 2),     // net 5
        order("o3", "c1", "2024-01-10", "0", "3", null),  // returns only: not a purchase
        order("o4", "c1", "2024-01-20", "7", "0", 3),
        order("o5", "c2", "2024-01-12", "0", "4", null));
  }

  @Test
  void severalOrdersOnOneDayAreOnePurchaseDay() {
    Dataset<Row> days = CustomerPurchaseDays.build(twoOrdersOnOneDayAndAReturn());

    assertSchema(CustomerPurchaseDays.TABLE.schema(), days);
    assertRows(List.of(
        "c1|2024-01-10|2|15",   // o1 10 + o2 5; o3's refund is not a purchase and not netted here
        "c1|2024-01-20|1|7"),   // c2 has no purchase, so no purchase day
        days, "customer_id", "purchase_date", "orders", "net_amount");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> days = CustomerPurchaseDays.build(factOrders(spark));

    assertSchema(CustomerPurchaseDays.TABLE.schema(), days);
    assertEquals(0, days.count());
  }
}
