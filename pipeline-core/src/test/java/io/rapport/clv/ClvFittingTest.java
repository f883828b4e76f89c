package io.rapport.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.intermediate.CustomerSummariesTest;
import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import io.rapport.testing.SparkTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The Spark path: CDNOW_sample.txt -> purchase days -> customer summaries -> both fits. */
class ClvFittingTest extends SparkTestSupport {

  private static final RapportSettings.Clv DEFAULTS = RapportSettings.Clv.defaults();

  @Test
  void cdnowSampleThroughSparkReproducesThePublishedEstimates() {
    Dataset<Row> summaries = CustomerSummaries.build(CustomerSummariesTest.cdnowPurchaseDays(spark), LocalDate.of(1997, 9, 30), 7.0);

    ClvFits fits = ClvFitting.fit(summaries, DEFAULTS);

    // README / Fader, Hardie & Lee (2005): r=0.243, alpha=4.414, a=0.793, b=2.426, LL -9582.4
    ModelFit bg = fits.bgNbd();
    assertTrue(bg.converged(), () -> String.valueOf(bg.failureReason()));
    assertEquals(0.243, bg.parameter("r"), 0.0005);
    assertEquals(4.414, bg.parameter("alpha"), 0.0005);
    assertEquals(0.793, bg.parameter("a"), 0.0005);
    assertEquals(2.426, bg.parameter("b"), 0.0005);
    assertEquals(-9582.4, bg.logLikelihood(), 0.05);
    assertEquals(2357, bg.customers());

    // README: p=6.25, q=3.74, v=15.44 (printed partly truncated, see GammaGammaTest), 946 repeat buyers
    ModelFit gg = fits.gammaGamma();
    assertTrue(gg.converged(), () -> String.valueOf(gg.failureReason()));
    assertEquals(6.25, gg.parameter("p"), 0.01);
    assertEquals(3.74, gg.parameter("q"), 0.01);
    assertEquals(15.44, gg.parameter("v"), 0.01);
    assertEquals(946, gg.customers());
    assertEquals(List.of(bg, gg), fits.asList());
  }

  @Test
  void tooFewRepeatBuyersGivesUnconvergedFitsNotAnException() {
    Dataset<Row> summaries = spark.createDataFrame(List.of(
        RowFactory.create("a", 0L, 0.0, 10.0, null, java.sql.Date.valueOf("2024-01-01"), new java.math.BigDecimal("5.0000")),
        RowFactory.create("b", 2L, 4.0, 10.0, new java.math.BigDecimal("8.0000"), java.sql.Date.valueOf("2024-01-01"),
            new java.math.BigDecimal("20.0000"))), CustomerSummaries.TABLE.schema());

    ClvFits fits = ClvFitting.fit(summaries, DEFAULTS);

    assertFalse(fits.bgNbd().converged());
    assertEquals("too few repeat buyers: 1 of 2 customers made a repeat purchase, at least 20 needed", fits.bgNbd().failureReason());
    assertFalse(fits.gammaGamma().converged());
    assertTrue(fits.gammaGamma().failureReason().startsWith("too few repeat buyers"), fits.gammaGamma().failureReason());
    assertTrue(fits.bgNbdParameters().isEmpty());
    assertTrue(fits.gammaGammaParameters().isEmpty());
  }
}
