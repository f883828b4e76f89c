package io.rapport.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.BgNbdParameters;
import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * customer_clv on three hand-made customers, with the published CDNOW estimates (README) as
 * converged fits: BG/NBD r=0.243, alpha=4.414, a=0.793, b=2.426; Gamma-Gamma p=6.25, q=3.74,
 * v=15.44.
 */
class CustomerClvTest extends SparkTestSupport {

  /**
   * A time unit chosen so that 9 months of 365.25/12 days are exactly 39 units: the paper's
   * 39-week prediction for its example customer is then the 9-month expected_purchases.
   */
  private static final double UNIT_DAYS = 365.25 / 12 * 9 / 39;

  private static final RapportSettings.Clv NINE_MONTHS_UNDISCOUNTED =
      new RapportSettings.Clv(null, UNIT_DAYS, 9, 0.0, List.of("low", "medium", "high"), 20, null, null);

  private static final ModelFit BG = converged(ModelFit.BG_NBD, "r", 0.243, "alpha", 4.414, "a", 0.793, "b", 2.426);
  private static final ModelFit GG = converged(ModelFit.GAMMA_GAMMA, "p", 6.25, "q", 3.74, "v", 15.44);

  /** Sample ids 1 and 2 of cdnow_customers_summary_with_transactions.csv and a one-time buyer. */
  private Dataset<Row> repeatLapsedAndOneTimeCustomers() {
    return spark.createDataFrame(List.of(
        summary("repeat", 2, 30.43, 38.86, "22.35", "74.03"),
        summary("lapsed", 1, 1.71, 38.86, "11.77", "22.01"),
        summary("one_time", 0, 0.0, 38.86, null, "12.00")), CustomerSummaries.TABLE.schema());
  }

  @Test
  void predictsTheCustomersOfThePaper() {
    Dataset<Row> out = CustomerClv.build(repeatLapsedAndOneTimeCustomers(), new ClvFits(BG, GG), NINE_MONTHS_UNDISCOUNTED);

    assertEquals(Arrays.asList(CustomerClv.TABLE.schema().fieldNames()), Arrays.asList(out.schema().fieldNames()));
    assertEquals(types(CustomerClv.TABLE.schema().fields()), types(out.schema().fields()));
    Map<String, Row> rows = byCustomer(out);
    assertEquals(3, rows.size());

    Row repeat = rows.get("repeat");
    assertEquals(2L, repeat.getLong(1));
    assertEquals(new BigDecimal("22.3500"), repeat.getDecimal(4));
    assertEquals(0.7266, repeat.getDouble(5), 0.00005);  // paper: P(alive) = 0.7266
    assertEquals(1.226, repeat.getDouble(6), 0.0005);    // paper: E[X(39 weeks)] = 1.226
    // hand: 6.25 x (15.44 + 2 x 22.35) / (6.25 x 2 + 3.74 - 1) = 375.875 / 15.24 = 24.6637
    assertEquals(new BigDecimal("24.6637"), repeat.getDecimal(7));
    // undiscounted, the monthly increments add up: clv = 24.6637 x 1.2259.. = 30.24 (to the cent)
    assertEquals(24.66371 * repeat.getDouble(6), repeat.getDecimal(8).doubleValue(), 0.0001);
    assertEquals(new BigDecimal("74.0300"), repeat.getDecimal(9));

    Row oneTime = rows.get("one_time");
    assertNull(oneTime.get(4));
    assertEquals(1.0, oneTime.getDouble(5));  // no repeat purchase: no evidence of drop-out
    // hand: population mean 6.25 x 15.44 / 2.74 = 35.2190
    assertEquals(new BigDecimal("35.2190"), oneTime.getDecimal(7));

    Row lapsed = rows.get("lapsed"); // one repeat purchase right after the first, then 37 silent weeks
    // hand: odds of drop-out = a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)
    //   = 0.793/2.426 x (43.274/6.124)^1.243 = 0.32688 x 11.362 = 3.7140 -> p_alive = 1/4.7140 = 0.2121
    assertEquals(0.2121, lapsed.getDouble(5), 0.00005);

    // tiers: 3 names, cuts at the 1/3 and 2/3 quantiles -> one customer per tier, by clv
    List<Row> sorted = out.orderBy(CustomerClv.CLV).collectAsList();
    assertEquals(List.of("low", "medium", "high"), sorted.stream().map(r -> r.getString(10)).toList());
    assertEquals("lapsed", sorted.get(0).getString(0));
  }

