package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job with its job repository on a real PostgreSQL server, credentials only from the
 * environment (SPEC section 6): the run completes, {@code rapport status} lists it, a second run
 * is a no-op, and the password shows up in no output, log, manifest or file. Needs
 * {@code eval "$(.ci/postgres.sh start)"}; without it the test fails under CI=true and is skipped
 * elsewhere.
 */
class PostgresJobRepositoryTest {
  static final String URL_ENV = "RAPPORT_TEST_POSTGRES_URL";
  static final String AS_OF = "2024-06-30";

  @TempDir Path work;

  @Test
  void wholeJobOnPostgresWithCredentialsFromTheEnvironmentOnly() throws Exception {
    String url = System.getenv(URL_ENV);
    if (url == null || url.isBlank()) {
      String why = URL_ENV + " is not set, so there is no PostgreSQL server to test against; start one with"
          + " eval \"$(.ci/postgres.sh start)\"";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (required when CI=true)");
      }
      Assumptions.abort(why);
    }
    String user = System.getenv("RAPPORT_TEST_POSTGRES_USER");
    String password = System.getenv("RAPPORT_TEST_POSTGRES_PASSWORD");
    assertTrue(user != null && password != null && password.length() >= 8,
        "RAPPORT_TEST_POSTGRES_USER and a RAPPORT_TEST_POSTGRES_PASSWORD of 8+ characters are needed");
    // A schema of its own, so that runs left by earlier test runs on the same server do not make
    // this date "already complete".
    String schema = "rapport_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
    sql(url, user, password, "CREATE SCHEMA " + schema);
    try {
      String repositoryUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
      Path config = JobTestSupport.sampleConfig(work, "");
      String yaml = Files.readString(config);
      String h2 = "jdbc:h2:file:" + work.resolve("var/jobs");
      assertTrue(yaml.contains(h2));
      // The first half of 2024 only: this test is about the job repository, not the data.
      yaml = yaml.replace(h2, repositoryUrl)
          .replace("/purchases/*/*.csv", "/purchases/2024-0[1-6]*/*.csv")
          .replace("/surveys/*/*.csv", "/surveys/2024-0[1-6]*/*.csv")
          .replace("/reviews/*/*.csv", "/reviews/2024-0[1-6]*/*.csv");
      Files.writeString(config, yaml);
      Map<String, String> env = Map.of(JobRepositories.USER_ENV, user, JobRepositories.PASSWORD_ENV, password);
      List<KillRecoveryTest.ChildJvm> children = new ArrayList<>();

      KillRecoveryTest.ChildJvm first = start(children, "first-run", env, "run", "--config", config.toString(), "--as-of", AS_OF);
      assertEquals(0, first.await(), first.stderr());
      assertTrue(first.stdout().contains("Rapport run for " + AS_OF + ": COMPLETED"), first.stdout());

      KillRecoveryTest.ChildJvm status = start(children, "status", env, "status", "--config", config.toString());
      assertEquals(0, status.await(), status.stderr());
      assertTrue(status.stdout().contains("as_of_date=" + AS_OF), status.stdout());
      assertTrue(status.stdout().matches("(?s).*execution \\d+\\s+COMPLETED.*"), status.stdout());
      for (String step : List.of("ingest", "facts", "models", "quality-gate", "publish")) {
        assertTrue(status.stdout().matches("(?s).*\\n\\s+" + step + "\\s+COMPLETED.*"), step + " in\n" + status.stdout());
      }

      KillRecoveryTest.ChildJvm second = start(children, "second-run", env, "run", "--config", config.toString(), "--as-of", AS_OF);
      assertEquals(0, second.await(), second.stderr());
      assertTrue(second.stdout().contains("already complete"), second.stdout());

      // The runs went to PostgreSQL, not to an embedded database.
      assertEquals(1L, sqlLong(url, user, password,
          "SELECT count(*) FROM " + schema + ".batch_job_execution WHERE status = 'COMPLETED'"));
      assertFalse(Files.exists(work.resolve("var")), "an embedded job repository was created");

      // The password is nowhere: outputs, logs, configuration, manifest, any warehouse file.
      for (KillRecoveryTest.ChildJvm child : children) {
        assertFalse(child.stdout().contains(password) || child.stderr().contains(password), "the password was printed");
      }
      byte[] secret = password.getBytes(StandardCharsets.UTF_8);
      try (Stream<Path> files = Files.walk(work)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          assertFalse(contains(Files.readAllBytes(file), secret), "the password is in " + file);
        }
      }
      assertTrue(Files.exists(work.resolve("warehouse/_runs/as_of_date=" + AS_OF + "/manifest.json")));
    } finally {
      sql(url, user, password, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private KillRecoveryTest.ChildJvm start(List<KillRecoveryTest.ChildJvm> children, String name, Map<String, String> env,
      String... args) throws IOException {
    KillRecoveryTest.ChildJvm child = KillRecoveryTest.ChildJvm.start(work, name, env, args);
    children.add(child);
    return child;
  }

  private static void sql(String url, String user, String password, String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long sqlLong(String url, String user, String password, String query) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
