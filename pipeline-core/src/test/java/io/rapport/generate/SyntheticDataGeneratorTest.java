package io.rapport.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.errors.ConfigurationException;
import io.rapport.generate.CsvFiles.Record;
import io.rapport.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyntheticDataGeneratorTest {
  private static final DateTimeFormatter UTC_TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  private static final Map<String, ZoneId> ZONE_OF_COUNTRY = Map.of(
      "US", ZoneId.of("America/New_York"), "GB", ZoneId.of("Europe/London"),
      "DE", ZoneId.of("Europe/Berlin"), "FR", ZoneId.of("Europe/Paris"));
  private static final Map<String, String> CURRENCY_OF_COUNTRY = Map.of("US", "USD", "GB", "GBP", "DE", "EUR", "FR", "EUR");

  @TempDir Path temp;

  private Path clean;
  private GenerationSummary cleanSummary;
  private Path dirty;
  private GenerationSummary dirtySummary;

  /** 300 customers, seed 7: once without bad rows, once with 5% so every kind shows up. */
  @BeforeAll
  void generateTwoDataSets(@TempDir Path shared) throws IOException {
    clean = shared.resolve("clean");
    cleanSummary = SyntheticDataGenerator.generate(GeneratorOptions.defaults(300, 7, clean).withBadRowRate(0.0));
    dirty = shared.resolve("dirty");
    dirtySummary = SyntheticDataGenerator.generate(GeneratorOptions.defaults(300, 7, dirty).withBadRowRate(0.05));
  }

  // ---- determinism

  @Test
  void sameSeedGivesByteIdenticalFilesWhateverTheWriteBuffer() throws IOException {
    GeneratorOptions options = GeneratorOptions.defaults(120, 11, temp.resolve("a")).withBadRowRate(0.05);
    SyntheticDataGenerator.generate(options);
    // A 4 KB buffer forces many spills to disk; the files must not change.
    SyntheticDataGenerator.generate(new GeneratorOptions(120, 11, temp.resolve("b"), 0.05, options.start(), options.end()), 4096);
    Map<String, byte[]> a = contents(temp.resolve("a"));
    Map<String, byte[]> b = contents(temp.resolve("b"));
    assertEquals(a.keySet(), b.keySet());
    assertTrue(a.size() > 100, "expected many day files, got " + a.size());
    a.forEach((file, bytes) -> assertTrue(java.util.Arrays.equals(bytes, b.get(file)), "differs: " + file));
    assertFalse(Files.exists(temp.resolve("b").resolve(SyntheticDataGenerator.SPILL_FOLDER)), "spill folder left behind");
  }

  @Test
  void bundledSampleIsWhatItsReadmeCommandMakes() throws IOException {
    // Golden check: fails when the generator changes without the sample being regenerated
    // (java -cp pipeline-core/target/classes:pipeline-core/target/test-classes io.rapport.generate.GenerateSample).
    Path bundled = SharedData.projectRoot().resolve("data-samples");
    assertTrue(Files.readString(bundled.resolve("README.md"))
        .contains("bin/rapport generate --customers 300 --seed 42 --out data-samples --bad-row-rate 0.01"));
    SyntheticDataGenerator.generate(GeneratorOptions.defaults(300, 42, temp.resolve("sample")).withBadRowRate(0.01));
    Map<String, byte[]> expected = contents(temp.resolve("sample"));
    Map<String, byte[]> actual = contents(bundled);
    actual.remove("README.md");
    assertEquals(expected.keySet(), actual.keySet(), "data-samples/ is stale: regenerate it");
    expected.forEach((file, bytes) ->
        assertTrue(java.util.Arrays.equals(bytes, actual.get(file)), "data-samples/" + file + " is stale: regenerate it"));
  }

  @Test
  void differentSeedGivesDifferentFiles() throws IOException {
    SyntheticDataGenerator.generate(GeneratorOptions.defaults(120, 11, temp.resolve("s11")));
    SyntheticDataGenerator.generate(GeneratorOptions.defaults(120, 12, temp.resolve("s12")));
    assertNotEquals(
        Files.readString(temp.resolve("s11/fx-rates/rates.csv")), Files.readString(temp.resolve("s12/fx-rates/rates.csv")));
    assertNotEquals(contents(temp.resolve("s11")).keySet(), contents(temp.resolve("s12")).keySet());
  }

  @Test
  void badRowRateChangesOnlyTheBadRows() throws IOException {
    // The bad-row decisions come from their own stream: clean purchases are a superset of the
    // intact rows of the dirty set, except the rows that were broken.
    Set<List<String>> cleanRows = new HashSet<>(fields(CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER)));
    List<List<String>> dirtyRows = fields(CsvFiles.read(dirty, "purchases", SyntheticDataGenerator.PURCHASES_HEADER));
    long notInClean = dirtyRows.stream().filter(r -> !cleanRows.contains(r)).count();
    long broken = dirtySummary.badRows("purchases") - dirtySummary.badRows("purchases", "duplicate");
    assertEquals(broken, notInClean);
  }

  // ---- layout

  @Test
  void writesOneFolderPerDayWithAHeaderedPart0() throws IOException {
    for (String source : List.of("purchases", "surveys", "reviews")) {
      List<Path> days = CsvFiles.dayFolders(dirty, source);
      assertFalse(days.isEmpty(), source);
      for (Path day : days) {
        LocalDate date = LocalDate.parse(day.getFileName().toString());
        assertFalse(date.isBefore(GeneratorOptions.DEFAULT_START) || date.isAfter(GeneratorOptions.DEFAULT_END), day.toString());
        try (Stream<Path> files = Files.list(day)) {
          assertEquals(List.of("part-0.csv"), files.map(p -> p.getFileName().toString()).toList());
        }
      }
    }
    assertEquals("order_id,line_number,customer_id,order_ts,product_id,category,quantity,unit_price,currency,status,channel,country",
        firstLine(CsvFiles.dayFolders(dirty, "purchases").get(0).resolve("part-0.csv")));
    assertEquals("response_id,customer_id,responded_at,survey_type,score,comment,channel,touchpoint",
        firstLine(CsvFiles.dayFolders(dirty, "surveys").get(0).resolve("part-0.csv")));
    assertEquals("review_id,customer_id,order_id,product_id,category,rating,title,text,created_at,replied_at",
        firstLine(CsvFiles.dayFolders(dirty, "reviews").get(0).resolve("part-0.csv")));
    assertEquals("date,currency,rate", firstLine(dirty.resolve("fx-rates/rates.csv")));
  }

  @Test
  void rowCountsFilesAndDatesMatchTheSummary() throws IOException {
    for (var data : List.of(Map.entry(clean, cleanSummary), Map.entry(dirty, dirtySummary))) {
      Path out = data.getKey();
      GenerationSummary summary = data.getValue();
      assertEquals(summary.rows("purchases"), CsvFiles.read(out, "purchases", SyntheticDataGenerator.PURCHASES_HEADER).size());
      assertEquals(summary.rows("surveys"), CsvFiles.read(out, "surveys", SyntheticDataGenerator.SURVEYS_HEADER).size());
      assertEquals(summary.rows("reviews"), CsvFiles.read(out, "reviews", SyntheticDataGenerator.REVIEWS_HEADER).size());
      List<String> rates = Files.readAllLines(out.resolve("fx-rates/rates.csv"));
      // 609 days (2024-01-01 .. 2025-08-31) x EUR, GBP
      assertEquals(609 * 2, summary.fxRateRows());
      assertEquals(summary.fxRateRows(), rates.size() - 1);
      Map<String, byte[]> files = contents(out);
      assertEquals(summary.filesWritten(), files.size());
      List<LocalDate> days = files.keySet().stream().filter(f -> !f.startsWith("fx-rates"))
          .map(f -> LocalDate.parse(f.split("/")[1])).sorted().toList();
      assertEquals(days.get(0), summary.firstDate());
      assertEquals(days.get(days.size() - 1), summary.lastDate());
    }
    // Volume sanity for 300 customers: about 10 lines per customer (BG/NBD parameters).
    assertTrue(cleanSummary.rows("purchases") > 1500 && cleanSummary.rows("purchases") < 6000, cleanSummary.toText());
    assertTrue(cleanSummary.rows("surveys") > 200, cleanSummary.toText());
    assertTrue(cleanSummary.rows("reviews") > 80, cleanSummary.toText());
  }

  @Test
  void fxRatesCoverEveryDayForEurAndGbpAsAGentleWalk() throws IOException {
    List<List<String>> rows = CsvFiles.parse(Files.readString(clean.resolve("fx-rates/rates.csv")));
    Map<String, Double> previous = new HashMap<>();
    LocalDate expected = GeneratorOptions.DEFAULT_START;
    for (int i = 1; i < rows.size(); i += 2) {
      assertEquals(List.of(expected.toString(), "EUR"), rows.get(i).subList(0, 2));
      assertEquals(List.of(expected.toString(), "GBP"), rows.get(i + 1).subList(0, 2));
      for (List<String> row : rows.subList(i, i + 2)) {
        double rate = Double.parseDouble(row.get(2));
        assertTrue(rate > 0.9 && rate < 1.5, row.toString());
        Double before = previous.put(row.get(1), rate);
        assertTrue(before == null || Math.abs(rate / before - 1) < 0.03, "jump in " + row);
      }
      expected = expected.plusDays(1);
    }
  }

  // ---- bad rows

  @Test
  void everyBadRowKindIsInjectedAndFoundInTheFilesAtFivePercent() throws IOException {
    List<Record> purchases = CsvFiles.read(dirty, "purchases", SyntheticDataGenerator.PURCHASES_HEADER);
    Map<String, Predicate<Record>> purchaseDefects = purchaseDefects();
    for (String kind : purchaseDefects.keySet()) {
      long inFiles = purchases.stream().filter(purchaseDefects.get(kind)).count();
      assertTrue(dirtySummary.badRows("purchases", kind) > 0, kind);
      assertEquals(dirtySummary.badRows("purchases", kind), inFiles, kind);
    }
    // Each broken row breaks one rule only.
    assertEquals(0, purchases.stream().filter(r -> purchaseDefects.values().stream().filter(p -> p.test(r)).count() > 1).count());
    assertEquals(dirtySummary.badRows("purchases", "duplicate"), duplicateCopies(purchases, r -> r.get(0) + "#" + r.get(1)));

    List<Record> surveys = CsvFiles.read(dirty, "surveys", SyntheticDataGenerator.SURVEYS_HEADER);
    Map<String, Predicate<Record>> surveyDefects = surveyDefects();
    for (String kind : surveyDefects.keySet()) {
      assertTrue(dirtySummary.badRows("surveys", kind) > 0, kind);
      assertEquals(dirtySummary.badRows("surveys", kind), surveys.stream().filter(surveyDefects.get(kind)).count(), kind);
    }
    assertTrue(dirtySummary.badRows("surveys", "duplicate") > 0);
    assertEquals(dirtySummary.badRows("surveys", "duplicate"), duplicateCopies(surveys, r -> r.get(0)));

    List<Record> reviews = CsvFiles.read(dirty, "reviews", SyntheticDataGenerator.REVIEWS_HEADER);
    Map<String, Predicate<Record>> reviewDefects = reviewDefects();
    for (String kind : reviewDefects.keySet()) {
      assertTrue(dirtySummary.badRows("reviews", kind) > 0, kind);
      assertEquals(dirtySummary.badRows("reviews", kind), reviews.stream().filter(reviewDefects.get(kind)).count(), kind);
    }
    assertTrue(dirtySummary.badRows("reviews", "duplicate") > 0);
    assertEquals(dirtySummary.badRows("reviews", "duplicate"), duplicateCopies(reviews, r -> r.get(0)));

    // About 5% of the rows, per source (the rate applies to generated rows; duplicates add rows).
    double share = dirtySummary.badRows("purchases") / (double) dirtySummary.rows("purchases");
    assertTrue(share > 0.03 && share < 0.07, "purchases bad share " + share);
  }

  @Test
  void noBadRowsAtRateZero() throws IOException {
    for (String source : List.of("purchases", "surveys", "reviews")) {
      assertEquals(0, cleanSummary.badRows(source), source);
      assertFalse(cleanSummary.badRowsPerSource().get(source).isEmpty(), "kinds listed with 0 for " + source);
    }
    List<Record> purchases = CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER);
    purchaseDefects().forEach((kind, defect) -> assertEquals(0, purchases.stream().filter(defect).count(), kind));
    assertEquals(0, duplicateCopies(purchases, r -> r.get(0) + "#" + r.get(1)));
    List<Record> surveys = CsvFiles.read(clean, "surveys", SyntheticDataGenerator.SURVEYS_HEADER);
    surveyDefects().forEach((kind, defect) -> assertEquals(0, surveys.stream().filter(defect).count(), kind));
    assertEquals(0, duplicateCopies(surveys, r -> r.get(0)));
    List<Record> reviews = CsvFiles.read(clean, "reviews", SyntheticDataGenerator.REVIEWS_HEADER);
    reviewDefects().forEach((kind, defect) -> assertEquals(0, reviews.stream().filter(defect).count(), kind));
    assertEquals(0, duplicateCopies(reviews, r -> r.get(0)));
  }

  // ---- content

  @Test
  void orderTimestampsCarryTheCountrysOffsetAndSitInTheirUtcDayFolder() throws IOException {
    for (Record r : CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER)) {
      OffsetDateTime ts = OffsetDateTime.parse(r.get(3));
      assertTrue(r.get(3).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}"), r.get(3));
      ZoneId zone = ZONE_OF_COUNTRY.get(r.get(11));
      assertEquals(zone.getRules().getOffset(ts.toInstant()), ts.getOffset(), r.fields().toString());
      assertEquals(r.day(), ts.atZoneSameInstant(ZoneOffset.UTC).toLocalDate(), r.fields().toString());
      assertEquals(CURRENCY_OF_COUNTRY.get(r.get(11)), r.get(8));
      assertTrue(r.get(7).matches("\\d+\\.\\d{2}"), r.get(7));
      assertTrue(Set.of("web", "app", "store").contains(r.get(10)));
    }
  }

  @Test
  void surveyAndReviewTimestampsParseAsUtcAndRepliesFollowReviews() throws IOException {
    for (Record r : CsvFiles.read(clean, "surveys", SyntheticDataGenerator.SURVEYS_HEADER)) {
      assertEquals(r.day(), LocalDateTime.parse(r.get(2), UTC_TEXT).toLocalDate());
      int score = Integer.parseInt(r.get(4));
      assertTrue(r.get(3).equals("nps") ? score >= 0 && score <= 10 : r.get(3).equals("csat") && score >= 1 && score <= 5, r.toString());
    }
    long replied = 0;
    List<Record> reviews = CsvFiles.read(clean, "reviews", SyntheticDataGenerator.REVIEWS_HEADER);
    for (Record r : reviews) {
      LocalDateTime created = LocalDateTime.parse(r.get(8), UTC_TEXT);
      assertEquals(r.day(), created.toLocalDate());
      if (!r.get(9).isEmpty()) {
        replied++;
        assertTrue(LocalDateTime.parse(r.get(9), UTC_TEXT).isAfter(created), r.toString());
      }
    }
    double replyShare = replied / (double) reviews.size();
    assertTrue(replyShare > 0.45 && replyShare < 0.75, "reply share " + replyShare);
  }

  @Test
  void cancelledOrdersAreCancelledOnEveryLine() throws IOException {
    Map<String, Set<String>> statusesByOrder = CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER).stream()
        .collect(Collectors.groupingBy(r -> r.get(0), Collectors.mapping(r -> r.get(9), Collectors.toSet())));
    long cancelled = statusesByOrder.values().stream().filter(s -> s.contains("cancelled")).count();
    assertTrue(cancelled > 0);
    statusesByOrder.forEach((order, statuses) -> assertEquals(1, statuses.size(), order + " " + statuses));
    double share = cancelled / (double) statusesByOrder.size();
    assertTrue(share > 0.01 && share < 0.06, "cancelled share " + share);
  }

  @Test
  void returnsAreLaterSeparateOrdersOfAProductTheCustomerBought() throws IOException {
    List<Record> purchases = CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER);
    Set<String> purchaseOrders = purchases.stream().filter(r -> !r.get(9).equals("returned")).map(r -> r.get(0)).collect(Collectors.toSet());
    List<Record> returns = purchases.stream().filter(r -> r.get(9).equals("returned")).toList();
    long completedOrders = purchases.stream().filter(r -> r.get(9).equals("completed")).map(r -> r.get(0)).distinct().count();
    assertTrue(returns.size() > 0.03 * completedOrders && returns.size() < 0.10 * completedOrders,
        returns.size() + " returns for " + completedOrders + " orders");
    for (Record back : returns) {
      assertTrue(Integer.parseInt(back.get(6)) < 0, back.toString());
      assertFalse(purchaseOrders.contains(back.get(0)), "return reuses an order id: " + back);
      OffsetDateTime returnedAt = OffsetDateTime.parse(back.get(3));
      boolean bought = purchases.stream().anyMatch(p -> p.get(9).equals("completed")
          && p.get(2).equals(back.get(2)) && p.get(4).equals(back.get(4))
          && Integer.parseInt(p.get(6)) >= -Integer.parseInt(back.get(6))
          && p.get(7).equals(back.get(7))
          && OffsetDateTime.parse(p.get(3)).plusDays(1).isBefore(returnedAt));
      assertTrue(bought, "no earlier purchase for " + back);
    }
  }

  @Test
  void reviewsReferToOrdersOfTheReviewerAndSomeOnlyThroughTheOrder() throws IOException {
    Map<String, String> customerOfOrder = new HashMap<>();
    Map<String, Set<String>> productsOfOrder = new HashMap<>();
    for (Record p : CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER)) {
      customerOfOrder.put(p.get(0), p.get(2));
      productsOfOrder.computeIfAbsent(p.get(0), k -> new HashSet<>()).add(p.get(4));
    }
    long guests = 0;
    for (Record r : CsvFiles.read(clean, "reviews", SyntheticDataGenerator.REVIEWS_HEADER)) {
      assertTrue(customerOfOrder.containsKey(r.get(2)), "unknown order in " + r);
      assertTrue(productsOfOrder.get(r.get(2)).contains(r.get(3)), "product not in order: " + r);
      if (r.get(1).isEmpty()) {
        guests++;
      } else {
        assertEquals(customerOfOrder.get(r.get(2)), r.get(1));
      }
    }
    assertTrue(guests > 0, "expected reviews resolvable only through their order");
  }

  @Test
  void scoresFollowTheExperience() throws IOException {
    // Reviews of a product the customer returned rate lower than the rest (latent -1.6).
    List<Record> purchases = CsvFiles.read(clean, "purchases", SyntheticDataGenerator.PURCHASES_HEADER);
    Set<String> returnedByCustomer = purchases.stream().filter(r -> r.get(9).equals("returned"))
        .map(r -> r.get(2) + "/" + r.get(4)).collect(Collectors.toSet());
    Map<String, String> customerOfOrder = purchases.stream().collect(Collectors.toMap(r -> r.get(0), r -> r.get(2), (a, b) -> a));
    Map<Boolean, Double> meanRating = CsvFiles.read(clean, "reviews", SyntheticDataGenerator.REVIEWS_HEADER).stream()
        .collect(Collectors.partitioningBy(r -> returnedByCustomer.contains(customerOfOrder.get(r.get(2)) + "/" + r.get(3)),
            Collectors.averagingInt(r -> Integer.parseInt(r.get(5)))));
    assertTrue(meanRating.get(true) < meanRating.get(false) - 0.5, meanRating.toString());
  }

  // ---- CSV

  @Test
  void quotedFieldsRoundTrip() {
    String[] fields = {"R-1", "", "Great, \"really\" great\nsecond line", "plain", "a,b", "\"", "\n"};
    String record = Csv.record(fields);
    assertEquals("R-1,,\"Great, \"\"really\"\" great\nsecond line\",plain,\"a,b\",\"\"\"\",\"\n\"\n", record);
    assertEquals(List.of(List.of(fields)), CsvFiles.parse(record));
  }

  @Test
  void generatedReviewTextsHoldCommasQuotesAndNewlines() throws IOException {
    List<String> texts = CsvFiles.read(clean, "reviews", SyntheticDataGenerator.REVIEWS_HEADER).stream().map(r -> r.get(7)).toList();
    assertTrue(texts.stream().anyMatch(t -> t.contains("\n")), "no multi-line text");
    assertTrue(texts.stream().anyMatch(t -> t.contains("\"")), "no quote");
    assertTrue(texts.stream().anyMatch(t -> t.contains(",")), "no comma");
    List<String> comments = CsvFiles.read(clean, "surveys", SyntheticDataGenerator.SURVEYS_HEADER).stream().map(r -> r.get(5)).toList();
    assertTrue(comments.stream().anyMatch(t -> t.contains(",")) && comments.stream().anyMatch(t -> t.contains("\"")));
  }

  @Test
  void moneyAndTimestampFormatting() {
    assertEquals("41.99", SyntheticDataGenerator.money(4199));
    assertEquals("0.05", SyntheticDataGenerator.money(5));
    assertEquals("-12.30", SyntheticDataGenerator.money(-1230));
    assertEquals("2024-03-01T09:15:00+01:00", SyntheticDataGenerator.isoWithOffset(
        LocalDateTime.of(2024, 3, 1, 9, 15).atZone(ZoneId.of("Europe/Berlin"))));
    // London in winter: +00:00, never Z.
    assertEquals("2024-01-05T20:00:07+00:00", SyntheticDataGenerator.isoWithOffset(
        LocalDateTime.of(2024, 1, 5, 20, 0, 7).atZone(ZoneId.of("Europe/London"))));
    assertEquals("2024-07-04T21:30:00-04:00", SyntheticDataGenerator.isoWithOffset(
        LocalDateTime.of(2024, 7, 4, 21, 30).atZone(ZoneId.of("America/New_York"))));
    assertEquals("2024-03-01 08:15:00", SyntheticDataGenerator.utcText(
        LocalDateTime.of(2024, 3, 1, 8, 15).toEpochSecond(ZoneOffset.UTC)));
    assertEquals("01/03/2024 09:15", SyntheticDataGenerator.unparseable("2024-03-01T09:15:00+01:00"));
  }

  // ---- options and output folder

  @Test
  void rejectsImpossibleOptions() {
    Path out = temp.resolve("x");
    assertThrows(ConfigurationException.class, () -> GeneratorOptions.defaults(0, 1, out));
    assertThrows(ConfigurationException.class, () -> GeneratorOptions.defaults(10, 1, out).withBadRowRate(1.0));
    assertThrows(ConfigurationException.class, () -> GeneratorOptions.defaults(10, 1, out).withBadRowRate(-0.1));
    assertThrows(ConfigurationException.class,
        () -> GeneratorOptions.defaults(10, 1, out).withPeriod(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 1, 1)));
  }

  @Test
  void replacesItsOwnFoldersAndKeepsOtherFiles() throws IOException {
    Path out = temp.resolve("reuse");
    Files.createDirectories(out.resolve("purchases/1999-01-01"));
    Files.writeString(out.resolve("purchases/1999-01-01/part-0.csv"), "stale");
    Files.writeString(out.resolve("README.md"), "keep me");
    GenerationSummary summary = SyntheticDataGenerator.generate(
        GeneratorOptions.defaults(20, 3, out).withPeriod(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 3, 31)));
    assertFalse(Files.exists(out.resolve("purchases/1999-01-01")));
    assertEquals("keep me", Files.readString(out.resolve("README.md")));
    assertTrue(summary.lastDate().isBefore(LocalDate.of(2024, 4, 1)), summary.toText());
    assertEquals(91 * 2, summary.fxRateRows());
  }

  // ---- helpers

  /** The defect of each purchase bad-row kind, as a reader would detect it. */
  private static Map<String, Predicate<Record>> purchaseDefects() {
    Map<String, Predicate<Record>> d = new TreeMap<>();
    d.put("missing_customer_id", r -> r.get(2).isEmpty());
    d.put("invalid_timestamp", r -> !parses(r.get(3), s -> OffsetDateTime.parse(s)));
    d.put("zero_quantity", r -> r.get(6).equals("0"));
    d.put("invalid_quantity", r -> r.get(6).contains("."));
    d.put("negative_price", r -> r.get(7).startsWith("-"));
    d.put("unknown_currency", r -> !Set.of("USD", "EUR", "GBP").contains(r.get(8)));
    d.put("unknown_status", r -> !Set.of("completed", "cancelled", "returned").contains(r.get(9)));
    return d;
  }

  private static Map<String, Predicate<Record>> surveyDefects() {
    Map<String, Predicate<Record>> d = new TreeMap<>();
    d.put("missing_response_id", r -> r.get(0).isEmpty());
    d.put("invalid_timestamp", r -> !parses(r.get(2), s -> LocalDateTime.parse(s, UTC_TEXT)));
    d.put("score_out_of_range", r -> {
      int score = Integer.parseInt(r.get(4));
      return r.get(3).equals("nps") ? score < 0 || score > 10 : score < 1 || score > 5;
    });
    return d;
  }

  private static Map<String, Predicate<Record>> reviewDefects() {
    Map<String, Predicate<Record>> d = new TreeMap<>();
    d.put("missing_review_id", r -> r.get(0).isEmpty());
    d.put("invalid_timestamp", r -> !parses(r.get(8), s -> LocalDateTime.parse(s, UTC_TEXT)));
    d.put("rating_out_of_range", r -> {
      int rating = Integer.parseInt(r.get(5));
      return rating < 1 || rating > 5;
    });
    return d;
  }

  private static boolean parses(String text, Function<String, Object> parser) {
    try {
      parser.apply(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /**
   * Extra copies of a natural key; each must be an exact copy of the first, in the same or a
   * later day folder.
   */
  private static long duplicateCopies(List<Record> records, Function<Record, String> key) {
    Map<String, Record> first = new HashMap<>();
    long copies = 0;
    for (Record r : records) {
      String k = key.apply(r);
      if (k.isEmpty() || k.equals("#") || k.startsWith("#")) {
        continue; // a missing id is its own defect
      }
      Record earlier = first.putIfAbsent(k, r);
      if (earlier != null) {
        copies++;
        assertEquals(earlier.fields(), r.fields(), "same key, different row: " + k);
        assertFalse(r.day().isBefore(earlier.day()), "copy before the original: " + k);
      }
    }
    return copies;
  }

  private static List<List<String>> fields(List<Record> records) {
    List<List<String>> out = new ArrayList<>();
    records.forEach(r -> out.add(r.fields()));
    return out;
  }

  private static String firstLine(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.findFirst().orElseThrow();
    }
  }

  /** Every file under a folder by relative path (with / separators). */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }
}
