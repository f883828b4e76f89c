package io.rapport.cli;

import io.rapport.errors.ConfigurationException;
import io.rapport.warehouse.SqlDdl;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rapport sql duckdb|trino}: prints DDL that makes the current warehouse queryable, read
 * from the warehouse folder listing and the Parquet footers (no Spark job runs). See
 * docs/bi-access.md.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Print ready-to-run SQL (views or external tables) that makes the warehouse queryable from DuckDB or Trino.",
        "",
        "Every table gets a view of all as-of dates and a <table>_latest view of the newest complete date."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport sql duckdb > rapport.sql && duckdb my.db < rapport.sql",
        "  rapport sql trino --schema rapport --config /etc/rapport/rapport.yaml"},
    subcommands = {SqlCommand.DuckDb.class, SqlCommand.Trino.class})
final class SqlCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing engine: duckdb or trino");
  }

  static SqlDdl.Warehouse inspect(Path config) {
    String root = Settings.load(config).settings().warehouse();
    SqlDdl.Warehouse warehouse = SqlDdl.inspect(new Configuration(), new WarehouseLayout(root), io.rapport.catalog.Catalog.PUBLISHED);
    if (warehouse.tables().isEmpty()) {
      throw new ConfigurationException("Cannot print SQL for the warehouse " + warehouse.location()
          + ": it holds no published table yet (run `rapport run` first)");
    }
    return warehouse;
  }

  @Command(name = "duckdb", mixinStandardHelpOptions = true,
      description = {"Print DuckDB views over read_parquet with Hive partitioning, and _latest views.",
          "",
          "Run it in the duckdb shell (duckdb my.db < rapport.sql) or any DuckDB client."},
      footerHeading = "%nExamples:%n",
      footer = {"  rapport sql duckdb > rapport.sql && duckdb my.db < rapport.sql"})
  static final class DuckDb implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
    Path config;

    @Override
    public Integer call() {
      System.out.print(SqlDdl.duckdb(inspect(config)));
      System.out.flush();
      return 0;
    }
  }

  @Command(name = "trino", mixinStandardHelpOptions = true,
      description = {"Print Trino (Hive connector) external tables, partition sync calls and _latest views.",
          "",
          "The tables are partitioned by as_of_date; run the CALL statements again after each run."},
      footerHeading = "%nExamples:%n",
      footer = {"  rapport sql trino --catalog hive --schema rapport > rapport-trino.sql"})
  static final class Trino implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
    Path config;

    @Option(names = "--catalog", paramLabel = "NAME", defaultValue = "hive",
        description = "Trino catalog of the Hive connector (default ${DEFAULT-VALUE}).")
    String catalog;

    @Option(names = "--schema", paramLabel = "NAME", defaultValue = "rapport",
        description = "Schema to create the tables in (default ${DEFAULT-VALUE}).")
    String schema;

    @Override
    public Integer call() {
      System.out.print(SqlDdl.trino(inspect(config), catalog, schema));
      System.out.flush();
      return 0;
    }
  }
}
