package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SharedData;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * config/examples/uci-online-retail.yaml on a hand-made file in the UCI Online Retail layout
 * (uci/Online_Retail_sample.csv, 8 rows), with only the path pointed at the fixture.
 */
class UciOnlineRetailExampleTest extends SparkTestSupport {

  private static RapportSettings example() throws IOException {
    RapportSettings loaded = SettingsLoader.load(
        SharedData.projectRoot().resolve("config/examples/uci-online-retail.yaml")).settings();
    RapportSettings.Source p = loaded.sources().purchases();
    RapportSettings.Source here = new RapportSettings.Source(fixture("uci/Online_Retail_sample.csv"), p.format(),
        p.required(), p.options(), p.timeZone(), p.timestampFormat(), p.encoding(), p.priceRounding(), p.columns(),
        p.expressions(), p.defaults(), p.maxRejectRate());
    return settings(loaded.reporting().timeZone(), loaded.reporting().currency(), here, null, null, null);
  }

  @Test
  void exampleMappingStagesTheUciLayout() throws IOException {
    StagingResult r = Staging.stage(spark, SourceName.PURCHASES, example(), LocalDate.of(2010, 12, 1));
    assertEquals(StagedSchemas.PURCHASES, r.accepted().schema());
    // 8 rows: 536414/22139 and 536592/DOT lack CustomerID; the second identical 536365/85123A line
    // is an exact duplicate (no line number, so the whole row is the key); 581587 (9 Dec 2011) is
    // after the as-of date. Reject rate 2/8 = 25% is within the example's 30%.
    assertEquals(new SourceCounts(8, 4, 2, 1, 1, Map.of("missing_customer_id", 2L)), r.counts());
    assertReconciles(r);

    Map<String, Row> byProduct = byKey(r.accepted().collectAsList(), StagedSchemas.PRODUCT_ID);
    assertEquals(Set.of("85123A", "71053", "D", "22728"), byProduct.keySet());
    Row heart = byProduct.get("85123A");
    assertEquals("536365", heart.getAs(StagedSchemas.ORDER_ID));
    assertEquals("17850", heart.getAs(StagedSchemas.CUSTOMER_ID));
    // "12/1/2010 8:26" in London in December (GMT) = 08:26 UTC
    assertEquals(Timestamp.from(Instant.parse("2010-12-01T08:26:00Z")), heart.getAs(StagedSchemas.ORDER_TS));
    assertEquals("GBP", heart.getAs(StagedSchemas.CURRENCY));
    assertEquals(new BigDecimal("15.3000"), heart.getAs(StagedSchemas.LINE_AMOUNT)); // 6 x 2.55
    assertEquals("completed", heart.getAs(StagedSchemas.STATUS));
    assertEquals("United Kingdom", heart.getAs(StagedSchemas.COUNTRY));

    Row discount = byProduct.get("D");
    assertEquals("C536379", discount.getAs(StagedSchemas.ORDER_ID));
    assertEquals("cancelled", discount.getAs(StagedSchemas.STATUS)); // a cancellation, not a return
    assertEquals(new BigDecimal("-27.5000"), discount.getAs(StagedSchemas.LINE_AMOUNT));

    // quoted description with a comma and doubled quotes does not shift the columns
    assertEquals(new BigDecimal("90.0000"), byProduct.get("22728").getAs(StagedSchemas.LINE_AMOUNT)); // 24 x 3.75
    assertEquals("France", byProduct.get("22728").getAs(StagedSchemas.COUNTRY));
  }

  @Test
  void latestEventDateOfTheSampleIsItsLastInvoiceDay() throws IOException {
    assertEquals(LocalDate.of(2011, 12, 9), Staging.latestEventDate(spark, example()).orElseThrow());
  }
}
