package io.rapport.staging;

import static io.rapport.schema.StagedSchemas.*;
import static io.rapport.staging.Rules.integer;
import static io.rapport.staging.Rules.quoted;
import static io.rapport.staging.Rules.text;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.PriceRounding;
import io.rapport.staging.Rules.Rule;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Purchases rules (SPEC 2, purchases; checked in this order, first failure wins): malformed_row,
 * missing_order_id, invalid_line_number, missing_customer_id, invalid_timestamp, invalid_quantity,
 * zero_quantity, invalid_price, negative_price, unknown_status, unknown_currency.
 *
 * <p>Status: case-insensitive; {@code completed}/{@code complete}, {@code cancelled}/{@code canceled},
 * {@code returned}/{@code return}/{@code refunded}; empty means completed. A completed line with a
 * negative quantity is a return: its status becomes {@code returned} (quantity keeps its sign).
 * Currency: upper-cased; empty means {@code defaults.currency}, else the reporting currency.
 * {@code unit_price} and {@code currency} stay as in the export; {@code line_amount} =
 * quantity x unit_price x rate, in the reporting currency, rounded half-up to 4 decimals.
 */
final class PurchasesStaging {
  private PurchasesStaging() {}

  private static final String ORDER_TS_TEXT = "_t_order_ts_text";
  private static final String LINE_TEXT = "_t_line_text";
  private static final String QTY_TEXT = "_t_quantity_text";
  private static final String PRICE_TEXT = "_t_price_text";
  private static final String PRICE = "_t_price";
  private static final String PLAIN = "_t_price_plain";
  private static final String DECIMALS = "_t_price_decimals";
  private static final String ROUNDED = "_t_price_rounded";
  private static final String STATUS_TEXT = "_t_status_text";
  private static final String ORDER_DATE = "_t_order_date";
  private static final String RATE = "_t_rate";
  /** unit_price bound: decimal(18,4) holds 14 integer digits. */
  private static final BigDecimal MAX_PRICE = new BigDecimal("1e14");

