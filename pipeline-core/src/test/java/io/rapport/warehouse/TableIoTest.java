package io.rapport.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableIoTest extends SparkTestSupport {
  private static final StructType SCHEMA = new StructType()
      .add("customer_id", DataTypes.StringType, false)
      .add("orders", DataTypes.LongType, false);

  @TempDir
  Path dir;

  /** Six customers spread over four partitions, as a union of cached sources would be. */
  private Dataset<Row> sixCustomersInFourPartitions() {
    return spark.createDataFrame(List.of(
        RowFactory.create("C1", 1L), RowFactory.create("C2", 2L), RowFactory.create("C3", 3L),
        RowFactory.create("C4", 4L), RowFactory.create("C5", 5L), RowFactory.create("C6", 6L)), SCHEMA)
        .repartition(4);
  }

  @Test
  void smallFrameIsWrittenAsOneFileWithAllItsRows() throws IOException {
    Path folder = dir.resolve("small");
    long rows = TableIo.write(sixCustomersInFourPartitions(), new org.apache.hadoop.fs.Path(folder.toString()));

    assertEquals(6, rows);
    assertEquals(1, parquetFiles(folder));
    assertEquals(21L, TableIo.read(spark, new org.apache.hadoop.fs.Path(folder.toString()), SCHEMA)
        .agg(org.apache.spark.sql.functions.sum("orders")).first().getLong(0)); // 1+2+...+6
  }

  @Test
  void frameEstimatedAboveTheLimitKeepsItsPartitions() throws IOException {
    // range(n) is estimated at 8 bytes a row: 5,000,000 rows = 40 MB > 32 MB.
    Dataset<Row> large = spark.range(5_000_000L).toDF("id").repartition(3);
    Path folder = dir.resolve("large");
    long rows = TableIo.write(large, new org.apache.hadoop.fs.Path(folder.toString()));

    assertEquals(5_000_000L, rows);
    assertEquals(3, parquetFiles(folder));
  }

  @Test
  void emptyFramesCountZeroRows() {
    Dataset<Row> noRows = spark.createDataFrame(java.util.List.of(), SCHEMA);
    Dataset<Row> filteredAway = sixCustomersInFourPartitions().filter("orders > 100");
    assertEquals(0, TableIo.write(noRows, new org.apache.hadoop.fs.Path(dir.resolve("none").toString())));
    assertEquals(0, TableIo.write(filteredAway, new org.apache.hadoop.fs.Path(dir.resolve("filtered").toString())));
    assertEquals(0, TableIo.read(spark, new org.apache.hadoop.fs.Path(dir.resolve("filtered").toString())).count());
  }

  private static long parquetFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
