package io.rapport.schema;

import org.apache.spark.sql.types.DataType;

/**
 * One column of a declared table: the row of its data dictionary.
 *
 * @param name snake_case column name
 * @param type Spark type as written to Parquet
 * @param nullable false when every row has a value (checked by the quality gate)
 * @param unit what a value is measured in ({@code money}, {@code days}, {@code UTC},
 *     {@code reporting zone}, {@code 0..1}), empty when nothing applies
 * @param definition what the value is, in one or two sentences
 */
public record ColumnSpec(String name, DataType type, boolean nullable, String unit, String definition) {}
