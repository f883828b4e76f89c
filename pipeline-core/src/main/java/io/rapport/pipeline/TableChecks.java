package io.rapport.pipeline;

import static org.apache.spark.sql.functions.col;

import io.rapport.marts.CustomerClv;
import io.rapport.quality.CheckResult;
import io.rapport.quality.CustomerMartChecks;
import io.rapport.quality.Severity;
import io.rapport.quality.VoiceChecks;
import io.rapport.warehouse.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every check of the quality gate, over the tables a run has staged: the customer and voice
 * marts' own checks, the CLV table's domains, and the row accounting of {@code rejects}.
 */
final class TableChecks {
  private TableChecks() {}

  static List<CheckResult> all(PipelineRun run) {
    List<CheckResult> results = new ArrayList<>();
    Dataset<Row> factOrders = run.readTable(Tables.FACT_ORDERS);
    Dataset<Row> customerFacts = run.readTable(Tables.CUSTOMER_FACTS);
    Dataset<Row> customerChurn = run.readTable(Tables.CUSTOMER_CHURN);
    results.addAll(CustomerMartChecks.all(factOrders, customerFacts, run.readTable(Tables.RETENTION_COHORTS),
        customerChurn, run.readTable(Tables.CHURN_MONTHLY), run.readTable(Tables.KPI_MONTHLY)));
    results.addAll(VoiceChecks.all(run.readTable(Tables.FACT_SURVEY_RESPONSES), run.readTable(Tables.FACT_REVIEWS),
        run.readTable(Tables.NPS_SUMMARY), run.readTable(Tables.CSAT_SUMMARY), run.readTable(Tables.REVIEW_SUMMARY)));
    Dataset<Row> customerClv = run.readTable(Tables.CUSTOMER_CLV);
    results.add(CustomerMartChecks.keysUniqueAndNonNull(customerClv, Tables.CUSTOMER_CLV, CustomerClv.CUSTOMER_ID));
    results.add(sameCustomers(customerClv, customerFacts));
    results.add(pAliveIsAProbability(customerClv));
    results.add(rejectsReconcile(run));
    return results;
  }

  /** customer_clv holds exactly the customers of customer_facts (one row per customer with a purchase). */
  static CheckResult sameCustomers(Dataset<Row> customerClv, Dataset<Row> customerFacts) {
    Dataset<Row> a = customerClv.select(col("customer_id"));
    Dataset<Row> b = customerFacts.select(col("customer_id"));
    long differing = a.exceptAll(b).count() + b.exceptAll(a).count();
    return CheckResult.of(Tables.CUSTOMER_CLV, "customers_match_customer_facts", Severity.ERROR, differing,
        differing == 0 ? "customer_clv and customer_facts hold the same customers"
            : differing + " customers are in only one of customer_clv and customer_facts");
  }

  static CheckResult pAliveIsAProbability(Dataset<Row> customerClv) {
    long bad = customerClv.filter(col(CustomerClv.P_ALIVE).lt(0).or(col(CustomerClv.P_ALIVE).gt(1))
        .or(col(CustomerClv.CLV).lt(0))).count();
    return CheckResult.of(Tables.CUSTOMER_CLV, "p_alive_in_0_1_and_clv_not_negative", Severity.ERROR, bad,
        bad == 0 ? "p_alive within [0, 1] and clv >= 0 wherever the model was fitted"
            : bad + " customers have p_alive outside [0, 1] or a negative clv");
  }

  /** The rejects table holds exactly the rows the ingest step counted as rejected. */
  static CheckResult rejectsReconcile(PipelineRun run) {
    StageReport ingest = run.loadReport(IngestStage.NAME);
    long counted = ingest.inputs().values().stream().mapToLong(Manifest.SourceAccounting::rejected).sum();
    long written = run.readTable(Tables.REJECTS).count();
    return CheckResult.of(Tables.REJECTS, "rows_equal_rejected_count", Severity.ERROR, Math.abs(counted - written),
        "rejects holds " + written + " rows; ingest counted " + counted + " rejected rows ("
            + summary(ingest.inputs()) + ")");
  }

  private static String summary(Map<String, Manifest.SourceAccounting> inputs) {
    StringBuilder s = new StringBuilder();
    inputs.forEach((source, a) -> s.append(s.length() == 0 ? "" : ", ").append(source).append(' ').append(a.rejected()));
    return s.toString();
  }
}
