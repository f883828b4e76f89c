package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.RunInputs;
import io.rapport.schema.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes one stage's tables, a few at once. Each table's build starts in catalog order and waits
 * only for the tables of this stage it reads ({@link #awaitWritten}, called by
 * {@link RunTables#table}), so tables that do not read each other overlap their Spark jobs: on
 * small inputs a table is a handful of jobs that are mostly driver work (analysis, planning,
 * code generation, committing files) on one thread (samples 49.0 -> 35-45 s of step time); on
 * large ones the cores are already busy with one table's tasks and it changes nothing (1x bench,
 * decision A10). What a table holds does not depend on the order: each is a function of the
 * tables it reads.
 *
 * <p>No deadlock: the pool starts builds in catalog order (FIFO) and a table reads only tables
 * above it, so every table a running build waits for has started; the earliest unfinished build
 * waits for none.
 */
final class StageTables {
  /**
   * Builds running at once: a small fixed number, chosen (not tuned) so that two can keep the
   * cores of a 2-core machine busy while a third plans; a wider pool would only queue more jobs
   * behind each other on the same cores.
   */
  static final int CONCURRENT_BUILDS = 3;

  private final PipelineRun run;
  private final String stage;
  /** This stage's tables in catalog order. */
  private final List<String> builtHere;
  /** The catalog position of the table the current thread builds. */
  private final ThreadLocal<Integer> building = new ThreadLocal<>();
  private final Map<String, CompletableFuture<Long>> written = new ConcurrentHashMap<>();
  /** The first build that failed on its own (not because a table it reads failed). */
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  StageTables(PipelineRun run, String stage, List<Catalog.Entry> entries) {
    this.run = run;
    this.stage = stage;
    this.builtHere = entries.stream().map(e -> e.table().name()).toList();
  }

  /**
   * Builds and writes every entry, each table once the tables of this stage it reads are written;
   * returns the rows written per table in catalog order. A failure stops the builds not yet
   * started, waits for the running ones and is rethrown as it was thrown.
   */
  Map<String, Long> build(List<Catalog.Entry> entries, RunInputs inputs) {
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_BUILDS, threads(stage));
    try {
      for (Catalog.Entry entry : entries) {
        // Put before the next submit: a later build that reads this table finds its future.
        written.put(entry.table().name(), CompletableFuture.supplyAsync(() -> write(entry, inputs), pool));
      }
      CompletableFuture.allOf(written.values().toArray(CompletableFuture[]::new))
          .handle((ignored, error) -> null).join();
    } finally {
      pool.shutdown();
    }
    if (failure.get() != null) {
      throw rethrown(failure.get());
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    entries.forEach(e -> rows.put(e.table().name(), written.get(e.table().name()).join()));
    return rows;
  }

  /** Blocks until {@code table} is written when this stage builds it; returns at once for other tables. */
  void awaitWritten(TableSpec table) {
    int position = builtHere.indexOf(table.name());
    if (position < 0) {
      return;
    }
    Integer reader = building.get();
    CompletableFuture<Long> future = written.get(table.name());
    if (future == null || reader != null && position >= reader) {
      throw new IllegalStateException("A table of step " + stage + " reads " + table.name()
          + ", which the catalog lists after it: move the entry up");
    }
    try {
      future.join();
    } catch (CompletionException e) {
      throw new UpstreamFailed();
    }
  }

  private long write(Catalog.Entry entry, RunInputs inputs) {
    if (failure.get() != null) {
      throw new UpstreamFailed();
    }
    building.set(builtHere.indexOf(entry.table().name()));
    try {
      TableSpec table = entry.table();
      run.describe(stage, table.name());
      Dataset<Row> frame = entry.build().apply(inputs);
      run.describe(stage, table.name()); // again: a build may have named its own jobs (the CLV fit)
      return run.write(table, frame);
    } catch (UpstreamFailed e) {
      throw e;
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
      throw e;
    } finally {
      building.remove();
    }
  }

  /**
   * {@code task} applied to every item, {@link #CONCURRENT_BUILDS} at a time, results in the
   * items' order (the quality gate's checks of each table); the first failure in that order is
   * rethrown as it was thrown.
   */
  static <T, R> List<R> concurrently(String stage, List<T> items, Function<T, R> task) {
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_BUILDS, threads(stage));
    try {
      List<CompletableFuture<R>> futures = items.stream()
          .map(item -> CompletableFuture.supplyAsync(() -> task.apply(item), pool)).toList();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((ignored, error) -> null).join();
      List<R> results = new ArrayList<>();
      for (CompletableFuture<R> f : futures) {
        try {
          results.add(f.join());
        } catch (CompletionException e) {
          throw rethrown(e.getCause());
        }
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }

  /** A failure of a pool thread, to rethrow as it was thrown (the exit code depends on its type). */
  private static RuntimeException rethrown(Throwable failure) {
    if (failure instanceof Error e) {
      throw e;
    }
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
  }

  /** A build not run, or stopped, because another build of the stage failed; that failure is the one reported. */
  private static final class UpstreamFailed extends RuntimeException {
    UpstreamFailed() {
      super(null, null, false, false);
    }
  }

  private static ThreadFactory threads(String stage) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, "rapport-" + stage + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
