package io.rapport.marts;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;

import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Exact k-quantile cut points of a column, as a lazy one-row frame to broadcast back.
 *
 * <p>Cut j (j = 1..k-1) is the smallest value v with #(values <= v) >= j n / k, n the number of
 * non-null values: the value at rank ceil(j n / k) of the sorted values (DuckDB's
 * {@code quantile_disc}). Computed over the distinct values with their counts and a running sum,
 * so the result depends only on the values, never on how they are partitioned: an incremental
 * run and a run from scratch give the same cuts. {@code percentile_approx}, used before, merged
 * per-partition sketches whose result moved with the partitioning (CM-10).
 */
final class QuantileCuts {
  private QuantileCuts() {}

  private static final String VALUE = "__quantile_value";
  private static final String COUNT = "__quantile_count";
  private static final String AT_OR_BELOW = "__quantile_at_or_below";
  private static final String TOTAL = "__quantile_total";

  /**
   * One row with one column {@code name}: an array of the k - 1 cut points (double), all null when
   * the column has no non-null value.
   */
  static Dataset<Row> of(Dataset<Row> frame, Column value, int k, String name) {
    if (k < 2) {
      throw new IllegalArgumentException("Quantile cut points need k >= 2, got " + k);
    }
    Dataset<Row> counts = frame.select(value.cast(DoubleType).as(VALUE))
        .where(col(VALUE).isNotNull())
        .groupBy(VALUE)
        .agg(count(lit(1)).as(COUNT));
    // The distinct values in one ordered partition: small next to the rows they summarise.
    WindowSpec ascending = Window.orderBy(VALUE)
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec all = Window.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Dataset<Row> running = counts.select(
        col(VALUE),
        sum(COUNT).over(ascending).as(AT_OR_BELOW),
        sum(COUNT).over(all).as(TOTAL));
    // at_or_below >= j n / k, compared in whole numbers: at_or_below * k >= j * n.
    Column[] cuts = IntStream.range(1, k)
        .mapToObj(j -> min(when(col(AT_OR_BELOW).multiply(k).geq(col(TOTAL).multiply(j)), col(VALUE))))
        .toArray(Column[]::new);
    return running.agg(array(cuts).as(name));
  }
}
