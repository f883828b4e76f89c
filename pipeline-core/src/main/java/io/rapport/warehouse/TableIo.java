package io.rapport.warehouse;

import java.math.BigInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reads and writes one table folder as Parquet (zstd). The only place that calls the writer. */
public final class TableIo {
  /** Frames the optimiser estimates below this many bytes are written as a single file. */
  static final long SINGLE_FILE_BYTES = 32L << 20;

  private TableIo() {}

  /** Writes {@code frame} as the whole content of {@code folder} and returns the rows written. */
  public static long write(Dataset<Row> frame, Path folder) {
    oneFileIfSmall(frame).write()
        .mode(SaveMode.Overwrite)
        .option("compression", "zstd")
        .parquet(folder.toString());
    // Counting the written files reads only Parquet footers.
    return frame.sparkSession().read().parquet(folder.toString()).count();
  }

  /**
   * A small frame whose partitions do not come from a shuffle (a union of cached sources, a scan
   * of many small files) would otherwise be written as one tiny file per partition. The estimate
   * is the optimiser's size of the plan (exact for cached and file-backed frames, an upper bound
   * for joins); coalescing only merges the last stage's tasks, so it is kept to small frames.
   */
  static Dataset<Row> oneFileIfSmall(Dataset<Row> frame) {
    BigInteger estimate = frame.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
    return estimate.compareTo(BigInteger.valueOf(SINGLE_FILE_BYTES)) < 0 ? frame.coalesce(1) : frame;
  }

  public static Dataset<Row> read(SparkSession spark, Path folder, StructType schema) {
    return spark.read().schema(schema).parquet(folder.toString());
  }

  public static Dataset<Row> read(SparkSession spark, Path folder) {
    return spark.read().parquet(folder.toString());
  }
}
