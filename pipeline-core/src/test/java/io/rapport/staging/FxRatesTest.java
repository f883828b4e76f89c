package io.rapport.staging;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The rate a line gets, worked by hand: the latest rate of its currency on or before its day,
 * none before a currency's first date; the daily lookup (two equi-joins) and the direct match
 * against the validity ranges give the same rate to every line.
 */
class FxRatesTest extends SparkTestSupport {

  @Test
  void eachDayGetsTheLatestRateOnOrBeforeItOnEitherPath() {
    // EUR: 1.10 from 1 March, 1.20 from 15 March (open-ended); GBP: 1.25 from 1 March, 1.30 from 3 March.
    Dataset<Row> ranges = spark.createDataFrame(List.of(
        RowFactory.create("EUR", Date.valueOf("2024-03-01"), Date.valueOf("2024-03-15"), new BigDecimal("1.100000000000")),
        RowFactory.create("EUR", Date.valueOf("2024-03-15"), null, new BigDecimal("1.200000000000")),
        RowFactory.create("GBP", Date.valueOf("2024-03-01"), Date.valueOf("2024-03-03"), new BigDecimal("1.250000000000")),
        RowFactory.create("GBP", Date.valueOf("2024-03-03"), null, new BigDecimal("1.300000000000"))),
        new StructType().add(FxRates.CURRENCY, DataTypes.StringType).add(FxRates.FROM, DataTypes.DateType)
            .add(FxRates.TO, DataTypes.DateType).add(FxRates.RATE, FxRates.RATE_TYPE));
    // 2 currencies, 14 days between the first and the last date: at most 30 daily rows.
    FxRates.Rates rates = new FxRates.Rates(ranges, 2 * 15);
    Dataset<Row> lines = spark.createDataFrame(List.of(
        line("eur-before", "EUR", "2024-02-29"),
        line("eur-first-day", "EUR", "2024-03-01"),
        line("eur-10-march", "EUR", "2024-03-10"),
        line("eur-day-before-change", "EUR", "2024-03-14"),
        line("eur-change-day", "EUR", "2024-03-15"),
        line("eur-years-later", "EUR", "2031-07-01"),
        line("gbp-2-march", "GBP", "2024-03-02"),
        line("gbp-3-march", "GBP", "2024-03-03"),
        line("unknown-currency", "XYZ", "2024-03-10"),
        line("no-currency", null, "2024-03-10"),
        line("no-day", "EUR", null)),
        new StructType().add("id", DataTypes.StringType).add("cur", DataTypes.StringType).add("day", DataTypes.DateType));
    Map<String, String> expected = new TreeMap<>();
    expected.put("eur-before", null);
    expected.put("eur-first-day", "1.100000000000");
    expected.put("eur-10-march", "1.100000000000");
    expected.put("eur-day-before-change", "1.100000000000");
    expected.put("eur-change-day", "1.200000000000");
    expected.put("eur-years-later", "1.200000000000");
    expected.put("gbp-2-march", "1.250000000000");
    expected.put("gbp-3-march", "1.300000000000");
    expected.put("unknown-currency", null);
    expected.put("no-currency", null);
    expected.put("no-day", null);

    assertEquals(expected, rates(FxRates.withRate(lines, rates, col("cur"), col("day"), "rate")), "daily lookup");
    assertEquals(expected, rates(FxRates.withRate(lines, rates, col("cur"), col("day"), "rate", 29)), "range match");
  }

  private static Row line(String id, String currency, String day) {
    return RowFactory.create(id, currency, day == null ? null : Date.valueOf(day));
  }

  private static Map<String, String> rates(Dataset<Row> withRate) {
    List<Row> rows = withRate.select("id", "rate").collectAsList();
    assertEquals(11, rows.size(), "one row per line: no line duplicated or lost");
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows) {
      out.put(r.getString(0), r.isNullAt(1) ? null : r.getDecimal(1).toPlainString());
    }
    return out;
  }
}
