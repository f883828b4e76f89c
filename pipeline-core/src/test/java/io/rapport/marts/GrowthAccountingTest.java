package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.line;
import static io.rapport.marts.FactOrdersFixtures.order;
import static io.rapport.marts.FactOrdersFixtures.staged;
import static org.apache.spark.sql.functions.col;

import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.CustomerMonthStatus;
import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * customer_lifecycle_monthly, revenue_bridge_monthly and customer_monthly on one hand-made
 * history; every expected row is worked out in the comments.
 */
public class GrowthAccountingTest extends SparkTestSupport {

  public static final LocalDate AS_OF = LocalDate.parse("2024-06-10");

  /**
   * Jan: c1 buys 100 and c2 buys 50 (both first purchases); c3's first order is a return (-20).
   * Feb: c1 buys 150; c3's first purchase, 40 (its order has no country). Mar: c1 buys 120; c3
   * only gets a refund (-10); c4, who never buys, gets a refund (-5). Apr and May: no order at
   * all. Jun (the as-of month, as of the 10th): c2 comes back with 70; c1's order of the 20th is
   * after the as-of date and ignored. c1 buys on the web in DE, c2 in store in FR, c3 on the web.
   */
  public static Dataset<Row> history(org.apache.spark.sql.SparkSession spark) {
    return factOrders(spark,
        order("o1", "c1", "2024-01-05", "100", "0", 1),
        at(order("o2", "c2", "2024-01-09", "50", "0", 1), "store", "FR"),
        order("o3", "c3", "2024-01-20", "0", "20", null),
        order("o4", "c1", "2024-02-02", "150", "0", 2),
        at(order("o5", "c3", "2024-02-11", "40", "0", 1), "web", null),
        order("o6", "c1", "2024-03-03", "120", "0", 3),
        order("o7", "c3", "2024-03-15", "0", "10", null),
        order("o8", "c4", "2024-03-16", "0", "5", null),
        at(order("o9", "c2", "2024-06-02", "70", "0", 2), "store", "FR"),
        order("o10", "c1", "2024-06-20", "30", "0", 4));
  }

  /** The fixture's order with another channel and country. */
  static Row at(Row order, String channel, String country) {
    Object[] values = new Object[order.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = order.get(i);
    }
    values[FactOrders.TABLE.schema().fieldIndex("channel")] = channel;
    values[FactOrders.TABLE.schema().fieldIndex("country")] = country;
    return RowFactory.create(values);
  }

  private Dataset<Row> orders() {
    return history(spark);
  }

  private Dataset<Row> lifetimes(Dataset<Row> orders) {
    return CustomerLifetimes.build(orders, AS_OF);
  }

  private Dataset<Row> statuses(Dataset<Row> orders) {
    return CustomerMonthStatus.build(orders, lifetimes(orders), AS_OF);
  }

  private static final String[] LIFECYCLE_COLUMNS = {"month", "dimension", "dimension_value", "new_customers",
      "returning_customers", "resurrected_customers", "dormant_customers", "active_customers", "quick_ratio",
      "is_complete_period"};

