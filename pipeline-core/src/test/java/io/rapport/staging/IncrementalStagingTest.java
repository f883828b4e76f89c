package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental staging (SPEC section 2, "Ingestion is incremental"): over generated daily folders,
 * a staged history kept between runs publishes at every date exactly what a run from scratch
 * publishes (accepted rows, rejects and counts), through new days, a file changed in place, a
 * file removed, a late file for an old day, duplicates across days, a run killed while staging,
 * a contract change and {@code --full-refresh}.
 */
class IncrementalStagingTest extends SparkTestSupport {
  private static final String HEADER = "order_id,line_number,customer_id,order_ts,quantity,unit_price\n";

  @TempDir
  Path dir;

  private Path input() {
    return dir.resolve("in");
  }

  private RapportSettings settings(Map<String, String> defaults) {
    RapportSettings.Source p = source(input() + "/*/*.csv", "csv", null, Map.of(), Map.of(), defaults, 1.0);
    return StagingFixtures.settings("UTC", "USD", p, null, null, null);
  }

  private void write(String day, String name, String body, long mtime) throws IOException {
    Path f = input().resolve(day).resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, HEADER + body, StandardCharsets.UTF_8);
    // Distinct modification times, so "changed in place" never hides behind a coarse clock.
    Files.setLastModifiedTime(f, FileTime.fromMillis(mtime));
  }

  private StagingResult incremental(RapportSettings s, LocalDate asOf) {
    return Staging.stage(spark, SourceName.PURCHASES, s, asOf,
        new org.apache.hadoop.fs.Path(dir.resolve("warehouse/_staged").toUri()),
        new org.apache.hadoop.fs.Path(dir.resolve("cut-" + System.nanoTime()).toUri()));
  }

  /** Same rows (as sorted text), same rejects, same counts as a from-scratch staging. */
  private StagingResult assertSameAsScratch(RapportSettings s, LocalDate asOf) {
    StagingResult inc = incremental(s, asOf);
    StagingResult scratch = Staging.stage(spark, SourceName.PURCHASES, s, asOf);
    assertEquals(scratch.counts(), inc.counts(), "counts at " + asOf);
    assertEquals(sorted(scratch.accepted().collectAsList()), sorted(inc.accepted().collectAsList()), "accepted at " + asOf);
    assertEquals(sorted(scratch.rejects().collectAsList()), sorted(inc.rejects().collectAsList()), "rejects at " + asOf);
    assertReconciles(inc);
    return inc;
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }

  @Test
  void incrementalRunsEqualRunsFromScratchAtEveryDate() throws IOException {
    RapportSettings s = settings(Map.of());
    // Day 1: two lines, one reject, and order O9 line 1 that day 2 sends again.
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,10.00\n"
        + "O2,1,C2,2024-03-01T11:00:00Z,2,5.00\n"
        + "O3,1,C3,2024-03-01T12:00:00Z,x,5.00\n"
        + "O9,1,C9,2024-03-01T13:00:00Z,1,1.00\n", 1_000_000L);
    StagingResult d1 = assertSameAsScratch(s, LocalDate.of(2024, 3, 1));
    // 4 read = 3 accepted + 1 rejected (invalid_quantity)
    assertEquals(new SourceCounts(4, 3, 1, 0, 0, Map.of("invalid_quantity", 1L)), d1.counts());

    // Day 2: O9 line 1 again (a later file wins), one new line; day 3 already landed with a row
    // whose order_ts does not parse: it belongs to 3 March (its day folder), so after_as_of on 2 March.
    write("2024-03-02", "part-0.csv", "O9,1,C9,2024-03-02T09:00:00Z,1,2.00\n"
        + "O4,1,C4,2024-03-02T10:00:00Z,1,3.00\n", 2_000_000L);
    write("2024-03-03", "part-0.csv", "O5,1,C5,not-a-time,1,3.00\n"
        + "O6,1,C6,2024-03-03T10:00:00Z,1,3.00\n", 3_000_000L);
    StagingResult d2 = assertSameAsScratch(s, LocalDate.of(2024, 3, 2));
    // 8 read = accepted O1, O2, O9 (day 2), O4 + rejected O3 + duplicate O9 (day 1) + after as-of O5, O6
    assertEquals(new SourceCounts(8, 4, 1, 1, 2, Map.of("invalid_quantity", 1L)), d2.counts());

    // Day 1 changed in place (O2 corrected, O3 fixed), a late file for day 1, day 3 run.
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,10.00\n"
        + "O2,1,C2,2024-03-01T11:00:00Z,3,5.00\n"
        + "O3,1,C3,2024-03-01T12:00:00Z,4,5.00\n"
        + "O9,1,C9,2024-03-01T13:00:00Z,1,1.00\n", 4_000_000L);
    write("2024-03-01", "part-1.csv", "O7,1,C7,2024-03-01T20:00:00Z,1,7.00\n", 5_000_000L);
    StagingResult d3 = assertSameAsScratch(s, LocalDate.of(2024, 3, 3));
    // 9 read (4 + 1 + 2 + 2) = accepted O1, O2, O3, O7, O9 (day 2), O4, O6 + rejected O5 (its day
    // folder is 3 March, not after the as-of date) + duplicate O9 (day 1)
    assertEquals(new SourceCounts(9, 7, 1, 1, 0, Map.of("invalid_timestamp", 1L)), d3.counts());

    // Day 2 removed: its rows leave the history; O9 of day 1 is accepted again.
    Files.delete(input().resolve("2024-03-02/part-0.csv"));
    StagingResult removed = assertSameAsScratch(s, LocalDate.of(2024, 3, 3));
    // 7 read = accepted O1, O2, O3, O9 (day 1), O7, O6 + rejected O5
    assertEquals(new SourceCounts(7, 6, 1, 0, 0, Map.of("invalid_timestamp", 1L)), removed.counts());

    // A backfill for 1 March: the same rejects as if day 3 had never been written.
    assertSameAsScratch(s, LocalDate.of(2024, 3, 1));
  }

  @Test
  void stagedBatchesAreWrittenWithoutDictionaryEncodingAndTheCutWithIt() throws IOException {
    RapportSettings s = settings(Map.of());
    StringBuilder body = new StringBuilder();
    for (int i = 1; i <= 50; i++) {
      body.append("O").append(i).append(",1,C1,2024-03-01T10:00:00Z,1,10.00\n"); // customer C1 repeats: dictionary material
    }
    write("2024-03-01", "part-0.csv", body.toString(), 1_000_000L);
    Path cut = dir.resolve("cut");
    Staging.stage(spark, SourceName.PURCHASES, s, LocalDate.of(2024, 3, 1),
        new org.apache.hadoop.fs.Path(dir.resolve("warehouse/_staged").toUri()), new org.apache.hadoop.fs.Path(cut.toUri()));

    List<String> batchDictionaries = dictionaryColumns(dir.resolve("warehouse/_staged/purchases"));
    List<String> cutDictionaries = dictionaryColumns(cut);

    assertEquals(List.of(), batchDictionaries, "staged batches carry no dictionary pages");
    assertTrue(cutDictionaries.contains("customer_id"), "the cut keeps Parquet's dictionary: " + cutDictionaries);
  }

  /** The columns with a dictionary page in any Parquet file under {@code folder}. */
  private List<String> dictionaryColumns(Path folder) throws IOException {
    List<String> columns = new java.util.ArrayList<>();
    List<Path> files;
    try (Stream<Path> w = Files.walk(folder)) {
      files = w.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    assertTrue(!files.isEmpty(), "Parquet files under " + folder);
    for (Path f : files) {
      try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()),
              spark.sparkContext().hadoopConfiguration()))) {
        reader.getFooter().getBlocks().forEach(b -> b.getColumns().stream()
            .filter(org.apache.parquet.hadoop.metadata.ColumnChunkMetaData::hasDictionaryPage)
            .forEach(c -> columns.add(c.getPath().toDotString())));
      }
    }
    return columns;
  }

  @Test
  void aRunKilledWhileStagingLeavesAHistoryTheNextRunCompletes() throws IOException {
    RapportSettings s = settings(Map.of());
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,10.00\n", 1_000_000L);
    incremental(s, LocalDate.of(2024, 3, 1));
    Path staged = dir.resolve("warehouse/_staged/purchases");
    Path ledger;
    try (Stream<Path> l = Files.list(staged)) {
      ledger = l.filter(p -> p.getFileName().toString().startsWith("ledger-")).findFirst().orElseThrow();
    }
    byte[] before = Files.readAllBytes(ledger);
    String beforeName = ledger.getFileName().toString();

    // The next run stages day 2 and is killed after writing its batch, before its ledger:
    // put the old ledger back and remove the new one.
    write("2024-03-02", "part-0.csv", "O2,1,C2,2024-03-02T10:00:00Z,1,10.00\nO1,1,C1,2024-03-01T10:00:00Z,1,11.00\n",
        2_000_000L);
    incremental(s, LocalDate.of(2024, 3, 2));
    try (Stream<Path> l = Files.list(staged)) {
      for (Path p : l.filter(p -> p.getFileName().toString().startsWith("ledger-")).toList()) {
        Files.delete(p);
      }
    }
    Files.write(staged.resolve(beforeName), before);
    // And a half-written batch of an even later killed run, with a stray temporary ledger.
    Path half = staged.resolve("batch-999999");
    Files.createDirectories(half);
    Files.writeString(half.resolve("part-00000.zstd.parquet"), "not parquet");
    Files.writeString(staged.resolve(".ledger-77.json.tmp"), "{");

    StagingResult rerun = assertSameAsScratch(s, LocalDate.of(2024, 3, 2));
    // 3 read = accepted O1 (day 2 copy), O2 + duplicate O1 (day 1)
    assertEquals(new SourceCounts(3, 2, 0, 1, 0, Map.of()), rerun.counts());
    assertTrue(Files.notExists(half), "the half-written batch is deleted");
  }

  @Test
  void fullRefreshAndAContractChangeEqualTheIncrementalRun() throws IOException {
    RapportSettings s = settings(Map.of());
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,10.00\nO1,1,C1,2024-03-01T10:00:00Z,1,10.00\n",
        1_000_000L);
    write("2024-03-02", "part-0.csv", "O2,,C2,2024-03-02T10:00:00Z,1,10.00\nO3,1,,2024-03-02T10:00:00Z,1,1\n",
        2_000_000L);
    LocalDate asOf = LocalDate.of(2024, 3, 2);
    StagingResult first = assertSameAsScratch(s, asOf);
    assertNull(first.note());
    Staging.forgetStaged(spark, new org.apache.hadoop.fs.Path(dir.resolve("warehouse/_staged").toUri()));
    StagingResult refreshed = assertSameAsScratch(s, asOf);
    // 4 read = accepted O1 (second copy), O2 + duplicate O1 + rejected O3 (missing_customer_id)
    assertEquals(new SourceCounts(4, 2, 1, 1, 0, Map.of("missing_customer_id", 1L)), refreshed.counts());
    assertEquals(first.counts(), refreshed.counts());
    assertEquals(sorted(first.accepted().collectAsList()), sorted(refreshed.accepted().collectAsList()));

    // A default for channel changes every staged row: the history is restaged and says so.
    StagingResult changed = assertSameAsScratch(settings(Map.of("channel", "web")), asOf);
    assertNotNull(changed.note());
    assertTrue(changed.accepted().collectAsList().stream().allMatch(r -> "web".equals(r.getAs("channel"))));
  }

  /**
   * A contract change whose restage fails (a mapped column the files lack) leaves the previous
   * ledger in force, and with it its batches: the next run with the old contract reads them as
   * before (they were once deleted by the failed restage's clean-up, failing every later run).
   */
  @Test
  void aFailedRestageKeepsTheHistoryOfTheLedgerInForce() throws IOException {
    RapportSettings s = settings(Map.of());
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,10.00\n", 1_000_000L);
    LocalDate asOf = LocalDate.of(2024, 3, 1);
    StagingResult first = assertSameAsScratch(s, asOf);

    RapportSettings.Source broken = source(input() + "/*/*.csv", "csv", null, Map.of("customer_id", "client_number"),
        Map.of(), Map.of(), 1.0);
    RapportSettings brokenSettings = StagingFixtures.settings("UTC", "USD", broken, null, null, null);
    assertThrows(io.rapport.errors.InputContractException.class, () -> incremental(brokenSettings, asOf));

    StagingResult after = assertSameAsScratch(s, asOf);
    assertNull(after.note(), "nothing was restaged: the history of the ledger in force is intact");
    assertEquals(first.counts(), after.counts());
  }

  @Test
  void aBackfillsRejectsAndGateDoNotDependOnFilesDatedAfterIt() throws IOException {
    RapportSettings.Source p = source(input() + "/*/*.csv", "csv", null, Map.of(), Map.of(), Map.of(), 0.2);
    RapportSettings s = StagingFixtures.settings("UTC", "USD", p, null, null, null);
    LocalDate backfill = LocalDate.of(2024, 3, 1);
    // 5 lines on 1 March, one of them rejected: 1 / 5 = 20 %, exactly the limit (passes).
    write("2024-03-01", "part-0.csv", "O1,1,C1,2024-03-01T10:00:00Z,1,1\nO2,1,C1,2024-03-01T10:00:00Z,1,1\n"
        + "O3,1,C1,2024-03-01T10:00:00Z,1,1\nO4,1,C1,2024-03-01T10:00:00Z,1,1\nO5,1,C1,2024-03-01T10:00:00Z,0,1\n",
        1_000_000L);
    StagingResult before = Staging.stage(spark, SourceName.PURCHASES, s, backfill);
    assertEquals(new SourceCounts(5, 4, 1, 0, 0, Map.of("zero_quantity", 1L)), before.counts());

    // A later day lands with bad rows only: a malformed line, an unparseable time, an invalid
    // quantity with a valid time, and a good line. They belong to 2 March.
    write("2024-03-02", "part-0.csv", "O6,1,C1\nO7,1,C1,yesterday,1,1\nO8,1,C1,2024-03-02T10:00:00Z,x,1\n"
        + "O9,1,C1,2024-03-02T10:00:00Z,1,1\n", 2_000_000L);
    StagingResult after = Staging.stage(spark, SourceName.PURCHASES, s, backfill);
    // 9 read = the same 4 accepted + the same 1 rejected + 4 after as-of; still passes the gate
    assertEquals(new SourceCounts(9, 4, 1, 0, 4, Map.of("zero_quantity", 1L)), after.counts());
    assertEquals(sorted(before.rejects().collectAsList()), sorted(after.rejects().collectAsList()));
    assertEquals(sorted(before.accepted().collectAsList()), sorted(after.accepted().collectAsList()));
    assertEquals(before.counts().rejectRate(), after.counts().rejectRate(), 0.0);

    // The run for 2 March takes them: 4 rejected of 9 -> 44 %, above the limit.
    io.rapport.errors.DataQualityException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.rapport.errors.DataQualityException.class,
        () -> Staging.stage(spark, SourceName.PURCHASES, s, LocalDate.of(2024, 3, 2)));
    assertTrue(e.getMessage().contains("4 of 9"), e.getMessage());
  }
}
