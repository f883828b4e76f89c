package io.rapport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Whether two warehouses published the same tables for a date: for every table folder of either
 * warehouse, the row count and an order-independent checksum of all rows (DuckDB over the Parquet
 * files of {@code <table>/as_of_date=<date>/}). Doubles enter the checksum with 12 significant
 * digits, so a different summation order in the last bits does not count as a difference; every
 * other value enters exactly. The bench uses it to check that an incremental run published what
 * a run from scratch of the same date published. {@code run_metrics} is compared on metric and
 * value only: its baseline, bounds and status come from the earlier dates published in the same
 * warehouse (SPEC section 5), which an incremental warehouse has and a from-scratch one does not.
 *
 * <p>Usage: {@code WarehouseDiff <warehouse-a> <warehouse-b> <date>}; prints one line per table and
 * a last line {@code equal=true|false}; exits 1 when they differ.
 */
public final class WarehouseDiff {
  private WarehouseDiff() {}

  /** One table's row count and checksum in one warehouse (rows -1 when the partition is missing). */
  public record TableSum(String table, long rows, String checksum) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: WarehouseDiff <warehouse-a> <warehouse-b> <date>");
      System.exit(2);
    }
    LocalDate date = LocalDate.parse(args[2]);
    Path a = Path.of(args[0]);
    Path b = Path.of(args[1]);
    boolean equal = true;
    for (String table : tables(a, b, date)) {
      TableSum x = checksum(a, table, date);
      TableSum y = checksum(b, table, date);
      boolean same = x.rows() == y.rows() && Objects.equals(x.checksum(), y.checksum());
      equal &= same;
      System.out.printf(Locale.ROOT, "table=%s rows_a=%d rows_b=%d equal=%s%n", table, x.rows(), y.rows(), same);
    }
    System.out.println("equal=" + equal);
    System.exit(equal ? 0 : 1);
  }

  /** Table folders (not starting with "_") holding a partition of the date in either warehouse. */
  public static List<String> tables(Path a, Path b, LocalDate date) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (Path w : List.of(a, b)) {
      try (Stream<Path> s = Files.list(w)) {
        s.filter(p -> !p.getFileName().toString().startsWith("_") && !p.getFileName().toString().startsWith("."))
            .filter(p -> Files.isDirectory(p.resolve("as_of_date=" + date)))
            .forEach(p -> names.add(p.getFileName().toString()));
      }
    }
    return new ArrayList<>(names);
  }

  public static TableSum checksum(Path warehouse, String table, LocalDate date) throws SQLException {
    Path partition = warehouse.resolve(table).resolve("as_of_date=" + date);
    if (!Files.isDirectory(partition)) {
      return new TableSum(table, -1, null);
    }
    try (Stream<Path> s = Files.walk(partition)) {
      if (s.noneMatch(p -> p.getFileName().toString().endsWith(".parquet"))) {
        return new TableSum(table, 0, "0");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      String files = "read_parquet('" + ReferenceComparison.sql(partition) + "/**/*.parquet', hive_partitioning = false)";
      List<String> values = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + files + ")")) {
        while (rs.next()) {
          if (table.equals("run_metrics") && !List.of("metric", "value").contains(rs.getString(1))) {
            continue;
          }
          String name = '"' + rs.getString(1).replace("\"", "\"\"") + '"';
          String type = rs.getString(2);
          values.add(type.equals("DOUBLE") || type.equals("FLOAT") ? "printf('%.12g', " + name + ")" : name);
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*), CAST(coalesce(sum(CAST(hash(" + String.join(", ", values)
          + ") AS HUGEINT)), 0) AS VARCHAR) FROM " + files)) {
        rs.next();
        return new TableSum(table, rs.getLong(1), rs.getString(2));
      }
    }
  }
}
