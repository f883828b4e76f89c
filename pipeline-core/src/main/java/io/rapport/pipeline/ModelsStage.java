package io.rapport.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.CsatSummary;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.KpiMonthly;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.marts.ReviewSummary;
import io.rapport.marts.VoiceMonthly;
import io.rapport.models.ClvFits;
import io.rapport.models.ClvFitting;
import io.rapport.models.ModelFit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    String zone = run.reportingZone();
    Map<String, Long> rows = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    Dataset<Row> factOrders = run.readTable(Tables.FACT_ORDERS);
    Dataset<Row> purchaseDays = run.readWork(Tables.CUSTOMER_PURCHASE_DAYS);

    run.describe(NAME, "retention_cohorts");
    rows.put(Tables.RETENTION_COHORTS, run.writeTable(Tables.RETENTION_COHORTS, RetentionCohorts.build(
        factOrders, run.asOf(), s.retention().mode(), s.retention().grain(), s.reporting().weekStart())));

    run.describe(NAME, "churn_monthly");
    rows.put(Tables.CHURN_MONTHLY, run.writeTable(Tables.CHURN_MONTHLY,
        ChurnMonthly.build(purchaseDays, run.asOf(), s.churn().thresholdDays())));

    run.describe(NAME, "clv summaries");
    run.writeWork(Tables.CUSTOMER_SUMMARIES,
        CustomerSummaries.build(purchaseDays, run.asOf(), s.clv().timeUnitDays()));
    Dataset<Row> summaries = run.readWork(Tables.CUSTOMER_SUMMARIES);

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
    rows.put(Tables.CLV_MODEL, run.writeTable(Tables.CLV_MODEL,
        ClvModelTable.build(run.spark(), fits.asList(), s.clv().timeUnitDays())));
    run.describe(NAME, "customer_clv");
    rows.put(Tables.CUSTOMER_CLV, run.writeTable(Tables.CUSTOMER_CLV, CustomerClv.build(summaries, fits, s.clv())));
    Dataset<Row> customerClv = run.readTable(Tables.CUSTOMER_CLV);

    run.describe(NAME, "customer_churn");
    Dataset<Row> churn = CustomerChurn.withRisk(
        CustomerChurn.build(factOrders, run.asOf(), s.churn().thresholdDays()),
        customerClv.select(col(CustomerClv.CUSTOMER_ID), col(CustomerClv.P_ALIVE)),
        s.churn().riskBands());
    rows.put(Tables.CUSTOMER_CHURN, run.writeTable(Tables.CUSTOMER_CHURN, churn));

    run.describe(NAME, "survey and review summaries");
    Dataset<Row> dimensions = customerDimensions(run, customerClv);
    Dataset<Row> surveys = run.readTable(Tables.FACT_SURVEY_RESPONSES);
    Dataset<Row> reviews = run.readTable(Tables.FACT_REVIEWS);
    int minResponses = s.voice().minResponses();
    rows.put(Tables.NPS_SUMMARY, run.writeTable(Tables.NPS_SUMMARY, NpsSummary.build(surveys, dimensions, zone, minResponses)));
    rows.put(Tables.CSAT_SUMMARY, run.writeTable(Tables.CSAT_SUMMARY, CsatSummary.build(surveys, dimensions, zone, minResponses)));
    rows.put(Tables.REVIEW_SUMMARY, run.writeTable(Tables.REVIEW_SUMMARY, ReviewSummary.build(reviews, zone)));

    run.describe(NAME, "kpi_monthly");
    rows.put(Tables.KPI_MONTHLY, run.writeTable(Tables.KPI_MONTHLY, KpiMonthly.build(
        factOrders, run.readTable(Tables.CHURN_MONTHLY), VoiceMonthly.build(surveys, reviews, zone), run.asOf())));

    StageReport report = new StageReport(NAME, rows, null, List.of(), warnings);
    run.saveReport(report);
    return report;
  }

  /** The as-of snapshot of each customer's segments, the dimensions of the voice summaries. */
  private static Dataset<Row> customerDimensions(PipelineRun run, Dataset<Row> customerClv) {
    Dataset<Row> facts = run.readTable(Tables.CUSTOMER_FACTS);
    Dataset<Row> churn = run.readTable(Tables.CUSTOMER_CHURN);
    return facts.select(col("customer_id"), col("cohort_month"), col("rfm_segment"))
        .join(customerClv.select(col("customer_id"), col("clv_tier")), "customer_id")
        .join(churn.select(col("customer_id"),
            when(col("is_churned"), lit("churned")).otherwise(lit("active")).as("churn_status")), "customer_id");
  }
}
