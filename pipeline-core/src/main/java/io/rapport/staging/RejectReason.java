package io.rapport.staging;

import java.util.Locale;

/**
 * Why a row was rejected: the {@code reason_code} of the rejects table. Rules are checked in the
 * declaration order below and the first failing rule wins, so a row missing both its order id
 * and its customer id is rejected as {@code missing_order_id}. Each source checks only its own
 * rules ({@link #MALFORMED_ROW}, {@link #INVALID_ENCODING} and {@link #INVALID_TIMESTAMP} apply to all).
 * Order per source:
 * <ul>
 *   <li>purchases: malformed_row, invalid_encoding, missing_order_id, invalid_line_number, missing_customer_id,
 *       invalid_timestamp, invalid_quantity, zero_quantity, invalid_price, negative_price,
 *       unknown_status, unknown_currency;
 *   <li>surveys: malformed_row, invalid_encoding, missing_response_id, invalid_timestamp (responded_at),
 *       invalid_survey_type, invalid_score, score_out_of_range;
 *   <li>reviews: malformed_row, invalid_encoding, missing_review_id, invalid_timestamp (created_at, then
 *       replied_at when given), invalid_rating, rating_out_of_range.
 * </ul>
 */
public enum RejectReason {
  // all sources
  MALFORMED_ROW("the line could not be parsed: too few or too many fields, an unterminated quote or invalid JSON"),
  INVALID_ENCODING("the row holds bytes that do not decode in the source's encoding (default UTF-8); nothing is stored"
      + " with replacement characters, and raw_record holds the row's original bytes, each byte above 0x7F written"
      + " \\xHH"),

  // purchases
  MISSING_ORDER_ID("order_id is empty"),
  INVALID_LINE_NUMBER("line_number is given but is not an integer"),
  MISSING_CUSTOMER_ID("customer_id is empty; customer metrics need it"),
  INVALID_TIMESTAMP("the event time (order_ts, responded_at, created_at) is empty, or an event or reply time"
      + " is not a timestamp in the configured format or lies outside 1900-01-01 .. 2999-12-31; the detail names the column"),
  INVALID_QUANTITY("quantity is empty or not an integer literal (1e2, 1.0, 1.5 and 1,000 are rejected)"),
  ZERO_QUANTITY("quantity is 0; a line must sell (positive) or return (negative) units"),
  INVALID_PRICE("unit_price is empty, not a plain decimal (1e3 is rejected), has more than 4 decimals (unless"
      + " price-rounding: half-even), or does not fit decimal(18,4)"),
  NEGATIVE_PRICE("unit_price is below 0"),
  UNKNOWN_STATUS("status is not completed, cancelled or returned (or an accepted synonym)"),
  UNKNOWN_CURRENCY("currency is not the reporting currency and has no exchange rate on or before the order date"),

  // surveys
  MISSING_RESPONSE_ID("response_id is empty"),
  INVALID_SURVEY_TYPE("survey_type is not nps or csat"),
  INVALID_SCORE("score is empty or not an integer"),
  SCORE_OUT_OF_RANGE("score is outside its survey type's range (nps 0..10, csat 1..5)"),

  // reviews
  MISSING_REVIEW_ID("review_id is empty"),
  INVALID_RATING("rating is empty or not an integer"),
  RATING_OUT_OF_RANGE("rating is outside 1..5");

  private final String description;

  RejectReason(String description) {
    this.description = description;
  }

  /** The value stored in {@code reason_code}: "missing_order_id". */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the rule checks, for documentation and {@code rapport validate}. */
  public String description() {
    return description;
  }
}
