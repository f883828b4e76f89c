package io.rapport.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rapport.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class QuantileCutsTest extends SparkTestSupport {

  private Dataset<Row> values(List<Double> values) {
    return spark.createDataset(values, Encoders.DOUBLE()).toDF("x");
  }

  private static List<Object> cuts(Dataset<Row> frame, int k) {
    Row row = QuantileCuts.of(frame, col("x"), k, "cuts").first();
    return new ArrayList<>(row.getList(0));
  }

  @Test
  void cutsAreTheValuesAtRankCeilJnOverK() {
    // Sorted: 1 2 3 4 5 6 7 (n = 7), quartiles: ranks ceil(7/4) = 2, ceil(14/4) = 4, ceil(21/4) = 6.
    assertEquals(List.of(2.0, 4.0, 6.0), cuts(values(Arrays.asList(7.0, 3.0, 1.0, 5.0, 2.0, 6.0, 4.0)), 4));
    // n = 10, quintiles: ranks 2, 4, 6, 8 exactly (j n / k whole: the value at that rank, not the next).
    assertEquals(List.of(2.0, 4.0, 6.0, 8.0),
        cuts(values(Arrays.asList(10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0)), 5));
  }

  @Test
  void tiesAndNulls() {
    // Nulls are left out: n = 5, values 1 1 1 1 2 -> ranks 1..4 are all 1.
    assertEquals(List.of(1.0, 1.0, 1.0, 1.0),
        cuts(values(Arrays.asList(1.0, null, 1.0, 2.0, 1.0, null, 1.0)), 5));
    // No value at all: every cut is null, so every bucket test is false.
    assertEquals(Arrays.asList(null, null), cuts(values(Arrays.asList((Double) null)), 3));
  }

  @Test
  void theCutsDependOnlyOnTheValuesNotOnThePartitioning() {
    // 40,000 values with ties, ranked by sorting in Java: the independent answer.
    Random random = new Random(7);
    List<Double> data = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      data.add((double) random.nextInt(25_000) / 4);
    }
    List<Double> sorted = new ArrayList<>(data);
    sorted.sort(null);
    List<Object> expected = new ArrayList<>();
    for (int j = 1; j < 5; j++) {
      int rank = (int) Math.ceil(j * sorted.size() / 5.0);
      expected.add(sorted.get(rank - 1));
    }
    Dataset<Row> frame = values(data);
    assertEquals(expected, cuts(frame.repartition(1), 5));
    assertEquals(expected, cuts(frame.repartition(7), 5));
    assertEquals(expected, cuts(frame.orderBy(rand(3)).repartition(3), 5));
  }

  @Test
  void severalColumnsInOnePassEachGetTheirOwnCuts() {
    Dataset<Row> frame = spark.createDataFrame(List.of(
        RowFactory.create(1.0, 50.0),
        RowFactory.create(2.0, 40.0),
        RowFactory.create(3.0, null),
        RowFactory.create(4.0, 20.0)),
        new StructType().add("a", "double").add("b", "double"));
    Map<String, Column> columns = new LinkedHashMap<>();
    columns.put("cuts_a", col("a"));
    columns.put("cuts_b", col("b"));
    Row row = QuantileCuts.of(frame, columns, 2).first();
    // a: n = 4, median rank 2 -> 2; b: n = 3 (null left out), rank ceil(3/2) = 2 of 20 40 50 -> 40.
    assertEquals(List.of(2.0), row.getList(row.fieldIndex("cuts_a")));
    assertEquals(List.of(40.0), row.getList(row.fieldIndex("cuts_b")));
  }

  @Test
  void fewerThanTwoQuantilesOrNoColumnIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> QuantileCuts.of(values(List.of(1.0)), col("x"), 1, "c"));
    assertThrows(IllegalArgumentException.class, () -> QuantileCuts.of(values(List.of(1.0)), Map.of(), 5));
  }
}
