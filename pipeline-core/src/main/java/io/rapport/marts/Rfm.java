package io.rapport.marts;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * RFM scores and segments for a frame with one row per customer (the customer_facts grain).
 *
 * <p>Each of recency ({@code days_since_last_purchase}, lower is better), frequency ({@code orders},
 * the number of purchases) and monetary ({@code net_revenue}) is scored 1..5 by quintile, 5 best.
 * The four cut points c1..c4 are the exact 20/40/60/80% values over all customers (the values at
 * rank ceil(j n / 5), {@link QuantileCuts}), computed lazily and broadcast back. A value's
 * bucket is {@code 1 + #(cuts strictly below it)}, so a value equal to a cut falls in the lower
 * bucket and ties always share a score; frequency and monetary score = bucket, recency score =
 * 6 - bucket. With many tied values (most customers buy once) some scores stay unused; that is
 * intended, equal customers must not get different scores.
 *
 * <p>Segments (first matching rule wins, R/F/M = the three scores):
 * <ol>
 *   <li>{@code champions}: R >= 4 and F >= 4</li>
 *   <li>{@code loyal}: R >= 3 and F >= 3</li>
 *   <li>{@code new}: R >= 4 and F = 1</li>
 *   <li>{@code potential_loyalist}: R >= 3 (so F <= 2)</li>
 *   <li>{@code cant_lose}: R <= 2 and F >= 4 and M >= 4</li>
 *   <li>{@code at_risk}: R <= 2 and F >= 3</li>
 *   <li>{@code hibernating}: R = 2 (so F <= 2)</li>
 *   <li>{@code lost}: everything else (R = 1 and F <= 2)</li>
 * </ol>
 */
public final class Rfm {
  private Rfm() {}

  public static final String RECENCY_SCORE = "rfm_recency_score";
  public static final String FREQUENCY_SCORE = "rfm_frequency_score";
  public static final String MONETARY_SCORE = "rfm_monetary_score";
  public static final String SEGMENT = "rfm_segment";

  public static final String CHAMPIONS = "champions";
  public static final String LOYAL = "loyal";
  public static final String NEW = "new";
  public static final String POTENTIAL_LOYALIST = "potential_loyalist";
  public static final String CANT_LOSE = "cant_lose";
  public static final String AT_RISK = "at_risk";
  public static final String HIBERNATING = "hibernating";
  public static final String LOST = "lost";

  private static final String R_CUTS = "__rfm_recency_cuts";
  private static final String F_CUTS = "__rfm_frequency_cuts";
  private static final String M_CUTS = "__rfm_monetary_cuts";

  /**
   * Adds the three scores (int 1..5) and the segment, reading the given recency (days, lower is
   * better), frequency and monetary columns.
   */
  public static Dataset<Row> withScores(
      Dataset<Row> customers, String recencyDays, String frequency, String monetary) {
    // One row of the three measures' cut points; lazy, broadcast to every customer.
    Map<String, Column> measures = new LinkedHashMap<>();
    measures.put(R_CUTS, col(recencyDays));
    measures.put(F_CUTS, col(frequency));
    measures.put(M_CUTS, col(monetary));
    Dataset<Row> cuts = QuantileCuts.of(customers, measures, 5);
    Column r = lit(6).minus(bucket(col(recencyDays), col(R_CUTS)));
    Column f = bucket(col(frequency), col(F_CUTS));
    Column m = bucket(col(monetary), col(M_CUTS));
    return customers.crossJoin(broadcast(cuts))
        .withColumn(RECENCY_SCORE, r.cast(IntegerType))
        .withColumn(FREQUENCY_SCORE, f.cast(IntegerType))
        .withColumn(MONETARY_SCORE, m.cast(IntegerType))
        .withColumn(SEGMENT, segment(col(RECENCY_SCORE), col(FREQUENCY_SCORE), col(MONETARY_SCORE)))
        .drop(R_CUTS, F_CUTS, M_CUTS);
  }

  /** 1 + the number of cut points strictly below the value. */
  static Column bucket(Column value, Column cuts) {
    Column v = value.cast(DoubleType);
    Column b = lit(1);
    for (int i = 0; i < 4; i++) {
      b = b.plus(when(v.gt(cuts.getItem(i)), 1).otherwise(0));
    }
    return b;
  }

  /** The segment rules of the class comment, in order. */
  static Column segment(Column r, Column f, Column m) {
    return when(r.geq(4).and(f.geq(4)), CHAMPIONS)
        .when(r.geq(3).and(f.geq(3)), LOYAL)
        .when(r.geq(4).and(f.equalTo(1)), NEW)
        .when(r.geq(3), POTENTIAL_LOYALIST)
        .when(f.geq(4).and(m.geq(4)), CANT_LOSE)
        .when(f.geq(3), AT_RISK)
        .when(r.equalTo(2), HIBERNATING)
        .otherwise(LOST);
  }
}
