package io.rapport.pipeline;

import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.staging.SourceName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Step 2, facts: the event-grain fact tables, the customer-day purchase summary every model
 * reads, and {@code customer_facts}. Each table is read back from its Parquet files by the next
 * consumer, so nothing is computed twice.
 */
public final class FactsStage {
  public static final String NAME = "facts";

  private FactsStage() {}

  public static StageReport run(PipelineRun run) {
    String zone = run.reportingZone();
    Map<String, Long> rows = new LinkedHashMap<>();

    run.describe(NAME, "fact_orders");
    rows.put(Tables.FACT_ORDERS, run.writeTable(Tables.FACT_ORDERS,
        FactOrders.build(staged(run, SourceName.PURCHASES), zone)));
    Dataset<Row> factOrders = run.readTable(Tables.FACT_ORDERS);

    run.describe(NAME, "fact_survey_responses");
    rows.put(Tables.FACT_SURVEY_RESPONSES, run.writeTable(Tables.FACT_SURVEY_RESPONSES,
        FactSurveyResponses.build(staged(run, SourceName.SURVEYS), zone)));

    run.describe(NAME, "fact_reviews");
    rows.put(Tables.FACT_REVIEWS, run.writeTable(Tables.FACT_REVIEWS,
        FactReviews.build(staged(run, SourceName.REVIEWS), factOrders, zone)));

    run.describe(NAME, "customer_purchase_days");
    rows.put(Tables.CUSTOMER_PURCHASE_DAYS, run.writeWork(Tables.CUSTOMER_PURCHASE_DAYS,
        CustomerPurchaseDays.build(factOrders)));

    run.describe(NAME, "customer_facts");
    rows.put(Tables.CUSTOMER_FACTS, run.writeTable(Tables.CUSTOMER_FACTS, CustomerFacts.build(
        factOrders, run.readTable(Tables.FACT_SURVEY_RESPONSES), run.readTable(Tables.FACT_REVIEWS), run.asOf())));

    StageReport report = new StageReport(NAME, rows, null, List.of(), List.of());
    run.saveReport(report);
    return report;
  }

  static Dataset<Row> staged(PipelineRun run, SourceName source) {
    return run.readWork(Tables.STAGED_PREFIX + source.id());
  }
}
