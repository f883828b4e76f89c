package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The purchases corpus: purchases/day1/part-0.csv holds one row per malformed case (product_id
 * is the case's marker), purchases/day2/part-0.csv re-sends two keys with its columns in another
 * order. Reporting zone UTC, currency USD, EUR and GBP rates in fx/rates.csv, as-of 2024-03-31.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurchasesStagingTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);

  private StagingResult result;
  private Map<String, Row> accepted;
  private List<Row> rejects;

  static RapportSettings corpusSettings() {
    RapportSettings.Source purchases = source(fixture("purchases") + "/*/*.csv", "csv", "America/New_York",
        Map.of(), Map.of(), Map.of(), 1.0);
    RapportSettings.Source fx = csv(fixture("fx/rates.csv"));
    return settings("UTC", "USD", purchases, null, null, fx);
  }

  @BeforeAll
  void stageCorpus() {
    result = Staging.stage(spark, SourceName.PURCHASES, corpusSettings(), AS_OF);
    accepted = byKey(result.accepted().collectAsList(), StagedSchemas.PRODUCT_ID);
    rejects = result.rejects().collectAsList();
  }

  @Test
  void schemasAreExactlyTheStagedContracts() {
    assertEquals(StagedSchemas.PURCHASES, result.accepted().schema());
    assertEquals(Rejects.TABLE.schema(), result.rejects().schema());
  }

  @Test
  void everyMalformedRowEndsWithItsReason() {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("p-no-order", "missing_order_id"),
        Map.entry("p-bad-line", "invalid_line_number"),
        Map.entry("p-no-customer", "missing_customer_id"),
        Map.entry("p-bad-ts", "invalid_timestamp"),
        Map.entry("p-feb30", "invalid_timestamp"),
        Map.entry("p-qty-frac", "invalid_quantity"),
        Map.entry("p-qty-text", "invalid_quantity"),
        // SPEC 2 (issue 14): quantity is an integer literal; "3.0" is no longer read as 3
        Map.entry("p-qty-point-zero", "invalid_quantity"),
        Map.entry("p-qty-zero", "zero_quantity"),
        Map.entry("p-price-text", "invalid_price"),
        Map.entry("p-price-neg", "negative_price"),
        Map.entry("p-status-bad", "unknown_status"),
        Map.entry("p-currency-xyz", "unknown_currency"),
        Map.entry("p-eur-too-early", "unknown_currency"),
        Map.entry("p-too-few", "malformed_row"),
        Map.entry("p-too-many", "malformed_row"),
        Map.entry("p-rejected-copy", "zero_quantity"),
        Map.entry("p-price-huge", "invalid_price"),
        // the unterminated quote swallows the rest of the file into one malformed record
        Map.entry("p-unterminated", "malformed_row"),
        Map.entry("p-swallowed", "malformed_row"));
    assertEquals(new java.util.TreeMap<>(expected), rejectReasonsByMarker(rejects, List.copyOf(expected.keySet())));
    // 19 reject rows: p-unterminated and p-swallowed are one record
    assertEquals(19, result.counts().rejected());
    assertEquals(2L, result.counts().rejectedByReason().get("invalid_timestamp"));
    assertEquals(3L, result.counts().rejectedByReason().get("malformed_row"));
  }

  @Test
  void countsReconcileExactly() {
    // day1: 32 data lines and one blank line (not a row); p-unterminated + p-swallowed parse as one
    // record -> 31 read; day2: 2 rows -> 33. Accepted 10 (below), after as-of 1 (p-after), duplicates 3
    // (p-ok replaced by p-ok-day2; p-dup-first and p-dup-second replaced by p-dup-day2).
    SourceCounts c = result.counts();
    assertEquals(33, c.read());
    assertEquals(10, c.accepted());
    assertEquals(19, c.rejected());
    assertEquals(3, c.duplicates());
    assertEquals(1, c.afterAsOf());
    assertReconciles(result);
    // the rate counts the rows up to the as-of date only: 19 / (33 - 1 after as-of)
    assertEquals(19.0 / 32, c.rejectRate(), 1e-12);
  }

  @Test
  void acceptedRowsAreTheValidLastCopies() {
    assertEquals(java.util.Set.of("p-ok-day2", "p-dup-day2", "p-return", "p-canceled", "p-status-empty", "p-eur",
        "p-currency-empty", "p-local-time", "p-offset", "p-valid-copy"), accepted.keySet());
    Row ok = accepted.get("p-ok-day2");
    assertEquals("O1", ok.getAs(StagedSchemas.ORDER_ID));
    assertEquals(1, (int) ok.getAs(StagedSchemas.LINE_NUMBER));
    assertEquals(new BigDecimal("21.0000"), ok.getAs(StagedSchemas.LINE_AMOUNT)); // 2 x 10.50 x 1
    assertTrue(((String) ok.getAs(StagedSchemas.SOURCE_FILE)).endsWith("day2/part-0.csv"));
  }

  @Test
  void negativeCompletedLineIsAReturn() {
    Row r = accepted.get("p-return");
    assertEquals("returned", r.getAs(StagedSchemas.STATUS));
    assertEquals(-3, (int) r.getAs(StagedSchemas.QUANTITY));
    assertEquals(new BigDecimal("-12.0000"), r.getAs(StagedSchemas.LINE_AMOUNT)); // -3 x 4.00
  }

  @Test
  void statusIsCaseInsensitiveAndEmptyMeansCompleted() {
    assertEquals("cancelled", accepted.get("p-canceled").getAs(StagedSchemas.STATUS));
    assertEquals("completed", accepted.get("p-status-empty").getAs(StagedSchemas.STATUS));
  }

  @Test
  void foreignCurrencyUsesTheLatestRateOnOrBeforeTheOrderDate() {
    Row eur = accepted.get("p-eur");
    assertEquals("EUR", eur.getAs(StagedSchemas.CURRENCY));
    assertEquals(new BigDecimal("10.0000"), eur.getAs(StagedSchemas.UNIT_PRICE));
    // 10 March: rate of 1 March (1.10), not of 15 March: 2 x 10.00 x 1.10 = 22.0000 USD
    assertEquals(new BigDecimal("22.0000"), eur.getAs(StagedSchemas.LINE_AMOUNT));
    Row empty = accepted.get("p-currency-empty");
    assertEquals("USD", empty.getAs(StagedSchemas.CURRENCY));
    assertEquals(new BigDecimal("3.0000"), empty.getAs(StagedSchemas.LINE_AMOUNT));
  }

  @Test
  void timestampsWithoutOffsetUseTheSourceZone() {
    // 08:00 in New York on 5 March 2024 (EST, -5) = 13:00 UTC
    assertEquals(Timestamp.from(Instant.parse("2024-03-05T13:00:00Z")), accepted.get("p-local-time").getAs(StagedSchemas.ORDER_TS));
    // 08:00 at +01:00 = 07:00 UTC whatever the source zone
    assertEquals(Timestamp.from(Instant.parse("2024-03-05T07:00:00Z")), accepted.get("p-offset").getAs(StagedSchemas.ORDER_TS));
  }

  @Test
  void integralDecimalQuantityIsRejected() {
    // SPEC 2, "Values are read strictly": quantity '3.0' is not an integer literal
    Row r = rejects.stream().filter(x -> x.<String>getAs(StagedSchemas.RAW_RECORD).contains("p-qty-point-zero"))
        .findFirst().orElseThrow();
    assertEquals("quantity '3.0' is not an integer", r.getAs(StagedSchemas.REASON_DETAIL));
  }

  @Test
  void rejectDetailsAreReadable() {
    Map<String, String> details = new java.util.HashMap<>();
    for (Row r : rejects) {
      details.put(r.getAs(StagedSchemas.RAW_RECORD), r.getAs(StagedSchemas.REASON_DETAIL));
      assertEquals("purchases", r.getAs(StagedSchemas.SOURCE));
      assertTrue(((String) r.getAs(StagedSchemas.SOURCE_FILE)).endsWith("part-0.csv"));
    }
    String zero = detailOf(details, "p-qty-zero");
    assertEquals("quantity '0' must be a non-zero integer", zero);
    assertEquals("currency 'XYZ' has no exchange rate to USD on or before 2024-03-01", detailOf(details, "p-currency-xyz"));
    assertEquals("order_ts 'not-a-date' is not an ISO-8601 timestamp (zone America/New_York when it has no offset)",
        detailOf(details, "p-bad-ts"));
    assertEquals("status 'shipped' is not completed, cancelled or returned", detailOf(details, "p-status-bad"));
    // a malformed row keeps its original line; a parsed row is rendered as JSON of its columns
    assertTrue(details.containsKey("O13,1,C1,2024-03-01T10:00:00Z,p-too-few,books,1"), details.keySet().toString());
    assertTrue(details.keySet().stream().anyMatch(k -> k.startsWith("{\"order_id\":\"O8\",\"line_number\":\"1\"")));
  }

  private static String detailOf(Map<String, String> details, String marker) {
    return details.entrySet().stream().filter(e -> e.getKey().contains(marker)).map(Map.Entry::getValue)
        .findFirst().orElse(null);
  }

  @Test
  void latestEventDateIsTheLastValidPurchaseDay() {
    // p-after (1 April 00:00 UTC) is the latest valid row; invalid rows do not count
    assertEquals(LocalDate.of(2024, 4, 1), Staging.latestEventDate(spark, corpusSettings()).orElseThrow());
  }

  @Test
  void withoutAsOfNothingIsCut() {
    StagingResult all = Staging.stage(spark, SourceName.PURCHASES, corpusSettings(), null);
    assertEquals(0, all.counts().afterAsOf());
    assertEquals(11, all.counts().accepted()); // the 10 above + p-after
    assertReconciles(all);
  }
}
