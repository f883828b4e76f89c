package io.rapport.cli;

import io.rapport.jobs.SharedSampleRun;
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
 * The BI tests' view of the shared run of the whole job on the bundled samples
 * ({@link SharedSampleRun}): the warehouse it published and the configuration that points at it.
 */
final class ReportSampleRun {
  static final String AS_OF = SharedSampleRun.AS_OF;
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

  /** The JVM's one shared sample run ({@link SharedSampleRun}), seen from the BI tests. */
  static synchronized ReportSampleRun get() {
    if (shared == null) {
      Path warehouse = SharedSampleRun.warehouse();
      shared = new ReportSampleRun(warehouse.getParent(), SharedSampleRun.config(), 0);
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
