package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.PriceRounding;
import io.rapport.config.RapportSettings;
import io.rapport.config.SourceFormat;
import io.rapport.errors.InputContractException;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 2, "Values are read strictly": each case with its exact fate and count (issue 14). */
class StrictValuesTest extends SparkTestSupport {
  private static final String HEADER = "order_id,customer_id,order_ts,quantity,unit_price\n";

  @TempDir
  Path dir;

  private static RapportSettings.Source purchases(String path, Charset encoding, PriceRounding rounding) {
    return new RapportSettings.Source(path, SourceFormat.CSV, null, null, null, null, encoding, rounding,
        null, null, null, 1.0);
  }

  private StagingResult stagePurchases(String body, byte[] raw, Charset encoding, PriceRounding rounding) throws IOException {
    Path f = dir.resolve("p-" + System.nanoTime() + ".csv");
    if (raw != null) {
      Files.write(f, raw);
    } else {
      Files.writeString(f, HEADER + body, StandardCharsets.UTF_8);
    }
    StagingResult r = Staging.stage(spark, SourceName.PURCHASES,
        settings("UTC", "USD", purchases(f.toString(), encoding, rounding), null, null, null), null);
    assertReconciles(r);
    return r;
  }

  private static Map<String, Row> acceptedById(StagingResult r) {
    return byKey(r.accepted().collectAsList(), StagedSchemas.ORDER_ID);
  }

