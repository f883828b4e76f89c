package io.rapport.quality;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.RetentionCohorts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-quality checks of the customer marts (fact_orders, customer_facts, retention_cohorts,
 * customer_churn, churn_monthly, kpi_monthly), run by the write-audit-publish gate before publish.
 *
 * <p>Each check is one aggregate Spark query over the built frames (nothing per row reaches the
 * driver); only when a check fails are up to three failing rows taken for the detail sentence.
 * All checks here are {@link Severity#ERROR}: each one states an identity the marts guarantee by
 * construction, so a failure means a bug or corrupt input, not a data nuance.
 */
public final class CustomerMartChecks {
  private CustomerMartChecks() {}

  public static final String FACT_ORDERS = "fact_orders";
  public static final String CUSTOMER_FACTS = "customer_facts";
  public static final String RETENTION_COHORTS = "retention_cohorts";
  public static final String CUSTOMER_CHURN = "customer_churn";
  public static final String CHURN_MONTHLY = "churn_monthly";
  public static final String KPI_MONTHLY = "kpi_monthly";

  private static final int EXAMPLES = 3;

  /** Every check of this class, table by table. */
  public static List<CheckResult> all(
      Dataset<Row> factOrders, Dataset<Row> customerFacts, Dataset<Row> retentionCohorts,
      Dataset<Row> customerChurn, Dataset<Row> churnMonthly, Dataset<Row> kpiMonthly) {
    List<CheckResult> results = new ArrayList<>();
    results.addAll(factOrders(factOrders));
    results.addAll(customerFacts(customerFacts, factOrders));
    results.addAll(retentionCohorts(retentionCohorts, customerFacts));
    results.addAll(customerChurn(customerChurn));
    results.addAll(churnMonthly(churnMonthly, customerChurn));
    results.addAll(kpiMonthly(kpiMonthly));
    return results;
  }

  public static List<CheckResult> factOrders(Dataset<Row> factOrders) {
    return List.of(keysUniqueAndNonNull(factOrders, FACT_ORDERS, FactOrders.ORDER_ID));
  }

  public static List<CheckResult> customerFacts(Dataset<Row> customerFacts, Dataset<Row> factOrders) {
    return List.of(
        keysUniqueAndNonNull(customerFacts, CUSTOMER_FACTS, CustomerFacts.CUSTOMER_ID),
        netRevenueMatchesOrders(customerFacts, factOrders));
  }

  public static List<CheckResult> retentionCohorts(Dataset<Row> retentionCohorts, Dataset<Row> customerFacts) {
    return List.of(
        keysUniqueAndNonNull(retentionCohorts, RETENTION_COHORTS,
            RetentionCohorts.COHORT_MONTH, RetentionCohorts.PERIOD_NUMBER),
        periodZeroRetentionIsOne(retentionCohorts),
        cohortSizesMatchCustomers(retentionCohorts, customerFacts));
  }

  public static List<CheckResult> customerChurn(Dataset<Row> customerChurn) {
    return List.of(keysUniqueAndNonNull(customerChurn, CUSTOMER_CHURN, CustomerChurn.CUSTOMER_ID));
  }

  public static List<CheckResult> churnMonthly(Dataset<Row> churnMonthly, Dataset<Row> customerChurn) {
    return List.of(
        keysUniqueAndNonNull(churnMonthly, CHURN_MONTHLY, ChurnMonthly.MONTH),
        churnFlowIdentity(churnMonthly),
        startEqualsPreviousEnd(churnMonthly),
        activeAtAsOfMatchesCustomerChurn(churnMonthly, customerChurn));
  }

  public static List<CheckResult> kpiMonthly(Dataset<Row> kpiMonthly) {
    return List.of(keysUniqueAndNonNull(kpiMonthly, KPI_MONTHLY, ChurnMonthly.MONTH));
  }

  /** No key column is null and no key value occurs twice; failing rows = rows sharing or lacking a key. */
  public static CheckResult keysUniqueAndNonNull(Dataset<Row> frame, String table, String... keys) {
    Column[] keyColumns = Arrays.stream(keys).map(k -> col(k)).toArray(Column[]::new);
    Column anyNull = Arrays.stream(keyColumns).map(Column::isNull).reduce(lit(false), Column::or);
    Dataset<Row> failing = frame.groupBy(keyColumns)
        .agg(count(lit(1)).as("rows"))
        .filter(col("rows").gt(1).or(anyNull));
    String what = "key (" + String.join(", ", keys) + ") is non-null and unique";
    return result(table, "keys_unique_and_non_null", failing, sum(col("rows")), what);
  }

  /** Period 0 of every cohort has active_customers = cohort_size, so retention_rate = 1. */
  public static CheckResult periodZeroRetentionIsOne(Dataset<Row> retentionCohorts) {
    Dataset<Row> failing = retentionCohorts
        .filter(col(RetentionCohorts.PERIOD_NUMBER).equalTo(0))
        .filter(col(RetentionCohorts.ACTIVE_CUSTOMERS).notEqual(col(RetentionCohorts.COHORT_SIZE))
            .or(coalesce(abs(col(RetentionCohorts.RETENTION_RATE).minus(1.0)).gt(1e-9), lit(true))))
        .select(RetentionCohorts.COHORT_MONTH, RetentionCohorts.COHORT_SIZE,
            RetentionCohorts.ACTIVE_CUSTOMERS, RetentionCohorts.RETENTION_RATE);
    return result(RETENTION_COHORTS, "period_0_retention_is_1", failing, count(lit(1)),
        "period 0 retention_rate is 1 for every cohort");
  }

  /** The cohort sizes add up to the customers of customer_facts; failing rows = the difference. */
  public static CheckResult cohortSizesMatchCustomers(Dataset<Row> retentionCohorts, Dataset<Row> customerFacts) {
    Dataset<Row> sizes = retentionCohorts
        .filter(col(RetentionCohorts.PERIOD_NUMBER).equalTo(0))
        .agg(coalesce(sum(col(RetentionCohorts.COHORT_SIZE)), lit(0L)).as("cohort_customers"));
    Dataset<Row> customers = customerFacts.agg(count(lit(1)).as("customer_facts_rows"));
    Dataset<Row> compared = sizes.crossJoin(customers)
        .withColumn("difference", abs(col("cohort_customers").minus(col("customer_facts_rows"))));
    Dataset<Row> failing = compared.filter(col("difference").gt(0));
    return result(RETENTION_COHORTS, "cohort_sizes_match_customer_facts", failing, sum(col("difference")),
        "sum of period-0 cohort_size equals the customers in customer_facts");
  }

  /** customers_at_end = at_start + new + reactivated - churned in every month. */
  public static CheckResult churnFlowIdentity(Dataset<Row> churnMonthly) {
    Column expected = col(ChurnMonthly.CUSTOMERS_AT_START).plus(col(ChurnMonthly.NEW_CUSTOMERS))
        .plus(col(ChurnMonthly.REACTIVATED_CUSTOMERS)).minus(col(ChurnMonthly.CHURNED_CUSTOMERS));
    Dataset<Row> failing = churnMonthly.filter(coalesce(col(ChurnMonthly.CUSTOMERS_AT_END).notEqual(expected), lit(true)));
    return result(CHURN_MONTHLY, "flow_identity", failing, count(lit(1)),
        "customers_at_end = customers_at_start + new + reactivated - churned");
  }

  /**
   * customers_at_start of each month = customers_at_end of the month before; the first month
   * starts at 0, so a missing month inside the range fails too.
   */
  public static CheckResult startEqualsPreviousEnd(Dataset<Row> churnMonthly) {
    Dataset<Row> previous = churnMonthly.select(
        add_months(col(ChurnMonthly.MONTH), 1).as(ChurnMonthly.MONTH),
        col(ChurnMonthly.CUSTOMERS_AT_END).as("previous_customers_at_end"));
    Dataset<Row> failing = churnMonthly
        .select(ChurnMonthly.MONTH, ChurnMonthly.CUSTOMERS_AT_START)
        .join(previous, new String[] {ChurnMonthly.MONTH}, "left")
        .filter(col(ChurnMonthly.CUSTOMERS_AT_START)
            .notEqual(coalesce(col("previous_customers_at_end"), lit(0L))));
    return result(CHURN_MONTHLY, "start_equals_previous_end", failing, count(lit(1)),
        "customers_at_start equals the previous month's customers_at_end (0 before the first month)");
  }

  /** The as-of month's customers_at_end equals the customers not churned in customer_churn. */
  public static CheckResult activeAtAsOfMatchesCustomerChurn(Dataset<Row> churnMonthly, Dataset<Row> customerChurn) {
    Dataset<Row> flow = churnMonthly.agg(coalesce(
        max_by(col(ChurnMonthly.CUSTOMERS_AT_END), col(ChurnMonthly.MONTH)), lit(0L)).as("active_in_churn_monthly"));
    Dataset<Row> snapshot = customerChurn.agg(
        count(when(col(CustomerChurn.IS_CHURNED).equalTo(false), lit(1))).as("active_in_customer_churn"));
    Dataset<Row> failing = flow.crossJoin(snapshot)
        .withColumn("difference", abs(col("active_in_churn_monthly").minus(col("active_in_customer_churn"))))
        .filter(col("difference").gt(0));
    return result(CHURN_MONTHLY, "active_at_as_of_matches_customer_churn", failing, sum(col("difference")),
        "the as-of month's customers_at_end equals the customers not churned in customer_churn");
  }

  /** Each customer's net_revenue equals the sum of net_amount of their orders in fact_orders. */
  public static CheckResult netRevenueMatchesOrders(Dataset<Row> customerFacts, Dataset<Row> factOrders) {
    Dataset<Row> fromOrders = factOrders.groupBy(col(FactOrders.CUSTOMER_ID))
        .agg(sum(col(FactOrders.NET_AMOUNT)).as("orders_net_amount"));
    Dataset<Row> failing = customerFacts
        .select(CustomerFacts.CUSTOMER_ID, CustomerFacts.NET_REVENUE)
        .join(fromOrders, new String[] {CustomerFacts.CUSTOMER_ID}, "left")
        .filter(coalesce(col(CustomerFacts.NET_REVENUE).notEqual(col("orders_net_amount")), lit(true)));
    return result(CUSTOMER_FACTS, "net_revenue_matches_fact_orders", failing, count(lit(1)),
        "each customer's net_revenue equals the sum of their orders' net_amount");
  }

  /** One aggregate over the failing rows; examples are taken only when something fails. */
  private static CheckResult result(String table, String check, Dataset<Row> failing, Column failingRows, String what) {
    Row counted = failing.agg(coalesce(failingRows, lit(0L)).cast("long").as("failing")).first();
    long n = counted.getLong(0);
    if (n == 0) {
      return CheckResult.of(table, check, Severity.ERROR, 0, "Passed: " + what + ".");
    }
    String examples = failing.limit(EXAMPLES).collectAsList().stream()
        .map(CustomerMartChecks::describe)
        .collect(Collectors.joining("; "));
    return CheckResult.of(table, check, Severity.ERROR, n,
        "Failed: " + what + " (" + n + " failing); e.g. " + examples);
  }

  private static String describe(Row row) {
    String[] names = row.schema().fieldNames();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      parts.add(names[i] + "=" + row.get(i));
    }
    return "{" + String.join(", ", parts) + "}";
  }
}
