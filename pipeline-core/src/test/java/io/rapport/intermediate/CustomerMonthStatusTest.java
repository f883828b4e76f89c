package io.rapport.intermediate;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.order;

import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CustomerMonthStatusTest extends SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.parse("2024-04-15");

  @Test
  void oneRowPerCustomerAndMonthWithOrdersInTheMonthOrTheMonthBefore() {
    // c1 buys in January and March (web, DE, the fixture's defaults) and again after the as-of date;
    // c2 never buys, it only gets a refund in February.
    Dataset<Row> orders = factOrders(spark,
        order("o1", "c1", "2024-01-10", "100", "0", 1),
        order("o2", "c1", "2024-03-05", "80", "0", 2),
        order("o3", "c2", "2024-02-20", "0", "5", null),
        order("o4", "c1", "2024-04-20", "30", "0", 3));

    Dataset<Row> statuses = CustomerMonthStatus.build(orders, CustomerLifetimes.build(orders, AS_OF), AS_OF);

    assertSchema(CustomerMonthStatus.TABLE.schema(), statuses);
    // customer|month|net|previous net|active|active the month before|status|cohort|channel|country
    assertRows(List.of(
        "c1|2024-01-01|100|0|true|false|new|2024-01-01|web|DE",
        // February: nothing bought, January active: dormant, with January's net as the month before.
        "c1|2024-02-01|0|100|false|true|dormant|2024-01-01|web|DE",
        // March: active again after a quiet month: resurrected.
        "c1|2024-03-01|80|0|true|false|resurrected|2024-01-01|web|DE",
        // April (the as-of month): the order of the 20th is after the as-of date, so c1 is dormant.
        "c1|2024-04-01|0|80|false|true|dormant|2024-01-01|web|DE",
        // c2 has no purchase: inactive, no cohort or acquisition values; January and April have no row.
        "c2|2024-02-01|-5|0|false|false|inactive|null|null|null",
        "c2|2024-03-01|0|-5|false|false|inactive|null|null|null"),
        statuses, CustomerMonthStatus.TABLE.columnNames().toArray(String[]::new));
  }
}
