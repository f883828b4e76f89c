package io.rapport.schema;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Selects exactly a table's declared columns, in declared order, cast to the declared types, so
 * that every published frame matches its {@code SCHEMA} whatever the intermediate plan produced
 * (a {@code sum} of decimal(18,4) is decimal(28,4), {@code count} is long, and so on).
 */
public final class SchemaProjection {
  private SchemaProjection() {}

  /** The frame's columns named in {@code schema}, cast to their declared types; extra columns are dropped. */
  public static Dataset<Row> project(Dataset<Row> frame, StructType schema) {
    Column[] columns = Arrays.stream(schema.fields())
        .map((StructField f) -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
    return frame.select(columns);
  }
}
