package io.rapport.quality;

import static io.rapport.marts.FactOrdersFixtures.REVIEWS;
import static io.rapport.marts.FactOrdersFixtures.SURVEY_RESPONSES;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static io.rapport.quality.CustomerMartChecksTest.named;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.CustomerMonthStatus;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.CustomerLifecycleMonthly;
import io.rapport.marts.CustomerMonthly;
import io.rapport.marts.GrowthAccountingTest;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.RevenueBridgeMonthly;
import io.rapport.schema.Severity;
import io.rapport.schema.TableSpec;
import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The growth tables' identities as quality-gate checks: they hold when built together, and each catches a broken value. */
class GrowthChecksTest extends SparkTestSupport {
  private static final LocalDate AS_OF = GrowthAccountingTest.AS_OF;

  private final Map<String, Dataset<Row>> tables = new HashMap<>();

  @BeforeAll
  void buildTheGrowthTablesAndTheirReferences() {
    Dataset<Row> orders = GrowthAccountingTest.history(spark).filter(col("order_date").leq(lit(AS_OF.toString()).cast("date"))).cache();
    Dataset<Row> lifetimes = CustomerLifetimes.build(orders, AS_OF).cache();
    Dataset<Row> churn = ChurnMonthly.build(CustomerPurchaseDays.build(orders), AS_OF, 90).cache();
    put(ChurnMonthly.TABLE, churn);
    put(KpiMonthly.TABLE, KpiMonthly.build(orders, churn, null, AS_OF));
    put(CustomerFacts.TABLE, CustomerFacts.build(orders, frame(spark, SURVEY_RESPONSES), frame(spark, REVIEWS), AS_OF));
    Dataset<Row> statuses = CustomerMonthStatus.build(orders, lifetimes, AS_OF).cache();
    put(CustomerLifecycleMonthly.TABLE, CustomerLifecycleMonthly.build(statuses, lifetimes, AS_OF));
    put(RevenueBridgeMonthly.TABLE, RevenueBridgeMonthly.build(statuses, lifetimes, AS_OF));
    put(CustomerMonthly.TABLE, CustomerMonthly.build(orders, lifetimes, AS_OF));
  }

  private void put(TableSpec table, Dataset<Row> frame) {
    tables.put(table.name(), frame.cache());
  }

  private List<CheckResult> check(TableSpec table, Dataset<Row> frame) {
    return QualityGate.check(table, frame, tables::get);
  }

  @Test
  void theThreeTablesBuiltTogetherPassEveryCheckAsErrors() {
    List<CheckResult> results = new ArrayList<>();
    for (TableSpec t : List.of(CustomerLifecycleMonthly.TABLE, RevenueBridgeMonthly.TABLE, CustomerMonthly.TABLE)) {
      results.addAll(check(t, tables.get(t.name())));
    }
    // lifecycle: key + 7 declared; bridge: key + 4; customer_monthly: key + 4; + required_columns_present each
    assertEquals(8 + 5 + 5 + 3, results.size());
    assertEquals(List.of(), results.stream().filter(r -> !r.passed()).toList());
    assertTrue(results.stream().allMatch(r -> r.severity() == Severity.ERROR));
  }

  @Test
  void aDormantCountOffByOneBreaksThePreviousMonthIdentityAndTheGrid() {
    // February overall: dormant 1 -> 2, so active(Jan) = 2 != returning 1 + dormant 2.
    Dataset<Row> broken = tables.get(CustomerLifecycleMonthly.TABLE.name()).withColumn("dormant_customers",
        when(col("month").equalTo(lit("2024-02-01").cast("date")).and(col("dimension").equalTo("overall")),
            col("dormant_customers").plus(1)).otherwise(col("dormant_customers")));

    CheckResult previous = named(check(CustomerLifecycleMonthly.TABLE, broken), "previous_active_is_returning_plus_dormant");
    assertFalse(previous.passed());
    assertEquals(1, previous.failingRows());
    assertTrue(previous.detail().contains("month=2024-02-01"), previous.detail());
    assertFalse(named(check(CustomerLifecycleMonthly.TABLE, broken), "dimensions_add_up_to_overall").passed());

    tables.put("__saved", tables.get(CustomerLifecycleMonthly.TABLE.name()));
    tables.put(CustomerLifecycleMonthly.TABLE.name(), broken);
    try {
      CheckResult grid = named(check(CustomerMonthly.TABLE, tables.get(CustomerMonthly.TABLE.name())), "counts_match_lifecycle");
      assertFalse(grid.passed());
      assertEquals(1, grid.failingRows());
    } finally {
      tables.put(CustomerLifecycleMonthly.TABLE.name(), tables.remove("__saved"));
    }
  }

  @Test
  void newCustomersDisagreeingWithKpiMonthlyFails() {
    Dataset<Row> broken = tables.get(CustomerLifecycleMonthly.TABLE.name()).withColumn("new_customers",
        when(col("month").equalTo(lit("2024-01-01").cast("date")), lit(3L)).otherwise(col("new_customers")));

    CheckResult result = named(check(CustomerLifecycleMonthly.TABLE, broken), "overall_matches_kpi_and_churn_monthly");

    assertFalse(result.passed());
    assertEquals(1, result.failingRows());
    // January overall now has new 3 but active 2: the row identity fails too.
    assertFalse(named(check(CustomerLifecycleMonthly.TABLE, broken), "active_is_new_returning_resurrected").passed());
  }

  @Test
  void anEndingThatIsNotKpiNetRevenueFails() {
    // March: ending 105 -> 106 breaks the bucket sum, March's agreement with kpi_monthly and April's start.
    Dataset<Row> broken = tables.get(RevenueBridgeMonthly.TABLE.name()).withColumn("ending_net_revenue",
        when(col("month").equalTo(lit("2024-03-01").cast("date")), col("ending_net_revenue").plus(1))
            .otherwise(col("ending_net_revenue")));

    List<CheckResult> results = check(RevenueBridgeMonthly.TABLE, broken);

    assertEquals(1, named(results, "ending_is_starting_plus_buckets").failingRows());
    assertEquals(1, named(results, "ending_matches_kpi_monthly").failingRows());
    CheckResult start = named(results, "starting_is_previous_ending");
    assertEquals(1, start.failingRows());
    assertTrue(start.detail().contains("2024-04-01"), start.detail());
  }

  @Test
  void aCumulativeRevenueThatIsNotCustomerFactsFails() {
    Dataset<Row> broken = tables.get(CustomerMonthly.TABLE.name()).withColumn("cumulative_net_revenue",
        when(col("customer_id").equalTo("c3"), col("cumulative_net_revenue").plus(1)).otherwise(col("cumulative_net_revenue")));

    CheckResult result = named(check(CustomerMonthly.TABLE, broken), "cumulative_at_as_of_matches_customer_facts");

    assertFalse(result.passed());
    assertEquals(1, result.failingRows());
    assertTrue(result.detail().contains("customer_id=c3"), result.detail());
  }
}
