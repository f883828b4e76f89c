package io.rapport.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import io.rapport.testing.SparkTestSupport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ClvModelTableTest extends SparkTestSupport {

  /** A converged BG/NBD fit with one standard error unavailable (NaN) and a boundary warning. */
  private static ModelFit convergedBgNbdWithAWarning() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("r", 0.243);
    p.put("alpha", 4.414);
    p.put("a", 0.793);
    p.put("b", 2.426);
    Map<String, Double> se = new LinkedHashMap<>();
    se.put("r", 0.013);
    se.put("alpha", 0.378);
    se.put("a", 0.186);
    se.put("b", Double.NaN);
    return new ModelFit(ModelFit.BG_NBD, p, se, -9582.43, 2357, 21, true, "boundary solution: test", null);
  }

  @Test
  void oneRowPerModelWithParametersAsMaps() {
    ModelFit failed = ModelFit.failed(ModelFit.GAMMA_GAMMA, 5, "too few repeat buyers with a positive mean repeat value: 5, at least 20 needed");
    Dataset<Row> out = ClvModelTable.build(spark, new ClvFits(convergedBgNbdWithAWarning(), failed), 7.0);

    assertEquals(Arrays.asList(ClvModelTable.TABLE.schema().fieldNames()), Arrays.asList(out.schema().fieldNames()));
    assertEquals(ClvModelTable.TABLE.schema().toString(), out.schema().toString());
    List<Row> rows = out.orderBy(ClvModelTable.MODEL).collectAsList();
    assertEquals(2, rows.size());

    Row bg = rows.get(0);
    assertEquals("bg_nbd", bg.getString(0));
    Map<String, Double> params = bg.getJavaMap(1);
    assertEquals(4, params.size());
    assertEquals(0.793, params.get("a"));
    Map<String, Double> se = bg.getJavaMap(2);
    assertEquals(0.013, se.get("r"));
    assertTrue(se.containsKey("b"));
    assertNull(se.get("b")); // NaN standard error is published as null
    assertEquals(-9582.43, bg.getDouble(3));
    assertEquals(2357L, bg.getLong(4));
    assertEquals(21L, bg.getLong(5));
    assertTrue(bg.getBoolean(6));
    assertEquals("boundary solution: test", bg.getString(7));
    assertNull(bg.get(8));
    assertEquals("week", bg.getString(9));
    assertEquals(7.0, bg.getDouble(10));
    assertTrue(bg.<Boolean>getAs(ClvModelTable.SELECTED));
    assertEquals("configured (clv.model = bg_nbd)", bg.getAs(ClvModelTable.SELECTION_REASON));
    assertNull(bg.getAs(ClvModelTable.FREQUENCY_MONETARY_CORRELATION)); // a spend-model column

    Row gg = rows.get(1);
    assertEquals("gamma_gamma", gg.getString(0));
    assertTrue(gg.getJavaMap(1).isEmpty());
    assertNull(gg.get(3)); // no log-likelihood
    assertFalse(gg.getBoolean(6));
    assertEquals("too few repeat buyers with a positive mean repeat value: 5, at least 20 needed", gg.getString(8));
    assertTrue(gg.<Boolean>getAs(ClvModelTable.SELECTED)); // Gamma-Gamma is always behind clv
    assertNull(gg.getAs(ClvModelTable.SELECTION_REASON));
  }

  @Test
  void autoMarksOnlyTheSelectedPurchaseModelAndCarriesTheCorrelation() {
    ModelFit pareto = new ModelFit("pareto_nbd", Map.of("r", 0.55), Map.of(), -9595.0, 2357, 30, true, null, null);
    ModelFit gg = new ModelFit(ModelFit.GAMMA_GAMMA, Map.of("p", 6.25), Map.of(), -1.0, 946, 12, true, null, null);
    ClvFits fits = new ClvFits(List.of(convergedBgNbdWithAWarning(), pareto), "pareto_nbd", "auto: lowest error", gg, 0.11, null);

    Map<String, Row> rows = new java.util.HashMap<>();
    ClvModelTable.build(spark, fits, 7.0).collectAsList().forEach(r -> rows.put(r.getString(0), r));

    assertFalse(rows.get("bg_nbd").<Boolean>getAs(ClvModelTable.SELECTED));
    assertNull(rows.get("bg_nbd").getAs(ClvModelTable.SELECTION_REASON));
    assertTrue(rows.get("pareto_nbd").<Boolean>getAs(ClvModelTable.SELECTED));
    assertEquals("auto: lowest error", rows.get("pareto_nbd").getAs(ClvModelTable.SELECTION_REASON));
    assertTrue(rows.get("gamma_gamma").<Boolean>getAs(ClvModelTable.SELECTED));
    assertEquals(0.11, rows.get("gamma_gamma").<Double>getAs(ClvModelTable.FREQUENCY_MONETARY_CORRELATION));
  }

  @Test
  void timeUnitNames() {
    assertEquals("day", ClvModelTable.timeUnitName(1));
    assertEquals("week", ClvModelTable.timeUnitName(7));
    assertEquals("30 days", ClvModelTable.timeUnitName(30));
    assertEquals("7.5 days", ClvModelTable.timeUnitName(7.5));
  }
}
