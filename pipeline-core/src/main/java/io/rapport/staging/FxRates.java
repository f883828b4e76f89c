package io.rapport.staging;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
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

  /** Validity ranges (CURRENCY, FROM, TO exclusive or null, RATE), or null when no rates file is configured. */
  static Dataset<Row> ranges(SparkSession spark, RapportSettings settings) {
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
        countDistinct(when(valid, col(CURRENCY)), when(valid, col(FROM)))).first();
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
    return parsed.withColumn(TO, lead(col(FROM), 1).over(Window.partitionBy(CURRENCY).orderBy(FROM)))
        .select(CURRENCY, FROM, TO, RATE);
  }
}
