package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rapport.catalog.Catalog;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Golden files of every published table on the bundled samples as of 2025-08-31 (in the style of
 * Spark's SQLQueryTestSuite): {@code jobs/src/test/resources/golden/<table>.txt} holds the schema
 * ({@code name:type} per line) and the rows sorted as text, one CSV-ish line per row (NULL for
 * null, doubles rounded to 6 significant digits, timestamps as UTC ISO instants, text with
 * quotes, commas or line breaks quoted and escaped, sample file paths relative to the project).
 * A mismatch shows the schema diff and the first differing rows.
 *
 * <p>After an intended change of the output, regenerate and review the diff in git:
 * <pre>
 * ./mvnw -q -o -B -pl pipeline-core,jobs -am test -Dtest='GoldenTablesTest' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Drapport.golden.regenerate=true
 * </pre>
 * The job run is shared with {@link IndependentRecomputationTest} through {@link SharedSampleRun}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenTablesTest {
  static final String REGENERATE = "rapport.golden.regenerate";
  private static final int SHOWN_ROWS = 10;

  SparkSession spark;
  Path goldenDir;

  @BeforeAll
  void run() {
    SharedSampleRun.warehouse();
    spark = JobTestSupport.spark();
    goldenDir = JobTestSupport.projectRoot().resolve("jobs/src/test/resources/golden");
  }

  @AfterAll
  void stopSpark() {
    spark.stop();
  }

  @Test
  void aDiffShowsTheSchemaAndTheFirstDifferingRows() {
    String golden = "-- table t\n-- schema\na:int\nb:string\n-- rows 2\n1,x\n2,y\n";
    String actual = "-- table t\n-- schema\na:bigint\nb:string\n-- rows 2\n1,x\n2,z\n";
    assertEquals("schema:\n  golden: a:int, b:string\n  actual: a:bigint, b:string\n"
        + "rows: golden 2, actual 2\n"
        + "first differing row (#2):\n  golden: 2,y\n  actual: 2,z\n"
        + "only in golden (1):\n  - 2,y\n"
        + "only in actual (1):\n  + 2,z\n", diff(golden, actual));
    assertEquals("b=15440500 is huge, 0.5 stays", roundNumbersInText("b=1.5440473378641976E7 is huge, 0.5 stays"));
  }

  @TestFactory
  Stream<DynamicTest> everyPublishedTableMatchesItsGoldenFile() {
    return Catalog.publishedNames().stream().map(t -> DynamicTest.dynamicTest(t, () -> check(t)));
  }

  private void check(String table) throws IOException {
    String actual = render(table);
    Path file = goldenDir.resolve(table + ".txt");
    if (Boolean.getBoolean(REGENERATE)) {
      Files.createDirectories(goldenDir);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.exists(file), "no golden file " + file + "; run with -D" + REGENERATE + "=true to create it");
    String golden = Files.readString(file, StandardCharsets.UTF_8);
    if (!golden.equals(actual)) {
      fail(table + " differs from " + JobTestSupport.projectRoot().relativize(file) + " (regenerate with -D"
          + REGENERATE + "=true if the change is intended):\n" + diff(golden, actual));
    }
  }

  /** The golden text of one table: a header, the schema and the sorted rows. */
  String render(String table) {
    Dataset<Row> df = spark.read().parquet(SharedSampleRun.partition(table).toString());
    StringBuilder sb = new StringBuilder();
    sb.append("-- table ").append(table).append(" as of ").append(SharedSampleRun.AS_OF).append('\n');
    sb.append("-- schema\n");
    for (StructField f : df.schema().fields()) {
      sb.append(f.name()).append(':').append(f.dataType().simpleString()).append('\n');
    }
    // Sorted by the values column by column (numbers as numbers, nulls first), then by the text.
    List<Row> collected = new ArrayList<>(df.collectAsList());
    collected.sort(GoldenTablesTest::compareRows);
    List<String> rows = new ArrayList<>();
    for (Row r : collected) {
      rows.add(line(r));
    }
    sb.append("-- rows ").append(rows.size()).append('\n');
    rows.forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }

  private static String line(Row r) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < r.size(); i++) {
      line.append(i == 0 ? "" : ",").append(cell(r.get(i)));
    }
    return line.toString();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareRows(Row a, Row b) {
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      int c;
      if (x == null || y == null) {
        c = x == null ? (y == null ? 0 : -1) : 1;
      } else if (x instanceof Comparable && x.getClass().equals(y.getClass())) {
        c = ((Comparable) x).compareTo(y);
      } else {
        c = cell(x).compareTo(cell(y));
      }
      if (c != 0) {
        return c;
      }
    }
    return line(a).compareTo(line(b));
  }

  private static String cell(Object o) {
    if (o == null) {
      return "NULL";
    }
    if (o instanceof Double d) {
      return dbl(d);
    }
    if (o instanceof Float f) {
      return dbl(f.doubleValue());
    }
    if (o instanceof BigDecimal b) {
      return b.toPlainString();
    }
    if (o instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (o instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (o instanceof scala.collection.Seq<?> s) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < s.length(); i++) {
        parts.add(cell(s.apply(i)));
      }
      return "[" + String.join(";", parts) + "]";
    }
    if (o instanceof scala.collection.Map<?, ?> m) {
      // Sorted by key: a Scala map's own order is not part of the contract.
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      scala.collection.JavaConverters.mapAsJavaMapConverter(m).asJava()
          .forEach((k, v) -> sorted.put(String.valueOf(k), cell(v)));
      List<String> parts = new ArrayList<>();
      sorted.forEach((k, v) -> parts.add(k + "=" + v));
      return "{" + String.join(";", parts) + "}";
    }
    if (o instanceof Row r) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        parts.add(cell(r.get(i)));
      }
      return "{" + String.join(";", parts) + "}";
    }
    String s = String.valueOf(o);
    if (o instanceof String) {
      s = s.replace(JobTestSupport.projectRoot().toUri().toString(), "<project>/")
          .replace("file:" + JobTestSupport.projectRoot() + "/", "<project>/")
          .replace(JobTestSupport.projectRoot() + "/", "<project>/");
      s = roundNumbersInText(s);
      if (s.isEmpty() || s.equals("NULL") || s.matches("(?s).*[,\"\\n\\r\\\\].*")) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\"\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
      }
    }
    return s;
  }

  private static final java.util.regex.Pattern LONG_NUMBER =
      java.util.regex.Pattern.compile("-?\\d+\\.\\d{7,}(E-?\\d+)?");

  /**
   * Full-precision doubles printed into text (such as clv_model's warning "b=1.5440473378641976E7")
   * rounded like double cells, so the golden files do not pin the last bits of an optimiser.
   */
  static String roundNumbersInText(String s) {
    java.util.regex.Matcher m = LONG_NUMBER.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(dbl(Double.parseDouble(m.group()))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Six significant digits, plain notation where short: 0.123457, 1234.57, 1.23457E+9. */
  private static String dbl(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal b = new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros();
    return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e9 ? b.toPlainString() : b.toString();
  }

  /** Schema lines that differ, then the first rows only in the golden file and only in the output. */
  static String diff(String golden, String actual) {
    Section g = Section.of(golden);
    Section a = Section.of(actual);
    StringBuilder sb = new StringBuilder();
    if (!g.schema.equals(a.schema)) {
      sb.append("schema:\n  golden: ").append(String.join(", ", g.schema))
          .append("\n  actual: ").append(String.join(", ", a.schema)).append('\n');
    }
    sb.append("rows: golden ").append(g.rows.size()).append(", actual ").append(a.rows.size()).append('\n');
    for (int i = 0; i < Math.min(g.rows.size(), a.rows.size()); i++) {
      if (!g.rows.get(i).equals(a.rows.get(i))) {
        sb.append("first differing row (#").append(i + 1).append("):\n  golden: ").append(g.rows.get(i))
            .append("\n  actual: ").append(a.rows.get(i)).append('\n');
        break;
      }
    }
    Set<String> onlyGolden = new LinkedHashSet<>(g.rows);
    a.rows.forEach(onlyGolden::remove);
    Set<String> onlyActual = new LinkedHashSet<>(a.rows);
    g.rows.forEach(onlyActual::remove);
    sb.append("only in golden (").append(onlyGolden.size()).append("):\n");
    onlyGolden.stream().limit(SHOWN_ROWS).forEach(r -> sb.append("  - ").append(r).append('\n'));
    sb.append("only in actual (").append(onlyActual.size()).append("):\n");
    onlyActual.stream().limit(SHOWN_ROWS).forEach(r -> sb.append("  + ").append(r).append('\n'));
    return sb.toString();
  }

  private record Section(List<String> schema, List<String> rows) {
    static Section of(String text) {
      List<String> schema = new ArrayList<>();
      List<String> rows = new ArrayList<>();
      List<String> target = null;
      for (String line : text.split("\n", -1)) {
        if (line.equals("-- schema")) {
          target = schema;
        } else if (line.startsWith("-- rows")) {
          target = rows;
        } else if (target != null && !line.isEmpty()) {
          target.add(line);
        }
      }
      return new Section(schema, rows);
    }
  }
}
