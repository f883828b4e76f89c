package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static io.rapport.marts.FactOrdersFixtures.order;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.RapportSettings.RiskBands;
import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CustomerChurnTest extends SparkTestSupport {

  /**
   * c1 last bought on 1 January 2024, c2 on 2 January (and only returned something later), c3 on
   * 1 April. With threshold 90 and as-of 1 April: 1 Jan + 90 days = 31 March, so c1 is at day 91.
   */
  private Dataset<Row> customersAroundTheThreshold() {
    return factOrders(spark,
        order("o0", "c1", "2023-12-01", "10", "0", 1),
        order("o1", "c1", "2024-01-01", "10", "0", 2),
        order("o2", "c2", "2024-01-02", "10", "0", 1),
        order("o3", "c2", "2024-03-15", "0", "10", null),   // a return does not make c2 active
        order("o4", "c3", "2024-04-01", "10", "0", 1));
  }

  @Test
  void churnStartsTheDayAfterTheThreshold() {
    Dataset<Row> churn = CustomerChurn.build(customersAroundTheThreshold(), LocalDate.parse("2024-04-01"), 90);

    assertSchema(CustomerChurn.TABLE.schema(), churn);
    assertRows(List.of(
        // 1 Apr - 1 Jan = 31 + 29 + 31 = 91 > 90: churned on 1 Jan + 91 days = 1 April
        "c1|2024-01-01T12:00|91|90|true|2024-04-01|null|null",
        // 1 Apr - 2 Jan = 90: exactly at the threshold, still active; churn would be 2 April
        "c2|2024-01-02T12:00|90|90|false|null|null|null",
        "c3|2024-04-01T12:00|0|90|false|null|null|null"),
        churn, "customer_id", "last_purchase_ts", "days_since_last_purchase", "churn_threshold_days",
        "is_churned", "churn_date", "p_alive", "risk_band");
  }

  @Test
  void theSameCustomerOneDayEarlierIsNotChurned() {
    Dataset<Row> churn = CustomerChurn.build(customersAroundTheThreshold(), LocalDate.parse("2024-03-31"), 90)
        .filter("customer_id = 'c1'");

    // 31 Mar - 1 Jan = 90 = threshold: not churned (c3's April purchase is after this as-of date).
    assertRows(List.of("c1|90|false|null"), churn, "customer_id", "days_since_last_purchase", "is_churned", "churn_date");
  }

  private static final StructType P_ALIVE = new StructType().add("customer_id", "string").add("p_alive", "double");

  @Test
  void riskBandsSplitOneMinusPAlive() {
    Dataset<Row> churn = CustomerChurn.build(factOrders(spark,
        order("o1", "c1", "2024-01-01", "10", "0", 1),
        order("o2", "c2", "2024-01-01", "10", "0", 1),
        order("o3", "c3", "2024-01-01", "10", "0", 1),
        order("o4", "c4", "2024-01-01", "10", "0", 1)), LocalDate.parse("2024-02-01"), 90);
    Dataset<Row> pAlive = frame(spark, P_ALIVE,
        RowFactory.create("c1", 0.9),    // risk 0.1 < 0.3 -> low
        RowFactory.create("c2", 0.5),    // risk 0.5 < 0.7 -> medium
        RowFactory.create("c3", 0.2));   // risk 0.8 -> high; c4 has no p_alive -> nulls

    Dataset<Row> banded = CustomerChurn.withRisk(churn, pAlive, new RiskBands(0.3, 0.7));

    assertSchema(CustomerChurn.TABLE.schema(), banded);
    assertRows(List.of("c1|0.9|low", "c2|0.5|medium", "c3|0.2|high", "c4|null|null"),
        banded, "customer_id", "p_alive", "risk_band");
    // A risk exactly on a cut goes to the upper band: 1 - 0.75 = 0.25 (exact in binary) is not below 0.25.
    assertRows(List.of("c1|medium"),
        CustomerChurn.withRisk(churn, frame(spark, P_ALIVE, RowFactory.create("c1", 0.75)), new RiskBands(0.25, 0.5))
            .filter("customer_id = 'c1'"), "customer_id", "risk_band");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> churn = CustomerChurn.build(factOrders(spark), LocalDate.parse("2024-04-01"), 90);

    assertSchema(CustomerChurn.TABLE.schema(), churn);
    assertEquals(0, churn.count());
  }

}
