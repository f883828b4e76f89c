package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.catalog.Catalog;
import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.ClvModelTable;
import io.rapport.warehouse.SqlDdl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rapport sql trino} on a small hand-made warehouse: two tables written by Spark with the
 * types Rapport uses, one complete date, one date still being published, and the folders every
 * listing must skip (_runs, _staging, dot files, a table folder without Parquet).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlTrinoTest {
  @TempDir static Path work;
  Path warehouse;
  Path config;

  @BeforeAll
  void handMadeWarehouse() throws IOException {
    warehouse = work.resolve("warehouse");
    SparkSession spark = SparkSession.builder().master("local[1]").appName("sql-trino-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    try {
      // Two catalog tables have a snapshot; the others are not written yet.
      write(spark, ChurnMonthly.TABLE.schema(), "churn_monthly/as_of_date=2025-01-31", RowFactory.create(
          Date.valueOf("2025-01-01"), 0L, 2L, 0L, 0L, 2L, null, null));
      write(spark, ClvModelTable.TABLE.schema(), "clv_model/as_of_date=2025-01-31", RowFactory.create("bg_nbd",
          Map.of("r", 0.24), Map.of("r", 0.01), -10.0, 2L, 12L, true, null, null, "week", 7.0, true,
          "configured (clv.model = bg_nbd)", null));
    } finally {
      spark.stop();
    }
    Files.createDirectories(warehouse.resolve("_runs/as_of_date=2025-01-31"));
    Files.writeString(warehouse.resolve("_runs/as_of_date=2025-01-31/manifest.json"), "{}\n");
    Files.createDirectories(warehouse.resolve("_staging/as_of_date=2025-02-28/run-2/fact_orders"));
    Files.createDirectories(warehouse.resolve("not_a_table/as_of_date=2025-01-31"));
    Files.writeString(warehouse.resolve(".DS_Store"), "");
    config = ReportSampleRun.sampleConfig(work, warehouse);
  }

  /** The tables come from the catalog, with their declared columns; folders that are no table are ignored. */
  @Test
  void printsExternalTablesPartitionSyncAndLatestViews() {
    ReportSampleRun.Output out = ReportSampleRun.execute("sql", "trino", "--config", config.toString(),
        "--schema", "crm");
    assertEquals(0, out.exitCode());

    String root = "file:" + warehouse.toAbsolutePath();
    StringBuilder skipped = new StringBuilder();
    for (String table : Catalog.publishedNames()) {
      if (!table.equals("churn_monthly") && !table.equals("clv_model")) {
        skipped.append("-- skipped ").append(table).append(": no as_of_date= snapshot in the warehouse yet\n");
      }
    }
    String expected = """
        -- Trino (Hive connector) tables over the Rapport warehouse <root> (printed by `rapport sql trino`).
        -- The tables are external: DROP TABLE removes only the metastore entry, never the files.
        -- After each Rapport run, run the CALL statements again so the metastore sees the new date;
        -- the _latest views then move to the newest date with a manifest by themselves.
        <skipped>
        CREATE SCHEMA IF NOT EXISTS hive.crm;

        DROP TABLE IF EXISTS hive.crm.rapport_run_files;
        CREATE TABLE hive.crm.rapport_run_files (
          "line" varchar,
          "as_of_date" date
        )
        WITH (
          external_location = '<root>/_runs',
          format = 'TEXTFILE',
          partitioned_by = ARRAY['as_of_date']
        );
        CALL hive.system.sync_partition_metadata('crm', 'rapport_run_files', 'FULL');
        CREATE OR REPLACE VIEW hive.crm.rapport_runs AS
        SELECT DISTINCT as_of_date FROM hive.crm.rapport_run_files WHERE "$path" LIKE '%/manifest.json';

        DROP TABLE IF EXISTS hive.crm.churn_monthly;
        CREATE TABLE hive.crm.churn_monthly (
          "month" date,
          "customers_at_start" bigint,
          "new_customers" bigint,
          "churned_customers" bigint,
          "reactivated_customers" bigint,
          "customers_at_end" bigint,
          "churn_rate" double,
          "retention_rate" double,
          "as_of_date" date
        )
        WITH (
          external_location = '<root>/churn_monthly',
          format = 'PARQUET',
          partitioned_by = ARRAY['as_of_date']
        );
        CALL hive.system.sync_partition_metadata('crm', 'churn_monthly', 'FULL');
        CREATE OR REPLACE VIEW hive.crm.churn_monthly_latest AS
        SELECT * FROM hive.crm.churn_monthly WHERE as_of_date = (SELECT max(as_of_date) FROM hive.crm.rapport_runs);

        DROP TABLE IF EXISTS hive.crm.clv_model;
        CREATE TABLE hive.crm.clv_model (
          "model" varchar,
          "parameters" map(varchar, double),
          "standard_errors" map(varchar, double),
          "log_likelihood" double,
          "customers" bigint,
          "iterations" bigint,
          "converged" boolean,
          "warning" varchar,
          "failure_reason" varchar,
          "time_unit" varchar,
          "time_unit_days" double,
          "selected" boolean,
          "selection_reason" varchar,
          "frequency_monetary_correlation" double,
          "as_of_date" date
        )
        WITH (
          external_location = '<root>/clv_model',
          format = 'PARQUET',
          partitioned_by = ARRAY['as_of_date']
        );
        CALL hive.system.sync_partition_metadata('crm', 'clv_model', 'FULL');
        CREATE OR REPLACE VIEW hive.crm.clv_model_latest AS
        SELECT * FROM hive.crm.clv_model WHERE as_of_date = (SELECT max(as_of_date) FROM hive.crm.rapport_runs);
        """.replace("<skipped>\n", skipped.toString() + "\n");
    assertEquals(expected, out.stdout().replace(root, "<root>"));
  }

  @Test
  void sparkTypesMapToTrinoTypes() {
    assertEquals("array(row(\"k\" varchar, \"v\" smallint))", SqlDdl.trinoType(DataTypes.createArrayType(
        new StructType().add("k", DataTypes.StringType).add("v", DataTypes.ShortType))));
    assertEquals("real", SqlDdl.trinoType(DataTypes.FloatType));
    assertEquals("varbinary", SqlDdl.trinoType(DataTypes.BinaryType));
    assertEquals("tinyint", SqlDdl.trinoType(DataTypes.ByteType));
  }

  @Test
  void catalogAndSchemaDefaultToHiveAndRapport() {
    ReportSampleRun.Output out = ReportSampleRun.execute("sql", "trino", "--config", config.toString());

    assertEquals(0, out.exitCode());
    assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS hive.rapport;"),
        out.stdout().lines().filter(l -> l.startsWith("CREATE SCHEMA")).toList());
  }

  private void write(SparkSession spark, StructType schema, String folder, Row row) {
    spark.createDataFrame(List.of(row), schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(warehouse.resolve(folder).toString());
  }
}
