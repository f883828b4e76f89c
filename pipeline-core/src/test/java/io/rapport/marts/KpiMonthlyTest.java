package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static io.rapport.marts.FactOrdersFixtures.order;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class KpiMonthlyTest extends SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.parse("2024-03-31");

  /**
   * Jan: c1 and c2 buy for the first time. Feb: c1 buys twice (purchases 2 and 3), c3 for the first
   * time, c2 returns 20. Mar: c3 buys a free item (purchase 2), c4 buys twice for the first time.
   */
  private Dataset<Row> threeMonthsOfOrders() {
    return factOrders(spark,
        order("o1", "c1", "2024-01-05", "100", "0", 1),
        order("o2", "c2", "2024-01-09", "50", "0", 1),
        order("o3", "c1", "2024-02-02", "80", "0", 2),
        order("o4", "c1", "2024-02-20", "40", "0", 3),
        order("o5", "c3", "2024-02-21", "30", "0", 1),
        order("o6", "c2", "2024-02-22", "0", "20", null),
        order("o7", "c3", "2024-03-03", "0", "0", 2),
        order("o8", "c4", "2024-03-04", "10", "0", 1),
        order("o9", "c4", "2024-03-05", "10", "0", 2));
  }

  private static Row flow(String month, long start, long fresh, long churned, long reactivated, long end,
      Double churnRate) {
    return RowFactory.create(Date.valueOf(LocalDate.parse(month)), start, fresh, churned, reactivated, end,
        churnRate, churnRate == null ? null : 1 - churnRate);
  }

  /** churn_monthly as ChurnMonthly would give it for these orders with a long threshold. */
  private Dataset<Row> churnMonthly() {
    return frame(spark, ChurnMonthly.TABLE.schema(),
        flow("2024-01-01", 0, 2, 0, 0, 2, null),
        flow("2024-02-01", 2, 1, 0, 0, 3, 0.0),
        flow("2024-03-01", 3, 1, 0, 0, 4, 0.0));
  }

  private static final StructType VOICE = new StructType().add("month", "date").add("nps", "double")
      .add("csat", "double").add("avg_rating", "double").add("avg_reply_hours", "double");

  @Test
  void salesGrowthAndRepeatPurchaseRate() {
    Dataset<Row> kpis = KpiMonthly.build(threeMonthsOfOrders(), churnMonthly(), null, AS_OF);

    assertSchema(KpiMonthly.TABLE.schema(), kpis);
    assertRows(List.of(
        // Jan: 2 purchases by 2 customers, both first-timers -> repeat 0 / 2; net 150; avg 150 / 2 = 75;
        // no previous month -> growth null; nobody at the start of the month -> churn and retention null
        "2024-01-01|2|2|2|150|150|75|null|0|null|null",
        // Feb: purchases o3, o4, o5 by c1 and c3; c1 bought before February -> repeat 1 / 2;
        // gross 80 + 40 + 30 = 150, net 150 - 20 (c2's return) = 130; avg 130 / 3 = 43.3333;
        // growth 100 x (130 - 150) / 150 = -13.3333
        "2024-02-01|1|2|3|150|130|43.3333|-13.333333|0.5|1|0",
        // Mar: c3 (bought in February: repeat) and c4 (two purchases, but both in March: not a repeat)
        // -> 1 / 2; net 0 + 10 + 10 = 20; avg 20 / 3 = 6.6667; growth 100 x (20 - 130) / 130 = -84.615385
        "2024-03-01|1|2|3|20|20|6.6667|-84.615385|0.5|1|0"),
        kpis, "month", "new_customers", "active_customers", "orders", "gross_revenue", "net_revenue",
        "avg_order_value", "sales_growth_pct", "repeat_purchase_rate", "retention_rate", "churn_rate");
    assertRows(List.of("2024-01-01|null|null|null|null", "2024-02-01|null|null|null|null",
        "2024-03-01|null|null|null|null"), kpis, "month", "nps", "csat", "avg_rating", "avg_reply_hours");
  }

  @Test
  void voiceColumnsComeFromTheVoiceSummaryOfTheMonth() {
    Dataset<Row> voice = frame(spark, VOICE,
        RowFactory.create(Date.valueOf(LocalDate.parse("2024-02-01")), 30.0, 69.2, 4.5, 2.0));

    Dataset<Row> kpis = KpiMonthly.build(threeMonthsOfOrders(), churnMonthly(), voice, AS_OF);

    assertSchema(KpiMonthly.TABLE.schema(), kpis);
    assertRows(List.of("2024-01-01|null|null|null|null", "2024-02-01|30|69.2|4.5|2",
        "2024-03-01|null|null|null|null"), kpis, "month", "nps", "csat", "avg_rating", "avg_reply_hours");
  }

  @Test
  void growthIsNullAfterAMonthWithoutRevenue() {
    // April has no orders (net 0, avg and repeat rate null); May's growth would divide by 0 -> null.
    Dataset<Row> orders = factOrders(spark,
        order("o1", "c1", "2024-03-05", "10", "0", 1),
        order("o2", "c1", "2024-05-05", "30", "0", 2));
    Dataset<Row> months = frame(spark, ChurnMonthly.TABLE.schema(),
        flow("2024-03-01", 0, 1, 0, 0, 1, null),
        flow("2024-04-01", 1, 0, 0, 0, 1, 0.0),
        flow("2024-05-01", 1, 0, 0, 0, 1, 0.0));

    Dataset<Row> kpis = KpiMonthly.build(orders, months, null, LocalDate.parse("2024-05-31"));

    assertRows(List.of(
        "2024-03-01|1|10|null|0",
        "2024-04-01|0|0|-100|null",   // 100 x (0 - 10) / 10
        "2024-05-01|1|30|null|1"),
        kpis, "month", "orders", "net_revenue", "sales_growth_pct", "repeat_purchase_rate");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> kpis = KpiMonthly.build(factOrders(spark), frame(spark, ChurnMonthly.TABLE.schema()), null, AS_OF);

    assertSchema(KpiMonthly.TABLE.schema(), kpis);
    assertEquals(0, kpis.count());
  }
}
