package io.rapport.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates reference data in {@code ../shared/data} beside the project root. Under CI
 * ({@code CI=true}) missing data fails the test; elsewhere (a user's clone) the test is skipped
 * with a message saying why.
 */
public final class SharedData {
  private SharedData() {}

  public static Path projectRoot() {
    String root = System.getProperty("rapport.project.root");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    // Surefire runs in the module folder when the property is absent.
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("Cannot find the project root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
    }
    return p;
  }

  /** A file under ../shared/data, e.g. {@code require("cdnow/CDNOW_sample.txt")}. */
  public static Path require(String relative) {
    Path file = projectRoot().resolve("../shared/data").resolve(relative).normalize();
    if (!Files.exists(file)) {
      String message = "Reference data " + file + " is missing (it lives in ../shared beside the project)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(message + "; CI must have it");
      }
      assumeTrue(false, message + "; skipping outside CI");
    }
    return file;
  }
}
