package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.RapportSettings;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Parquet export with typed columns (timestamp, int, decimal) under its own names. */
class ParquetStagingTest extends SparkTestSupport {

  @TempDir
  Path dir;

  private void writeThreeTypedOrders(String folder) {
    StructType schema = new StructType()
        .add("OrderRef", DataTypes.StringType)
        .add("Buyer", DataTypes.StringType)
        .add("PlacedAt", DataTypes.TimestampType)
        .add("Qty", DataTypes.IntegerType)
        .add("Price", DataTypes.createDecimalType(10, 2));
    List<Row> rows = List.of(
        RowFactory.create("Q1", "C1", Timestamp.from(Instant.parse("2024-03-01T10:00:00Z")), 2, new BigDecimal("1.25")),
        RowFactory.create("Q2", null, Timestamp.from(Instant.parse("2024-03-01T10:00:00Z")), 1, new BigDecimal("1.00")),
        RowFactory.create("Q3", "C2", Timestamp.from(Instant.parse("2024-03-02T10:00:00Z")), 0, new BigDecimal("1.00")));
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(folder);
  }

  @Test
  void typedParquetColumnsAreMappedAndChecked() {
    String folder = dir.resolve("orders").toString();
    writeThreeTypedOrders(folder); // the folder also holds _SUCCESS and .crc files, which are skipped
    RapportSettings.Source p = source(folder, "parquet", "Asia/Tokyo", Map.of("order_id", "OrderRef",
        "customer_id", "Buyer", "order_ts", "PlacedAt", "quantity", "Qty", "unit_price", "Price"), Map.of(),
        Map.of(), 1.0);
    StagingResult r = Staging.stage(spark, SourceName.PURCHASES, settings("UTC", "USD", p, null, null, null),
        LocalDate.of(2024, 3, 31));
    assertEquals(StagedSchemas.PURCHASES, r.accepted().schema());
    assertEquals(1, r.files().size());
    assertEquals(new SourceCounts(3, 1, 2, 0, 0, Map.of("missing_customer_id", 1L, "zero_quantity", 1L)), r.counts());
    assertReconciles(r);
    Row q1 = r.accepted().first();
    // a Parquet timestamp is already an instant: the source zone (Tokyo) does not shift it
    assertEquals(Timestamp.from(Instant.parse("2024-03-01T10:00:00Z")), q1.getAs(StagedSchemas.ORDER_TS));
    assertEquals(new BigDecimal("2.5000"), q1.getAs(StagedSchemas.LINE_AMOUNT)); // 2 x 1.25
  }
}
