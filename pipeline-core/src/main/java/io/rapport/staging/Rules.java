package io.rapport.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/** Column helpers shared by the per-source rules: parsing without exceptions, reject reasons, schema conformance. */
final class Rules {
  private Rules() {}

  static final String RAW_RECORD = "_raw_record";
  static final String REASON_CODE = "_reason_code";
  static final String REASON_DETAIL = "_reason_detail";

  /** One rule: rows where {@code fails} is true get {@code reason} with {@code detail}. */
  record Rule(RejectReason reason, Column fails, Column detail) {}

  /** Adds reason code and detail: the first failing rule in list order wins; null when all pass. */
  static Dataset<Row> withReason(Dataset<Row> df, List<Rule> rules) {
    Column code = null;
    Column detail = null;
    for (Rule r : rules) {
      Column fails = coalesce(r.fails(), lit(false));
      code = code == null ? when(fails, lit(r.reason().code())) : code.when(fails, lit(r.reason().code()));
      detail = detail == null ? when(fails, r.detail()) : detail.when(fails, r.detail());
    }
    return df.withColumn(REASON_CODE, code).withColumn(REASON_DETAIL, detail);
  }

  /** Set by {@link Staging} on every row: some text did not decode in the source's encoding. */
  static final String BAD_ENCODING = "_bad_encoding";
  /** The character a decoder puts where bytes do not decode; never stored in a table. */
  static final String REPLACEMENT = "\uFFFD";

  /** Timestamps outside [1900-01-01, 3000-01-01) UTC are rejected (SPEC section 2). */
  static final Timestamp MIN_TS = Timestamp.from(java.time.Instant.parse("1900-01-01T00:00:00Z"));
  static final Timestamp END_TS = Timestamp.from(java.time.Instant.parse("3000-01-01T00:00:00Z"));

  /** The undecodable-text rule, second for every source (after malformed_row). */
  static Rule encoding(java.nio.charset.Charset charset) {
    return new Rule(RejectReason.INVALID_ENCODING, coalesce(col(BAD_ENCODING), lit(false)),
        lit("the row holds bytes that are not valid " + charset.name() + " text (set the source's encoding);"
            + " raw_record shows each undecodable sequence as \\ufffd"));
  }

  /** The timestamp when it lies within 1900-01-01 .. 2999-12-31 (UTC), else null. */
  static Column inRange(Column ts) {
    return when(ts.geq(lit(MIN_TS)).and(ts.lt(lit(END_TS))), ts);
  }

  /** Detail of an invalid timestamp: out of range when it parsed, else not in the expected format. */
  static Column timestampDetail(String name, Column text, Column parsed, TimestampParser parser) {
    return when(parsed.isNotNull(), concat(lit(name + " '"), text, lit("' is outside 1900-01-01 .. 2999-12-31")))
        .otherwise(quoted(name, text, "is not " + parser.expectation()));
  }

  /**
   * An integer from an integer literal only ({@code 3}, {@code -2}, {@code +4}); {@code 1e2},
   * {@code 1.0}, {@code 1,000} and out-of-range values are null.
   */
  static Column integerLiteral(String textColumn) {
    Column t = col(textColumn);
    return when(t.rlike("^[+-]?[0-9]{1,10}$"), integer(textColumn));
  }

  /** The malformed-row rule every source starts with. */
  static Rule malformed(String format) {
    return new Rule(RejectReason.MALFORMED_ROW, col(SourceReader.CORRUPT).isNotNull(),
        lit("the " + format + " record could not be parsed (wrong number of fields, unterminated quote or invalid JSON);"
            + " raw_record holds the original text"));
  }

  /** Trimmed text of a canonical column, null when null or blank. */
  static Column text(String canonical) {
    Column t = trim(col(canonical).cast(DataTypes.StringType));
    return when(t.notEqual(lit("")), t);
  }

  /** Untrimmed text (free text such as review bodies), null when null or blank. */
  static Column freeText(String canonical) {
    Column s = col(canonical).cast(DataTypes.StringType);
    return when(trim(s).notEqual(lit("")), s);
  }

  /** A decimal parsed from a text column; null when it is not a number (never an exception). */
  static Column decimal(String textColumn) {
    return expr("try_cast(" + SourceContract.quote(textColumn) + " as decimal(38,10))");
  }

  /** An integer parsed from a text column: "3" and "3.0" are 3; "3.5", "x" and out-of-range values are null. */
  static Column integer(String textColumn) {
    Column d = decimal(textColumn);
    return when(d.isNotNull().and(d.equalTo(floor(d)))
        .and(d.between(lit(Integer.MIN_VALUE), lit(Integer.MAX_VALUE))), d.cast(DataTypes.IntegerType));
  }

  /** A UTC instant from a canonical column of any type (see {@link TimestampParser} for text). */
  static Column timestamp(Dataset<Row> df, String canonical, TimestampParser parser) {
    DataType type = df.schema().apply(canonical).dataType();
    if (type instanceof TimestampType) {
      return col(canonical);
    }
    if (type instanceof TimestampNTZType || type instanceof DateType) {
      return to_utc_timestamp(col(canonical).cast(DataTypes.TimestampType), parser.zone().getId());
    }
    UDF1<String, Timestamp> parse = parser::parse;
    return udf(parse, DataTypes.TimestampType).apply(col(canonical).cast(DataTypes.StringType));
  }

  /** "name 'value' suffix", or "name is empty" when the value is null. */
  static Column quoted(String name, Column rawText, String suffix) {
    return when(rawText.isNull(), lit(name + " is empty"))
        .otherwise(concat(lit(name + " '"), rawText, lit("' " + suffix)));
  }

  /**
   * Selects exactly {@code schema}: each column cast to its type, in schema order, with the
   * schema's nullability (a non-nullable column is wrapped in a coalesce with a dummy value that
   * is never used, because only rows with a value are accepted).
   */
  static Dataset<Row> conform(Dataset<Row> df, StructType schema, Map<String, Column> values) {
    return df.select(conformed(schema, values));
  }

  /** The columns {@link #conform} selects, for a select that adds columns of its own. */
  static Column[] conformed(StructType schema, Map<String, Column> values) {
    Column[] cols = new Column[schema.fields().length];
    int i = 0;
    for (StructField f : schema.fields()) {
      Column v = values.get(f.name());
      if (v == null) {
        throw new IllegalStateException("No value for staged column " + f.name());
      }
      v = v.cast(f.dataType());
      v = f.nullable() ? when(v.isNotNull(), v) : coalesce(v, zero(f.dataType()));
      cols[i++] = v.as(f.name());
    }
    return cols;
  }

  private static Column zero(DataType type) {
    if (type instanceof DecimalType) {
      return lit(BigDecimal.ZERO).cast(type);
    }
    if (type instanceof TimestampType) {
      return lit(new Timestamp(0L));
    }
    if (type instanceof DateType) {
      return lit(new Date(0L));
    }
    if (type.equals(DataTypes.StringType)) {
      return lit("");
    }
    return lit(0).cast(type);
  }
}
