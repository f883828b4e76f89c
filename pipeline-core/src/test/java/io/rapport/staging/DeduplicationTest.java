package io.rapport.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The cut's classification of staged purchase rows, worked by hand: the last copy of a natural
 * key (highest file rank, then row order) among the candidates is accepted, earlier copies are
 * duplicates, and rejected or late copies never compete. The narrow path (keys with copies
 * broadcast to the rows) and the window path give the same answer.
 */
class DeduplicationTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);
  private static final Timestamp CUTOFF = Timestamp.valueOf("2024-04-01 00:00:00");

  @Test
  void theLastCandidateCopyOfAKeyIsAcceptedOnEitherPath() {
    Dataset<Row> history = history(List.of(
        // id, order, line, customer, day, file index, file rank, row order, reason
        row("a1", "O1", 1, "C1", "2024-03-01", 0, 0, 1, null),
        row("a2", "O1", 1, "C1", "2024-03-01", 1, 1, 7, null),   // same key in a later file: wins
        row("a3", "O1", 1, "C1", "2024-03-01", 1, 1, 3, null),   // same file, earlier row: duplicate
        row("b1", "O2", 1, "C2", "2024-03-02", 0, 0, 2, null),
        row("b2", "O2", 1, "C2", "2024-03-02", 1, 1, 1, "invalid_quantity"), // a rejected copy does not compete
        row("c1", "O3", 1, "C3", "2024-03-03", 0, 0, 3, null),
        row("c2", "O3", 1, "C3", "2024-04-02", 1, 1, 2, null),   // a late copy does not compete
        // without a line number the whole row is the key: equal rows are copies, a different one is not
        row("d1", "O4", null, "C4", "2024-03-04", 0, 0, 4, null),
        row("d2", "O4", null, "C4", "2024-03-04", 1, 1, 4, null),
        row("d3", "O4", null, "C5", "2024-03-04", 1, 1, 5, null),
        row("e1", "O5", 2, "C6", "2024-03-05", 0, 0, 5, null)));
    Map<String, String> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("a1", "duplicate"), Map.entry("a2", "accepted"), Map.entry("a3", "duplicate"),
        Map.entry("b1", "accepted"), Map.entry("b2", "rejected"),
        Map.entry("c1", "accepted"), Map.entry("c2", "after_as_of"),
        Map.entry("d1", "duplicate"), Map.entry("d2", "accepted"), Map.entry("d3", "accepted"),
        Map.entry("e1", "accepted")));

    assertEquals(expected, dispositions(history, Staging.BROADCAST_DUPLICATE_KEYS), "keys with copies broadcast");
    assertEquals(expected, dispositions(history, 0), "rows ranked in a window");
  }

  @Test
  void withoutAnyCopyEveryCandidateIsAccepted() {
    Dataset<Row> history = history(List.of(
        row("a1", "O1", 1, "C1", "2024-03-01", 0, 0, 1, null),
        row("a2", "O1", 2, "C1", "2024-03-01", 0, 0, 2, null),
        row("b1", "O2", 1, "C2", "2024-03-01", 0, 0, 3, "missing_customer_id")));
    assertEquals(Map.of("a1", "accepted", "a2", "accepted", "b1", "rejected"),
        dispositions(history, Staging.BROADCAST_DUPLICATE_KEYS));
  }

  /** Row id (carried in the raw record, which no key includes) to disposition. */
  private Map<String, String> dispositions(Dataset<Row> history, long broadcastLimit) {
    Staging.Classified c = Staging.classify(history, SourceName.PURCHASES, true, AS_OF, CUTOFF, broadcastLimit);
    Map<String, String> out = new TreeMap<>();
    for (Row r : c.rows().select(Rules.RAW_RECORD, Staging.DISPOSITION).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    c.release();
    return out;
  }

  private Dataset<Row> history(List<Map<String, Object>> rows) {
    StructType schema = Staging.stagedSchema(SourceName.PURCHASES).add(Staging.RANK, DataTypes.IntegerType, false);
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> values : rows) {
      Object[] cells = new Object[schema.fields().length];
      int i = 0;
      for (StructField f : schema.fields()) {
        cells[i++] = values.get(f.name());
      }
      out.add(RowFactory.create(cells));
    }
    return spark.createDataFrame(out, schema);
  }

  /** A staged purchase line; copies differ only in position and in the id their raw record carries. */
  private static Map<String, Object> row(String id, String orderId, Integer line, String customer, String day,
      int file, int rank, long order, String reason) {
    Map<String, Object> v = new java.util.HashMap<>();
    v.put(StagedSchemas.ORDER_ID, orderId);
    v.put(StagedSchemas.LINE_NUMBER, line);
    v.put(StagedSchemas.CUSTOMER_ID, customer);
    Timestamp ts = Timestamp.valueOf(day + " 10:00:00");
    v.put(StagedSchemas.ORDER_TS, ts);
    v.put(StagedSchemas.PRODUCT_ID, "P1");
    v.put(StagedSchemas.QUANTITY, 1);
    v.put(StagedSchemas.UNIT_PRICE, new BigDecimal("2.5000"));
    v.put(StagedSchemas.CURRENCY, "USD");
    v.put(StagedSchemas.LINE_AMOUNT, new BigDecimal("2.5000"));
    v.put(StagedSchemas.STATUS, "completed");
    v.put(Staging.EVENT_TS, ts);
    v.put(Rules.REASON_CODE, reason);
    v.put(SourceReader.FILE, file);
    v.put(SourceReader.ORDER, order);
    v.put(Staging.DAY, Date.valueOf(day));
    v.put(Staging.RANK, rank);
    v.put(Rules.RAW_RECORD, id); // not part of any key: identifies the row in the result
    return v;
  }
}
