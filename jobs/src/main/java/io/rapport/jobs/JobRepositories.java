package io.rapport.jobs;

import io.rapport.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The Spring Batch job repository: an embedded H2 file database by default, PostgreSQL in
 * production. Credentials come only from the environment ({@code RAPPORT_JOB_REPOSITORY_USER},
 * {@code RAPPORT_JOB_REPOSITORY_PASSWORD}), never from the configuration file, and are never logged.
 *
 * <p>The embedded H2 file is opened in H2's automatic mixed mode ({@code AUTO_SERVER=TRUE}): the
 * process that opens it first serves it to other processes over a loopback TCP port, so that
 * {@code rapport status} can read it while a run holds it. A run keeps one connection open for
 * its whole life ({@link #openForRun}), so it stays the serving process: H2 rolls back the open
 * transactions of the other processes when the serving one closes the database.
 */
public final class JobRepositories {
  public static final String USER_ENV = "RAPPORT_JOB_REPOSITORY_USER";
  public static final String PASSWORD_ENV = "RAPPORT_JOB_REPOSITORY_PASSWORD";
  private static final Logger LOG = LoggerFactory.getLogger(JobRepositories.class);
  /** How long a run waits for another process (a short-lived {@code rapport status}) to release the embedded repository. */
  static final Duration OWNERSHIP_WAIT = Duration.ofSeconds(30);

  static {
    // H2's automatic server listens on all interfaces unless told otherwise; loopback is enough,
    // since only processes on this machine (which can read the database file) may use it.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  private JobRepositories() {}

  public record Repository(JobRepository jobRepository, JdbcTransactionManager transactionManager, DataSource dataSource) {}

  /**
   * The repository for one run, which closes with it. On the embedded H2 file it holds a
   * connection open until {@link #close}, so that this process serves the file to others for the
   * whole run; if another process serves it already (a {@code rapport status}, which finishes in a
   * moment, or a run of another date, which does not), it waits up to {@link #OWNERSHIP_WAIT} and
   * then refuses with exit code 1.
   */
  public static final class RunRepository implements AutoCloseable {
    private final Repository repository;
    private final Connection keeper;

    private RunRepository(Repository repository, Connection keeper) {
      this.repository = repository;
      this.keeper = keeper;
    }

    public Repository repository() {
      return repository;
    }

    @Override
    public void close() {
      if (keeper != null) {
        try {
          keeper.close();
        } catch (SQLException e) {
          LOG.debug("closing the job repository connection failed", e);
        }
      }
    }
  }

  public static RunRepository openForRun(String url) {
    return openForRun(url, OWNERSHIP_WAIT);
  }

  static RunRepository openForRun(String url, Duration wait) {
    Repository repository = open(url);
    if (!url.startsWith("jdbc:h2:file:")) {
      return new RunRepository(repository, null);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Connection keeper;
      try {
        keeper = repository.dataSource().getConnection();
      } catch (SQLException e) {
        throw new ConfigurationException("Cannot connect to the job repository at " + redacted(url) + ": " + e.getMessage(), e);
      }
      if (!servedByAnotherProcess(keeper)) {
        return new RunRepository(repository, keeper);
      }
      closeQuietly(keeper);
      if (System.nanoTime() > deadline) {
        throw new RepositoryBusyException("Cannot run: the embedded job repository " + redacted(url)
            + " is held by another process (a run of another date?). The embedded repository serves one run at a time:"
            + " wait for that run to finish, or use PostgreSQL (job-repository.url) to run dates in parallel");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the job repository", e);
      }
    }
  }

  /** True when H2 connected to the file through another process's automatic server. */
  static boolean servedByAnotherProcess(Connection connection) {
    try {
      return connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionRemote;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // a connection we only probed
    }
  }

  /** The embedded repository is in use by another run (exit code 1: try again later). */
  static final class RepositoryBusyException extends io.rapport.errors.RapportException {
    RepositoryBusyException(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 1;
    }
  }

  public static Repository open(String url) {
    if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      // Said without echoing the URL, which holds the secret.
      throw new ConfigurationException("Invalid job-repository.url: it must not carry a password; set "
          + USER_ENV + " and " + PASSWORD_ENV + " in the environment instead");
    }
    DataSource dataSource = dataSource(durable(url));
    createSchemaIfMissing(dataSource, url);
    JdbcTransactionManager transactionManager = new JdbcTransactionManager(dataSource);
    JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
    factory.setDataSource(dataSource);
    factory.setTransactionManager(transactionManager);
    factory.setDatabaseType(url.startsWith("jdbc:postgresql:") ? "POSTGRES" : "H2");
    try {
      factory.afterPropertiesSet();
      return new Repository(factory.getObject(), transactionManager, dataSource);
    } catch (Exception e) {
      throw new ConfigurationException("Cannot open the job repository at " + redacted(url) + ": " + e.getMessage(), e);
    }
  }

  /**
   * H2 writes committed transactions to its file up to half a second later by default; a run
   * killed in that window would lose its last step's status. {@code WRITE_DELAY=0} writes at
   * commit, so the repository survives a SIGKILL (the OS keeps what was written).
   * {@code AUTO_SERVER=TRUE} lets a second process (rapport status) read the file while a run
   * holds it. A URL that sets either option itself keeps its own value.
   */
  static String durable(String url) {
    if (!url.startsWith("jdbc:h2:file:")) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    String result = url;
    if (!upper.contains("WRITE_DELAY")) {
      result += ";WRITE_DELAY=0";
    }
    if (!upper.contains("AUTO_SERVER")) {
      result += ";AUTO_SERVER=TRUE";
    }
    return result;
  }

  /** The URL as messages show it: without parameters, which might name a user or other secrets. */
  public static String redacted(String url) {
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int at = url.indexOf(c);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    return url.substring(0, cut);
  }

  static DataSource dataSource(String url) {
    String user = System.getenv(USER_ENV);
    String password = System.getenv(PASSWORD_ENV);
    if (url.startsWith("jdbc:h2:file:")) {
      // The embedded default keeps its files under ./var; create the folder on first use.
      String file = url.substring("jdbc:h2:file:".length()).split(";")[0];
      Path parent = Path.of(file).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (java.io.IOException e) {
        throw new ConfigurationException("Cannot create " + parent + " for the job repository: " + e.getMessage(), e);
      }
      user = user == null ? "sa" : user;
      password = password == null ? "" : password;
    }
    DriverManagerDataSource dataSource = new DriverManagerDataSource(url);
    dataSource.setDriverClassName(url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver");
    if (user != null) {
      dataSource.setUsername(user);
    }
    if (password != null) {
      dataSource.setPassword(password);
    }
    return dataSource;
  }

  private static void createSchemaIfMissing(DataSource dataSource, String url) {
    try (Connection connection = dataSource.getConnection()) {
      boolean present = false;
      // Only the schema the connection uses counts (PostgreSQL's currentSchema / search_path):
      // the tables in another schema of the same database are not the ones Spring Batch queries.
      String schema = connection.getSchema();
      for (String name : new String[] {"BATCH_JOB_INSTANCE", "batch_job_instance"}) {
        try (ResultSet tables = connection.getMetaData().getTables(null, schema, name, null)) {
          present |= tables.next();
        }
      }
      if (!present) {
        String script = url.startsWith("jdbc:postgresql:") ? "schema-postgresql.sql" : "schema-h2.sql";
        new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/" + script))
            .populate(connection);
      }
    } catch (SQLException e) {
      // The URL is printed, never the credentials.
      throw new ConfigurationException("Cannot connect to the job repository at " + redacted(url) + ": " + e.getMessage()
          + (url.startsWith("jdbc:postgresql:") && System.getenv(USER_ENV) == null
              ? " (" + USER_ENV + " and " + PASSWORD_ENV + " are not set)" : ""), e);
    }
  }
}
