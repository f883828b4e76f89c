package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.purchaseDay;
import static io.rapport.marts.FactOrdersFixtures.purchaseDays;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ChurnMonthlyTest extends SparkTestSupport {

  private static final String[] COLUMNS = {
      "month", "customers_at_start", "new_customers", "churned_customers", "reactivated_customers",
      "customers_at_end", "churn_rate", "retention_rate"};

  /**
   * Threshold 30 days, as-of 10 April 2024.
   * c1: 5 Jan, 20 Jan (gap 15), 5 Mar (gap 45): churns 20 Jan + 31 = 20 Feb, reactivates 5 Mar,
   *     churns again 5 Mar + 31 = 5 Apr.
   * c2: 1 Feb only: churns 1 Feb + 31 = 3 Mar (February has 29 days).
   * c3: 1 Mar, then 3 Apr (gap 33): churns 1 Apr and reactivates 3 Apr, both in April;
   *     its next churn (4 May) is after the as-of date.
   * c4: 2 Jan, 30 Jan, 25 Feb, 20 Mar, 8 Apr (gaps 28, 26, 24, 19): never churns.
   */
  private Dataset<Row> fourCustomersWithChurnAndReactivation() {
    return purchaseDays(spark,
        purchaseDay("c1", "2024-01-05", "10"), purchaseDay("c1", "2024-01-20", "10"),
        purchaseDay("c1", "2024-03-05", "10"),
        purchaseDay("c2", "2024-02-01", "10"),
        purchaseDay("c3", "2024-03-01", "10"), purchaseDay("c3", "2024-04-03", "10"),
        purchaseDay("c4", "2024-01-02", "10"), purchaseDay("c4", "2024-01-30", "10"),
        purchaseDay("c4", "2024-02-25", "10"), purchaseDay("c4", "2024-03-20", "10"),
        purchaseDay("c4", "2024-04-08", "10"));
  }

  @Test
  void monthlyFlowWithChurnAndReactivationInTheSameMonth() {
    Dataset<Row> flow = ChurnMonthly.build(fourCustomersWithChurnAndReactivation(), LocalDate.parse("2024-04-10"), 30);

    assertSchema(ChurnMonthly.TABLE.schema(), flow);
    assertRows(List.of(
        // Jan: new c1, c4; 0 + 2 = 2; no one at start -> churn_rate null
        "2024-01-01|0|2|0|0|2|null|null",
        // Feb: new c2, c1 churns 20 Feb; 2 + 1 - 1 = 2; 1 / 2
        "2024-02-01|2|1|1|0|2|0.5|0.5",
        // Mar: new c3, c2 churns 3 Mar, c1 reactivates 5 Mar; 2 + 1 + 1 - 1 = 3; 1 / 2
        "2024-03-01|2|1|1|1|3|0.5|0.5",
        // Apr: c3 churns 1 Apr and reactivates 3 Apr, c1 churns 5 Apr; 3 + 1 - 2 = 2; 2 / 3
        // (active at the as-of date: c3 and c4)
        "2024-04-01|3|0|2|1|2|0.666667|0.333333"),
        flow, COLUMNS);
  }

  @Test
  void aPurchaseOnTheThresholdDayKeepsTheCustomerActive() {
    // Threshold 30: 1 Jan -> 31 Jan is a gap of 30 (no churn); 31 Jan -> 2 Mar is 31 days, so the
    // customer churns on 31 Jan + 31 = 2 March and reactivates the same day.
    Dataset<Row> flow = ChurnMonthly.build(purchaseDays(spark,
        purchaseDay("c1", "2024-01-01", "10"),
        purchaseDay("c1", "2024-01-31", "10"),
        purchaseDay("c1", "2024-03-02", "10")), LocalDate.parse("2024-03-02"), 30);

    assertRows(List.of(
        "2024-01-01|0|1|0|0|1|null|null",
        "2024-02-01|1|0|0|0|1|0|1",
        "2024-03-01|1|0|1|1|1|1|0"),
        flow, COLUMNS);
  }

  @Test
  void monthsWithoutEventsArePresentUpToTheAsOfMonth() {
    // One purchase on 10 Jan, threshold 30: churns 10 Feb; March and April have no events.
    Dataset<Row> flow = ChurnMonthly.build(purchaseDays(spark, purchaseDay("c1", "2024-01-10", "10")),
        LocalDate.parse("2024-04-01"), 30);

    assertRows(List.of(
        "2024-01-01|0|1|0|0|1|null|null",
        "2024-02-01|1|0|1|0|0|1|0",
        "2024-03-01|0|0|0|0|0|null|null",
        "2024-04-01|0|0|0|0|0|null|null"),
        flow, COLUMNS);
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> flow = ChurnMonthly.build(purchaseDays(spark), LocalDate.parse("2024-04-01"), 90);

    assertSchema(ChurnMonthly.TABLE.schema(), flow);
    assertEquals(0, flow.count());
  }
}
