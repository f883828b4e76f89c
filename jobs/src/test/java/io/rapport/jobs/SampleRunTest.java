package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.staging.Rejects;
import io.rapport.warehouse.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on the bundled samples through the command line, as a user runs it: exit codes,
 * every published table, the manifest's row accounting, the no-op second run, and a forced
 * re-run that reproduces the first run's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleRunTest {
  static final String AS_OF = "2025-08-31";

  @TempDir static Path work;
  Path config;
  Path warehouse;

  @BeforeAll
  void firstRun() {
    // The first run (exit 0 asserted there) is shared with the recomputation and golden tests.
    warehouse = SharedSampleRun.warehouse();
    config = SharedSampleRun.config();
  }

  @Test
  @Order(1)
  void firstRunPublishesEveryTableAndTheManifest() throws IOException {

    for (String table : Catalog.publishedNames()) {
      Path partition = warehouse.resolve(table).resolve("as_of_date=" + AS_OF);
      assertTrue(Files.isDirectory(partition), "missing table folder " + partition);
      try (Stream<Path> files = Files.list(partition)) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")), "no Parquet in " + partition);
      }
    }
    Manifest manifest = manifest();
    assertEquals(AS_OF, manifest.asOfDate());
    assertEquals(Catalog.publishedNames().size(), manifest.outputRows().size());
    for (String source : List.of("purchases", "surveys", "reviews")) {
      Manifest.SourceAccounting a = manifest.inputs().get(source);
      assertNotNull(a, source);
      assertTrue(a.read() > 0, source + " read nothing");
      assertEquals(a.read(), a.accepted() + a.rejected() + a.duplicates() + a.afterAsOf(), source + " does not reconcile");
      assertTrue(a.rejected() > 0, "the samples hold bad rows in " + source);
    }
    long rejectedTotal = manifest.inputs().values().stream().mapToLong(Manifest.SourceAccounting::rejected).sum();
    assertEquals(rejectedTotal, manifest.outputRows().get(Rejects.TABLE.name()));
    assertTrue(manifest.outputRows().get(CustomerFacts.TABLE.name()) > 100, "a few hundred customers expected");
    // Nothing is left in the staging area once published.
    assertFalse(Files.exists(warehouse.resolve("_staging").resolve("as_of_date=" + AS_OF)) && hasFiles(warehouse.resolve("_staging").resolve("as_of_date=" + AS_OF)));
  }

  @Test
  @Order(2)
  void secondRunOfACompleteDateIsANoOp() throws IOException {
    String before = Files.readString(manifestPath());
    assertEquals(0, Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF));
    assertEquals(before, Files.readString(manifestPath()), "a no-op run must not republish");
  }

  @Test
  @Order(3)
  void forcedRerunReproducesTheSameRows() throws IOException {
    List<String> tables = List.of(CustomerFacts.TABLE.name(), FactOrders.TABLE.name(), RetentionCohorts.TABLE.name(),
        ChurnMonthly.TABLE.name(), CustomerClv.TABLE.name(), NpsSummary.TABLE.name(), Rejects.TABLE.name());
    Path firstRun = work.resolve("first-run");
    for (String table : tables) {
      JobTestSupport.copyTree(warehouse.resolve(table), firstRun.resolve(table));
    }

    assertEquals(0, Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF, "--force"));

    SparkSession spark = JobTestSupport.spark();
    try {
      for (String table : tables) {
        Dataset<Row> now = spark.read().parquet(warehouse.resolve(table).toString());
        Dataset<Row> first = spark.read().parquet(firstRun.resolve(table).toString());
        assertTrue(first.count() > 0, table + " is empty");
        assertEquals(0, now.exceptAll(first).count(), table + " differs after a forced re-run");
        assertEquals(0, first.exceptAll(now).count(), table + " differs after a forced re-run");
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(4)
  void aDateTheJobRepositoryRemembersIsRunAgainIntoAWarehouseWithoutIt() throws IOException {
    // Same job repository, a new warehouse (decision R13): the repository says the date is
    // done, but nothing is published here, so a plain run must run it, not report a no-op.
    Path elsewhere = work.resolve("other-warehouse");
    String yaml = Files.readString(config);
    assertTrue(yaml.contains("warehouse: " + warehouse), yaml);
    Path moved = Files.writeString(work.resolve("moved.yaml"), yaml.replace("warehouse: " + warehouse, "warehouse: " + elsewhere));

    assertEquals(0, Rapport.execute("run", "--config", moved.toString(), "--as-of", AS_OF));

    Manifest there = new ObjectMapper().readValue(elsewhere.resolve("_runs/as_of_date=" + AS_OF + "/manifest.json").toFile(),
        Manifest.class);
    assertEquals(manifest().outputRows(), there.outputRows(), "the same tables with the same row counts");
    assertTrue(there.jobInstanceId() != manifest().jobInstanceId(), "a new job instance ran it");
  }

  private Manifest manifest() throws IOException {
    return new ObjectMapper().readValue(manifestPath().toFile(), Manifest.class);
  }

  private Path manifestPath() {
    return warehouse.resolve("_runs").resolve("as_of_date=" + AS_OF).resolve("manifest.json");
  }

  private static boolean hasFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(Files::isRegularFile);
    }
  }
}