  private static Map<String, String> reasonsById(StagingResult r) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Row row : r.rejects().collectAsList()) {
      String raw = row.getAs(StagedSchemas.RAW_RECORD);
      String id = raw.replaceAll("^.*\"order_id\":\"([^\"]*)\".*$", "$1");
      out.put(id, row.getAs(StagedSchemas.REASON_CODE));
    }
    return out;
  }

  @Test
  void latin1BytesReadAsUtf8AreRejectedNeverReplaced() throws IOException {
    byte[] latin1 = (HEADER + "O1,CB\u00e903,2024-03-01T10:00:00Z,1,1.00\nO2,CB04,2024-03-01T10:00:00Z,1,1.00\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    StagingResult utf8 = stagePurchases(null, latin1, null, null);
    // 2 read = 1 accepted (O2) + 1 rejected: byte 0xE9 alone is not UTF-8
    assertEquals(new SourceCounts(2, 1, 1, 0, 0, Map.of("invalid_encoding", 1L)), utf8.counts());
    Row reject = utf8.rejects().first();
    // The raw record keeps the file's bytes: 0xE9 written \xE9, never a replacement character.
    assertEquals("{\"order_id\":\"O1\",\"customer_id\":\"CB\\xE903\",\"order_ts\":\"2024-03-01T10:00:00Z\","
        + "\"quantity\":\"1\",\"unit_price\":\"1.00\"}", reject.getAs(StagedSchemas.RAW_RECORD));
    assertTrue(reject.<String>getAs(StagedSchemas.REASON_DETAIL).contains("original bytes"), reject.toString());
    for (Row row : utf8.rejects().collectAsList()) {
      assertFalse(row.toString().contains("\uFFFD"), "a replacement character in the rejects table: " + row);
    }
    // The same bytes with encoding ISO-8859-1: both accepted, the id intact.
    StagingResult latin = stagePurchases(null, latin1, StandardCharsets.ISO_8859_1, null);
    assertEquals(new SourceCounts(2, 2, 0, 0, 0, Map.of()), latin.counts());
    assertEquals("CB\u00e903", acceptedById(latin).get("O1").getAs(StagedSchemas.CUSTOMER_ID));
  }

  @Test
  void theOriginalBytesAreFoundBehindQuotedNewlinesAndValidMultiByteText() throws IOException {
    // Record 3 holds a valid UTF-8 é (C3 A9) and a lone 0xFF; record 1 a quoted field over two
    // lines, so the byte read must count records, not lines. Record 2 is rejected for another reason.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write((HEADER + "M1,\"C\nline two\",2024-03-01T10:00:00Z,1,1.00\nM2,C2,not-a-time,1,1.00\n")
        .getBytes(StandardCharsets.UTF_8));
    bytes.write("M3,Ren\u00e9".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF);
    bytes.write(",2024-03-01T10:00:00Z,1,1.00\nM4,C4,2024-03-01T10:00:00Z,1,1.00\n".getBytes(StandardCharsets.UTF_8));
    StagingResult r = stagePurchases(null, bytes.toByteArray(), null, null);
    assertEquals(new SourceCounts(4, 2, 2, 0, 0, Map.of("invalid_encoding", 1L, "invalid_timestamp", 1L)), r.counts());
    Map<String, String> raw = new java.util.TreeMap<>();
    for (Row row : r.rejects().collectAsList()) {
      raw.put(row.getAs(StagedSchemas.REASON_CODE), row.getAs(StagedSchemas.RAW_RECORD));
    }
    assertEquals("{\"order_id\":\"M3\",\"customer_id\":\"Ren\\xC3\\xA9\\xFF\",\"order_ts\":\"2024-03-01T10:00:00Z\","
        + "\"quantity\":\"1\",\"unit_price\":\"1.00\"}", raw.get("invalid_encoding"));
    assertTrue(raw.get("invalid_timestamp").contains("\"order_id\":\"M2\""), raw.toString());
    assertEquals("C\nline two", acceptedById(r).get("M1").getAs(StagedSchemas.CUSTOMER_ID));
  }

  @Test
  void escapingWritesEveryByteAboveAsciiAsHex() {
    assertEquals("a\\xE9\\x80z", OriginalBytes.escape("a\u00e9\u0080z"));
    assertTrue(OriginalBytes.applies(SourceContract.of(SourceName.PURCHASES, purchases("x", null, null))));
    assertFalse(OriginalBytes.applies(SourceContract.of(SourceName.PURCHASES,
        purchases("x", StandardCharsets.UTF_16, null))), "UTF-16 bytes cannot be split as ASCII");
  }

  @Test
  void quantityIsAnIntegerLiteral() throws IOException {
    StagingResult r = stagePurchases("Q1,C,2024-03-01T10:00:00Z,3,1\nQ2,C,2024-03-01T10:00:00Z,-2,1\n"
        + "Q3,C,2024-03-01T10:00:00Z,1e2,1\nQ4,C,2024-03-01T10:00:00Z,1.5,1\n"
        + "Q5,C,2024-03-01T10:00:00Z,\"1,000\",1\nQ6,C,2024-03-01T10:00:00Z,1.0,1\n", null, null, null);
    assertEquals(new SourceCounts(6, 2, 4, 0, 0, Map.of("invalid_quantity", 4L)), r.counts());
    assertEquals(Map.of("Q3", "invalid_quantity", "Q4", "invalid_quantity", "Q5", "invalid_quantity",
        "Q6", "invalid_quantity"), reasonsById(r));
    assertEquals(-2, (int) acceptedById(r).get("Q2").getAs(StagedSchemas.QUANTITY));
  }

  @Test
  void unitPriceIsAPlainDecimalWithAtMostFourDecimalsUnlessRoundingIsChosen() throws IOException {
    String body = "P1,C,2024-03-01T10:00:00Z,1,10.123456\nP2,C,2024-03-01T10:00:00Z,1,1e3\n"
        + "P3,C,2024-03-01T10:00:00Z,1,10.12340\nP4,C,2024-03-01T10:00:00Z,1,10.123450\n"
        + "P5,C,2024-03-01T10:00:00Z,1,10.123350\nP6,C,2024-03-01T10:00:00Z,1,.5\n";
    StagingResult strict = stagePurchases(body, null, null, null);
    // 6 read = P3 (trailing zero: 4 decimals), P6 accepted; P1, P2, P4, P5 rejected
    assertEquals(new SourceCounts(6, 2, 4, 0, 0, Map.of("invalid_price", 4L)), strict.counts());
    assertEquals(0, strict.roundedPrices());
    assertEquals(new BigDecimal("10.1234"), acceptedById(strict).get("P3").getAs(StagedSchemas.UNIT_PRICE));

    StagingResult rounded = stagePurchases(body, null, null, PriceRounding.HALF_EVEN);
    // 1e3 is still no plain decimal; P1, P4, P5 rounded half-even: 10.123456 -> 10.1235,
    // 10.12345 -> 10.1234 (4 is even), 10.12335 -> 10.1234 (3 is odd, rounds up to even 4)
    assertEquals(new SourceCounts(6, 5, 1, 0, 0, Map.of("invalid_price", 1L)), rounded.counts());
    assertEquals(3, rounded.roundedPrices());
    Map<String, Row> a = acceptedById(rounded);
    assertEquals(new BigDecimal("10.1235"), a.get("P1").getAs(StagedSchemas.UNIT_PRICE));
    assertEquals(new BigDecimal("10.1234"), a.get("P4").getAs(StagedSchemas.UNIT_PRICE));
    assertEquals(new BigDecimal("10.1234"), a.get("P5").getAs(StagedSchemas.UNIT_PRICE));
  }

  @Test
  void timestampsOutsideTheYears1900To2999AreRejected() throws IOException {
    StagingResult r = stagePurchases("T1,C,0001-01-01T00:00:00Z,1,1\nT2,C,3000-01-01T00:00:00Z,1,1\n"
        + "T3,C,1899-12-31T23:59:59Z,1,1\nT4,C,1900-01-01T00:00:00Z,1,1\nT5,C,2999-12-31T23:59:59Z,1,1\n", null, null, null);
    assertEquals(new SourceCounts(5, 2, 3, 0, 0, Map.of("invalid_timestamp", 3L)), r.counts());
    assertEquals("order_ts '0001-01-01T00:00:00Z' is outside 1900-01-01 .. 2999-12-31",
        r.rejects().filter("raw_record like '%T1%'").first().getAs(StagedSchemas.REASON_DETAIL));
  }

  @Test
  void parquetColumnTypesThatDifferBetweenFilesAreAContractError() {
    StructType asLong = new StructType().add("response_id", DataTypes.StringType).add("score", DataTypes.LongType);
    StructType asText = new StructType().add("response_id", DataTypes.StringType).add("score", DataTypes.StringType);
    Path day1 = dir.resolve("surveys/2024-03-01");
    Path day2 = dir.resolve("surveys/2024-03-02");
    spark.createDataFrame(List.of(RowFactory.create("r1", 5L)), asLong).coalesce(1).write().parquet(day1.toString());
    spark.createDataFrame(List.of(RowFactory.create("r2", "5")), asText).coalesce(1).write().parquet(day2.toString());
    RapportSettings.Source surveys = source(dir.resolve("surveys") + "/*", "parquet", null, Map.of(), Map.of(),
        Map.of("responded_at", "2024-03-01T00:00:00Z", "survey_type", "nps"), 1.0);
    InputContractException e = assertThrows(InputContractException.class, () -> Staging.stage(spark, SourceName.SURVEYS,
        settings("UTC", "USD", null, surveys, null, null), null));
    assertEquals(2, e.exitCode());
    String m = e.getMessage();
    assertTrue(m.contains("column score") && m.contains("bigint") && m.contains("string")
        && m.contains("2024-03-01") && m.contains("2024-03-02"), m);
  }

  @Test
  void aParquetFileWhoseTypeDiffersFromAFileStagedByAnEarlierRunIsAContractError() {
    StructType asLong = new StructType().add("response_id", DataTypes.StringType).add("score", DataTypes.LongType);
    StructType asText = new StructType().add("response_id", DataTypes.StringType).add("score", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create("r1", 5L)), asLong).coalesce(1).write()
        .parquet(dir.resolve("later/2024-03-01").toString());
    RapportSettings.Source surveys = source(dir.resolve("later") + "/*", "parquet", null, Map.of(), Map.of(),
        Map.of("responded_at", "2024-03-01T00:00:00Z", "survey_type", "nps"), 1.0);
    RapportSettings settings = settings("UTC", "USD", null, surveys, null, null);
    org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(dir.resolve("warehouse/_staged").toUri());
    StagingResult first = Staging.stage(spark, SourceName.SURVEYS, settings, null, staged,
        new org.apache.hadoop.fs.Path(dir.resolve("cut-1").toUri()));
    assertEquals(1, first.counts().accepted());
    // The next day's file arrives with score as text: only it is staged by this run, and it is
    // still checked against the type the earlier run recorded in the ledger.
    spark.createDataFrame(List.of(RowFactory.create("r2", "5")), asText).coalesce(1).write()
        .parquet(dir.resolve("later/2024-03-02").toString());
    InputContractException e = assertThrows(InputContractException.class, () -> Staging.stage(spark, SourceName.SURVEYS,
        settings, null, staged, new org.apache.hadoop.fs.Path(dir.resolve("cut-2").toUri())));
    String m = e.getMessage();
    assertTrue(m.contains("column score is bigint in") && m.contains("2024-03-01") && m.contains("but string in")
        && m.contains("2024-03-02"), m);
  }

  /** Hostile text for any column: no single value can fail the run; every row is counted once. */
  private static final List<String> HOSTILE = List.of("", " ", "\"\"\"\"", "'", "\\", "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z", "-0", "1e308", "-1e-308", "NaN", "Infinity", "99999999999999999999999999999999999999999",
      "\u0000", "\uD835\uDD18nicode", "\"1,5\"", "--1", "0x10", "2024-02-30", "+", ".", "1.", "\u00e9", "null",
      "2024-03-01T10:00:00+25:00", "\"line\nbreak\"", "\u202Eevil");

  @Test
  void noSingleValueInAnyColumnOfAnySourceFailsTheRun() throws IOException {
    Map<SourceName, List<String>> base = Map.of(
        SourceName.PURCHASES, List.of("order_id", "line_number", "customer_id", "order_ts", "product_id", "category",
            "quantity", "unit_price", "currency", "status", "channel", "country"),
        SourceName.SURVEYS, List.of("response_id", "customer_id", "responded_at", "survey_type", "score", "comment",
            "channel", "touchpoint"),
        SourceName.REVIEWS, List.of("review_id", "customer_id", "order_id", "product_id", "category", "rating", "title",
            "text", "created_at", "replied_at"));
    Map<String, String> valid = Map.ofEntries(Map.entry("order_ts", "2024-03-01T10:00:00Z"),
        Map.entry("responded_at", "2024-03-01T10:00:00Z"), Map.entry("created_at", "2024-03-01T10:00:00Z"),
        Map.entry("replied_at", "2024-03-02T10:00:00Z"), Map.entry("quantity", "1"), Map.entry("unit_price", "1.5"),
        Map.entry("currency", "USD"), Map.entry("status", "completed"), Map.entry("survey_type", "nps"),
        Map.entry("score", "9"), Map.entry("rating", "4"), Map.entry("line_number", "1"));
    for (SourceName source : SourceName.values()) {
      List<String> columns = base.get(source);
      StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
      int rows = 0;
      for (String column : columns) {
        for (String value : HOSTILE) {
          List<String> fields = new ArrayList<>();
          for (String c : columns) {
            fields.add(c.equals(column) ? value : valid.getOrDefault(c, c.substring(0, 1) + rows));
          }
          csv.append(String.join(",", fields)).append('\n');
          rows++;
        }
      }
      Path f = dir.resolve(source.id() + ".csv");
      Files.writeString(f, csv.toString(), StandardCharsets.UTF_8);
      RapportSettings.Source s = csv(f.toString());
      RapportSettings settings = switch (source) {
        case PURCHASES -> settings("UTC", "USD", s, null, null, null);
        case SURVEYS -> settings("UTC", "USD", null, s, null, null);
        case REVIEWS -> settings("UTC", "USD", null, null, s, null);
      };
      StagingResult r = Staging.stage(spark, source, settings, java.time.LocalDate.of(2024, 3, 31));
      assertReconciles(r);
      // Quoted line breaks and doubled quotes make some records span lines or merge: every one
      // of them is still counted once, so at least one row per line survives the parse.
      assertTrue(r.counts().read() > 0 && r.counts().read() <= rows, source + ": " + r.counts().summary());
      for (Row row : r.accepted().collectAsList()) {
        assertFalse(row.toString().contains("\uFFFD"), row.toString());
      }
    }
  }
}
