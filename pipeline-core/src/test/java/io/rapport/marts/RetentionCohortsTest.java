package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.assertSchema;
import static io.rapport.marts.FactOrdersFixtures.factOrders;
import static io.rapport.marts.FactOrdersFixtures.order;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.CohortGrain;
import io.rapport.config.RetentionMode;
import io.rapport.testing.SparkTestSupport;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RetentionCohortsTest extends SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.parse("2024-04-15");
  private static final String[] COLUMNS = {
      "cohort_month", "period_number", "period_start", "cohort_size", "active_customers", "retention_rate",
      "net_revenue", "cumulative_net_revenue_per_customer", "is_complete_period"};

  /**
   * January cohort: c1 buys in January and March, c2 buys in January and returns in February
   * (so February has revenue but no active customer). March cohort: c3 buys in March and April.
   * c1's order after the as-of date is ignored.
   */
  private Dataset<Row> twoCohortsWithAnEmptyMonth() {
    return factOrders(spark,
        order("o1", "c1", "2024-01-05", "10", "0", 1),
        order("o2", "c1", "2024-03-10", "20", "0", 2),
        order("o3", "c2", "2024-01-20", "30", "0", 1),
        order("o4", "c2", "2024-02-03", "0", "5", null),
        order("o5", "c3", "2024-03-02", "50", "0", 1),
        order("o6", "c3", "2024-04-10", "5", "0", 2),
        order("o7", "c1", "2024-04-20", "1000", "0", 3));
  }

  @Test
  void monthlyCohortsInModeOnKeepEmptyMonths() {
    Dataset<Row> cohorts = RetentionCohorts.build(twoCohortsWithAnEmptyMonth(), AS_OF, RetentionMode.ON, CohortGrain.MONTH, DayOfWeek.MONDAY);

    assertSchema(RetentionCohorts.TABLE.schema(), cohorts);
    assertRows(List.of(
        // January cohort {c1, c2}, periods January..April (the as-of month, incomplete)
        "2024-01-01|0|2024-01-01|2|2|1|40|20|true",        // 10 + 30; 40 / 2
        "2024-01-01|1|2024-02-01|2|0|0|-5|17.5|true",      // empty month: only c2's return; (40 - 5) / 2
        "2024-01-01|2|2024-03-01|2|1|0.5|20|27.5|true",    // c1; (35 + 20) / 2
        "2024-01-01|3|2024-04-01|2|0|0|0|27.5|false",      // c1's 20 April order is after the as-of date
        // March cohort {c3}
        "2024-03-01|0|2024-03-01|1|1|1|50|50|true",
        "2024-03-01|1|2024-04-01|1|1|1|5|55|false"),
        cohorts, COLUMNS);
  }

  @Test
  void modeOnOrAfterCountsCustomersWhoBuyInThePeriodOrLater() {
    Dataset<Row> cohorts = RetentionCohorts.build(twoCohortsWithAnEmptyMonth(), AS_OF, RetentionMode.ON_OR_AFTER, CohortGrain.MONTH, DayOfWeek.MONDAY);

    // January cohort: c1's last purchase period is 2, c2's is 0 -> active 2, 1, 1, 0.
    assertRows(List.of(
        "2024-01-01|0|2|1", "2024-01-01|1|1|0.5", "2024-01-01|2|1|0.5", "2024-01-01|3|0|0",
        "2024-03-01|0|1|1", "2024-03-01|1|1|1"),
        cohorts, "cohort_month", "period_number", "active_customers", "retention_rate");
  }

  /** 1 January 2024 is a Monday. c1 buys Tuesday 2 and Tuesday 16 January, c2 on Sunday 7 January. */
  private Dataset<Row> purchasesAroundASunday() {
    return factOrders(spark,
        order("o1", "c1", "2024-01-02", "10", "0", 1),
        order("o2", "c1", "2024-01-16", "10", "0", 2),
        order("o3", "c2", "2024-01-07", "10", "0", 1));
  }

  @Test
  void weeklyGrainWithMondayWeeks() {
    Dataset<Row> cohorts = RetentionCohorts.build(
        purchasesAroundASunday(), LocalDate.parse("2024-01-17"), RetentionMode.ON, CohortGrain.WEEK, DayOfWeek.MONDAY);

    // Both first purchases fall in the week of Monday 1 January; the as-of Wednesday 17th is in week 2.
    assertRows(List.of(
        "2024-01-01|0|2024-01-01|2|2|true",
        "2024-01-01|1|2024-01-08|2|0|true",
        "2024-01-01|2|2024-01-15|2|1|false"),
        cohorts, "cohort_month", "period_number", "period_start", "cohort_size", "active_customers",
        "is_complete_period");
  }

  @Test
  void weeklyGrainWithSundayWeeks() {
    Dataset<Row> cohorts = RetentionCohorts.build(
        purchasesAroundASunday(), LocalDate.parse("2024-01-17"), RetentionMode.ON, CohortGrain.WEEK, DayOfWeek.SUNDAY);

    // Sunday weeks: c1's Tuesday 2 Jan is in the week of Sunday 31 Dec; c2's Sunday 7 Jan starts its own
    // week; the as-of date is in the week of Sunday 14 Jan.
    assertRows(List.of(
        "2023-12-31|0|2023-12-31|1|1|true",
        "2023-12-31|1|2024-01-07|1|0|true",
        "2023-12-31|2|2024-01-14|1|1|false",   // c1 on 16 January
        "2024-01-07|0|2024-01-07|1|1|true",
        "2024-01-07|1|2024-01-14|1|0|false"),
        cohorts, "cohort_month", "period_number", "period_start", "cohort_size", "active_customers",
        "is_complete_period");
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> cohorts = RetentionCohorts.build(factOrders(spark), AS_OF, RetentionMode.ON, CohortGrain.MONTH, DayOfWeek.MONDAY);

    assertSchema(RetentionCohorts.TABLE.schema(), cohorts);
    assertEquals(0, cohorts.count());
  }

}