  @Test
  void lifecycleCountsEveryBucketOverallAndByAcquisitionChannelAndCountry() {
    Dataset<Row> orders = orders();
    Dataset<Row> lifecycle = CustomerLifecycleMonthly.build(statuses(orders), lifetimes(orders), AS_OF);

    assertSchema(CustomerLifecycleMonthly.TABLE.schema(), lifecycle);
    // month|dimension|value|new|returning|resurrected|dormant|active|quick_ratio|complete
    assertRows(List.of(
        // Jan: c1 and c2 buy for the first time; c3's return is not a purchase (c3 is not active).
        "2024-01-01|overall|null|2|0|0|0|2|null|true",
        // Feb: c3's first purchase (new); c1 again (returning); c2 skipped Feb (dormant): 2 = 1 + 1;
        // quick ratio (1 + 0) / 1 = 1.
        "2024-02-01|overall|null|1|1|0|1|2|1|true",
        // Mar: c1 returning; c3 only got a refund, so is dormant (active in Feb): 2 = 1 + 1; (0 + 0) / 1 = 0.
        "2024-03-01|overall|null|0|1|0|1|1|0|true",
        // Apr: no order at all; c1 (active in Mar) is dormant: 1 = 0 + 1.
        "2024-04-01|overall|null|0|0|0|1|0|0|true",
        // May: nobody was active in Apr or May: a row of zeros for overall.
        "2024-05-01|overall|null|0|0|0|0|0|null|true",
        // Jun (as-of month, not complete): c2 comes back after Feb..May without a purchase: resurrected.
        "2024-06-01|overall|null|0|0|1|0|1|null|false",
        // By channel: web = c1 and c3, store = c2; months whose four counts are 0 are left out.
        "2024-01-01|acquisition_channel|web|1|0|0|0|1|null|true",
        "2024-02-01|acquisition_channel|web|1|1|0|0|2|null|true",
        "2024-03-01|acquisition_channel|web|0|1|0|1|1|0|true",
        "2024-04-01|acquisition_channel|web|0|0|0|1|0|0|true",
        "2024-01-01|acquisition_channel|store|1|0|0|0|1|null|true",
        "2024-02-01|acquisition_channel|store|0|0|0|1|0|0|true",
        "2024-06-01|acquisition_channel|store|0|0|1|0|1|null|false",
        // By country: c1 DE, c2 FR, c3's first purchase order has no country: unknown.
        "2024-01-01|acquisition_country|DE|1|0|0|0|1|null|true",
        "2024-02-01|acquisition_country|DE|0|1|0|0|1|null|true",
        "2024-03-01|acquisition_country|DE|0|1|0|0|1|null|true",
        "2024-04-01|acquisition_country|DE|0|0|0|1|0|0|true",
        "2024-01-01|acquisition_country|FR|1|0|0|0|1|null|true",
        "2024-02-01|acquisition_country|FR|0|0|0|1|0|0|true",
        "2024-06-01|acquisition_country|FR|0|0|1|0|1|null|false",
        "2024-02-01|acquisition_country|unknown|1|0|0|0|1|null|true",
        "2024-03-01|acquisition_country|unknown|0|0|0|1|0|0|true"),
        lifecycle, LIFECYCLE_COLUMNS);
  }

  @Test
  void revenueBridgeExplainsEachMonthsNetRevenueFromTheMonthBefore() {
    Dataset<Row> orders = orders();
    Dataset<Row> bridge = RevenueBridgeMonthly.build(statuses(orders), lifetimes(orders), AS_OF);

    assertSchema(RevenueBridgeMonthly.TABLE.schema(), bridge);
    // Net revenue of all orders: Jan 100 + 50 - 20 = 130; Feb 150 + 40 = 190; Mar 120 - 10 - 5 = 105;
    // Apr 0; May 0; Jun 70 (the order of the 20th is after the as-of date).
    // month|starting|new|resurrected|expansion|contraction|dormant|other|ending|expanding|contracting|complete
    assertRows(List.of(
        // Jan: new c1 100 + c2 50 = 150; c3's return before its first purchase is other (-20 - 0).
        // 0 + 150 - 20 = 130.
        "2024-01-01|0|150|0|0|0|0|-20|130|0|0|true",
        // Feb: c3 new: 40 - (-20) = 60; c1 expands 150 - 100 = 50; c2 dormant 0 - 50 = -50.
        // 130 + 60 + 50 - 50 = 190.
        "2024-02-01|130|60|0|50|0|-50|0|190|1|0|true",
        // Mar: c1 contracts 120 - 150 = -30; c3 dormant with a refund: -10 - 40 = -50; c4 (never a
        // purchase) other -5. 190 - 30 - 50 - 5 = 105.
        "2024-03-01|190|0|0|0|-30|-50|-5|105|0|1|true",
        // Apr: c1 dormant 0 - 120 = -120; c3 (inactive: no purchase in Mar or Apr) other 0 - (-10) = 10,
        // c4 other 0 - (-5) = 5. 105 - 120 + 15 = 0.
        "2024-04-01|105|0|0|0|0|-120|15|0|0|0|true",
        // May: no orders in Apr or May.
        "2024-05-01|0|0|0|0|0|0|0|0|0|0|true",
        // Jun: c2 resurrected 70 - 0.
        "2024-06-01|0|0|70|0|0|0|0|70|0|0|false"),
        bridge, "month", "starting_net_revenue", "new_revenue", "resurrected_revenue", "expansion_revenue",
        "contraction_revenue", "dormant_revenue", "other_revenue", "ending_net_revenue", "expanding_customers",
        "contracting_customers", "is_complete_period");
  }

