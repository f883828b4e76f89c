package io.rapport.pipeline;

import io.rapport.config.RapportSettings;
import io.rapport.schema.TableSpec;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.time.LocalDate;
import java.time.ZoneId;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run of the pipeline for one as-of date: the Spark session, the settings, and the staging
 * area where each stage writes its tables for the next stage, the quality gate and the publish.
 */
public record PipelineRun(
    SparkSession spark, RapportSettings settings, LocalDate asOf, WarehouseLayout layout, Path staging) {

  public ZoneId reportingZone() {
    return settings.reporting().timeZone();
  }

  public Configuration hadoopConf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /**
   * Writes a declared table into the staging area (an intermediate one under {@code _work}, which
   * publish never moves); returns its row count.
   */
  public long write(TableSpec table, Dataset<Row> frame) {
    return TableIo.write(frame, table, folder(table));
  }

  public Dataset<Row> read(TableSpec table) {
    return TableIo.read(spark, folder(table));
  }

  /** A staged table by name: the lookup quality checks use to compare tables. */
  public Dataset<Row> readTable(String name) {
    return TableIo.read(spark, new Path(staging, name));
  }

  private Path folder(TableSpec table) {
    return table.published() ? new Path(staging, table.name()) : new Path(new Path(staging, "_work"), table.name());
  }

  /** Frames kept between steps that have no declaration of their own (the staged sources). */
  public long writeWork(String name, Dataset<Row> frame) {
    return TableIo.write(frame, new Path(new Path(staging, "_work"), name));
  }

  public Dataset<Row> readWork(String name) {
    return TableIo.read(spark, new Path(new Path(staging, "_work"), name));
  }

  /** A work table written elsewhere in this run's staging area, moved into place under {@code name}. */
  public void adoptWork(String name, Path folder) {
    TableIo.move(hadoopConf(), folder, new Path(new Path(staging, "_work"), name));
  }

  /** A work table read as {@code schema} (its files may hold further columns). */
  public Dataset<Row> readWork(String name, org.apache.spark.sql.types.StructType schema) {
    return TableIo.read(spark, new Path(new Path(staging, "_work"), name), schema);
  }

  public void saveReport(StageReport report) {
    JsonFiles.write(hadoopConf(), reportPath(report.stage()), report);
  }

  public StageReport loadReport(String stage) {
    Path path = reportPath(stage);
    return JsonFiles.exists(hadoopConf(), path) ? JsonFiles.read(hadoopConf(), path, StageReport.class) : null;
  }

  private Path reportPath(String stage) {
    return new Path(new Path(staging, "_reports"), stage + ".json");
  }

  /** Names the Spark jobs of a stage so the Spark UI tells them apart. */
  public void describe(String stage, String what) {
    spark.sparkContext().setJobGroup("rapport-" + stage, "Rapport " + asOf + ": " + what, false);
  }
}
