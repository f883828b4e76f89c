package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.config.SourceFormat;
import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import io.rapport.errors.RapportException;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Contract errors with their exit codes, optional sources, empty files and the reporting-zone as-of cut. */
class StagingContractTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);
  private static final Map<String, String> UCI_COLUMNS = Map.of("order_id", "InvoiceNo", "customer_id", "CustomerID",
      "order_ts", "InvoiceDate", "quantity", "Quantity", "unit_price", "UnitPrice");

  private RapportSettings purchasesOnly(RapportSettings.Source purchases) {
    return settings("UTC", "USD", purchases, null, null, null);
  }

  @Test
  void requiredPathMatchingNothingIsAnInputContractError() {
    String path = fixture("purchases") + "/nowhere/*.csv";
    InputContractException e = assertThrows(InputContractException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(csv(path)), AS_OF));
    assertEquals("Cannot read purchases: path " + path + " matches no file", e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void purchasesAreRequiredEvenWhenConfiguredOptional() {
    RapportSettings.Source optional = new RapportSettings.Source(fixture("purchases") + "/nowhere/*.csv", SourceFormat.CSV, false,
        null, null, null, null, null, null, null, null, null);
    assertThrows(InputContractException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(optional), AS_OF));
    assertThrows(InputContractException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(null), AS_OF));
  }

  @Test
  void fileLackingAMappedColumnIsNamedWithWhatIsPresent() {
    RapportSettings.Source s = source(fixture("contract") + "/*.csv", "csv", null, UCI_COLUMNS, Map.of(), Map.of(), 1.0);
    InputContractException e = assertThrows(InputContractException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(s), AS_OF));
    assertEquals("Cannot read purchases from file:" + fixture("contract/lacking.csv")
        + ": missing column InvoiceNo for canonical order_id (present: CustomerID, InvoiceDate, Quantity, UnitPrice)",
        e.getMessage());
  }

  @Test
  void expressionOverAMissingColumnIsAnInputContractError() {
    RapportSettings.Source s = source(fixture("contract/good.csv"), "csv", null, UCI_COLUMNS,
        Map.of("status", "CASE WHEN Refunded = 'y' THEN 'returned' END"), Map.of(), 1.0);
    InputContractException e = assertThrows(InputContractException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(s), AS_OF));
    assertTrue(e.getMessage().contains("missing column Refunded for canonical status"), e.getMessage());
  }

  /**
   * Mapping errors only staging can see (they need the source's canonical columns or Spark's
   * parser); values with a fixed meaning (format, zones, patterns, rates) are checked when the
   * configuration is loaded (SettingsLoaderTest).
   */
  @Test
  void badMappingIsAConfigurationError() {
    String good = fixture("contract/good.csv");
    List<RapportSettings.Source> bad = List.of(
        source(good, "csv", null, UCI_COLUMNS, Map.of("status", "CASE WHEN ("), Map.of(), 1.0),
        source(good, "csv", null, Map.of("order_idd", "InvoiceNo"), Map.of(), Map.of(), 1.0));
    for (RapportSettings.Source s : bad) {
      RapportException e = assertThrows(ConfigurationException.class,
          () -> Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(s), AS_OF), s.toString());
      assertEquals(2, e.exitCode());
    }
  }

  @Test
  void rejectRateAboveTheLimitIsADataQualityFailure() {
    // the corpus rejects 19 of the 32 rows up to the as-of date (59.4%; p-after is after it), far above 5%
    RapportSettings corpus = PurchasesStagingTest.corpusSettings();
    RapportSettings.Source p = corpus.sources().purchases();
    RapportSettings strict = settings(ZoneId.of("UTC"), "USD", new RapportSettings.Source(p.path(), p.format(), null, null,
        p.timeZone(), null, null, null, null, null, null, 0.05), null, null, corpus.sources().fxRates());
    DataQualityException e = assertThrows(DataQualityException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, strict, AS_OF));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().startsWith("Too many rejected purchases rows: 19 of 32 (59.38%) exceed "
        + "sources.purchases.max-reject-rate 5.00%; top reasons: invalid_quantity 3, malformed_row 3,"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(read 33 = accepted 10 + rejected 19 + duplicates 3 + after as-of 1)"), e.getMessage());
  }

  @Test
  void optionalSourcesWithoutInputAreEmptyWithTheirSchema() {
    RapportSettings.Source nothing = new RapportSettings.Source(fixture("reviews") + "/none-*.csv", SourceFormat.CSV, false,
        null, null, null, null, null, null, null, null, null);
    RapportSettings s = settings("UTC", "USD", csv(fixture("contract/good.csv")), null, nothing, null);
    StagingResult surveys = Staging.stage(spark, SourceName.SURVEYS, s, AS_OF);
    StagingResult reviews = Staging.stage(spark, SourceName.REVIEWS, s, AS_OF);
    assertEquals(StagedSchemas.SURVEYS, surveys.accepted().schema());
    assertEquals(Rejects.TABLE.schema(), surveys.rejects().schema());
    assertEquals(StagedSchemas.REVIEWS, reviews.accepted().schema());
    assertEquals(SourceCounts.empty(), surveys.counts());
    assertEquals(SourceCounts.empty(), reviews.counts());
    assertEquals(0, reviews.accepted().count());
    assertReconciles(surveys);
    // but a required one fails
    RapportSettings.Source required = new RapportSettings.Source(fixture("reviews") + "/none-*.csv", SourceFormat.CSV, true,
        null, null, null, null, null, null, null, null, null);
    assertThrows(InputContractException.class, () -> Staging.stage(spark, SourceName.REVIEWS,
        settings("UTC", "USD", null, null, required, null), AS_OF));
  }

  @Test
  void emptyAndHeaderOnlyFilesHoldZeroRows() {
    StagingResult r = Staging.stage(spark, SourceName.PURCHASES, purchasesOnly(csv(fixture("empty"))), AS_OF);
    assertEquals(3, r.files().size());
    assertEquals(new SourceCounts(1, 1, 0, 0, 0, Map.of()), r.counts());
    Row e1 = r.accepted().first();
    assertEquals("E1", e1.getAs(StagedSchemas.ORDER_ID));
    assertEquals("USD", e1.getAs(StagedSchemas.CURRENCY)); // no currency column: the reporting currency
    assertEquals(new BigDecimal("2.5000"), e1.getAs(StagedSchemas.LINE_AMOUNT));
    assertReconciles(r);

    StagingResult none = Staging.stage(spark, SourceName.PURCHASES,
        purchasesOnly(csv(fixture("empty") + "/[ab]-*.csv")), AS_OF);
    assertEquals(SourceCounts.empty(), none.counts());
    assertEquals(StagedSchemas.PURCHASES, none.accepted().schema());
  }

  @Test
  void asOfCutUsesTheReportingZone() {
    RapportSettings.Source p = csv(fixture("asof/purchases.csv"));
    // Berlin: A2 at 23:30 UTC on 31 March is 01:30 on 1 April -> after the as-of date
    StagingResult berlin = Staging.stage(spark, SourceName.PURCHASES,
        settings("Europe/Berlin", "USD", p, null, null, null), AS_OF);
    assertEquals(List.of("A1", "A3"), orderIds(berlin));
    assertEquals(new SourceCounts(3, 2, 0, 0, 1, Map.of()), berlin.counts());
    assertReconciles(berlin);
    // UTC: the same row is on 31 March
    StagingResult utc = Staging.stage(spark, SourceName.PURCHASES, settings("UTC", "USD", p, null, null, null), AS_OF);
    assertEquals(List.of("A1", "A2", "A3"), orderIds(utc));
    assertReconciles(utc);
    // and the default as-of date is the last purchase day in the reporting zone
    assertEquals(LocalDate.of(2024, 4, 1),
        Staging.latestEventDate(spark, settings("Europe/Berlin", "USD", p, null, null, null)).orElseThrow());
    assertEquals(LocalDate.of(2024, 3, 31),
        Staging.latestEventDate(spark, settings("UTC", "USD", p, null, null, null)).orElseThrow());
  }

  private static List<String> orderIds(StagingResult r) {
    return r.accepted().orderBy(StagedSchemas.ORDER_ID).select(StagedSchemas.ORDER_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void inspectReportsMissingColumnsAndSampleRejectsWithoutThrowing() {
    RapportSettings.Source s = source(fixture("contract") + "/*.csv", "csv", null, UCI_COLUMNS, Map.of(), Map.of(), 1.0);
    SourceInspection i = Staging.inspect(spark, SourceName.PURCHASES, purchasesOnly(s), 5);
    assertEquals(2, i.files().size());
    assertEquals(1, i.problems().size());
    assertEquals(Map.of("InvoiceNo", "order_id"), i.files().get(1).missingColumns());
    assertEquals("column InvoiceNo", i.files().get(0).mapping().get("order_id"));
    assertEquals(1, i.rowsRead()); // only good.csv is read
    String text = i.render();
    assertTrue(text.startsWith("purchases PROBLEMS (required)"), text);
    assertTrue(text.contains("MISSING column InvoiceNo for order_id"), text);

    SourceInspection corpus = Staging.inspect(spark, SourceName.PURCHASES, PurchasesStagingTest.corpusSettings(), 3);
    assertTrue(corpus.ok());
    assertEquals(33, corpus.rowsRead());
    // before the cut and de-duplication: the same 19 rejects
    assertEquals(19L, corpus.rejectedByReason().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(3, corpus.sampleRejects().size());
    assertEquals("missing_order_id", corpus.sampleRejects().get(0).reasonCode());

    SourceInspection none = Staging.inspect(spark, SourceName.SURVEYS, purchasesOnly(s), 3);
    assertTrue(none.ok());
    assertTrue(none.render().contains("not configured"));
  }
}
