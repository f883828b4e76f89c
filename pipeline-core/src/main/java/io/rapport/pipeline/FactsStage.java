package io.rapport.pipeline;

import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.staging.SourceName;
import java.time.ZoneId;
import java.util.List;
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
    ZoneId zone = run.reportingZone();
    StageTables tables = new StageTables(run, NAME);
    Dataset<Row> factOrders = tables.write(FactOrders.TABLE, FactOrders.build(staged(run, SourceName.PURCHASES), zone));
    Dataset<Row> surveys = tables.write(FactSurveyResponses.TABLE,
        FactSurveyResponses.build(staged(run, SourceName.SURVEYS), zone));
    Dataset<Row> reviews = tables.write(FactReviews.TABLE,
        FactReviews.build(staged(run, SourceName.REVIEWS), factOrders, zone));
    tables.write(CustomerPurchaseDays.TABLE, CustomerPurchaseDays.build(factOrders));
    tables.write(CustomerFacts.TABLE, CustomerFacts.build(factOrders, surveys, reviews, run.asOf()));
    StageReport report = new StageReport(NAME, tables.rows(), null, List.of(), List.of());
    run.saveReport(report);
    return report;
  }

  static Dataset<Row> staged(PipelineRun run, SourceName source) {
    return run.readWork(IngestStage.stagedName(source));
  }
}
