package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.Publisher;
import io.rapport.warehouse.WarehouseLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Write, audit, publish on the file system, without Spark: the swap of a date's table folders,
 * the manifest written last, a publish interrupted half way and finished by the restart, and the
 * removal of staging folders that dead runs left behind (decisions R4-R6).
 */
class AtomicPublishTest {
  static final LocalDate D = LocalDate.parse("2025-08-31");
  static final LocalDate OTHER = LocalDate.parse("2025-07-31");

  @TempDir Path work;
  final Configuration conf = new Configuration();

  @Test
  void publishSwapsEveryTableAndWritesTheManifestLast() throws IOException {
    WarehouseLayout layout = layout();
    Path warehouse = work.resolve("warehouse");
    // A previous snapshot of the date (forced re-run) and of another date.
    write(warehouse.resolve("orders/as_of_date=" + D + "/part-old.parquet"), "old D");
    write(warehouse.resolve("orders/as_of_date=" + OTHER + "/part-0.parquet"), "other date");
    write(warehouse.resolve("_runs/as_of_date=" + D + "/manifest.json"), "{}");
    Path staging = warehouse.resolve("_staging/as_of_date=" + D + "/run-7");
    write(staging.resolve("orders/part-new.parquet"), "new D");
    write(staging.resolve("customers/part-new.parquet"), "new customers");
    write(staging.resolve("_work/staged_purchases/part-0.parquet"), "internal");
    write(staging.resolve("_reports/ingest.json"), "{}");

    List<String> tables = Publisher.stagedTables(conf, hadoop(staging));
    assertEquals(List.of("customers", "orders"), tables, "internal folders (_work, _reports) are never published");
    Publisher.publish(conf, layout, D, hadoop(staging), tables, manifest(12));

    assertEquals(List.of("part-new.parquet"), names(warehouse.resolve("orders/as_of_date=" + D)));
    assertEquals(List.of("part-new.parquet"), names(warehouse.resolve("customers/as_of_date=" + D)));
    assertEquals("other date", Files.readString(warehouse.resolve("orders/as_of_date=" + OTHER + "/part-0.parquet")));
    Manifest written = JsonFiles.read(conf, layout.manifest(D), Manifest.class);
    assertEquals(12, written.jobExecutionId());
    assertFalse(Files.exists(staging), "the staging area is removed once published");
    assertFalse(Files.exists(warehouse.resolve("_trash/as_of_date=" + D + "-12")), "the replaced snapshot is deleted");
    assertFalse(Files.exists(warehouse.resolve("_work")) || Files.exists(warehouse.resolve("_reports")));
  }

  @Test
  void whatMustComeWithACompleteDateIsWrittenAfterTheTablesAndBeforeTheManifest() throws IOException {
    // The run report is written in this hook: a reader who sees the manifest also finds the
    // report, and the report reads the tables already in place.
    WarehouseLayout layout = layout();
    Path warehouse = work.resolve("warehouse");
    write(warehouse.resolve("_runs/as_of_date=" + D + "/manifest.json"), "{}"); // a replaced date
    Path staging = warehouse.resolve("_staging/as_of_date=" + D + "/run-7");
    write(staging.resolve("orders/part-new.parquet"), "new D");
    List<String> seen = new java.util.ArrayList<>();
    Publisher.publish(conf, layout, D, hadoop(staging), List.of("orders"), manifest(12), () -> {
      seen.add("manifest " + Files.exists(warehouse.resolve("_runs/as_of_date=" + D + "/manifest.json")));
      seen.add("orders " + Files.exists(warehouse.resolve("orders/as_of_date=" + D + "/part-new.parquet")));
    });
    assertEquals(List.of("manifest false", "orders true"), seen);
    assertTrue(Publisher.isComplete(conf, layout, D));
  }

