package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.schema.StagedSchemas;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One row per customer with at least one purchase up to the as-of date, for one as-of date.
 *
 * <p>Purchase columns (first/last purchase, cohort_month, orders, purchase_days, recency and
 * tenure) use purchase orders only; money columns (gross_revenue, refund_amount, net_revenue)
 * sum ALL the customer's orders in fact_orders, returns-only orders included, so net_revenue
 * reconciles with fact_orders. avg_order_value = net_revenue / orders (purchases). Day counts are
 * whole reporting-zone days from the purchase day to the as-of date. Voice columns count the
 * customer's survey responses and reviews (inputs already cut at the as-of date by staging).
 * RFM scores and segment: see {@link Rfm}.
 */
public final class CustomerFacts {
  private CustomerFacts() {}

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String FIRST_PURCHASE_TS = "first_purchase_ts";
  public static final String LAST_PURCHASE_TS = "last_purchase_ts";
  public static final String COHORT_MONTH = "cohort_month";
  public static final String ORDERS = "orders";
  public static final String PURCHASE_DAYS = "purchase_days";
  public static final String GROSS_REVENUE = "gross_revenue";
  public static final String REFUND_AMOUNT = "refund_amount";
  public static final String NET_REVENUE = "net_revenue";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String DAYS_SINCE_LAST_PURCHASE = "days_since_last_purchase";
  public static final String TENURE_DAYS = "tenure_days";
  public static final String SURVEY_RESPONSES = "survey_responses";
  public static final String LAST_NPS_SCORE = "last_nps_score";
  public static final String LAST_NPS_CATEGORY = "last_nps_category";
  public static final String AVG_CSAT = "avg_csat";
  public static final String REVIEWS = "reviews";
  public static final String AVG_RATING = "avg_rating";
  public static final String RFM_RECENCY_SCORE = Rfm.RECENCY_SCORE;
  public static final String RFM_FREQUENCY_SCORE = Rfm.FREQUENCY_SCORE;
  public static final String RFM_MONETARY_SCORE = Rfm.MONETARY_SCORE;
  public static final String RFM_SEGMENT = Rfm.SEGMENT;

  // Columns read from fact_survey_responses and fact_reviews (built elsewhere).
  static final String NPS_CATEGORY = "nps_category";

  public static final StructType SCHEMA = new StructType()
      .add(CUSTOMER_ID, StringType, false)
      .add(FIRST_PURCHASE_TS, TimestampType, false)
      .add(LAST_PURCHASE_TS, TimestampType, false)
      .add(COHORT_MONTH, DateType, false)
      .add(ORDERS, LongType, false)
      .add(PURCHASE_DAYS, LongType, false)
      .add(GROSS_REVENUE, MONEY, false)
      .add(REFUND_AMOUNT, MONEY, false)
      .add(NET_REVENUE, MONEY, false)
      .add(AVG_ORDER_VALUE, MONEY, false)
      .add(DAYS_SINCE_LAST_PURCHASE, IntegerType, false)
      .add(TENURE_DAYS, IntegerType, false)
      .add(SURVEY_RESPONSES, LongType, false)
      .add(LAST_NPS_SCORE, IntegerType, true)
      .add(LAST_NPS_CATEGORY, StringType, true)
      .add(AVG_CSAT, DoubleType, true)
      .add(REVIEWS, LongType, false)
      .add(AVG_RATING, DoubleType, true)
      .add(RFM_RECENCY_SCORE, IntegerType, false)
      .add(RFM_FREQUENCY_SCORE, IntegerType, false)
      .add(RFM_MONETARY_SCORE, IntegerType, false)
      .add(RFM_SEGMENT, StringType, false);

  /**
   * Builds customer_facts.
   *
   * @param factOrders fact_orders ({@link FactOrders#SCHEMA}); orders after {@code asOf} are ignored
   * @param factSurveyResponses response_id, customer_id, responded_at, survey_type, score, nps_category
   * @param factReviews review_id, customer_id, rating, created_at
   */
  public static Dataset<Row> build(
      Dataset<Row> factOrders, Dataset<Row> factSurveyResponses, Dataset<Row> factReviews, LocalDate asOf) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Column purchase = col(FactOrders.IS_PURCHASE);

