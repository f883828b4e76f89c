package io.rapport.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One run of the whole job on the bundled samples, shared by the BI tests of this JVM (a run
 * costs about a minute): the warehouse it published and the configuration that points at it.
 * The folder is removed when the JVM exits.
 */
final class ReportSampleRun {
  static final String AS_OF = "2025-08-31";
  private static ReportSampleRun shared;

  final Path work;
  final Path config;
  final Path warehouse;
  final int exitCode;

  private ReportSampleRun(Path work, Path config, int exitCode) {
    this.work = work;
    this.config = config;
    this.warehouse = work.resolve("warehouse");
    this.exitCode = exitCode;
  }

  static synchronized ReportSampleRun get() {
    if (shared == null) {
      try {
        Path work = Files.createTempDirectory("rapport-bi-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
        Path config = sampleConfig(work, work.resolve("warehouse"));
        int exit = Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF);
        shared = new ReportSampleRun(work, config, exit);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (shared.exitCode != 0) {
      throw new IllegalStateException("the sample run for " + AS_OF + " failed with exit code " + shared.exitCode);
    }
    return shared;
  }

  Path runFolder() {
    return warehouse.resolve("_runs").resolve("as_of_date=" + AS_OF);
  }

  static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("Cannot find the project root above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The bundled configuration with the warehouse and the job repository moved into {@code work}. */
  static Path sampleConfig(Path work, Path warehouse) throws IOException {
    Path root = projectRoot();
    String yaml = Files.readString(root.resolve("config/rapport.yaml"))
        .replace("warehouse: ./warehouse", "warehouse: " + warehouse)
        .replace("jdbc:h2:file:./var/jobs", "jdbc:h2:file:" + work.resolve("var/jobs"))
        .replace("path: data-samples/", "path: " + root.resolve("data-samples") + "/");
    Path config = work.resolve("rapport.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /** What a command printed on stdout, and its exit code. */
  record Output(int exitCode, String stdout) {}

  static Output execute(String... args) {
    PrintStream previous = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = Rapport.execute(args);
      return new Output(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(previous);
    }
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