  @Test
  void aHookThatFailsLeavesTheDateIncompleteAndTheRestartFinishesIt() throws IOException {
    WarehouseLayout layout = layout();
    Path staging = work.resolve("warehouse/_staging/as_of_date=" + D + "/run-7");
    write(staging.resolve("orders/part-new.parquet"), "new D");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Publisher.publish(conf, layout, D,
        hadoop(staging), List.of("orders"), manifest(12), () -> { throw new IllegalStateException("killed here"); }));
    assertFalse(Publisher.isComplete(conf, layout, D), "no manifest without what comes before it");
    Publisher.publish(conf, layout, D, hadoop(staging), List.of("orders"), manifest(13));
    assertEquals(13, JsonFiles.read(conf, layout.manifest(D), Manifest.class).jobExecutionId());
  }

  @Test
  void publishInterruptedAfterTheFirstSwapIsFinishedByTheRestart() throws IOException {
    WarehouseLayout layout = layout();
    Path warehouse = work.resolve("warehouse");
    Path staging = warehouse.resolve("_staging/as_of_date=" + D + "/run-7");
    // State left by a publish killed after it removed the old manifest, moved the old orders
    // to the trash of execution 12 and moved the new orders in, before it moved customers.
    write(warehouse.resolve("orders/as_of_date=" + D + "/part-new.parquet"), "new D");
    write(warehouse.resolve("_trash/as_of_date=" + D + "-12/orders/part-old.parquet"), "old D");
    write(warehouse.resolve("customers/as_of_date=" + D + "/part-old.parquet"), "old customers");
    write(staging.resolve("customers/part-new.parquet"), "new customers");

    // The restart (a new execution, 13) publishes the same table list again.
    Publisher.publish(conf, layout, D, hadoop(staging), List.of("customers", "orders"), manifest(13));

    assertEquals(List.of("part-new.parquet"), names(warehouse.resolve("orders/as_of_date=" + D)));
    assertEquals(List.of("part-new.parquet"), names(warehouse.resolve("customers/as_of_date=" + D)));
    assertTrue(Publisher.isComplete(conf, layout, D));
    assertFalse(Files.exists(staging));
    // The first attempt's trash is another execution's; the next run's start removes it.
    Publisher.removeLeftovers(conf, layout, D, instance -> false);
    assertFalse(Files.exists(warehouse.resolve("_trash/as_of_date=" + D + "-12")));
  }

  @Test
  void leftoverStagingOfFinishedInstancesIsRemovedAndRestartableOnesAreKept() throws IOException {
    JobRepository jobs = JobRepositories.open("jdbc:h2:file:" + work.resolve("var/jobs")).jobRepository();
    long completed = instance(jobs, D, 0, BatchStatus.COMPLETED);
    long abandoned = instance(jobs, D, 1, BatchStatus.ABANDONED);
    long failed = instance(jobs, D, 2, BatchStatus.FAILED);
    long killed = instance(jobs, D, 3, BatchStatus.STARTED);
    long otherDate = instance(jobs, OTHER, 0, BatchStatus.COMPLETED);
    Path dateStaging = work.resolve("warehouse/_staging/as_of_date=" + D);
    for (long id : new long[] {completed, abandoned, failed, killed, otherDate, 999}) {
      write(dateStaging.resolve("run-" + id + "/orders/part-0.parquet"), "staged");
    }
    write(dateStaging.resolve("notes/readme.txt"), "not a run folder");
    write(work.resolve("warehouse/_trash/as_of_date=" + D + "-41/orders/part-0.parquet"), "old");
    write(work.resolve("warehouse/_trash/as_of_date=" + OTHER + "-40/orders/part-0.parquet"), "old");

    RunLauncher.removeLeftoverStaging(jobs, conf, layout(), D);

    // Gone: instances that can never run again. Kept: the restartable ones (a failed run and a
    // killed one whose restart resumes from its folder), a folder whose instance belongs to
    // another date, ids the repository does not know, and anything not named run-<id>.
    assertEquals(List.of("notes", "run-" + failed, "run-" + killed, "run-" + otherDate, "run-999"), names(dateStaging));
    assertEquals(List.of("as_of_date=" + OTHER + "-40"), names(work.resolve("warehouse/_trash")));
  }

  private WarehouseLayout layout() {
    return new WarehouseLayout(work.resolve("warehouse").toString());
  }

  /** A job instance of {@code asOf} whose last execution has {@code status}; returns its id. */
  private static long instance(JobRepository jobs, LocalDate asOf, long rerun, BatchStatus status) {
    var params = RunLauncher.parameters(asOf, rerun);
    JobInstance instance = jobs.createJobInstance(RapportJobConfiguration.JOB_NAME, params);
    JobExecution execution = jobs.createJobExecution(instance, params, new ExecutionContext());
    execution.setStartTime(LocalDateTime.now());
    execution.setStatus(status);
    if (!status.isRunning()) {
      execution.setEndTime(LocalDateTime.now());
    }
    jobs.update(execution);
    return instance.getInstanceId();
  }

  private static Manifest manifest(long executionId) {
    return new Manifest(D.toString(), "test", 7, executionId, "rapport.yaml", "digest", "2025-09-01T00:00:00Z",
        "2025-09-01T00:01:00Z", Map.of(), Map.of("orders", 3L, "customers", 2L), List.of(), List.of(), List.of());
  }

  private static org.apache.hadoop.fs.Path hadoop(Path path) {
    return new org.apache.hadoop.fs.Path(path.toUri());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** Visible entries of a folder (Hadoop's .crc files aside), sorted. */
  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }
}
