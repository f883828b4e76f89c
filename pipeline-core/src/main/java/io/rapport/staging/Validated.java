package io.rapport.staging;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A source's rows after its rules ran: {@code frame} keeps the origin columns of
 * {@link SourceReader}, {@link Rules#RAW_RECORD}, {@link Rules#REASON_CODE} and
 * {@link Rules#REASON_DETAIL} (null for a valid row), and typed values.
 *
 * @param output staged column name -> its value over {@code frame}, for every column of the staged schema
 * @param eventTs the timestamp the as-of cut applies to
 * @param rounded true for a row whose unit_price was rounded (price-rounding: half-even)
 */
record Validated(Dataset<Row> frame, Map<String, Column> output, Column eventTs, Column rounded) {
  Validated(Dataset<Row> frame, Map<String, Column> output, Column eventTs) {
    this(frame, output, eventTs, org.apache.spark.sql.functions.lit(false));
  }
}
