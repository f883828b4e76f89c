package io.rapport.pipeline;

import java.util.List;

/** Names of the published tables (SPEC section 4) and of internal frames kept between steps. */
public final class Tables {
  private Tables() {}

  public static final String FACT_ORDERS = "fact_orders";
  public static final String FACT_SURVEY_RESPONSES = "fact_survey_responses";
  public static final String FACT_REVIEWS = "fact_reviews";
  public static final String CUSTOMER_FACTS = "customer_facts";
  public static final String RETENTION_COHORTS = "retention_cohorts";
  public static final String CUSTOMER_CHURN = "customer_churn";
  public static final String CHURN_MONTHLY = "churn_monthly";
  public static final String CUSTOMER_CLV = "customer_clv";
  public static final String CLV_MODEL = "clv_model";
  public static final String NPS_SUMMARY = "nps_summary";
  public static final String CSAT_SUMMARY = "csat_summary";
  public static final String REVIEW_SUMMARY = "review_summary";
  public static final String KPI_MONTHLY = "kpi_monthly";
  public static final String REJECTS = "rejects";

  /** Every published table, in the order of SPEC section 4. */
  public static final List<String> PUBLISHED = List.of(
      FACT_ORDERS, FACT_SURVEY_RESPONSES, FACT_REVIEWS, CUSTOMER_FACTS, RETENTION_COHORTS,
      CUSTOMER_CHURN, CHURN_MONTHLY, CUSTOMER_CLV, CLV_MODEL, NPS_SUMMARY, CSAT_SUMMARY,
      REVIEW_SUMMARY, KPI_MONTHLY, REJECTS);

  /** Internal frames (under {@code _work} in the staging area, never published). */
  public static final String STAGED_PREFIX = "staged_";
  public static final String CUSTOMER_PURCHASE_DAYS = "customer_purchase_days";
  public static final String CUSTOMER_SUMMARIES = "customer_summaries";
}
