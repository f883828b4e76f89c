package io.rapport.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import io.rapport.marts.VoiceMonthly;
import io.rapport.models.ClvFits;
import io.rapport.models.ClvFitting;
import io.rapport.models.ModelFit;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Step 3, models and metrics: retention cohorts, churn, the CLV models, the survey and review
 * summaries by customer segment, and the monthly KPIs.
 */
public final class ModelsStage {
  public static final String NAME = "models";

  private ModelsStage() {}

  public static StageReport run(PipelineRun run) {
    RapportSettings s = run.settings();
    ZoneId zone = run.reportingZone();
    StageTables tables = new StageTables(run, NAME);
    List<String> warnings = new ArrayList<>();
    Dataset<Row> factOrders = run.read(FactOrders.TABLE);
    Dataset<Row> purchaseDays = run.read(CustomerPurchaseDays.TABLE);

    tables.write(RetentionCohorts.TABLE, RetentionCohorts.build(
        factOrders, run.asOf(), s.retention().mode(), s.retention().grain(), s.reporting().weekStart()));
    Dataset<Row> churnMonthly = tables.write(ChurnMonthly.TABLE,
        ChurnMonthly.build(purchaseDays, run.asOf(), s.churn().thresholdDays()));
    Dataset<Row> summaries = tables.write(CustomerSummaries.TABLE,
        CustomerSummaries.build(purchaseDays, run.asOf(), s.clv().timeUnitDays()));

    run.describe(NAME, "clv fit");
    ClvFits fits = ClvFitting.fit(summaries, s.clv());
    for (ModelFit fit : fits.asList()) {
      if (!fit.converged()) {
        warnings.add("CLV model " + fit.model() + " not fitted: " + fit.failureReason()
            + "; its per-customer columns are null");
      } else if (fit.warning() != null) {
        warnings.add("CLV model " + fit.model() + ": " + fit.warning());
      }
    }
    tables.write(ClvModelTable.TABLE, ClvModelTable.build(run.spark(), fits.asList(), s.clv().timeUnitDays()));
    Dataset<Row> customerClv = tables.write(CustomerClv.TABLE, CustomerClv.build(summaries, fits, s.clv()));
    Dataset<Row> churn = tables.write(CustomerChurn.TABLE, CustomerChurn.withRisk(
        CustomerChurn.build(factOrders, run.asOf(), s.churn().thresholdDays()),
        customerClv.select(col(CustomerClv.CUSTOMER_ID), col(CustomerClv.P_ALIVE)),
        s.churn().riskBands()));

    Dataset<Row> dimensions = customerDimensions(run.read(CustomerFacts.TABLE), customerClv, churn);
    Dataset<Row> surveys = run.read(FactSurveyResponses.TABLE);
    Dataset<Row> reviews = run.read(FactReviews.TABLE);
    int minResponses = s.voice().minResponses();
    tables.write(NpsSummary.TABLE, NpsSummary.build(surveys, dimensions, zone, minResponses));
    tables.write(CsatSummary.TABLE, CsatSummary.build(surveys, dimensions, zone, minResponses));
    tables.write(ReviewSummary.TABLE, ReviewSummary.build(reviews, zone));
    tables.write(KpiMonthly.TABLE, KpiMonthly.build(
        factOrders, churnMonthly, VoiceMonthly.build(surveys, reviews, zone), run.asOf()));

    StageReport report = new StageReport(NAME, tables.rows(), null, List.of(), warnings);
    run.saveReport(report);
    return report;
  }

  /** The as-of snapshot of each customer's segments, the dimensions of the voice summaries. */
  private static Dataset<Row> customerDimensions(Dataset<Row> facts, Dataset<Row> customerClv, Dataset<Row> churn) {
    return facts.select(col("customer_id"), col("cohort_month"), col("rfm_segment"))
        .join(customerClv.select(col("customer_id"), col("clv_tier")), "customer_id")
        .join(churn.select(col("customer_id"),
            when(col("is_churned"), lit("churned")).otherwise(lit("active")).as("churn_status")), "customer_id");
  }
}