  @Test
  void customerMonthlyIsTheDenseGridFromTheCohortMonthWithCumulativeRevenue() {
    Dataset<Row> orders = orders();
    Dataset<Row> monthly = CustomerMonthly.build(orders, lifetimes(orders), AS_OF);

    assertSchema(CustomerMonthly.TABLE.schema(), monthly);
    // customer|month|period|orders|net|cumulative|active|status|channel|cohort
    assertRows(List.of(
        "c1|2024-01-01|0|1|100|100|true|new|web|2024-01-01",
        "c1|2024-02-01|1|1|150|250|true|returning|web|2024-01-01",
        "c1|2024-03-01|2|1|120|370|true|returning|web|2024-01-01",
        "c1|2024-04-01|3|0|0|370|false|dormant|web|2024-01-01",
        "c1|2024-05-01|4|0|0|370|false|inactive|web|2024-01-01",
        // The order of 2024-06-20 is after the as-of date.
        "c1|2024-06-01|5|0|0|370|false|inactive|web|2024-01-01",
        "c2|2024-01-01|0|1|50|50|true|new|store|2024-01-01",
        "c2|2024-02-01|1|0|0|50|false|dormant|store|2024-01-01",
        "c2|2024-03-01|2|0|0|50|false|inactive|store|2024-01-01",
        "c2|2024-04-01|3|0|0|50|false|inactive|store|2024-01-01",
        "c2|2024-05-01|4|0|0|50|false|inactive|store|2024-01-01",
        "c2|2024-06-01|5|1|70|120|true|resurrected|store|2024-01-01",
        // c3's grid starts at its cohort month (Feb), but its January return is in the cumulative
        // revenue: -20 + 40 = 20; March's refund-only order has net -10 and no purchase: 20 - 10 = 10.
        "c3|2024-02-01|0|1|40|20|true|new|web|2024-02-01",
        "c3|2024-03-01|1|0|-10|10|false|dormant|web|2024-02-01",
        "c3|2024-04-01|2|0|0|10|false|inactive|web|2024-02-01",
        "c3|2024-05-01|3|0|0|10|false|inactive|web|2024-02-01",
        "c3|2024-06-01|4|0|0|10|false|inactive|web|2024-02-01"),
        // c4 never purchased: not a customer, no row.
        monthly, "customer_id", "month", "period_number", "orders", "net_revenue", "cumulative_net_revenue",
        "is_active", "lifecycle_status", "acquisition_channel", "cohort_month");
  }

  @Test
  void theReportingZoneDecidesTheMonthOfAnOrderNearMidnight() {
    // c5 buys at 23:30 UTC on 31 May: 1 June 01:30 in Berlin. c6 buys mid-May.
    Dataset<Row> lines = staged(spark,
        line("o1", 1, "c5", "2024-05-31T23:30:00Z", 1, "10.00", "completed"),
        line("o2", 1, "c6", "2024-05-15T10:00:00Z", 1, "20.00", "completed"));
    String[] columns = {"month", "dimension", "new_customers", "active_customers", "dormant_customers"};

    Dataset<Row> utc = FactOrders.build(lines, ZoneId.of("UTC"));
    assertRows(List.of(
        // UTC: both first purchases are in May; June has none, and both are dormant.
        "2024-05-01|overall|2|2|0", "2024-06-01|overall|0|0|2"),
        CustomerLifecycleMonthly.build(statuses(utc), lifetimes(utc), AS_OF).filter(col("dimension").equalTo("overall")), columns);
    Dataset<Row> berlin = FactOrders.build(lines, ZoneId.of("Europe/Berlin"));
    assertRows(List.of(
        // Berlin: c5's first purchase moves to June; c6 (May only) is dormant in June.
        "2024-05-01|overall|1|1|0", "2024-06-01|overall|1|1|1"),
        CustomerLifecycleMonthly.build(statuses(berlin), lifetimes(berlin), AS_OF).filter(col("dimension").equalTo("overall")),
        columns);
    assertRows(List.of(
        // Berlin bridge: May: c6 new 20. June: c5 new 10, c6 dormant -20; 20 + 10 - 20 = 10.
        "2024-05-01|0|20|0|20|true", "2024-06-01|20|10|-20|10|false"),
        RevenueBridgeMonthly.build(statuses(berlin), lifetimes(berlin), AS_OF),
        "month", "starting_net_revenue", "new_revenue", "dormant_revenue", "ending_net_revenue", "is_complete_period");
  }
}
