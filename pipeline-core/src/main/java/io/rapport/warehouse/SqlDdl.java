package io.rapport.warehouse;

import io.rapport.schema.TableSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Ready-to-run SQL that makes the warehouse queryable from DuckDB and from Trino's Hive connector
 * (the {@code rapport sql} command). The tables and their columns are those of the
 * catalog, the declarations every written frame is held to, for each table that has at
 * least one snapshot in the warehouse.
 *
 * <p>Every table gets a view of all its as-of dates and a {@code <table>_latest} view of the
 * newest date that has a manifest ({@code _runs/as_of_date=<date>/manifest.json}). That date is
 * found by the SQL engine when the view is queried, not when the DDL is printed, so the views
 * stay right after later runs (a date being republished has no manifest and is skipped).
 */
public final class SqlDdl {
  /** The view (DuckDB, Trino) listing the complete as-of dates: those with a manifest. */
  public static final String RUNS_VIEW = "rapport_runs";
  /** Trino only: the text table over {@code _runs} that {@link #RUNS_VIEW} reads file paths from. */
  public static final String RUN_FILES_TABLE = "rapport_run_files";
  public static final String LATEST_SUFFIX = "_latest";
  public static final String PARTITION_COLUMN = "as_of_date";

  private SqlDdl() {}

  /** One table: its name (folder) and the columns of its Parquet files, partition column excluded. */
  public record TableSchema(String name, StructType schema) {}