  @Test
  void discountingSumsTheMonthlyIncrements() {
    RapportSettings.Clv discounted = new RapportSettings.Clv(null, 7.0, 12, 0.01, List.of("all"), 20, null, null);
    Row repeat = byCustomer(CustomerClv.build(repeatLapsedAndOneTimeCustomers(), new ClvFits(BG, GG), discounted)).get("repeat");

    // Reference sum written out: months of 365.25/12 days in weeks, E[X] differences discounted at 1%.
    BgNbdParameters p = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    double month = 365.25 / 12 / 7;
    double expected = 0;
    for (int m = 1; m <= 12; m++) {
      double increment = p.conditionalExpectedPurchases(m * month, 2, 30.43, 38.86) - p.conditionalExpectedPurchases((m - 1) * month, 2, 30.43, 38.86);
      expected += 24.66371 * increment / Math.pow(1.01, m);
    }
    assertEquals(expected, repeat.getDecimal(8).doubleValue(), 0.0001);
    assertEquals(p.conditionalExpectedPurchases(12 * month, 2, 30.43, 38.86), repeat.getDouble(6), 1e-12);
    assertTrue(repeat.getDecimal(8).doubleValue() < 24.66371 * repeat.getDouble(6));
    assertEquals("all", repeat.getString(10));
  }

  @Test
  void unconvergedBgNbdLeavesItsColumnsNull() {
    ModelFit failed = ModelFit.failed(ModelFit.BG_NBD, 3, "too few repeat buyers: 2 of 3 customers made a repeat purchase, at least 20 needed");
    Dataset<Row> out = CustomerClv.build(repeatLapsedAndOneTimeCustomers(), new ClvFits(failed, GG), NINE_MONTHS_UNDISCOUNTED);

    for (Row r : out.collectAsList()) {
      assertNull(r.get(5), "p_alive");
      assertNull(r.get(6), "expected_purchases");
      assertNotNull(r.get(7), "expected_avg_order_value comes from Gamma-Gamma");
      assertNull(r.get(8), "clv");
      assertNull(r.get(10), "clv_tier");
    }
  }

  @Test
  void unconvergedGammaGammaLeavesItsColumnsNull() {
    ModelFit failed = ModelFit.failed(ModelFit.GAMMA_GAMMA, 2, "too few repeat buyers with a positive mean repeat value: 2, at least 20 needed");
    Dataset<Row> out = CustomerClv.build(repeatLapsedAndOneTimeCustomers(), new ClvFits(BG, failed), NINE_MONTHS_UNDISCOUNTED);

    for (Row r : out.collectAsList()) {
      assertNotNull(r.get(5), "p_alive comes from BG/NBD");
      assertNotNull(r.get(6), "expected_purchases");
      assertNull(r.get(7), "expected_avg_order_value");
      assertNull(r.get(8), "clv");
      assertNull(r.get(10), "clv_tier");
    }
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> out = CustomerClv.build(spark.createDataFrame(List.of(), CustomerSummaries.TABLE.schema()), new ClvFits(BG, GG), NINE_MONTHS_UNDISCOUNTED);
    assertEquals(Arrays.asList(CustomerClv.TABLE.schema().fieldNames()), Arrays.asList(out.schema().fieldNames()));
    assertEquals(0, out.count());
  }

  static ModelFit converged(String model, Object... nameValue) {
    Map<String, Double> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      params.put((String) nameValue[i], (Double) nameValue[i + 1]);
    }
    return new ModelFit(model, params, Map.of(), -1.0, 3, 10, true, null, null);
  }

  private static Row summary(String id, long x, double tx, double t, String monetary, String revenue) {
    return RowFactory.create(id, x, tx, t, monetary == null ? null : new BigDecimal(monetary).setScale(4),
        Date.valueOf("1997-01-01"), new BigDecimal(revenue).setScale(4), null, null, null, null); // no backtest columns
  }

  private static Map<String, Row> byCustomer(Dataset<Row> frame) {
    Map<String, Row> out = new HashMap<>();
    frame.collectAsList().forEach(r -> out.put(r.getString(0), r));
    return out;
  }

  private static List<String> types(StructField[] fields) {
    return Arrays.stream(fields).map(f -> f.dataType().toString()).toList();
  }
}
