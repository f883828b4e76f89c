package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.Orders;
import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

  public static final TableSpec TABLE = TableSpec.table("customer_facts")
      .grain("One row per customer with at least one purchase up to the as-of date, for one as-of date.")
      .notes("Purchase columns (first and last purchase, cohort_month, orders, purchase_days, recency and tenure) use purchase orders only; money columns sum all the customer's orders in fact_orders, returns-only orders included, so net_revenue reconciles with fact_orders.")
      .documentedIn("customer-tables.md")
      .builtBy(CustomerFacts.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(FIRST_PURCHASE_TS, TimestampType, REQUIRED, "UTC", "order_ts of the first purchase")
      .column(LAST_PURCHASE_TS, TimestampType, REQUIRED, "UTC", "order_ts of the latest purchase")
      .column(COHORT_MONTH, DateType, REQUIRED, "reporting zone", "month of the first purchase")
      .column(ORDERS, LongType, REQUIRED, "purchases", "number of purchase orders")
      .column(PURCHASE_DAYS, LongType, REQUIRED, "days", "number of distinct purchase days")
      .column(GROSS_REVENUE, MONEY, REQUIRED, "money", "sum of gross_amount over all the customer's orders")
      .column(REFUND_AMOUNT, MONEY, REQUIRED, "money", "sum of refund_amount over all the customer's orders")
      .column(NET_REVENUE, MONEY, REQUIRED, "money", "sum of net_amount over all the customer's orders (returns-only orders included)")
      .column(AVG_ORDER_VALUE, MONEY, REQUIRED, "money", "net_revenue / orders, rounded half-up")
      .column(DAYS_SINCE_LAST_PURCHASE, IntegerType, REQUIRED, "days", "as-of date - last purchase day")
      .column(TENURE_DAYS, IntegerType, REQUIRED, "days", "as-of date - first purchase day")
      .column(SURVEY_RESPONSES, LongType, REQUIRED, "", "the customer's survey responses (NPS and CSAT)")
      .column(LAST_NPS_SCORE, IntegerType, NULLABLE, "0..10", "score of the latest NPS response; null if none")
      .column(LAST_NPS_CATEGORY, StringType, NULLABLE, "", "promoter / passive / detractor of that response")
      .column(AVG_CSAT, DoubleType, NULLABLE, "1..5", "mean CSAT score; null if none")
      .column(REVIEWS, LongType, REQUIRED, "", "the customer's reviews")
      .column(AVG_RATING, DoubleType, NULLABLE, "1..5", "mean review rating; null if none")
      .column(RFM_RECENCY_SCORE, IntegerType, REQUIRED, "1..5", "quintile score of days_since_last_purchase; 5 = most recent (CM-10)")
      .column(RFM_FREQUENCY_SCORE, IntegerType, REQUIRED, "1..5", "quintile score of orders; 5 = most")
      .column(RFM_MONETARY_SCORE, IntegerType, REQUIRED, "1..5", "quintile score of net_revenue; 5 = most")
      .column(RFM_SEGMENT, StringType, REQUIRED, "", "champions, loyal, new, potential_loyalist, cant_lose, at_risk, hibernating, lost (CM-11)")
      .key(CUSTOMER_ID)
      .check(Check.reconcile("net_revenue_matches_fact_orders",
          "each customer's net_revenue equals the sum of their orders' net_amount", CustomerFacts::revenueDifferingFromOrders))
      .build();

  /**
   * Builds customer_facts.
   *
   * @param factOrders fact_orders ({@link FactOrders#TABLE}); orders after {@code asOf} are ignored
   * @param factSurveyResponses response_id, customer_id, responded_at, survey_type, score, nps_category
   * @param factReviews review_id, customer_id, rating, created_at
   */
  public static Dataset<Row> build(
      Dataset<Row> factOrders, Dataset<Row> factSurveyResponses, Dataset<Row> factReviews, LocalDate asOf) {
    return build(factOrders, CustomerLifetimes.build(factOrders, asOf), factSurveyResponses, factReviews, asOf);
  }

  /**
   * Builds customer_facts from the customers' lifetimes ({@link CustomerLifetimes#TABLE}, as of
   * {@code asOf}) and the money of all their orders.
   */
  public static Dataset<Row> build(Dataset<Row> factOrders, Dataset<Row> lifetimes,
      Dataset<Row> factSurveyResponses, Dataset<Row> factReviews, LocalDate asOf) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Dataset<Row> money = factOrders
        .filter(col(Orders.ORDER_DATE).leq(asOfDate))
        .groupBy(col(Orders.CUSTOMER_ID))
        .agg(
            sum(col(Orders.GROSS_AMOUNT)).as(GROSS_REVENUE),
            sum(col(Orders.REFUND_AMOUNT)).as(REFUND_AMOUNT),
            sum(col(Orders.NET_AMOUNT)).as(NET_REVENUE));
    // Customers with returns-only orders and no purchase are not customers yet (SPEC 4): the
    // lifetimes hold purchasing customers only.
    Dataset<Row> customers = lifetimes
        .select(col(CustomerLifetimes.CUSTOMER_ID).as(CUSTOMER_ID),
            col(CustomerLifetimes.FIRST_PURCHASE_TS).as(FIRST_PURCHASE_TS),
            col(CustomerLifetimes.LAST_PURCHASE_TS).as(LAST_PURCHASE_TS),
            col(CustomerLifetimes.COHORT_MONTH).as(COHORT_MONTH),
            col(CustomerLifetimes.PURCHASE_ORDERS).as(ORDERS),
            col(CustomerLifetimes.PURCHASE_DAYS).as(PURCHASE_DAYS),
            datediff(asOfDate, col(CustomerLifetimes.LAST_PURCHASE_DATE)).as(DAYS_SINCE_LAST_PURCHASE),
            datediff(asOfDate, col(CustomerLifetimes.FIRST_PURCHASE_DATE)).as(TENURE_DAYS))
        .join(money, CUSTOMER_ID)
        .withColumn(AVG_ORDER_VALUE, col(NET_REVENUE).cast(MONEY).divide(col(ORDERS)));

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
    return SchemaProjection.project(scored, TABLE.schema());
  }

  /** Customers whose net_revenue differs from the sum of their orders' net_amount in fact_orders. */
  static Dataset<Row> revenueDifferingFromOrders(Dataset<Row> customerFacts, Function<String, Dataset<Row>> tables) {
    Dataset<Row> fromOrders = tables.apply(FactOrders.TABLE.name()).groupBy(col(Orders.CUSTOMER_ID))
        .agg(sum(col(Orders.NET_AMOUNT)).as("orders_net_amount"));
    return customerFacts
        .select(CUSTOMER_ID, NET_REVENUE)
        .join(fromOrders, new String[] {CUSTOMER_ID}, "left")
        .filter(coalesce(col(NET_REVENUE).notEqual(col("orders_net_amount")), lit(true)));
  }
}
