package io.rapport.jobs;

import io.rapport.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
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
 */
public final class JobRepositories {
  public static final String USER_ENV = "RAPPORT_JOB_REPOSITORY_USER";
  public static final String PASSWORD_ENV = "RAPPORT_JOB_REPOSITORY_PASSWORD";

  private JobRepositories() {}

  public record Repository(JobRepository jobRepository, JdbcTransactionManager transactionManager, DataSource dataSource) {}

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
   */
  static String durable(String url) {
    if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
      return url + ";WRITE_DELAY=0";
    }
    return url;
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
