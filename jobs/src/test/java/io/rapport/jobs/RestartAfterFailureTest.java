package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails in the models step (failure injection) publishes nothing and leaves the
 * previous date's snapshot untouched; the same command then resumes at the failed step, does not
 * redo ingest and facts, and publishes the same tables as a clean run (SPEC section 6).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartAfterFailureTest {
  static final LocalDate EARLIER = LocalDate.parse("2025-06-30");
  static final LocalDate AS_OF = LocalDate.parse("2025-08-31");

  @TempDir static Path work;
  SparkSession spark;
  LoadedSettings loaded;

  @BeforeAll
  void start() throws IOException {
    loaded = SettingsLoader.load(JobTestSupport.sampleConfig(work, ""));
    spark = SparkSessions.create(loaded.settings(), "restart-test");
  }

  @AfterAll
  void stop() {
    spark.stop();
  }

  @Test
  void runFailedInModelsPublishesNothingAndTheSameCommandResumesThere() throws IOException {
    Path warehouse = work.resolve("warehouse");
    RunLauncher.Outcome earlier = RunLauncher.run(loaded, EARLIER, false, spark);
    assertEquals(0, earlier.exitCode(), earlier.error());
    Map<String, String> before = fileDigests(warehouse);
    assertTrue(before.containsKey("_runs/as_of_date=" + EARLIER + "/manifest.json"), before.keySet().toString());

    RunLauncher.Outcome failed;
    System.setProperty(FailureInjection.VARIABLE, Step.MODELS.id());
    try {
      failed = RunLauncher.run(loaded, AS_OF, false, spark);
    } finally {
      System.clearProperty(FailureInjection.VARIABLE);
    }
    assertEquals(1, failed.exitCode(), "a failed step is a restartable failure");
    assertTrue(failed.error().contains("Injected failure at the start of step models"), failed.error());
    assertEquals(List.of("COMPLETED", "COMPLETED", "FAILED", "NOT RUN", "NOT RUN"), statuses(failed));
    // Nothing of the failed date is visible, and every file of the earlier snapshot (tables and
    // manifest) is byte for byte what it was: only the run's own staging area was written.
    assertEquals(before, fileDigests(warehouse), "the failed run changed the warehouse outside its staging area");
    assertFalse(Files.exists(warehouse.resolve("_runs/as_of_date=" + AS_OF)));

    RunLauncher.Outcome restarted = RunLauncher.run(loaded, AS_OF, false, spark);

    assertEquals(0, restarted.exitCode(), restarted.error());
    assertEquals(failed.jobInstanceId(), restarted.jobInstanceId(), "a restart continues the same job instance");
    assertNotEquals(failed.jobExecutionId(), restarted.jobExecutionId());
    assertEquals(List.of("COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"), statuses(restarted));
    String notRedone = "(completed by execution " + failed.jobExecutionId() + ", not redone)";
    assertEquals(List.of(notRedone, notRedone, "", "", ""), restarted.steps().stream().map(RunLauncher.StepLine::note).toList());
    Manifest manifest = JsonFiles.read(spark.sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(warehouse.resolve("_runs/as_of_date=" + AS_OF + "/manifest.json").toUri()), Manifest.class);
    assertEquals(restarted.jobExecutionId(), manifest.jobExecutionId());
    Map<String, String> after = fileDigests(warehouse);
    before.forEach((file, digest) -> assertEquals(digest, after.get(file), file + " of the earlier date changed"));
    assertFalse(Files.exists(warehouse.resolve("_staging/as_of_date=" + AS_OF)), "staging left after publish");
    CleanRun.assertSameTables(spark, warehouse, AS_OF);
  }

  @Test
  void forceOnAFailedDateStartsItOverFromItsInputsInANewInstance() {
    LocalDate date = LocalDate.parse("2025-07-31");
    RunLauncher.Outcome failed;
    System.setProperty(FailureInjection.VARIABLE, Step.QUALITY_GATE.id());
    try {
      failed = RunLauncher.run(loaded, date, false, spark);
    } finally {
      System.clearProperty(FailureInjection.VARIABLE);
    }
    assertEquals(1, failed.exitCode(), failed.error());

    RunLauncher.Outcome forced = RunLauncher.run(loaded, date, true, spark);

    assertEquals(0, forced.exitCode(), forced.error());
    assertNotEquals(failed.jobInstanceId(), forced.jobInstanceId(), "--force on a failed date is a new job instance");
    assertEquals(List.of("COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"), statuses(forced));
    // Every step ran again (none "not redone"): the date was rebuilt from its inputs.
    assertEquals(List.of("", "", "", "", ""), forced.steps().stream().map(RunLauncher.StepLine::note).toList());
    assertEquals(forced.jobInstanceId(), forced.manifest().jobInstanceId());
  }

  private static List<String> statuses(RunLauncher.Outcome outcome) {
    return outcome.steps().stream().map(RunLauncher.StepLine::status).toList();
  }

  /** SHA-256 of every file under the warehouse outside {@code _staging}, by relative path. */
  static Map<String, String> fileDigests(Path warehouse) throws IOException {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(warehouse)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String relative = warehouse.relativize(file).toString();
        if (!relative.startsWith("_staging/")) {
          digests.put(relative, sha256(file));
        }
      }
    }
    return digests;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A clean run of {@link #AS_OF} on the bundled samples, made once per test JVM and shared by the
   * restart and kill tests, which compare their published tables with it.
   */
  static final class CleanRun {
    private static Path warehouse;

    private CleanRun() {}

    static synchronized Path warehouse(SparkSession spark) {
      if (warehouse == null) {
        try {
          Path dir = Files.createTempDirectory("rapport-clean-run");
          Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
          RunLauncher.Outcome clean = RunLauncher.run(SettingsLoader.load(JobTestSupport.sampleConfig(dir, "")), AS_OF, false, spark);
          assertEquals(0, clean.exitCode(), clean.error());
          warehouse = dir.resolve("warehouse");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return warehouse;
    }

    /** Every published table of {@code asOf} in {@code actual} has exactly the clean run's rows. */
    static void assertSameTables(SparkSession spark, Path actual, LocalDate asOf) {
      assertSameTables(spark, warehouse(spark), actual, asOf);
    }

    /** Every published table of {@code asOf} in {@code actual} has exactly the rows it has in {@code clean}. */
    static void assertSameTables(SparkSession spark, Path clean, Path actual, LocalDate asOf) {
      for (String table : Catalog.publishedNames()) {
        String partition = table + "/as_of_date=" + asOf;
        Dataset<Row> expected = comparable(table, spark.read().parquet(clean.resolve(partition).toString()));
        Dataset<Row> got = comparable(table, spark.read().parquet(actual.resolve(partition).toString()));
        assertEquals(expected.schema(), got.schema(), table + " schema");
        assertEquals(expected.count(), got.count(), table + " row count");
        assertEquals(0, got.exceptAll(expected).count(), table + " has rows a clean run does not");
        assertEquals(0, expected.exceptAll(got).count(), table + " lacks rows of a clean run");
      }
    }

    /** Set operations cannot compare map columns (clv_model's parameters): sorted entries can. */
    private static Dataset<Row> comparable(String table, Dataset<Row> frame) {
      if (table.equals(io.rapport.quality.RunMetrics.TABLE.name())) {
        // A run's metrics are its own; their judgement (baseline, bounds, status) depends on the
        // earlier dates published in the same warehouse, which the clean run's warehouse lacks.
        frame = frame.select(io.rapport.quality.RunMetrics.METRIC, io.rapport.quality.RunMetrics.VALUE);
      }
      for (StructField field : frame.schema().fields()) {
        if (field.dataType() instanceof MapType) {
          Column entries = functions.sort_array(functions.map_entries(functions.col(field.name())));
          frame = frame.withColumn(field.name(), entries);
        }
      }
      return frame;
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder; best effort at JVM exit
      }
    }
  }
}
