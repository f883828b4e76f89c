package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.REVIEWS;
import static io.rapport.marts.FactOrdersFixtures.SURVEY_RESPONSES;
import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static io.rapport.marts.FactOrdersFixtures.order;
import static io.rapport.marts.FactOrdersFixtures.review;
import static io.rapport.marts.FactOrdersFixtures.survey;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CustomerFactsTest extends SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.parse("2024-04-30");

  /**
   * c1: two purchases on 10 January, a returns-only order in March, a purchase on 20 April;
   * c2: one purchase on 5 February; c3: a returns-only order only; c4: a purchase after the as-of date.
   */
  private Dataset<Row> ordersOfFourCustomers() {
    return factOrders(spark,
        order("o1", "c1", "2024-01-10", "100", "0", 1),
        order("o2", "c1", "2024-01-10", "50", "0", 2),
        order("o3", "c1", "2024-03-01", "0", "30", null),
        order("o4", "c1", "2024-04-20", "20", "0", 3),
        order("o5", "c2", "2024-02-05", "40", "0", 1),
        order("o6", "c3", "2024-02-06", "0", "15", null),
        order("o7", "c4", "2024-05-02", "60", "0", 1));
  }

  private Dataset<Row> surveys() {
    return frame(spark, SURVEY_RESPONSES,
        survey("s1", "c1", "2024-02-01T10:00:00Z", "nps", 9, "promoter"),
        survey("s2", "c1", "2024-03-01T10:00:00Z", "nps", 6, "detractor"),  // the latest NPS answer
        survey("s3", "c1", "2024-02-02T10:00:00Z", "csat", 4, null),
        survey("s4", "c1", "2024-03-02T10:00:00Z", "csat", 5, null),
        survey("s5", null, "2024-03-02T10:00:00Z", "nps", 10, "promoter")); // anonymous: aggregates only
  }

  private Dataset<Row> reviews() {
    return frame(spark, REVIEWS,
        review("r1", "c1", 5, "2024-02-01T10:00:00Z"),
        review("r2", "c1", 4, "2024-02-03T10:00:00Z"),
        review("r3", "c2", 3, "2024-02-07T10:00:00Z"),
        review("r4", null, 1, "2024-02-07T10:00:00Z"));
  }

  @Test
  void oneRowPerPurchasingCustomerUpToTheAsOfDate() {
    Dataset<Row> facts = CustomerFacts.build(ordersOfFourCustomers(), surveys(), reviews(), AS_OF);

    assertSchema(CustomerFacts.TABLE.schema(), facts);
    // c3 (returns only) and c4 (first purchase after the as-of date) are absent.
    assertRows(List.of(
        // purchases o1, o2, o4 on 2 days; money over all 4 orders: gross 170, refund 30, net 140;
        // avg 140 / 3 = 46.66666.. -> 46.6667; since 20 Apr: 10 days; since 10 Jan: 21 + 29 + 31 + 30 = 111
        "c1|2024-01-10T12:00|2024-04-20T12:00|2024-01-01|3|2|170|30|140|46.6667|10|111",
        // one purchase on 5 Feb: 24 days to 29 Feb + 31 + 30 = 85
        "c2|2024-02-05T12:00|2024-02-05T12:00|2024-02-01|1|1|40|0|40|40|85|85"),
        facts, "customer_id", "first_purchase_ts", "last_purchase_ts", "cohort_month", "orders",
        "purchase_days", "gross_revenue", "refund_amount", "net_revenue", "avg_order_value",
        "days_since_last_purchase", "tenure_days");
    assertRows(List.of(
        // c1: 4 responses; the latest NPS (1 March) scored 6; CSAT mean (4 + 5) / 2; ratings (5 + 4) / 2
        "c1|4|6|detractor|4.5|2|4.5",
        "c2|0|null|null|null|1|3"),
        facts, "customer_id", "survey_responses", "last_nps_score", "last_nps_category", "avg_csat",
        "reviews", "avg_rating");
    // Two customers: each measure's cuts are [lower, lower, higher, higher] (days [10, 10, 85, 85],
    // orders [1, 1, 3, 3], net [40, 40, 140, 140]). c1: days 10 -> bucket 1 -> R 5; orders 3 > 1, 1 -> F 3;
    // net 140 > 40, 40 -> M 3 -> loyal (R >= 3, F >= 3). c2: days 85 > 10, 10 -> bucket 3 -> R 3; F 1; M 1
    // -> potential_loyalist (R >= 3, F <= 2).
    assertRows(List.of("c1|5|3|3|loyal", "c2|3|1|1|potential_loyalist"),
        facts, "customer_id", "rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score", "rfm_segment");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> facts = CustomerFacts.build(factOrders(spark), frame(spark, SURVEY_RESPONSES),
        frame(spark, REVIEWS), AS_OF);

    assertSchema(CustomerFacts.TABLE.schema(), facts);
    assertEquals(0, facts.count());
  }
}
