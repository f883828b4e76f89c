package io.rapport.marts;

import static io.rapport.marts.FactOrdersFixtures.assertRows;
import static io.rapport.marts.FactOrdersFixtures.frame;
import static org.apache.spark.sql.functions.col;

import io.rapport.testing.SparkTestSupport;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmTest extends SparkTestSupport {

  private static final StructType CUSTOMERS = new StructType()
      .add("customer_id", "string").add("days", "int").add("orders", "long").add("net", "decimal(18,4)");

  private static Row customer(String id, int days, long orders, String net) {
    return RowFactory.create(id, days, orders, new java.math.BigDecimal(net).setScale(4));
  }

  /** Five customers with distinct values: each quintile holds exactly one of them. */
  private Dataset<Row> fiveDistinctCustomers() {
    return frame(spark, CUSTOMERS,
        customer("a", 5, 10, "1000"),
        customer("b", 20, 4, "400"),
        customer("c", 40, 2, "150"),
        customer("d", 100, 1, "80"),
        customer("e", 300, 1, "20"));
  }

  @Test
  void quintileScoresOnFiveCustomers() {
    Dataset<Row> scored = Rfm.withScores(fiveDistinctCustomers(), "days", "orders", "net");

    // Cuts are the 20/40/60/80% values: days [5, 20, 40, 100], orders of [1,1,2,4,10] -> [1, 1, 2, 4],
    // net [20, 80, 150, 400]. bucket = 1 + #(cuts < value); R = 6 - bucket(days), F = bucket, M = bucket.
    // a: R 5, F 1+4=5, M 5 -> champions; b: days 20 > 5 -> R 4, orders 4 > 1,1,2 -> F 4, M 4 -> champions;
    // c: R 3, F 3 (2 > 1,1), M 3 -> loyal; d: R 2, F 1, M 2 -> hibernating; e: R 1, F 1, M 1 -> lost.
    assertRows(List.of(
        "a|5|5|5|champions",
        "b|4|4|4|champions",
        "c|3|3|3|loyal",
        "d|2|1|2|hibernating",
        "e|1|1|1|lost"),
        scored, "customer_id", Rfm.RECENCY_SCORE, Rfm.FREQUENCY_SCORE, Rfm.MONETARY_SCORE, Rfm.SEGMENT);
  }

  @Test
  void tiedValuesShareAScore() {
    Dataset<Row> scored = Rfm.withScores(frame(spark, CUSTOMERS,
        customer("a", 10, 1, "10"),
        customer("b", 10, 1, "10"),
        customer("c", 10, 1, "10"),
        customer("d", 10, 1, "10"),
        customer("e", 10, 2, "10")), "days", "orders", "net");

    // orders [1,1,1,1,2]: all four cuts are 1, so 1 -> F 1 and 2 -> F 5; equal days and net -> R 5, M 1.
    // a..d: R 5, F 1 -> new; e: R 5, F 5 -> champions.
    assertRows(List.of("a|5|1|1|new", "b|5|1|1|new", "c|5|1|1|new", "d|5|1|1|new", "e|5|5|1|champions"),
        scored, "customer_id", Rfm.RECENCY_SCORE, Rfm.FREQUENCY_SCORE, Rfm.MONETARY_SCORE, Rfm.SEGMENT);
  }

  @Test
  void segmentRulesApplyInOrder() {
    StructType scores = new StructType().add("r", "int").add("f", "int").add("m", "int");
    Dataset<Row> segments = frame(spark, scores,
        RowFactory.create(4, 4, 1),   // champions: R >= 4 and F >= 4
        RowFactory.create(3, 5, 5),   // loyal: R >= 3 and F >= 3
        RowFactory.create(5, 1, 5),   // new: R >= 4 and F = 1
        RowFactory.create(4, 2, 1),   // potential_loyalist: R >= 4, F = 2
        RowFactory.create(3, 1, 1),   // potential_loyalist: R = 3, F <= 2
        RowFactory.create(2, 4, 4),   // cant_lose: R <= 2, F >= 4, M >= 4
        RowFactory.create(1, 5, 3),   // at_risk: F >= 4 but M < 4
        RowFactory.create(2, 3, 1),   // at_risk: R <= 2, F = 3
        RowFactory.create(2, 2, 5),   // hibernating: R = 2, F <= 2
        RowFactory.create(1, 2, 5))   // lost: R = 1, F <= 2
        .withColumn("segment", Rfm.segment(col("r"), col("f"), col("m")));

    assertRows(List.of(
        "4|4|1|champions", "3|5|5|loyal", "5|1|5|new", "4|2|1|potential_loyalist", "3|1|1|potential_loyalist",
        "2|4|4|cant_lose", "1|5|3|at_risk", "2|3|1|at_risk", "2|2|5|hibernating", "1|2|5|lost"),
        segments, "r", "f", "m", "segment");
  }
}
