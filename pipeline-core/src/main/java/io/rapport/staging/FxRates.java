package io.rapport.staging;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.rapport.config.RapportSettings;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The optional exchange-rates file ({@code sources.fx-rates}: columns date, currency, rate, where
 * rate = reporting-currency units per 1 unit of currency), turned into validity ranges: a rate
 * applies from its date until the next date of the same currency. A line uses the latest rate on
 * or before its order date (reporting zone). Every row of the file must be valid and (currency,
 * date) unique; otherwise the run fails (exit 3) rather than converting money with a guess.
 */
final class FxRates {
  private FxRates() {}

  static final String CURRENCY = "_fx_currency";
  static final String FROM = "_fx_from";
  static final String TO = "_fx_to";
  static final String RATE = "_fx_rate";
  static final DataType RATE_TYPE = DataTypes.createDecimalType(24, 12);

  /**
   * Most rows the daily lookup of {@link #withRate} may expand the validity ranges into; above it
   * (a sparse file over a long span) the lines are matched against the ranges directly.
   */
  static final long DAILY_LOOKUP_LIMIT = 2_000_000;

  /**
   * The rates of a file: validity ranges (CURRENCY, FROM, TO exclusive or null, RATE) and an upper
   * bound of the rows the daily lookup expands them into (the days from the file's first to its
   * last date, times the currencies).
   */
  record Rates(Dataset<Row> ranges, long spannedDays) {}

  /** The rates of the configured file, or null when no rates file is configured. */
  static Rates ranges(SparkSession spark, RapportSettings settings) {
    RapportSettings.Source fx = settings.sources().fxRates();
    if (fx == null || fx.path() == null || fx.path().isBlank()) {
      return null;
    }
    SourceContract contract = SourceContract.fxRates(fx);
    List<String> files = InputFiles.resolve("fx-rates", fx.path(), spark.sparkContext().hadoopConfiguration());
    if (files.isEmpty()) {
      throw new InputContractException("Cannot read fx-rates: path " + fx.path() + " matches no file");
    }
    List<SourceReader.FileLayout> layouts = SourceReader.layouts(spark, contract, files);
    for (SourceReader.FileLayout l : layouts) {
      if (l.empty() || l.onlyCorrupt()) {
        continue;
      }
      Map<String, String> missing = contract.missingColumns(spark, l.columns());
      if (!missing.isEmpty()) {
        throw new InputContractException(contract.missingMessage(l.file(), missing, l.columns()));
      }
    }
    SourceReader.Read read = SourceReader.read(spark, contract, layouts);
    if (read == null) {
      throw new InputContractException("Cannot read fx-rates: every file matched by " + fx.path() + " is empty");
    }
    Dataset<Row> parsed = read.frame()
        .select(contract.canonicalValues(read.exportColumns()).toArray(Column[]::new))
        .withColumn("_fx_date_text", trim(col("date").cast(DataTypes.StringType)))
        .withColumn("_fx_rate_text", trim(col("rate").cast(DataTypes.StringType)))
        .select(
            upper(trim(col("currency").cast(DataTypes.StringType))).as(CURRENCY),
            expr("try_cast(_fx_date_text as date)").as(FROM),
            expr("try_cast(_fx_rate_text as decimal(24,12))").as(RATE));
    Column valid = col(CURRENCY).isNotNull().and(col(FROM).isNotNull()).and(col(RATE).gt(0));
    // A rates file is small; one aggregate row tells whether it can be trusted.
    Row check = parsed.agg(count(lit(1)), sum(when(valid, 1).otherwise(0)),
        countDistinct(when(valid, col(CURRENCY)), when(valid, col(FROM))),
        countDistinct(when(valid, col(CURRENCY))), datediff(max(when(valid, col(FROM))), min(when(valid, col(FROM))))).first();
    long total = check.getLong(0);
    long good = check.isNullAt(1) ? 0 : check.getLong(1);
    long distinct = check.getLong(2);
    if (good != total) {
      throw new DataQualityException("Cannot use fx-rates from " + fx.path() + ": " + (total - good) + " of " + total
          + " rows lack a currency, a yyyy-MM-dd date or a positive rate");
    }
    if (distinct != good) {
      throw new DataQualityException("Cannot use fx-rates from " + fx.path() + ": " + (good - distinct)
          + " rows repeat a (currency, date) pair; each currency needs one rate per date");
    }
    long spannedDays = check.isNullAt(4) ? 0 : check.getLong(3) * (check.getInt(4) + 1L);
    return new Rates(parsed.withColumn(TO, lead(col(FROM), 1).over(Window.partitionBy(CURRENCY).orderBy(FROM)))
        .select(CURRENCY, FROM, TO, RATE), spannedDays);
  }

  private static final String DAY_CURRENCY = "_fx_day_currency";
  private static final String DAY = "_fx_day";
  private static final String DAY_RATE = "_fx_day_rate";
  private static final String LAST_CURRENCY = "_fx_last_currency";
  private static final String LAST_FROM = "_fx_last_from";
  private static final String LAST_RATE = "_fx_last_rate";

  /**
   * Adds {@code rateColumn}: the rate of {@code currency} valid on {@code day}, null when none.
   * The closed ranges are expanded into one row per currency and day and the open-ended last rate
   * of each currency kept apart, so a line finds its rate by two broadcast equi-joins with at most
   * one candidate each; matching the ranges directly walks every range of the line's currency
   * for every line (a daily file of two years: about 600 per line). Ranges do not overlap, so no
   * line is duplicated.
   */
  static Dataset<Row> withRate(Dataset<Row> df, Rates rates, Column currency, Column day, String rateColumn) {
    return withRate(df, rates, currency, day, rateColumn, DAILY_LOOKUP_LIMIT);
  }

  /** {@link #withRate(Dataset, Rates, Column, Column, String)} with the daily lookup's limit given. */
  static Dataset<Row> withRate(Dataset<Row> df, Rates rates, Column currency, Column day, String rateColumn,
      long dailyLookupLimit) {
    Dataset<Row> r = rates.ranges();
    if (rates.spannedDays() > dailyLookupLimit) {
      Column match = currency.equalTo(col(CURRENCY)).and(day.geq(col(FROM)))
          .and(col(TO).isNull().or(day.lt(col(TO))));
      return df.join(broadcast(r), match, "left").withColumnRenamed(RATE, rateColumn).drop(CURRENCY, FROM, TO);
    }
    Dataset<Row> daily = r.filter(col(TO).isNotNull())
        .select(col(CURRENCY).as(DAY_CURRENCY), explode(sequence(col(FROM), date_sub(col(TO), 1))).as(DAY),
            col(RATE).as(DAY_RATE));
    Dataset<Row> last = r.filter(col(TO).isNull())
        .select(col(CURRENCY).as(LAST_CURRENCY), col(FROM).as(LAST_FROM), col(RATE).as(LAST_RATE));
    return df.join(broadcast(daily), currency.equalTo(col(DAY_CURRENCY)).and(day.equalTo(col(DAY))), "left")
        .join(broadcast(last), currency.equalTo(col(LAST_CURRENCY)).and(day.geq(col(LAST_FROM))), "left")
        .withColumn(rateColumn, coalesce(col(DAY_RATE), col(LAST_RATE)))
        .drop(DAY_CURRENCY, DAY, DAY_RATE, LAST_CURRENCY, LAST_FROM, LAST_RATE);
  }
}
