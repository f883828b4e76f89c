package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.warehouse.SqlDdl;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
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

  static final StructType ORDERS = new StructType()
      .add("order_id", DataTypes.StringType, false)
      .add("order_ts", DataTypes.TimestampType, false)
      .add("order_date", DataTypes.DateType, false)
      .add("net_amount", DataTypes.createDecimalType(18, 4), false)
      .add("items", DataTypes.LongType, false)
      .add("is_first_order", DataTypes.BooleanType, true);

  static final StructType MODELS = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true), false)
      .add("iterations", DataTypes.IntegerType, false)
      .add("month", DataTypes.DateType, false);

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
      write(spark, ORDERS, "orders/as_of_date=2025-01-31", RowFactory.create("o1",
          Timestamp.valueOf("2025-01-30 10:00:00"), Date.valueOf("2025-01-30"), new BigDecimal("12.5000"), 2L, true));
      write(spark, MODELS, "clv_model/as_of_date=2025-01-31",
          RowFactory.create("bg_nbd", Map.of("r", 0.24),
              12, Date.valueOf("2025-01-01")));
      // 2025-02-28 is being published (no manifest yet) with a new column: the DDL follows the
      // newest complete date, 2025-01-31.
      write(spark, ORDERS.add("channel", DataTypes.StringType), "orders/as_of_date=2025-02-28",
          RowFactory.create("o2", Timestamp.valueOf("2025-02-01 10:00:00"), Date.valueOf("2025-02-01"),
              new BigDecimal("1.0000"), 1L, false, "web"));
    } finally {
      spark.stop();
    }
    Files.createDirectories(warehouse.resolve("_runs/as_of_date=2025-01-31"));
    Files.writeString(warehouse.resolve("_runs/as_of_date=2025-01-31/manifest.json"), "{}\n");
    Files.createDirectories(warehouse.resolve("_staging/as_of_date=2025-02-28/run-2/orders"));
    Files.createDirectories(warehouse.resolve("not_yet_written/as_of_date=2025-01-31"));
    Files.writeString(warehouse.resolve(".DS_Store"), "");
    config = ReportSampleRun.sampleConfig(work, warehouse);
  }

  @Test
  void printsExternalTablesPartitionSyncAndLatestViews() {
    ReportSampleRun.Output out = ReportSampleRun.execute("sql", "trino", "--config", config.toString(),
        "--schema", "crm");
    assertEquals(0, out.exitCode());

    String root = "file:" + warehouse.toAbsolutePath();
    String expected = """
        -- Trino (Hive connector) tables over the Rapport warehouse <root> (printed by `rapport sql trino`).
        -- The tables are external: DROP TABLE removes only the metastore entry, never the files.
        -- After each Rapport run, run the CALL statements again so the metastore sees the new date;
        -- the _latest views then move to the newest date with a manifest by themselves.
        -- skipped not_yet_written: no Parquet file under an as_of_date= folder

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

        DROP TABLE IF EXISTS hive.crm.clv_model;
        CREATE TABLE hive.crm.clv_model (
          "model" varchar,
          "parameters" map(varchar, double),
          "iterations" integer,
          "month" date,
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

        DROP TABLE IF EXISTS hive.crm.orders;
        CREATE TABLE hive.crm.orders (
          "order_id" varchar,
          "order_ts" timestamp,
          "order_date" date,
          "net_amount" decimal(18,4),
          "items" bigint,
          "is_first_order" boolean,
          "as_of_date" date
        )
        WITH (
          external_location = '<root>/orders',
          format = 'PARQUET',
          partitioned_by = ARRAY['as_of_date']
        );
        CALL hive.system.sync_partition_metadata('crm', 'orders', 'FULL');
        CREATE OR REPLACE VIEW hive.crm.orders_latest AS
        SELECT * FROM hive.crm.orders WHERE as_of_date = (SELECT max(as_of_date) FROM hive.crm.rapport_runs);
        """;
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
