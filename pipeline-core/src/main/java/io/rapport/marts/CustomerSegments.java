package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.SchemaProjection;
import io.rapport.schema.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per customer with a purchase: the as-of segments the NPS and CSAT summaries are broken
 * down by (cohort, RFM segment, CLV tier, churn status), built once for both.
 */
public final class CustomerSegments {
  private CustomerSegments() {}

  public static final String CUSTOMER_ID = CustomerFacts.CUSTOMER_ID;
  public static final String COHORT_MONTH = CustomerFacts.COHORT_MONTH;
  public static final String RFM_SEGMENT = CustomerFacts.RFM_SEGMENT;
  public static final String CLV_TIER = CustomerClv.CLV_TIER;
  public static final String CHURN_STATUS = "churn_status";

  public static final String CHURNED = "churned";
  public static final String ACTIVE = "active";

  public static final TableSpec TABLE = TableSpec.intermediate("customer_segments")
      .grain("One row per customer with at least one purchase up to the as-of date.")
      .notes("The customer-level dimensions of nps_summary and csat_summary, from the as-of snapshot.")
      .documentedIn("voice-tables.md")
      .builtBy(CustomerSegments.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(COHORT_MONTH, DateType, REQUIRED, "reporting zone", "customer_facts.cohort_month")
      .column(RFM_SEGMENT, StringType, REQUIRED, "", "customer_facts.rfm_segment")
      .column(CLV_TIER, StringType, NULLABLE, "", "customer_clv.clv_tier; null when CLV was not fitted")
      .column(CHURN_STATUS, StringType, REQUIRED, "", "`churned` or `active`, from customer_churn.is_churned")
      .key(CUSTOMER_ID)
      .build();

  public static Dataset<Row> build(Dataset<Row> customerFacts, Dataset<Row> customerClv, Dataset<Row> customerChurn) {
    return SchemaProjection.project(customerFacts.select(col(CUSTOMER_ID), col(COHORT_MONTH), col(RFM_SEGMENT))
        .join(customerClv.select(col(CustomerClv.CUSTOMER_ID), col(CLV_TIER)), CUSTOMER_ID)
        .join(customerChurn.select(col(CustomerChurn.CUSTOMER_ID),
            when(col(CustomerChurn.IS_CHURNED), lit(CHURNED)).otherwise(lit(ACTIVE)).as(CHURN_STATUS)), CUSTOMER_ID),
        TABLE.schema());
  }
}
