package io.rapport.intermediate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SharedData;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

public class CustomerSummariesTest extends SparkTestSupport {

  static final StructType PURCHASE_DAYS = new StructType()
      .add(CustomerSummaries.CUSTOMER_ID, DataTypes.StringType)
      .add(CustomerSummaries.PURCHASE_DATE, DataTypes.DateType)
      .add(CustomerSummaries.NET_AMOUNT, StagedSchemas.MONEY);

  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);

  /** c1 buys on three days, c2 once on the as-of day, c3 twice, once after the as-of date. */
  private Dataset<Row> threeCustomersAroundTheAsOfDate() {
    return spark.createDataFrame(List.of(
        day("c1", "2024-01-01", "10.00"),
        day("c1", "2024-01-15", "20.00"),
        day("c1", "2024-03-04", "41.00"),
        day("c2", "2024-03-31", "5.50"),
        day("c3", "2024-02-01", "7.00"),
        day("c3", "2024-04-01", "99.00")), PURCHASE_DAYS);
  }

  @Test
  void summarisesFrequencyRecencyAgeAndSpend() {
    Dataset<Row> out = CustomerSummaries.build(threeCustomersAroundTheAsOfDate(), AS_OF, 7.0);

    assertEquals(names(CustomerSummaries.TABLE.schema()), names(out.schema()));
    assertEquals(types(CustomerSummaries.TABLE.schema()), types(out.schema()));
    Map<String, Row> rows = byCustomer(out);
    assertEquals(3, rows.size());

    Row c1 = rows.get("c1");
    assertEquals(2L, c1.getLong(1));
    assertEquals(63 / 7.0, c1.getDouble(2), 1e-12);            // 2024-01-01 -> 03-04 = 63 days
    assertEquals(90 / 7.0, c1.getDouble(3), 1e-12);            // 2024-01-01 -> 03-31 = 90 days
    assertEquals(new BigDecimal("30.5000"), c1.getDecimal(4)); // (20 + 41) / 2 repeat days
    assertEquals(Date.valueOf("2024-01-01"), c1.getDate(5));
    assertEquals(new BigDecimal("71.0000"), c1.getDecimal(6));

    Row c2 = rows.get("c2"); // first purchase on the as-of day: T = 0, no repeat value
    assertEquals(0L, c2.getLong(1));
    assertEquals(0.0, c2.getDouble(2));
    assertEquals(0.0, c2.getDouble(3));
    assertNull(c2.get(4));
    assertEquals(new BigDecimal("5.5000"), c2.getDecimal(6));

    Row c3 = rows.get("c3"); // the 2024-04-01 day is after the as-of date and ignored
    assertEquals(0L, c3.getLong(1));
    assertEquals(59 / 7.0, c3.getDouble(3), 1e-12);
    assertEquals(new BigDecimal("7.0000"), c3.getDecimal(6));
  }

  /**
   * Calibration end 2024-02-29 (holdout 03-01 .. 03-31): c1 has two calibration days and one in
   * the holdout, c2 is first seen in the holdout (null), c3 has one calibration day and none in
   * the holdout (its 04-01 day is after the as-of date).
   */
  @Test
  void theBacktestColumnsSummariseTheCalibrationPeriodAndCountTheHoldout() {
    Map<String, Row> rows = byCustomer(CustomerSummaries.build(threeCustomersAroundTheAsOfDate(), AS_OF,
        LocalDate.of(2024, 2, 29), 7.0));

    Row c1 = rows.get("c1");
    assertEquals(1L, c1.<Long>getAs(CustomerSummaries.CALIBRATION_FREQUENCY));
    assertEquals(14 / 7.0, c1.<Double>getAs(CustomerSummaries.CALIBRATION_RECENCY), 1e-12); // 01-01 -> 01-15
    assertEquals(59 / 7.0, c1.<Double>getAs(CustomerSummaries.CALIBRATION_T), 1e-12);       // 01-01 -> 02-29
    assertEquals(1L, c1.<Long>getAs(CustomerSummaries.HOLDOUT_PURCHASE_DAYS));
    assertEquals(2L, c1.<Long>getAs(CustomerSummaries.FREQUENCY)); // the as-of summary is unchanged
    Row c2 = rows.get("c2");
    for (String column : List.of(CustomerSummaries.CALIBRATION_FREQUENCY, CustomerSummaries.CALIBRATION_RECENCY,
        CustomerSummaries.CALIBRATION_T, CustomerSummaries.HOLDOUT_PURCHASE_DAYS)) {
      assertNull(c2.getAs(column), column);
    }
    Row c3 = rows.get("c3");
    assertEquals(0L, c3.<Long>getAs(CustomerSummaries.CALIBRATION_FREQUENCY));
    assertEquals(0.0, c3.<Double>getAs(CustomerSummaries.CALIBRATION_RECENCY));
    assertEquals(28 / 7.0, c3.<Double>getAs(CustomerSummaries.CALIBRATION_T), 1e-12);       // 02-01 -> 02-29
    assertEquals(0L, c3.<Long>getAs(CustomerSummaries.HOLDOUT_PURCHASE_DAYS));

    // Without a calibration end the backtest's columns are null for everyone.
    Row plain = byCustomer(CustomerSummaries.build(threeCustomersAroundTheAsOfDate(), AS_OF, 7.0)).get("c1");
    assertNull(plain.getAs(CustomerSummaries.CALIBRATION_FREQUENCY));
    assertNull(plain.getAs(CustomerSummaries.HOLDOUT_PURCHASE_DAYS));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CustomerSummaries.build(threeCustomersAroundTheAsOfDate(), AS_OF, AS_OF, 7.0));
    assertEquals("Cannot summarise customers: the calibration end 2024-03-31 is not before the observation end 2024-03-31",
        e.getMessage());
  }

  @Test
  void dayTimeUnitCountsWholeDays() {
    Row c1 = byCustomer(CustomerSummaries.build(threeCustomersAroundTheAsOfDate(), AS_OF, 1.0)).get("c1");
    assertEquals(63.0, c1.getDouble(2));
    assertEquals(90.0, c1.getDouble(3));
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> out = CustomerSummaries.build(spark.createDataFrame(List.of(), PURCHASE_DAYS), AS_OF, 7.0);
    assertEquals(names(CustomerSummaries.TABLE.schema()), names(out.schema()));
    assertEquals(0, out.count());
  }

  @Test
  void missingColumnIsNamed() {
    Dataset<Row> frame = threeCustomersAroundTheAsOfDate().drop(CustomerSummaries.NET_AMOUNT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomerSummaries.build(frame, AS_OF, 7.0));
    assertTrue(e.getMessage().contains("missing column net_amount"), e.getMessage());
  }

  @Test
  void cdnowSampleReproducesThePublishedCalibrationSummary() {
    Dataset<Row> out = CustomerSummaries.build(cdnowPurchaseDays(spark), LocalDate.of(1997, 9, 30), 7.0);

    // README: 2,357 customers, 946 repeat buyers, 2,457 repeat purchases; customer 1: x=2, t_x=30.43, T=38.86
    assertEquals(2357, out.count());
    assertEquals(946, out.filter(col(CustomerSummaries.FREQUENCY).gt(0)).count());
    assertEquals(2457L, out.agg(sum(CustomerSummaries.FREQUENCY)).first().getLong(0));
    Map<String, Row> rows = byCustomer(out);
    Row one = rows.get("1");
    assertEquals(2L, one.getLong(1));
    assertEquals(30.43, round2(one.getDouble(2)));
    assertEquals(38.86, round2(one.getDouble(3)));

    // Every customer against cdnow_customers_summary_with_transactions.csv (ID,x,t_x,T,zbar; 2 decimals)
    List<String> lines = readLines("cdnow/cdnow_customers_summary_with_transactions.csv");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split(",");
      Row r = rows.get(f[0]);
      assertEquals(Long.parseLong(f[1]), r.getLong(1), "x of " + f[0]);
      assertEquals(Double.parseDouble(f[2]), round2(r.getDouble(2)), "t_x of " + f[0]);
      assertEquals(Double.parseDouble(f[3]), round2(r.getDouble(3)), "T of " + f[0]);
      double zbar = r.isNullAt(4) ? 0.0 : r.getDecimal(4).doubleValue(); // the CSV writes 0 where we write null
      assertEquals(Double.parseDouble(f[4]), zbar, 0.005 + 1e-9, "zbar of " + f[0]);
    }
  }

  /**
   * CDNOW_sample.txt as purchase days: sample id as customer_id, purchases of a customer on one
   * day merged (dollars summed), calibration period through 1997-09-30 (README steps 1-2).
   */
  public static Dataset<Row> cdnowPurchaseDays(SparkSession spark) {
    StructType raw = new StructType()
        .add("customer_id", DataTypes.StringType)
        .add("purchase_date", DataTypes.DateType)
        .add("dollars", StagedSchemas.MONEY);
    List<Row> rows = new ArrayList<>();
    for (String line : readLines("cdnow/CDNOW_sample.txt")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5) {
        continue;
      }
      LocalDate date = LocalDate.of(Integer.parseInt(f[2].substring(0, 4)), Integer.parseInt(f[2].substring(4, 6)),
          Integer.parseInt(f[2].substring(6, 8)));
      rows.add(RowFactory.create(String.valueOf(Integer.parseInt(f[1])), Date.valueOf(date), new BigDecimal(f[4])));
    }
    return spark.createDataFrame(rows, raw)
        .filter(col("purchase_date").leq(Date.valueOf("1997-09-30")))
        .groupBy("customer_id", "purchase_date")
        .agg(sum("dollars").cast(StagedSchemas.MONEY).as(CustomerSummaries.NET_AMOUNT));
  }

  private static List<String> readLines(String file) {
    try {
      return Files.readAllLines(SharedData.require(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Row day(String customer, String date, String amount) {
    return RowFactory.create(customer, Date.valueOf(date), new BigDecimal(amount));
  }

  private static Map<String, Row> byCustomer(Dataset<Row> frame) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : frame.collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static List<String> names(StructType schema) {
    return List.of(schema.fieldNames());
  }

  static List<String> types(StructType schema) {
    return java.util.Arrays.stream(schema.fields()).map(StructField::dataType).map(Object::toString).toList();
  }
}
