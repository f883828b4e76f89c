package io.rapport.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * The kinds of bad rows the generator injects. Each breaks exactly one rule of the input
 * contract (SPEC section 2), so staging must reject it, except {@link #DUPLICATE}: an exact copy
 * of a valid row re-emitted in a later day's file, which staging drops as a duplicate.
 * {@link #code()} is the name used in {@link GenerationSummary}: the reject reason code staging gives
 * the row ({@code io.rapport.staging.RejectReason}), or {@code duplicate}.
 */
public enum BadRowKind {
  /** purchases: empty customer_id. */
  MISSING_CUSTOMER_ID("missing_customer_id", Source.PURCHASES),
  /** purchases: order_ts written as {@code 01/03/2024 09:15} instead of ISO-8601. */
  PURCHASE_UNPARSEABLE_TIMESTAMP("invalid_timestamp", Source.PURCHASES),
  /** purchases: quantity 0. */
  ZERO_QUANTITY("zero_quantity", Source.PURCHASES),
  /** purchases: quantity 1.5. */
  NON_INTEGER_QUANTITY("invalid_quantity", Source.PURCHASES),
  /** purchases: unit_price below zero. */
  NEGATIVE_PRICE("negative_price", Source.PURCHASES),
  /** purchases: currency XYZ, which has no rate. */
  UNKNOWN_CURRENCY("unknown_currency", Source.PURCHASES),
  /** purchases: status on_hold. */
  UNKNOWN_STATUS("unknown_status", Source.PURCHASES),
  /** purchases: an exact duplicate of a valid line in a later day's file. */
  PURCHASE_DUPLICATE("duplicate", Source.PURCHASES),

  /** surveys: empty response_id. */
  MISSING_RESPONSE_ID("missing_response_id", Source.SURVEYS),
  /** surveys: responded_at written as {@code 01/03/2024 09:15}. */
  SURVEY_UNPARSEABLE_TIMESTAMP("invalid_timestamp", Source.SURVEYS),
  /** surveys: NPS score 11 or CSAT score 0. */
  SCORE_OUT_OF_RANGE("score_out_of_range", Source.SURVEYS),
  /** surveys: an exact duplicate of a valid response in a later day's file. */
  SURVEY_DUPLICATE("duplicate", Source.SURVEYS),

  /** reviews: empty review_id. */
  MISSING_REVIEW_ID("missing_review_id", Source.REVIEWS),
  /** reviews: created_at written as {@code 01/03/2024 09:15}. */
  REVIEW_UNPARSEABLE_TIMESTAMP("invalid_timestamp", Source.REVIEWS),
  /** reviews: rating 6. */
  RATING_OUT_OF_RANGE("rating_out_of_range", Source.REVIEWS),
  /** reviews: an exact duplicate of a valid review in a later day's file. */
  REVIEW_DUPLICATE("duplicate", Source.REVIEWS);

  /** The generated sources with per-day folders. */
  public enum Source {
    PURCHASES("purchases"),
    SURVEYS("surveys"),
    REVIEWS("reviews");

    private final String folder;

    Source(String folder) {
      this.folder = folder;
    }

    /** Folder name under the output directory, also the source name in the summary. */
    public String folder() {
      return folder;
    }
  }

  private final String code;
  private final Source source;

  BadRowKind(String code, Source source) {
    this.code = code;
    this.source = source;
  }

  public String code() {
    return code;
  }

  public Source source() {
    return source;
  }

  public boolean isDuplicate() {
    return code.equals("duplicate");
  }

  /** The kinds of one source in declaration order (the order they are handed out in turn). */
  public static List<BadRowKind> of(Source source) {
    List<BadRowKind> kinds = new ArrayList<>();
    for (BadRowKind kind : values()) {
      if (kind.source == source) {
        kinds.add(kind);
      }
    }
    return List.copyOf(kinds);
  }
}
