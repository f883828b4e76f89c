package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.config.SettingsLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/**
 * A run killed with SIGKILL inside the models step (a separate JVM, as a scheduler runs it):
 * while it is alive a second run of the date refuses, naming the lock; after the kill the next
 * run finds the execution still marked as running, recovers it and completes without redoing the
 * finished steps, the killed run's staging does not leak into the published tables (they equal a
 * clean run's) and is cleaned up (SPEC section 6, decision R6).
 */
class KillRecoveryTest {
  static final LocalDate AS_OF = RestartAfterFailureTest.AS_OF;

  @TempDir Path work;

  @Test
  void runKilledInModelsIsRecoveredByTheNextRunAndAConcurrentRunRefuses() throws Exception {
    Path config = JobTestSupport.sampleConfig(work, "");
    Path warehouse = work.resolve("warehouse");
    ChildJvm child = ChildJvm.start(work, "killed", Map.of(), "run", "--config", config.toString(), "--as-of", AS_OF.toString());
    try {
      child.awaitStderr("step ingest started");

      // Concurrency: the child holds the date lock, so this run refuses at once.
      JobExitCodeTest.Result refused = JobExitCodeTest.Result.capture(
          () -> Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF.toString()));
      assertEquals(1, refused.exitCode(), refused.err());
      assertTrue(refused.err().contains("another Rapport run for this date is in progress"), refused.err());
      assertTrue(refused.err().contains("locks/as_of_date=" + AS_OF + ".lock is held by process " + child.pid()), refused.err());
      assertTrue(child.isAlive(), "the refused run disturbed the running one: " + child.stderr());

      child.awaitStderr("step models started");
      assertEquals(137, child.kill9(), "128 + SIGKILL");
    } finally {
      child.destroy();
    }
    assertFalse(child.stderr().contains("step models COMPLETED"), "killed too late: models had finished");
    assertFalse(Files.exists(warehouse.resolve("_runs/as_of_date=" + AS_OF)), "a killed run published a manifest");
    for (String table : Catalog.publishedNames()) {
      assertFalse(Files.exists(warehouse.resolve(table).resolve("as_of_date=" + AS_OF)), table + " published by a killed run");
    }
    Path dateStaging = warehouse.resolve("_staging/as_of_date=" + AS_OF);
    assertTrue(Files.isDirectory(dateStaging), "the killed run left no staging area to recover from");

    LoadedSettings loaded = SettingsLoader.load(config);
    SparkSession spark = SparkSessions.create(loaded.settings(), "kill-test");
    try {
      RunLauncher.Outcome recovered = RunLauncher.run(loaded, AS_OF, false, spark);

      assertEquals(0, recovered.exitCode(), recovered.error());
      JobRepository jobs = JobRepositories.open(loaded.settings().jobRepository().url()).jobRepository();
      List<JobExecution> executions = new ArrayList<>(jobs.getJobExecutions(jobs.getJobInstance(recovered.jobInstanceId())));
      executions.sort(Comparator.comparing(JobExecution::getId));
      assertEquals(2, executions.size(), "the killed execution and its recovery");
      JobExecution killed = executions.get(0);
      assertEquals(BatchStatus.FAILED, killed.getStatus());
      assertTrue(killed.getExitStatus().getExitDescription().contains("process killed"), killed.getExitStatus().toString());
      String notRedone = "(completed by execution " + killed.getId() + ", not redone)";
      assertEquals(List.of(notRedone, notRedone, "", "", ""), recovered.steps().stream().map(RunLauncher.StepLine::note).toList());
      assertFalse(Files.exists(dateStaging), "the killed run's staging area was not cleaned up");
      assertNoInternalFolders(warehouse, AS_OF);
      RestartAfterFailureTest.CleanRun.assertSameTables(spark, warehouse, AS_OF);
    } finally {
      spark.stop();
    }
  }

  /** Published partitions hold data files only: no _temporary, _work or _reports from staging. */
  private static void assertNoInternalFolders(Path warehouse, LocalDate asOf) throws IOException {
    for (String table : Catalog.publishedNames()) {
      try (Stream<Path> s = Files.walk(warehouse.resolve(table).resolve("as_of_date=" + asOf))) {
        List<String> odd = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("_")).toList();
        assertEquals(List.of(), odd, table);
      }
    }
  }

  /**
   * The rapport command in a separate JVM on the test classpath, with stdout and stderr in files:
   * a real process that can hold locks and be killed.
   */
  static final class ChildJvm {
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    static ChildJvm start(Path workDir, String name, Map<String, String> env, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx2g");
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("--add-opens")) {
          command.add(arg);
        }
      }
      command.add("-Duser.timezone=UTC");
      command.add("-Dlog4j2.configurationFile=" + JobTestSupport.projectRoot().resolve("config/log4j2.properties"));
      command.add("-cp");
      String classpath = System.getProperty("surefire.test.class.path");
      command.add(classpath != null && !classpath.isBlank() ? classpath : System.getProperty("java.class.path"));
      command.add("io.rapport.cli.Rapport");
      command.addAll(List.of(args));
      Path out = workDir.resolve(name + ".out");
      Path err = workDir.resolve(name + ".err");
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().remove(FailureInjection.VARIABLE);
      builder.environment().put("TZ", "UTC");
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      builder.environment().putAll(env);
      return new ChildJvm(builder.start(), out, err);
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String stdout() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until stderr shows {@code text}; fails if the process ends first (or after 15 minutes). */
    void awaitStderr(String text) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (!stderr().contains(text)) {
        if (!process.isAlive()) {
          throw new AssertionError("the child ended (exit " + process.exitValue() + ") before logging '" + text + "':\n" + stderr());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no '" + text + "' in the child's log:\n" + stderr());
        }
        Thread.sleep(100);
      }
    }

    /** Waits for the process to end; returns its exit code. */
    int await() throws InterruptedException {
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("the child did not finish");
      }
      return process.exitValue();
    }

    /** SIGKILL (Process.destroyForcibly on Unix); returns the exit code. */
    int kill9() throws InterruptedException {
      process.destroyForcibly();
      return process.waitFor();
    }

    void destroy() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
