package io.rapport.schema;

import static org.apache.spark.sql.types.DataTypes.*;

import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Canonical schemas of the three input sources after staging (renamed, cast, validated,
 * de-duplicated, converted to the reporting currency, cut at the as-of date). Every later
 * transformation reads these columns and only these.
 *
 * <p>Timestamps are instants (Spark {@code TimestampType}); the Spark session runs in UTC, and
 * calendar values are derived in the reporting zone by the marts.
 */
public final class StagedSchemas {
  private StagedSchemas() {}

  /** Money as stored everywhere: decimal(18,4). */
  public static final DecimalType MONEY = createDecimalType(18, 4);

  // purchases (one row per order line)
  public static final String ORDER_ID = "order_id";
  public static final String LINE_NUMBER = "line_number";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_TS = "order_ts";
  public static final String PRODUCT_ID = "product_id";
  public static final String CATEGORY = "category";
  public static final String QUANTITY = "quantity";
  public static final String UNIT_PRICE = "unit_price";
  public static final String CURRENCY = "currency";
  /** quantity x unit_price converted to the reporting currency. */
  public static final String LINE_AMOUNT = "line_amount";
  public static final String STATUS = "status";
  public static final String CHANNEL = "channel";
  public static final String COUNTRY = "country";
  /** The file a row came from (input_file_name()). */
  public static final String SOURCE_FILE = "source_file";

  public static final String STATUS_COMPLETED = "completed";
  public static final String STATUS_CANCELLED = "cancelled";
  public static final String STATUS_RETURNED = "returned";

  public static final StructType PURCHASES = new StructType()
      .add(ORDER_ID, StringType, false)
      .add(LINE_NUMBER, IntegerType, true)
      .add(CUSTOMER_ID, StringType, false)
      .add(ORDER_TS, TimestampType, false)
      .add(PRODUCT_ID, StringType, true)
      .add(CATEGORY, StringType, true)
      .add(QUANTITY, IntegerType, false)
      .add(UNIT_PRICE, MONEY, false)
      .add(CURRENCY, StringType, false)
      .add(LINE_AMOUNT, MONEY, false)
      .add(STATUS, StringType, false)
      .add(CHANNEL, StringType, true)
      .add(COUNTRY, StringType, true)
      .add(SOURCE_FILE, StringType, true);

  // surveys (one row per response)
  public static final String RESPONSE_ID = "response_id";
  public static final String RESPONDED_AT = "responded_at";
  public static final String SURVEY_TYPE = "survey_type";
  public static final String SCORE = "score";
  public static final String COMMENT = "comment";
  public static final String TOUCHPOINT = "touchpoint";

  public static final String SURVEY_NPS = "nps";
  public static final String SURVEY_CSAT = "csat";

  public static final StructType SURVEYS = new StructType()
      .add(RESPONSE_ID, StringType, false)
      .add(CUSTOMER_ID, StringType, true)
      .add(RESPONDED_AT, TimestampType, false)
      .add(SURVEY_TYPE, StringType, false)
      .add(SCORE, IntegerType, false)
      .add(COMMENT, StringType, true)
      .add(CHANNEL, StringType, true)
      .add(TOUCHPOINT, StringType, true)
      .add(SOURCE_FILE, StringType, true);

  // reviews (one row per review)
  public static final String REVIEW_ID = "review_id";
  public static final String RATING = "rating";
  public static final String TITLE = "title";
  public static final String TEXT = "text";
  public static final String CREATED_AT = "created_at";
  public static final String REPLIED_AT = "replied_at";

  public static final StructType REVIEWS = new StructType()
      .add(REVIEW_ID, StringType, false)
      .add(CUSTOMER_ID, StringType, true)
      .add(ORDER_ID, StringType, true)
      .add(PRODUCT_ID, StringType, true)
      .add(CATEGORY, StringType, true)
      .add(RATING, IntegerType, false)
      .add(TITLE, StringType, true)
      .add(TEXT, StringType, true)
      .add(CREATED_AT, TimestampType, false)
      .add(REPLIED_AT, TimestampType, true)
      .add(SOURCE_FILE, StringType, true);

  // rejects (one row per rejected input row)
  public static final String SOURCE = "source";
  public static final String REASON_CODE = "reason_code";
  public static final String REASON_DETAIL = "reason_detail";
  public static final String RAW_RECORD = "raw_record";


  /** Partition column of every published table. */
  public static final String AS_OF_DATE = "as_of_date";
}
