package io.rapport.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.schema.StagedSchemas;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Named builders for the small frames of the customer-mart tests (staged purchase lines,
 * fact_orders rows, purchase days, survey and review rows) and the assertions they share.
 */
public final class FactOrdersFixtures {
  private FactOrdersFixtures() {}

  /** A staged purchase line; line_amount = quantity x unit price, as staging computes it. */
  public static Row line(String orderId, int lineNumber, String customerId, String isoTs,
      int quantity, String unitPrice, String status) {
    BigDecimal price = new BigDecimal(unitPrice).setScale(4);
    return RowFactory.create(orderId, lineNumber, customerId, ts(isoTs), "p" + lineNumber, "cat",
        quantity, price, "EUR", price.multiply(BigDecimal.valueOf(quantity)).setScale(4), status,
        "web", "DE", "part-0.csv");
  }

  public static Dataset<Row> staged(SparkSession spark, Row... lines) {
    return spark.createDataFrame(Arrays.asList(lines), StagedSchemas.PURCHASES);
  }

  /**
   * A fact_orders row dated at noon UTC of {@code isoDate} (zone UTC), with one line. {@code seq}
   * null makes an order that is not a purchase (returns only).
   */
  public static Row order(String orderId, String customerId, String isoDate, String gross, String refund, Integer seq) {
    LocalDate date = LocalDate.parse(isoDate);
    BigDecimal g = money(gross);
    BigDecimal r = money(refund);
    boolean purchase = seq != null;
    return RowFactory.create(orderId, customerId, ts(isoDate + "T12:00:00Z"), Date.valueOf(date),
        Date.valueOf(date.withDayOfMonth(1)), g, r, g.subtract(r), purchase ? 1L : 0L,
        seq == null ? null : seq.longValue(), seq != null && seq == 1, "web", "DE", purchase, 1L);
  }

  public static Dataset<Row> factOrders(SparkSession spark, Row... orders) {
    return spark.createDataFrame(Arrays.asList(orders), FactOrders.TABLE.schema());
  }

  public static Row purchaseDay(String customerId, String isoDate, String net) {
    return RowFactory.create(customerId, Date.valueOf(LocalDate.parse(isoDate)), 1L, money(net));
  }

  public static Dataset<Row> purchaseDays(SparkSession spark, Row... days) {
    return spark.createDataFrame(Arrays.asList(days), CustomerPurchaseDays.TABLE.schema());
  }

  /** The fact_survey_responses columns customer_facts reads. */
  public static final StructType SURVEY_RESPONSES = new StructType()
      .add("response_id", "string").add("customer_id", "string").add("responded_at", "timestamp")
      .add("survey_type", "string").add("score", "int").add("nps_category", "string");

  /** The fact_reviews columns customer_facts reads. */
  public static final StructType REVIEWS = new StructType()
      .add("review_id", "string").add("customer_id", "string").add("rating", "int").add("created_at", "timestamp");

  public static Row survey(String id, String customerId, String isoTs, String type, int score, String category) {
    return RowFactory.create(id, customerId, ts(isoTs), type, score, category);
  }

  public static Row review(String id, String customerId, int rating, String isoTs) {
    return RowFactory.create(id, customerId, rating, ts(isoTs));
  }

  public static Dataset<Row> frame(SparkSession spark, StructType schema, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), schema);
  }

  public static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  public static BigDecimal money(String amount) {
    return new BigDecimal(amount).setScale(4);
  }

  /** Same column names and types, in the same order (nullability is not compared). */
  public static void assertSchema(StructType expected, Dataset<Row> frame) {
    assertEquals(describe(expected), describe(frame.schema()));
  }

  private static String describe(StructType schema) {
    return Arrays.stream(schema.fields())
        .map((StructField f) -> f.name() + ":" + f.dataType().simpleString())
        .collect(Collectors.joining(", "));
  }

  /**
   * The frame's rows sorted by its first columns, each rendered as "a|b|c" over the given columns:
   * dates as ISO dates, timestamps as UTC instants, decimals without trailing zeros, doubles
   * rounded to 6 places (so tests do not depend on the JVM time zone or float noise).
   */
  public static List<String> rows(Dataset<Row> frame, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row row : frame.collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        cells.add(render(row.get(row.fieldIndex(c))));
      }
      out.add(String.join("|", cells));
    }
    out.sort(null);
    return out;
  }

  /** The frame's rows, rendered as by {@link #rows}, equal the expected lines in any order. */
  public static void assertRows(List<String> expected, Dataset<Row> frame, String... columns) {
    List<String> sortedExpected = new ArrayList<>(expected);
    sortedExpected.sort(null);
    assertEquals(String.join("\n", sortedExpected), String.join("\n", rows(frame, columns)));
  }

  private static String render(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof Timestamp t) {
      return t.toInstant().atOffset(ZoneOffset.UTC).toLocalDateTime().toString();
    } else if (v instanceof Date d) {
      return d.toLocalDate().toString();
    } else if (v instanceof BigDecimal b) {
      return b.compareTo(BigDecimal.ZERO) == 0 ? "0" : b.stripTrailingZeros().toPlainString();
    } else if (v instanceof Double d) {
      BigDecimal b = BigDecimal.valueOf(d).setScale(6, RoundingMode.HALF_UP);
      return b.compareTo(BigDecimal.ZERO) == 0 ? "0" : b.stripTrailingZeros().toPlainString();
    }
    return v.toString();
  }
}
