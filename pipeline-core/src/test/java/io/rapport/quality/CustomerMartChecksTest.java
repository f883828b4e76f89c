package io.rapport.quality;

import static io.rapport.marts.FactOrdersFixtures.REVIEWS;
import static io.rapport.marts.FactOrdersFixtures.SURVEY_RESPONSES;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static io.rapport.marts.FactOrdersFixtures.line;
import static io.rapport.marts.FactOrdersFixtures.staged;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.CohortGrain;
import io.rapport.config.RetentionMode;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.RetentionCohorts;
import io.rapport.schema.Check;
import io.rapport.schema.Severity;
import io.rapport.schema.TableSpec;
import io.rapport.testing.SparkTestSupport;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CustomerMartChecksTest extends SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.parse("2024-04-10");
  private static final int THRESHOLD = 30;

  private Dataset<Row> factOrders;
  private Dataset<Row> customerFacts;
  private Dataset<Row> retentionCohorts;
  private Dataset<Row> customerChurn;
  private Dataset<Row> churnMonthly;
  private Dataset<Row> kpiMonthly;

  /** Three customers over January..April, built through the real marts (so they must pass). */
  @BeforeAll
  void buildMartsOfThreeCustomers() {
    factOrders = FactOrders.build(staged(spark,
        line("o1", 1, "c1", "2024-01-05T10:00:00Z", 2, "10.00", "completed"),
        line("o2", 1, "c1", "2024-03-05T10:00:00Z", 1, "10.00", "completed"),
        line("o3", 1, "c1", "2024-03-20T10:00:00Z", -1, "10.00", "completed"),
        line("o4", 1, "c2", "2024-02-01T10:00:00Z", 1, "25.00", "completed"),
        line("o5", 1, "c3", "2024-03-01T10:00:00Z", 1, "5.00", "completed"),
        line("o6", 1, "c3", "2024-04-03T10:00:00Z", 1, "5.00", "completed")), ZoneId.of("UTC")).cache();
    Dataset<Row> days = CustomerPurchaseDays.build(factOrders);
    customerFacts = CustomerFacts.build(factOrders, frame(spark, SURVEY_RESPONSES), frame(spark, REVIEWS), AS_OF).cache();
    retentionCohorts = RetentionCohorts.build(factOrders, AS_OF, RetentionMode.ON, CohortGrain.MONTH, DayOfWeek.MONDAY).cache();
    customerChurn = CustomerChurn.build(factOrders, AS_OF, THRESHOLD).cache();
    churnMonthly = ChurnMonthly.build(days, AS_OF, THRESHOLD).cache();
    kpiMonthly = KpiMonthly.build(factOrders, churnMonthly, null, AS_OF);
  }

  @Test
  void martsBuiltTogetherPassEveryCheck() {
    List<CheckResult> results = new ArrayList<>();
    for (TableSpec table : List.of(FactOrders.TABLE, CustomerFacts.TABLE, RetentionCohorts.TABLE, CustomerChurn.TABLE,
        ChurnMonthly.TABLE, KpiMonthly.TABLE)) {
      results.addAll(QualityGate.check(table, tables().get(table.name()), tables()::get));
    }

    // fact_orders 1, customer_facts 2, retention_cohorts 3, customer_churn 1, churn_monthly 4, kpi_monthly 1,
    // and each table's required_columns_present
    assertEquals(12 + 6, results.size());
    List<CheckResult> failed = results.stream().filter(r -> !r.passed()).collect(Collectors.toList());
    assertEquals(List.of(), failed);
  }

  @Test
  void aDuplicatedOrderBreaksTheKey() {
    Dataset<Row> duplicated = factOrders.union(factOrders.filter("order_id = 'o4'"));

    CheckResult result = QualityGate.check(FactOrders.TABLE, duplicated, tables()::get).get(0);

    assertFalse(result.passed());
    assertEquals(2, result.failingRows());   // both copies of o4
    assertEquals(Severity.ERROR, result.severity());
    assertTrue(result.detail().contains("order_id=o4"), result.detail());
  }

  @Test
  void aDuplicatedOrderBreaksTheKeyWhetherDistinctKeysAreCountedInsideTheAggregationOrApart() {
    Dataset<Row> duplicated = factOrders.union(factOrders.filter("order_id = 'o4'"));
    for (long apartFromBytes : new long[] {0, Long.MAX_VALUE}) {
      CheckResult broken = QualityGate.check(FactOrders.TABLE, duplicated, tables()::get, apartFromBytes).get(0);
      CheckResult clean = QualityGate.check(FactOrders.TABLE, factOrders, tables()::get, apartFromBytes).get(0);

      assertEquals(2, broken.failingRows(), "apart from " + apartFromBytes + " bytes: " + broken.detail());
      assertTrue(clean.passed(), "apart from " + apartFromBytes + " bytes: " + clean.detail());
    }
  }

  @Test
  void distinctKeysAreCountedExactlyWhenTheKeyHashCollides() {
    Check.UniqueKey key = FactOrders.TABLE.checks().stream().filter(c -> c instanceof Check.UniqueKey)
        .map(c -> (Check.UniqueKey) c).findFirst().orElseThrow();
    long rows = factOrders.count();
    // Every key hashed to one value: the hashes cannot prove the keys distinct, the keys themselves must.
    Function<Column[], Column> colliding = columns -> lit(7L);

    assertEquals(rows, QualityGate.distinctKeys(factOrders, key, rows, colliding));
    assertEquals(rows, QualityGate.distinctKeys(factOrders, key, rows, QualityGate.KEY_HASH));
    Dataset<Row> duplicated = factOrders.union(factOrders.filter("order_id = 'o4'"));
    assertEquals(rows, QualityGate.distinctKeys(duplicated, key, rows + 1, colliding));
    assertEquals(rows, QualityGate.distinctKeys(duplicated, key, rows + 1, QualityGate.KEY_HASH));
  }

  @Test
  void aNullKeyBreaksTheKey() {
    Dataset<Row> withNull = churnMonthly.withColumn("month",
        when(col("month").equalTo(lit("2024-02-01").cast("date")), lit(null).cast("date")).otherwise(col("month")));

    CheckResult result = QualityGate.check(ChurnMonthly.TABLE, withNull, tables()::get).get(0);

    assertFalse(result.passed());
    assertEquals(1, result.failingRows());
  }

  @Test
  void aCustomerRevenueThatDiffersFromTheOrdersFails() {
    Dataset<Row> broken = customerFacts.withColumn("net_revenue",
        when(col("customer_id").equalTo("c1"), col("net_revenue").plus(1)).otherwise(col("net_revenue")));

    CheckResult result = named(QualityGate.check(CustomerFacts.TABLE, broken, tables()::get), "net_revenue_matches_fact_orders");

    assertFalse(result.passed());
    assertEquals(1, result.failingRows());
    assertTrue(result.detail().contains("customer_id=c1"), result.detail());
  }

  @Test
  void periodZeroBelowOneFails() {
    Dataset<Row> broken = retentionCohorts
        .withColumn("active_customers",
            when(col("period_number").equalTo(0), col("active_customers").minus(1)).otherwise(col("active_customers")))
        .withColumn("retention_rate", col("active_customers").divide(col("cohort_size")));

    CheckResult result = named(QualityGate.check(RetentionCohorts.TABLE, broken, tables()::get), "period_0_retention_is_1");

    // One row per cohort at period 0: January {c1}, February {c2}, March {c3}
    assertFalse(result.passed());
    assertEquals(3, result.failingRows());
  }

  @Test
  void aCustomerMissingFromCustomerFactsBreaksTheCohortSizes() {
    CheckResult result = named(QualityGate.check(RetentionCohorts.TABLE, retentionCohorts,
        with(CustomerFacts.TABLE, customerFacts.filter("customer_id <> 'c2'"))::get), "cohort_sizes_match_customer_facts");

    // cohorts hold 3 customers, customer_facts now 2
    assertFalse(result.passed());
    assertEquals(1, result.failingRows());
    assertTrue(result.detail().contains("cohort_customers=3"), result.detail());
  }

  @Test
  void aWrongMonthEndBreaksTheFlowIdentityAndTheNextMonthsStart() {
    Dataset<Row> broken = churnMonthly.withColumn("customers_at_end",
        when(col("month").equalTo(lit("2024-02-01").cast("date")), col("customers_at_end").plus(1))
            .otherwise(col("customers_at_end")));

    List<CheckResult> results = QualityGate.check(ChurnMonthly.TABLE, broken, tables()::get);

    assertEquals(List.of(true, false, false, true, true),
        results.stream().map(CheckResult::passed).collect(Collectors.toList()));
    assertEquals(1, results.get(1).failingRows());   // February: at_end no longer start + new + ... - churned
    assertEquals(1, results.get(2).failingRows());   // March: at_start no longer February's at_end
  }

  @Test
  void aMissingMonthBreaksTheChainOfMonths() {
    CheckResult result = named(QualityGate.check(ChurnMonthly.TABLE,
        churnMonthly.filter(col("month").notEqual(lit("2024-02-01").cast("date"))), tables()::get), "start_equals_previous_end");

    assertFalse(result.passed());
    assertTrue(result.detail().contains("month=2024-03-01"), result.detail());
  }

  @Test
  void activeCustomersDisagreeingWithCustomerChurnFails() {
    CheckResult result = named(QualityGate.check(ChurnMonthly.TABLE, churnMonthly,
        with(CustomerChurn.TABLE, customerChurn.withColumn("is_churned", lit(false)))::get),
        "active_at_as_of_matches_customer_churn");

    // As of 10 April with threshold 30 only c3 (3 April) is active; marking all 3 active differs by 2.
    assertFalse(result.passed());
    assertEquals(2, result.failingRows());
  }

  /** The marts of this class by table name: the lookup reconciliations read other tables from. */
  private Map<String, Dataset<Row>> tables() {
    Map<String, Dataset<Row>> tables = new HashMap<>();
    tables.put(FactOrders.TABLE.name(), factOrders);
    tables.put(CustomerFacts.TABLE.name(), customerFacts);
    tables.put(RetentionCohorts.TABLE.name(), retentionCohorts);
    tables.put(CustomerChurn.TABLE.name(), customerChurn);
    tables.put(ChurnMonthly.TABLE.name(), churnMonthly);
    tables.put(KpiMonthly.TABLE.name(), kpiMonthly);
    return tables;
  }

  private Map<String, Dataset<Row>> with(TableSpec table, Dataset<Row> replacement) {
    Map<String, Dataset<Row>> tables = tables();
    tables.put(table.name(), replacement);
    return tables;
  }

  static CheckResult named(List<CheckResult> results, String check) {
    return results.stream().filter(r -> r.check().equals(check)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + check + " in " + results));
  }
}
