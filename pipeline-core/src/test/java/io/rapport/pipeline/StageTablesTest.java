package io.rapport.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.Step;
import io.rapport.config.SettingsLoader;
import io.rapport.errors.ConfigurationException;
import io.rapport.schema.TableSpec;
import io.rapport.testing.SparkTestSupport;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's tables are built concurrently, yet each reads the tables of its step it depends on
 * only once they are written, and a failing build is reported as it was thrown.
 */
class StageTablesTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2025, 8, 31);

  @TempDir Path warehouse;

  private static TableSpec table(String name) {
    return TableSpec.intermediate(name).grain("test").documentedIn("test.md").builtBy(StageTablesTest.class)
        .column("n", DataTypes.LongType, TableSpec.REQUIRED, "", "a number").build();
  }

  private static final TableSpec A = table("a");
  private static final TableSpec B = table("b");
  private static final TableSpec C = table("c");
  private static final TableSpec D = table("d");

  private PipelineRun run() {
    WarehouseLayout layout = new WarehouseLayout(warehouse.toString());
    return new PipelineRun(spark, SettingsLoader.parse("sources: {purchases: {path: p.csv}}", "t"),
        AS_OF, layout, layout.staging(AS_OF, 1));
  }

  private static Map<String, Long> build(PipelineRun run, List<Catalog.Entry> entries) {
    StageTables tables = new StageTables(run, Step.MODELS.id(), entries);
    return tables.build(entries, new RunTables(run, tables));
  }

  @Test
  void independentTablesOverlapAndReadersWaitForTheTablesTheyRead() throws Exception {
    // a cannot finish until c has started: built one after the other, a would time out.
    CountDownLatch cStarted = new CountDownLatch(1);
    List<Catalog.Entry> entries = List.of(
        new Catalog.Entry(A, Step.MODELS, in -> {
          await(cStarted);
          return spark.range(5).toDF("n");
        }),
        new Catalog.Entry(B, Step.MODELS, in -> in.table(A).filter(col("n").geq(2))),
        new Catalog.Entry(C, Step.MODELS, in -> {
          cStarted.countDown();
          return spark.range(7).toDF("n");
        }),
        new Catalog.Entry(D, Step.MODELS, in -> in.table(B).unionByName(in.table(C))));

    Map<String, Long> rows = build(run(), entries);

    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(rows.keySet()), "rows in catalog order");
    assertEquals(5L, rows.get("a"));
    assertEquals(3L, rows.get("b"), "b read a once a was written (n = 2, 3, 4)");
    assertEquals(7L, rows.get("c"));
    assertEquals(10L, rows.get("d"), "d read b and c once both were written");
  }

  @Test
  void aFailingBuildIsRethrownAsThrownAndItsReadersAreNotWritten() {
    ConfigurationException bad = new ConfigurationException("churn.threshold_days must be positive");
    List<Catalog.Entry> entries = List.of(
        new Catalog.Entry(A, Step.MODELS, in -> spark.range(2).toDF("n")),
        new Catalog.Entry(B, Step.MODELS, in -> {
          throw bad;
        }),
        new Catalog.Entry(D, Step.MODELS, in -> in.table(B)));
    PipelineRun run = run();

    ConfigurationException thrown = assertThrows(ConfigurationException.class, () -> build(run, entries));

    assertSame(bad, thrown, "the exit code depends on the exception's type: not wrapped");
    Path work = Path.of(run.staging().toString(), "_work");
    assertTrue(Files.isDirectory(work.resolve("a")), "a was written");
    assertFalse(Files.exists(work.resolve("d")), "d reads the failed b and is not written");
  }

  @Test
  void aTableReadingOneListedAfterItIsACatalogError() {
    List<Catalog.Entry> entries = List.of(
        new Catalog.Entry(A, Step.MODELS, in -> in.table(B)),
        new Catalog.Entry(B, Step.MODELS, in -> spark.range(1).toDF("n")));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> build(run(), entries));

    assertTrue(e.getMessage().contains("reads b, which the catalog lists after it"), e.getMessage());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("c never started while a was being built");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
