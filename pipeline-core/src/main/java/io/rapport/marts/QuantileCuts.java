package io.rapport.marts;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Exact k-quantile cut points of one or more columns, as a lazy one-row frame to broadcast back.
 *
 * <p>Cut j (j = 1..k-1) is the smallest value v with #(values <= v) >= j n / k, n the number of
 * non-null values: the value at rank ceil(j n / k) of the sorted values (DuckDB's
 * {@code quantile_disc}). Computed over the distinct values with their counts and a running sum,
 * so the result depends only on the values, never on how they are partitioned: an incremental
 * run and a run from scratch give the same cuts. {@code percentile_approx}, used before, merged
 * per-partition sketches whose result moved with the partitioning (CM-10). Several columns share
 * one pass: their values are stacked, counted together and ranked in one window partition each.
 */
final class QuantileCuts {
  private QuantileCuts() {}

  private static final String MEASURE = "__quantile_measure";
  private static final String VALUE = "__quantile_value";
  private static final String COUNT = "__quantile_count";
  private static final String AT_OR_BELOW = "__quantile_at_or_below";
  private static final String TOTAL = "__quantile_total";

  /**
   * One row with one column {@code name}: an array of the k - 1 cut points (double), all null when
   * the column has no non-null value.
   */
  static Dataset<Row> of(Dataset<Row> frame, Column value, int k, String name) {
    Map<String, Column> one = new LinkedHashMap<>();
    one.put(name, value);
    return of(frame, one, k);
  }

  /** One row with an array column of k - 1 cut points per entry of {@code values} (name -> value). */
  static Dataset<Row> of(Dataset<Row> frame, Map<String, Column> values, int k) {
    if (k < 2) {
      throw new IllegalArgumentException("Quantile cut points need k >= 2, got " + k);
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("Quantile cut points need at least one column");
    }
    List<String> names = new ArrayList<>(values.keySet());
    List<Column> stacked = new ArrayList<>();
    for (int m = 0; m < names.size(); m++) {
      stacked.add(struct(lit(m).as(MEASURE), values.get(names.get(m)).cast(DoubleType).as(VALUE)));
    }
    Dataset<Row> counts = frame.select(explode(array(stacked.toArray(Column[]::new))).as("__quantile"))
        .select(col("__quantile." + MEASURE).as(MEASURE), col("__quantile." + VALUE).as(VALUE))
        .where(col(VALUE).isNotNull())
        .groupBy(MEASURE, VALUE)
        .agg(count(lit(1)).as(COUNT));
    // Each measure's distinct values in one ordered partition: small next to the rows they summarise.
    WindowSpec ascending = Window.partitionBy(MEASURE).orderBy(VALUE)
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec whole = Window.partitionBy(MEASURE);
    Dataset<Row> running = counts.select(
        col(MEASURE), col(VALUE),
        sum(COUNT).over(ascending).as(AT_OR_BELOW),
        sum(COUNT).over(whole).as(TOTAL));
    // at_or_below >= j n / k, compared in whole numbers: at_or_below * k >= j * n.
    List<Column> perMeasure = new ArrayList<>();
    for (int m = 0; m < names.size(); m++) {
      Column[] cuts = new Column[k - 1];
      for (int j = 1; j < k; j++) {
        Column reached = col(MEASURE).equalTo(m).and(col(AT_OR_BELOW).multiply(k).geq(col(TOTAL).multiply(j)));
        cuts[j - 1] = min(when(reached, col(VALUE)));
      }
      perMeasure.add(array(cuts).as(names.get(m)));
    }
    return running.agg(perMeasure.get(0), perMeasure.subList(1, perMeasure.size()).toArray(Column[]::new));
  }
}
