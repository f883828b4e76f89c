package io.rapport.warehouse;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.rapport.errors.StorageException;
import io.rapport.schema.TableSpec;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads and writes one table folder as Parquet (zstd). The only place that calls the writer, and
 * the place that holds every frame to its table's declaration: a frame whose columns or types
 * differ from {@link TableSpec#schema()} is a bug, stopped here with the table and column named.
 */
public final class TableIo {
  /** Frames the optimiser estimates below this many bytes are written as a single file. */
  static final long SINGLE_FILE_BYTES = 32L << 20;

  private TableIo() {}

  /** Writes {@code frame}, which must match {@code table}'s declaration, as the whole content of {@code folder}. */
  public static long write(Dataset<Row> frame, TableSpec table, Path folder) {
    requireDeclaredSchema(frame.schema(), table);
    return write(frame, folder);
  }

  /**
   * Fails unless {@code actual} has exactly the declared columns, in order, with the declared
   * types (nullability is the quality gate's business: Parquet files do not keep it).
   */
  public static void requireDeclaredSchema(StructType actual, TableSpec table) {
    List<String> declared = table.columnNames();
    List<String> present = List.of(actual.fieldNames());
    for (String c : declared) {
      if (!present.contains(c)) {
        throw new IllegalStateException("Cannot write " + table.name() + ": column " + c
            + " is declared but missing from the frame (present: " + String.join(", ", present) + ")");
      }
    }
    for (String c : present) {
      if (!declared.contains(c)) {
        throw new IllegalStateException("Cannot write " + table.name() + ": column " + c
            + " is not declared (declared: " + String.join(", ", declared) + ")");
      }
    }
    if (!declared.equals(present)) {
      throw new IllegalStateException("Cannot write " + table.name() + ": columns are in the order " + present
          + ", declared " + declared);
    }
    for (StructField f : actual.fields()) {
      DataType expected = table.column(f.name()).orElseThrow().type();
      if (!f.dataType().equals(expected)) {
        throw new IllegalStateException("Cannot write " + table.name() + ": column " + f.name() + " is "
            + f.dataType().simpleString() + ", declared " + expected.simpleString());
      }
    }
  }

  /** Writes {@code frame} as the whole content of {@code folder} and returns the rows written. */
  public static long write(Dataset<Row> frame, Path folder) {
    return write(frame, folder, true);
  }

  /**
   * The write option for Parquet's dictionary encoding, turned off for the staged batches: their
   * ids, timestamps and amounts are mostly distinct, and the writer hashes every value into a
   * dictionary that then fills up and is dropped (decision A13). Every other write keeps it: the
   * cut, which fact_orders reads, decoded slower without it.
   */
  public static final String PARQUET_DICTIONARY = "parquet.enable.dictionary";

  /** {@link #write(Dataset, Path)}, with Parquet's dictionary encoding on or off ({@link #PARQUET_DICTIONARY}). */
  public static long write(Dataset<Row> frame, Path folder, boolean dictionary) {
    // The rows are counted while they are written: no second job reads the files back.
    Observation written = new Observation("rows written to " + folder.getName());
    try {
      oneFileIfSmall(frame).observe(written, count(lit(1)).as(ROWS)).write()
          .mode(SaveMode.Overwrite)
          .option("compression", "zstd")
          .option(PARQUET_DICTIONARY, String.valueOf(dictionary))
          .parquet(folder.toString());
    } catch (Exception e) { // Spark throws checked exceptions without declaring them
      // A full disk or an unwritable folder names the folder; any other failure keeps its own message.
      StorageException.of("write the Parquet files of", folder.toString(), e).ifPresent(s -> {
        throw s;
      });
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
    try {
      return ((Number) written.get().get(ROWS).get()).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting the rows written to " + folder, e);
    }
  }

  private static final String ROWS = "rows";

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

  /**
   * Makes the Parquet folder {@code from} the whole content of {@code to} (replacing what a failed
   * attempt left there) by a rename: a table already written need not be written again.
   */
  public static void move(Configuration conf, Path from, Path to) {
    try {
      FileSystem fs = to.getFileSystem(conf);
      if (fs.exists(to) && !fs.delete(to, true)) {
        throw new IOException("Cannot delete " + to);
      }
      fs.mkdirs(to.getParent());
      if (!fs.rename(from, to)) {
        throw new IOException("rename " + from + " -> " + to + " failed");
      }
    } catch (IOException e) {
      throw StorageException.of("move the Parquet files to", to.toString(), e).orElseThrow();
    }
  }

  public static Dataset<Row> read(SparkSession spark, Path folder, StructType schema) {
    return spark.read().schema(schema).parquet(folder.toString());
  }

  public static Dataset<Row> read(SparkSession spark, Path folder) {
    return spark.read().parquet(folder.toString());
  }
}