  /**
   * What the DDL is generated from: the warehouse root as a fully qualified URI
   * ({@code file:/data/warehouse}, {@code s3a://bucket/warehouse}), its tables in name order, and
   * the table folders left out with the reason (no Parquet file yet).
   */
  public record Warehouse(String location, List<TableSchema> tables, List<String> skipped) {
    public Warehouse {
      tables = List.copyOf(tables);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The given published tables (the catalog's, passed in: the warehouse layer does not look up
   * to the catalog) with their declared columns, each that has at least one snapshot in the
   * warehouse (no Spark job runs; only folders are listed).
   */
  public static Warehouse inspect(Configuration conf, WarehouseLayout layout, List<TableSpec> published) {
    try {
      FileSystem fs = layout.root().getFileSystem(conf);
      Path root = fs.makeQualified(layout.root());
      if (!fs.exists(root)) {
        return new Warehouse(root.toString(), List.of(), List.of());
      }
      List<TableSchema> tables = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      for (TableSpec table : published) {
        if (hasSnapshot(fs, layout.table(table.name()))) {
          tables.add(new TableSchema(table.name(), table.schema()));
        } else {
          skipped.add(table.name() + ": no as_of_date= snapshot in the warehouse yet");
        }
      }
      return new Warehouse(root.toString(), tables, skipped);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the warehouse " + layout.root() + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasSnapshot(FileSystem fs, Path table) throws IOException {
    return fs.exists(table) && Arrays.stream(fs.listStatus(table))
        .anyMatch(s -> s.isDirectory() && s.getPath().getName().startsWith(WarehouseLayout.AS_OF_PREFIX));
  }

  /**
   * DuckDB: a view per table over {@code read_parquet} with Hive partitioning, and its
   * {@code _latest} view. {@code union_by_name} keeps older dates readable after a column is added.
   */
  public static String duckdb(Warehouse warehouse) {
    String root = duckdbLocation(warehouse.location());
    StringBuilder sql = new StringBuilder();
    sql.append("-- DuckDB views over the Rapport warehouse ").append(root).append(" (printed by `rapport sql duckdb`).\n")
        .append("-- <table>: every published as-of date; <table>_latest: the newest date with a manifest,\n")
        .append("-- looked up when queried, so the views follow later runs. Print again only when tables or columns change.\n");
    skippedComments(sql, warehouse);
    sql.append("CREATE OR REPLACE VIEW ").append(RUNS_VIEW).append(" AS\n")
        .append("SELECT CAST(regexp_extract(file, 'as_of_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS DATE) AS ")
        .append(PARTITION_COLUMN).append(", file AS manifest_file\n")
        .append("FROM glob(").append(literal(root + "/_runs/*/manifest.json")).append(");\n");
    for (TableSchema table : warehouse.tables()) {
      String name = identifier(table.name());
      sql.append('\n')
          .append("CREATE OR REPLACE VIEW ").append(name).append(" AS\n")
          .append("SELECT * FROM read_parquet(").append(literal(root + "/" + table.name() + "/*/*.parquet"))
          .append(", hive_partitioning = true, hive_types = {'").append(PARTITION_COLUMN)
          .append("': DATE}, union_by_name = true);\n")
          .append(latestView(name, name, RUNS_VIEW));
    }
    return sql.toString();
  }

  /**
   * Trino with the Hive connector: an external Parquet table per table partitioned by
   * {@code as_of_date}, the partition sync call, and the {@code _latest} views. The complete dates
   * come from a text table over {@code _runs}: a date counts when its folder holds a manifest.
   */
  public static String trino(Warehouse warehouse, String catalog, String schema) {
    String root = warehouse.location();
    String prefix = identifier(catalog) + "." + identifier(schema) + ".";
    String runs = prefix + RUNS_VIEW;
    StringBuilder sql = new StringBuilder();
    sql.append("-- Trino (Hive connector) tables over the Rapport warehouse ").append(root)
        .append(" (printed by `rapport sql trino`).\n")
        .append("-- The tables are external: DROP TABLE removes only the metastore entry, never the files.\n")
        .append("-- After each Rapport run, run the CALL statements again so the metastore sees the new date;\n")
        .append("-- the _latest views then move to the newest date with a manifest by themselves.\n");
    skippedComments(sql, warehouse);
    sql.append("CREATE SCHEMA IF NOT EXISTS ").append(identifier(catalog)).append('.').append(identifier(schema)).append(";\n\n");
    sql.append(externalTable(catalog, schema, RUN_FILES_TABLE, new StructType().add("line", DataTypes.StringType),
        root + "/_runs", "TEXTFILE"));
    sql.append("CREATE OR REPLACE VIEW ").append(runs).append(" AS\n")
        .append("SELECT DISTINCT ").append(PARTITION_COLUMN).append(" FROM ").append(prefix).append(RUN_FILES_TABLE)
        .append(" WHERE \"$path\" LIKE '%/manifest.json';\n");
    for (TableSchema table : warehouse.tables()) {
      sql.append('\n')
          .append(externalTable(catalog, schema, table.name(), table.schema(), root + "/" + table.name(), "PARQUET"))
          .append(latestView(prefix + identifier(table.name()), prefix + identifier(table.name()), runs));
    }
    return sql.toString();
  }

  /** Trino's name for a Spark type, as the Hive connector reads it from Parquet. */
  public static String trinoType(DataType type) {
    if (type instanceof StringType) {
      return "varchar";
    } else if (type instanceof IntegerType) {
      return "integer";
    } else if (type instanceof LongType) {
      return "bigint";
    } else if (type instanceof ShortType) {
      return "smallint";
    } else if (type instanceof ByteType) {
      return "tinyint";
    } else if (type instanceof DoubleType) {
      return "double";
    } else if (type instanceof FloatType) {
      return "real";
    } else if (type instanceof BooleanType) {
      return "boolean";
    } else if (type instanceof DateType) {
      return "date";
    } else if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      // Spark writes UTC instants; the Hive connector shows them as timestamps in UTC.
      return "timestamp";
    } else if (type instanceof BinaryType) {
      return "varbinary";
    } else if (type instanceof DecimalType d) {
      return "decimal(" + d.precision() + "," + d.scale() + ")";
    } else if (type instanceof ArrayType a) {
      return "array(" + trinoType(a.elementType()) + ")";
    } else if (type instanceof MapType m) {
      return "map(" + trinoType(m.keyType()) + ", " + trinoType(m.valueType()) + ")";
    } else if (type instanceof StructType s) {
      return Arrays.stream(s.fields())
          .map(f -> quoted(f.name()) + " " + trinoType(f.dataType()))
          .collect(Collectors.joining(", ", "row(", ")"));
    }
    throw new IllegalArgumentException("Cannot map Spark type " + type.simpleString() + " to a Trino type");
  }

  private static String externalTable(String catalog, String schema, String table, StructType columns,
      String location, String format) {
    String name = identifier(catalog) + "." + identifier(schema) + "." + identifier(table);
    StringBuilder sql = new StringBuilder();
    sql.append("DROP TABLE IF EXISTS ").append(name).append(";\n")
        .append("CREATE TABLE ").append(name).append(" (\n");
    for (StructField field : columns.fields()) {
      sql.append("  ").append(quoted(field.name())).append(' ').append(trinoType(field.dataType())).append(",\n");
    }
    // Hive keeps partition columns last.
    sql.append("  ").append(quoted(PARTITION_COLUMN)).append(" date\n")
        .append(")\n")
        .append("WITH (\n")
        .append("  external_location = ").append(literal(location)).append(",\n")
        .append("  format = '").append(format).append("',\n")
        .append("  partitioned_by = ARRAY['").append(PARTITION_COLUMN).append("']\n")
        .append(");\n")
        .append("CALL ").append(identifier(catalog)).append(".system.sync_partition_metadata(")
        .append(literal(schema)).append(", ").append(literal(table)).append(", 'FULL');\n");
    return sql.toString();
  }

  private static String latestView(String view, String table, String runs) {
    return "CREATE OR REPLACE VIEW " + view + LATEST_SUFFIX + " AS\n"
        + "SELECT * FROM " + table + " WHERE " + PARTITION_COLUMN + " = (SELECT max(" + PARTITION_COLUMN + ") FROM " + runs + ");\n";
  }

  private static void skippedComments(StringBuilder sql, Warehouse warehouse) {
    for (String skipped : warehouse.skipped()) {
      sql.append("-- skipped ").append(skipped).append('\n');
    }
    if (warehouse.tables().isEmpty()) {
      sql.append("-- no published table yet: run `rapport run` first\n");
    }
    sql.append('\n');
  }

  /** DuckDB reads local paths without a scheme and S3 as {@code s3://}. */
  static String duckdbLocation(String location) {
    if (location.startsWith("file:")) {
      String path = location.substring("file:".length());
      // file:/a, file:///a -> /a
      return path.startsWith("///") ? path.substring(2) : path;
    }
    if (location.startsWith("s3a://") || location.startsWith("s3n://")) {
      return "s3://" + location.substring(6);
    }
    return location;
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** Plain snake_case names stay bare (they read better); anything else is quoted. */
  static String identifier(String name) {
    return name.matches("[a-z_][a-z0-9_]*") ? name : quoted(name);
  }

  private static String quoted(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
