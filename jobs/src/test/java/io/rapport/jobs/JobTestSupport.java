package io.rapport.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** Fixtures for job-level tests: a configuration over the bundled samples in a temporary folder. */
final class JobTestSupport {
  private JobTestSupport() {}

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

  /**
   * The bundled default configuration with the warehouse and job repository moved into
   * {@code work} and sample paths made absolute; {@code extraYaml} is appended (later keys win
   * only where the YAML has no such key yet, so pass keys the default does not set).
   */
  static Path sampleConfig(Path work, String extraYaml) throws IOException {
    Path root = projectRoot();
    String yaml = Files.readString(root.resolve("config/rapport.yaml"))
        .replace("warehouse: ./warehouse", "warehouse: " + work.resolve("warehouse"))
        .replace("jdbc:h2:file:./var/jobs", "jdbc:h2:file:" + work.resolve("var/jobs"))
        .replace("path: data-samples/", "path: " + root.resolve("data-samples") + "/");
    Path config = work.resolve("rapport.yaml");
    Files.writeString(config, yaml + extraYaml);
    return config;
  }

  static SparkSession spark() {
    return SparkSession.builder().master("local[2]").appName("job-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
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
}
