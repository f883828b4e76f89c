package io.rapport.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Spark-side metrics on hand-made frames holding only the columns they read. */
class RunMetricsTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2025, 8, 31);

  private Dataset<Row> orders(Object[]... rows) {
    StructType schema = new StructType()
        .add("order_date", DataTypes.DateType).add("is_purchase", DataTypes.BooleanType)
        .add("net_amount", DataTypes.createDecimalType(18, 4)).add("customer_id", DataTypes.StringType);
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  private static Object[] order(String date, boolean purchase, String net, String customer) {
    return new Object[] {Date.valueOf(date), purchase, new BigDecimal(net), customer};
  }

  @Test
  void ordersOfTheLast28DaysCountPurchasesNetOfAllOrdersAndDistinctBuyers() {
    // Window 2025-08-04 .. 2025-08-31. In it: c1 buys twice, c2 once, c3 only returns (-5).
    // orders_28d = 3 purchases; net = 10 + 20 + 30 - 5 = 55; active = c1, c2 = 2.
    Dataset<Row> frame = orders(
        order("2025-08-03", true, "1000", "c9"),   // the day before the window
        order("2025-08-04", true, "10", "c1"),
        order("2025-08-20", true, "20", "c1"),
        order("2025-08-31", true, "30", "c2"),
        order("2025-08-15", false, "-5", "c3"));

    Map<String, Double> m = RunMetrics.orders(frame, AS_OF.minusDays(27), AS_OF);

    assertEquals(3.0, m.get("orders_28d"));
    assertEquals(55.0, m.get("net_revenue_28d"), 1e-9);
    assertEquals(2.0, m.get("active_customers_28d"));
  }

  @Test
  void noOrderInTheWindowGivesZeros() {
    Map<String, Double> m = RunMetrics.orders(orders(order("2025-01-01", true, "5", "c1")), AS_OF.minusDays(27), AS_OF);

    assertEquals(Map.of("orders_28d", 0.0, "net_revenue_28d", 0.0, "active_customers_28d", 0.0), m);
  }

  @Test
  void npsAndCsatOfTheWindowUseSpecFormulas() {
    StructType schema = new StructType().add("response_date", DataTypes.DateType).add("survey_type", DataTypes.StringType)
        .add("nps_category", DataTypes.StringType).add("is_satisfied", DataTypes.BooleanType);
    Date in = Date.valueOf("2025-08-20");
    // NPS: 2 promoters, 1 passive, 1 detractor -> 100 x (2 - 1) / 4 = 25. CSAT: 2 of 3 satisfied -> 66.67.
    // A promoter before the window does not count.
    List<Row> rows = List.of(
        RowFactory.create(in, "nps", "promoter", null), RowFactory.create(in, "nps", "promoter", null),
        RowFactory.create(in, "nps", "passive", null), RowFactory.create(in, "nps", "detractor", null),
        RowFactory.create(Date.valueOf("2025-07-01"), "nps", "promoter", null),
        RowFactory.create(in, "csat", null, true), RowFactory.create(in, "csat", null, true),
        RowFactory.create(in, "csat", null, false));

    Map<String, Double> m = RunMetrics.voice(spark.createDataFrame(rows, schema), AS_OF.minusDays(27), AS_OF);

    assertEquals(25.0, m.get("nps_28d"), 1e-9);
    assertEquals(200.0 / 3, m.get("csat_28d"), 1e-9);
  }

  @Test
  void noResponseGivesNullNotZero() {
    StructType schema = new StructType().add("response_date", DataTypes.DateType).add("survey_type", DataTypes.StringType)
        .add("nps_category", DataTypes.StringType).add("is_satisfied", DataTypes.BooleanType);

    Map<String, Double> m = RunMetrics.voice(spark.createDataFrame(List.of(), schema), AS_OF.minusDays(27), AS_OF);

    assertNull(m.get("nps_28d"));
    assertNull(m.get("csat_28d"));
  }

  @Test
  void lastCompleteMonthIsTheAsOfMonthOnlyOnItsLastDay() {
    assertEquals(LocalDate.of(2025, 8, 1), RunMetrics.lastCompleteMonth(LocalDate.of(2025, 8, 31)));
    assertEquals(LocalDate.of(2025, 7, 1), RunMetrics.lastCompleteMonth(LocalDate.of(2025, 8, 30)));
    assertEquals(LocalDate.of(2024, 2, 1), RunMetrics.lastCompleteMonth(LocalDate.of(2024, 2, 29)));
  }

  @Test
  void verdictsBecomeRowsOfTheDeclaredSchema() {
    MetricVerdict v = AnomalyRules.judge("orders_28d", 228.0,
        List.of(new MetricVerdict.Point(AS_OF.minusWeeks(1), 400), new MetricVerdict.Point(AS_OF.minusWeeks(2), 410),
            new MetricVerdict.Point(AS_OF.minusWeeks(3), 395)),
        new AnomalyRules.Rule(0.3, io.rapport.schema.Severity.ERROR), 7, true);

    Dataset<Row> table = RunMetrics.build(spark, List.of(v));

    assertEquals(RunMetrics.TABLE.schema(), table.schema());
    Row row = table.first();
    assertEquals("orders_28d", row.getString(0));
    assertEquals(3, row.getInt(5));
    assertEquals("error", row.getAs("status"));
    assertEquals(true, row.getAs("is_accepted"));
    assertEquals("2025-08-24, 2025-08-17, 2025-08-10", row.getAs("baseline_as_of_dates"));
  }
}
