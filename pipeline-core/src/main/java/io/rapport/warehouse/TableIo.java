package io.rapport.warehouse;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reads and writes one table folder as Parquet (zstd). The only place that calls the writer. */
public final class TableIo {
  private TableIo() {}

  /** Writes {@code frame} as the whole content of {@code folder} and returns the rows written. */
  public static long write(Dataset<Row> frame, Path folder) {
    frame.write()
        .mode(SaveMode.Overwrite)
        .option("compression", "zstd")
        .parquet(folder.toString());
    // Counting the written files reads only Parquet footers.
    return frame.sparkSession().read().parquet(folder.toString()).count();
  }

  public static Dataset<Row> read(SparkSession spark, Path folder, StructType schema) {
    return spark.read().schema(schema).parquet(folder.toString());
  }

  public static Dataset<Row> read(SparkSession spark, Path folder) {
    return spark.read().parquet(folder.toString());
  }
}
