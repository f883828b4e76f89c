package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.line;
import static io.rapport.marts.FactOrdersFixtures.staged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FactOrdersTest extends SparkTestSupport {

  private static final String[] COLUMNS = {
      "order_id", "customer_id", "order_ts", "order_date", "order_month", "gross_amount", "refund_amount",
      "net_amount", "items", "customer_order_seq", "is_first_order", "is_purchase", "lines"};

  /**
   * c1: a paid order with a cancelled line, a free order, a returns-only order and an all-cancelled
   * order; c2: one order at 23:30 UTC on 31 January (00:30 on 1 February in Berlin) with a
   * returned unit on a later line.
   */
  private Dataset<Row> mixedOrders() {
    return staged(spark,
        line("o1", 1, "c1", "2024-01-10T10:00:00Z", 2, "5.00", "completed"),   // 10.00
        line("o1", 2, "c1", "2024-01-10T10:00:00Z", 1, "3.00", "cancelled"),   // counts nowhere
        line("o2", 1, "c1", "2024-02-01T09:00:00Z", 1, "0.00", "completed"),   // free order
        line("o3", 1, "c1", "2024-02-15T12:00:00Z", -1, "5.00", "completed"),  // refund 5.00
        line("o3", 2, "c1", "2024-02-15T12:00:00Z", 1, "4.00", "returned"),    // refund 4.00
        line("o4", 1, "c1", "2024-03-01T08:00:00Z", 1, "9.00", "cancelled"),   // whole order cancelled
        line("o5", 1, "c2", "2024-01-31T23:30:00Z", 3, "2.50", "completed"),   // 7.50
        line("o5", 2, "c2", "2024-02-01T08:00:00Z", -1, "2.50", "completed")); // refund 2.50
  }

  @Test
  void buildsOneRowPerOrderWithPurchasesReturnsAndFreeOrders() {
    Dataset<Row> facts = FactOrders.build(mixedOrders(), ZoneId.of("Europe/Berlin"));

    assertSchema(FactOrders.TABLE.schema(), facts);
    assertRows(List.of(
        // 2 x 5.00 = 10; the cancelled 3.00 line is neither gross nor a line; c1's first purchase
        "o1|c1|2024-01-10T10:00|2024-01-10|2024-01-01|10|0|10|2|1|true|true|1",
        // free order: gross 0, but a completed positive line, so a purchase (c1's second)
        "o2|c1|2024-02-01T09:00|2024-02-01|2024-02-01|0|0|0|1|2|false|true|1",
        // returns only: refund |-1 x 5| + 1 x 4 (returned) = 9, net -9; not a purchase, so no seq
        "o3|c1|2024-02-15T12:00|2024-02-15|2024-02-01|0|9|-9|0|null|false|false|2",
        // o4 (all lines cancelled) is absent; o5: earliest line ts 23:30 UTC = 00:30 in Berlin on 1 Feb;
        // gross 3 x 2.50 = 7.50, refund 2.50, net 5.00, items 3
        "o5|c2|2024-01-31T23:30|2024-02-01|2024-02-01|7.5|2.5|5|3|1|true|true|2"),
        facts, COLUMNS);
  }

  @Test
  void theSameOrderFallsOnTheUtcDayInUtc() {
    Dataset<Row> facts = FactOrders.build(mixedOrders(), ZoneId.of("UTC")).filter("order_id = 'o5'");

    assertRows(List.of("o5|2024-01-31|2024-01-01"), facts, "order_id", "order_date", "order_month");
  }

  @Test
  void purchasesOfACustomerAreNumberedByTimeThenOrderId() {
    Dataset<Row> facts = FactOrders.build(staged(spark,
        line("b", 1, "c1", "2024-01-02T10:00:00Z", 1, "1.00", "completed"),
        line("a", 1, "c1", "2024-01-02T10:00:00Z", 1, "1.00", "completed"),   // same ts: "a" before "b"
        line("r", 1, "c1", "2024-01-01T10:00:00Z", -1, "1.00", "completed"),  // earlier, but a return
        line("z", 1, "c1", "2024-01-01T11:00:00Z", 1, "1.00", "completed")), ZoneId.of("UTC"));

    assertRows(List.of("a|2|false", "b|3|false", "r|null|false", "z|1|true"),
        facts, "order_id", "customer_order_seq", "is_first_order");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> facts = FactOrders.build(spark.createDataFrame(List.of(), StagedSchemas.PURCHASES), ZoneId.of("UTC"));

    assertSchema(FactOrders.TABLE.schema(), facts);
    assertEquals(0, facts.count());
  }

}