  /**
   * @param canonical canonical values (see {@link SourceContract#canonicalValues}) with origin columns
   * @param rates the exchange rates from {@link FxRates#ranges}, or null without a rates file
   */
  static Validated validate(Dataset<Row> canonical, TimestampParser timestamps, String reportingCurrency,
      ZoneId reportingZone, String defaultCurrency, FxRates.Rates rates, String format, PriceRounding rounding,
      java.nio.charset.Charset encoding) {
    boolean halfEven = rounding == PriceRounding.HALF_EVEN;
    String fallbackCurrency = defaultCurrency == null ? reportingCurrency : defaultCurrency;
    Column statusText = lower(col(STATUS_TEXT));
    Column status = when(col(STATUS_TEXT).isNull(), lit(STATUS_COMPLETED))
        .when(statusText.isin("completed", "complete"), lit(STATUS_COMPLETED))
        .when(statusText.isin("cancelled", "canceled"), lit(STATUS_CANCELLED))
        .when(statusText.isin("returned", "return", "refunded"), lit(STATUS_RETURNED));

    Dataset<Row> df = canonical
        .withColumn("_t_order_id", text(ORDER_ID))
        .withColumn(LINE_TEXT, text(LINE_NUMBER))
        .withColumn("_t_line_number", integer(LINE_TEXT))
        .withColumn("_t_customer_id", text(CUSTOMER_ID))
        .withColumn(ORDER_TS_TEXT, text(ORDER_TS))
        .withColumn("_t_order_ts_any", Rules.timestamp(canonical, ORDER_TS, timestamps))
        .withColumn("_t_order_ts", Rules.inRange(col("_t_order_ts_any")))
        .withColumn(QTY_TEXT, text(QUANTITY))
        .withColumn("_t_quantity", Rules.integerLiteral(QTY_TEXT))
        .withColumn(PRICE_TEXT, text(UNIT_PRICE))
        // A plain decimal only (no exponent, no grouping); decimals counted without trailing zeros.
        .withColumn(PLAIN, col(PRICE_TEXT).rlike("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"))
        .withColumn(DECIMALS, when(col(PLAIN), length(regexp_extract(col(PRICE_TEXT), "\\.([0-9]*?)0*$", 1))))
        .withColumn(PRICE, when(col(PLAIN), expr("try_cast(" + PRICE_TEXT + " as decimal(38,18))")))
        .withColumn(ROUNDED, col(DECIMALS).gt(4))
        .withColumn(PRICE, halfEven
            ? bround(col(PRICE), 4)
            : when(col(ROUNDED).unary_$bang(), col(PRICE)))
        .withColumn("_t_currency", upper(coalesce(text(CURRENCY), lit(fallbackCurrency))))
        .withColumn(STATUS_TEXT, text(STATUS))
        .withColumn("_t_status_parsed", status)
        .withColumn("_t_status", when(col("_t_status_parsed").equalTo(lit(STATUS_COMPLETED))
            .and(col("_t_quantity").lt(0)), lit(STATUS_RETURNED)).otherwise(col("_t_status_parsed")))
        .withColumn(ORDER_DATE, to_date(from_utc_timestamp(col("_t_order_ts"), reportingZone.getId())));

    Column isReporting = col("_t_currency").equalTo(lit(reportingCurrency));
    Column one = lit(BigDecimal.ONE).cast(FxRates.RATE_TYPE);
    if (rates != null) {
      df = FxRates.withRate(df, rates, col("_t_currency"), col(ORDER_DATE), FxRates.RATE)
          .withColumn(RATE, when(isReporting, one).otherwise(col(FxRates.RATE)))
          .drop(FxRates.RATE);
    } else {
      df = df.withColumn(RATE, when(isReporting, one));
    }
    Column unitPrice = when(abs(col(PRICE)).lt(lit(MAX_PRICE)), col(PRICE).cast(MONEY));
    df = df.withColumn("_t_unit_price", unitPrice)
        // Exact product, rounded once: decimal(19,4) x decimal(18,12) = decimal(38,16) needs no
        // intermediate rounding by Spark (a wider product would be rounded to 6 decimals first and
        // then again to 4, off by 0.0001 on some lines). Limits: |quantity x price| < 10^15, rate < 10^6.
        .withColumn("_t_line_amount", col("_t_quantity").cast(DataTypes.createDecimalType(10, 0))
            .multiply(col("_t_unit_price")).cast(DataTypes.createDecimalType(19, 4))
            .multiply(col(RATE).cast(DataTypes.createDecimalType(18, 12))).cast(MONEY));

    Column currencyDetail = rates == null
        ? concat(lit("currency '"), col("_t_currency"), lit("' differs from the reporting currency " + reportingCurrency
            + " and no sources.fx-rates file is configured"))
        : concat(lit("currency '"), col("_t_currency"), lit("' has no exchange rate to " + reportingCurrency
            + " on or before "), coalesce(col(ORDER_DATE).cast(DataTypes.StringType), lit("the order date")));
    List<Rule> rules = List.of(
        Rules.malformed(format),
        Rules.encoding(encoding),
        new Rule(RejectReason.MISSING_ORDER_ID, col("_t_order_id").isNull(), lit("order_id is empty")),
        new Rule(RejectReason.INVALID_LINE_NUMBER, col(LINE_TEXT).isNotNull().and(col("_t_line_number").isNull()),
            quoted("line_number", col(LINE_TEXT), "is not an integer")),
        new Rule(RejectReason.MISSING_CUSTOMER_ID, col("_t_customer_id").isNull(), lit("customer_id is empty")),
        new Rule(RejectReason.INVALID_TIMESTAMP, col("_t_order_ts").isNull(),
            Rules.timestampDetail("order_ts", col(ORDER_TS_TEXT), col("_t_order_ts_any"), timestamps)),
        new Rule(RejectReason.INVALID_QUANTITY, col("_t_quantity").isNull(),
            quoted("quantity", col(QTY_TEXT), "is not an integer")),
        new Rule(RejectReason.ZERO_QUANTITY, col("_t_quantity").equalTo(0),
            quoted("quantity", col(QTY_TEXT), "must be a non-zero integer")),
        new Rule(RejectReason.INVALID_PRICE, col("_t_unit_price").isNull(),
            when(col(PLAIN).and(col(ROUNDED)), quoted("unit_price", col(PRICE_TEXT),
                "has more than 4 decimals (set price-rounding: half-even to round them)"))
                .otherwise(quoted("unit_price", col(PRICE_TEXT), "is not a plain decimal number that fits decimal(18,4)"))),
        new Rule(RejectReason.NEGATIVE_PRICE, col("_t_unit_price").lt(0),
            quoted("unit_price", col(PRICE_TEXT), "must be >= 0")),
        new Rule(RejectReason.UNKNOWN_STATUS, col("_t_status").isNull(),
            quoted("status", col(STATUS_TEXT), "is not completed, cancelled or returned")),
        new Rule(RejectReason.UNKNOWN_CURRENCY, col(RATE).isNull(), currencyDetail),
        new Rule(RejectReason.INVALID_PRICE, col("_t_line_amount").isNull(),
            lit("line amount quantity x unit_price x rate does not fit decimal(18,4)")));
    df = Rules.withReason(df, rules);

    Map<String, Column> out = new LinkedHashMap<>();
    out.put(ORDER_ID, col("_t_order_id"));
    out.put(LINE_NUMBER, col("_t_line_number"));
    out.put(CUSTOMER_ID, col("_t_customer_id"));
    out.put(ORDER_TS, col("_t_order_ts"));
    out.put(PRODUCT_ID, text(PRODUCT_ID));
    out.put(CATEGORY, text(CATEGORY));
    out.put(QUANTITY, col("_t_quantity"));
    out.put(UNIT_PRICE, col("_t_unit_price"));
    out.put(CURRENCY, col("_t_currency"));
    out.put(LINE_AMOUNT, col("_t_line_amount"));
    out.put(STATUS, col("_t_status"));
    out.put(CHANNEL, text(CHANNEL));
    out.put(COUNTRY, text(COUNTRY));
    out.put(SOURCE_FILE, col(SourceReader.FILE));

    return new Validated(df, out, col("_t_order_ts"), halfEven ? coalesce(col(ROUNDED), lit(false)) : lit(false));
  }
}