    Dataset<Row> customers = factOrders
        .filter(col(FactOrders.ORDER_DATE).leq(asOfDate))
        .groupBy(col(FactOrders.CUSTOMER_ID))
        .agg(
            min(when(purchase, col(FactOrders.ORDER_TS))).as(FIRST_PURCHASE_TS),
            max(when(purchase, col(FactOrders.ORDER_TS))).as(LAST_PURCHASE_TS),
            min(when(purchase, col(FactOrders.ORDER_DATE))).as("first_purchase_date"),
            max(when(purchase, col(FactOrders.ORDER_DATE))).as("last_purchase_date"),
            count(when(purchase, lit(1))).as(ORDERS),
            countDistinct(when(purchase, col(FactOrders.ORDER_DATE))).as(PURCHASE_DAYS),
            sum(col(FactOrders.GROSS_AMOUNT)).as(GROSS_REVENUE),
            sum(col(FactOrders.REFUND_AMOUNT)).as(REFUND_AMOUNT),
            sum(col(FactOrders.NET_AMOUNT)).as(NET_REVENUE))
        // Customers with returns-only orders and no purchase are not customers yet (SPEC 4).
        .filter(col(ORDERS).gt(0))
        .withColumn(COHORT_MONTH, trunc(col("first_purchase_date"), "month"))
        .withColumn(AVG_ORDER_VALUE, col(NET_REVENUE).cast(MONEY).divide(col(ORDERS)))
        .withColumn(DAYS_SINCE_LAST_PURCHASE, datediff(asOfDate, col("last_purchase_date")))
        .withColumn(TENURE_DAYS, datediff(asOfDate, col("first_purchase_date")));

    String nps = StagedSchemas.SURVEY_NPS;
    Column isNps = col(StagedSchemas.SURVEY_TYPE).equalTo(nps);
    Dataset<Row> surveys = factSurveyResponses
        .filter(col(StagedSchemas.CUSTOMER_ID).isNotNull())
        .groupBy(col(StagedSchemas.CUSTOMER_ID))
        .agg(
            count(lit(1)).as(SURVEY_RESPONSES),
            // Latest NPS response by time, response_id breaking ties; max of a struct avoids a window.
            max(when(isNps, struct(
                col(StagedSchemas.RESPONDED_AT), col(StagedSchemas.RESPONSE_ID),
                col(StagedSchemas.SCORE), col(NPS_CATEGORY)))).as("last_nps"),
            avg(when(col(StagedSchemas.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT),
                col(StagedSchemas.SCORE))).as(AVG_CSAT))
        .withColumn(LAST_NPS_SCORE, col("last_nps." + StagedSchemas.SCORE))
        .withColumn(LAST_NPS_CATEGORY, col("last_nps." + NPS_CATEGORY))
        .drop("last_nps");

    Dataset<Row> reviews = factReviews
        .filter(col(StagedSchemas.CUSTOMER_ID).isNotNull())
        .groupBy(col(StagedSchemas.CUSTOMER_ID))
        .agg(count(lit(1)).as(REVIEWS), avg(col(StagedSchemas.RATING)).as(AVG_RATING));

    Dataset<Row> facts = customers
        .join(surveys, new String[] {CUSTOMER_ID}, "left")
        .join(reviews, new String[] {CUSTOMER_ID}, "left")
        .withColumn(SURVEY_RESPONSES, coalesce(col(SURVEY_RESPONSES), lit(0L)))
        .withColumn(REVIEWS, coalesce(col(REVIEWS), lit(0L)));

    Dataset<Row> scored = Rfm.withScores(facts, DAYS_SINCE_LAST_PURCHASE, ORDERS, NET_REVENUE);
    return SchemaProjection.project(scored, SCHEMA);
  }
}
