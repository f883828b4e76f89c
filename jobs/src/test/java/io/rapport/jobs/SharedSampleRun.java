package io.rapport.jobs;

import io.rapport.cli.Rapport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one real run of the job on the bundled samples per JVM, shared by every job-level test that
 * only reads its output: {@link IndependentRecomputationTest}, {@link GoldenTablesTest},
 * {@link SampleRunTest} and the BI tests of io.rapport.cli (a run costs about a minute).
 * SampleRunTest's forced re-run replaces the tables with identical rows. The warehouse lives in a
 * temporary folder removed when the JVM exits.
 */
public final class SharedSampleRun {
  private SharedSampleRun() {}

  public static final String AS_OF = "2025-08-31";

  private static Path work;
  private static Path config;
  private static RuntimeException failure;

  /** The warehouse of the shared run, running the job first if this JVM has not yet. */
  public static synchronized Path warehouse() {
    if (failure != null) {
      throw failure;
    }
    if (work == null) {
      try {
        Path dir = Files.createTempDirectory("rapport-independent-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        Path sampleConfig = JobTestSupport.sampleConfig(dir, "");
        int exit = Rapport.execute("run", "--config", sampleConfig.toString(), "--as-of", AS_OF);
        if (exit != 0) {
          failure = new IllegalStateException("the sample run exited with " + exit);
          throw failure;
        }
        work = dir;
        config = sampleConfig;
      } catch (IOException e) {
        failure = new UncheckedIOException(e);
        throw failure;
      }
    }
    return work.resolve("warehouse");
  }

  /** The configuration of the shared run (to run the same date again). */
  public static Path config() {
    warehouse();
    return config;
  }

  /** The folder of one table's as-of partition. */
  public static Path partition(String table) {
    return warehouse().resolve(table).resolve("as_of_date=" + AS_OF);
  }

  public static Path manifest() {
    return warehouse().resolve("_runs").resolve("as_of_date=" + AS_OF).resolve("manifest.json");
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
