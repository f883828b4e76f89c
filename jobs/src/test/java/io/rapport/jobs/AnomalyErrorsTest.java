package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.errors.DataQualityException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an anomaly failure of the quality gate reads in --json (docs/json-output.md, rule anomaly). */
class AnomalyErrorsTest {
  private static final String ORDERS = "  - run_metrics / orders_28d: error, value 416 below bounds [464.8, 863.2]; baseline 664"
      + " = median of 3 published runs (2025-08-17, 2025-08-10, 2025-08-03)";

  @Test
  void onlyAnomaliesGiveRuleAnomalyWithEachMetricAsACheck() {
    RapportErrors.Details d = RapportErrors.details(new DataQualityException(
        "Quality gate failed for 2025-08-24; nothing was published:\n" + ORDERS
            + "\n  If the change is known and right, accept it for this run: rapport run --as-of 2025-08-24"
            + " --accept-anomaly orders_28d"));

    assertEquals(RapportErrors.KIND_DATA_QUALITY, d.kind());
    assertEquals("anomaly", d.rule());
    assertEquals(List.of(new RapportErrors.Check("run_metrics", "orders_28d",
        ORDERS.substring(ORDERS.indexOf("error, value")))), d.checks());
  }

  @Test
  void aTableCheckFailingTooKeepsRuleQualityCheck() {
    RapportErrors.Details d = RapportErrors.details(new DataQualityException(
        "Quality gate failed for 2025-08-24; nothing was published:\n"
            + "  - churn_monthly / flow_identity: customers_at_end = ...: violated by 1 rows (e.g. month=2025-08-01)\n" + ORDERS));

    assertEquals("quality_check", d.rule());
    assertEquals(2, d.checks().size());
  }
}
