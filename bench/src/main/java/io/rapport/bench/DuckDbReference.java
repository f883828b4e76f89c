package io.rapport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The DuckDB reference pipeline: what a data engineer would write instead of Rapport, a few SQL
 * files ({@code bench/duckdb/*.sql}, run in name order) that compute the same purchase, survey and
 * review tables from the same generated CSV files, with the same validation, de-duplication,
 * as-of cut and definitions, written as Parquet. The CLV fit (and so customer_clv, clv_model,
 * customer_churn's p_alive and the clv_tier dimension) is left out.
 *
 * <p>Usage: {@code DuckDbReference --data DIR --as-of DATE --out DIR [--sql DIR] [--threads N]
 * [--memory 5GB] [--var name=value ...]}. {@code --data} is a folder as {@code rapport generate}
 * writes it (purchases/, surveys/, reviews/ day folders and fx-rates/rates.csv). Prints
 * {@code key=value} lines: {@code duckdb_s} (connection to the last Parquet file, without JVM
 * start), the seconds of each SQL file and of the Parquet writes, and the rows of every table and
 * the row accounting per source.
 */
public final class DuckDbReference {
  /** The published tables the reference computes, written as {@code <out>/<table>.parquet}. */
  public static final List<String> TABLES = List.of(
      "fact_orders", "fact_survey_responses", "fact_reviews", "customer_facts", "retention_cohorts",
      "churn_monthly", "kpi_monthly", "nps_summary", "csat_summary", "review_summary");

  /** {@code -Drapport.bench.trace=true}: the seconds of every statement on stderr. */
  private static final boolean TRACE = Boolean.getBoolean("rapport.bench.trace");

  private DuckDbReference() {}

  /** What one run did: total and per-step seconds, rows per table, accounting per source. */
  public record Result(double seconds, Map<String, Double> stepSeconds, Map<String, Long> rows,
      Map<String, Map<String, Long>> sourceCounts) {}

  /** Settings of one run; variables are the SQL files' {@code getvariable} names. */
  public record Options(Path data, LocalDate asOf, Path out, Path sql, int threads, String memory,
      Map<String, String> variables) {}

  public static void main(String[] args) throws Exception {
    Options options = parse(args);
    Result r = run(options);
    System.out.printf(Locale.ROOT, "duckdb_s=%.3f%n", r.seconds());
    r.stepSeconds().forEach((k, v) -> System.out.printf(Locale.ROOT, "duckdb_step_%s_s=%.3f%n", k, v));
    r.rows().forEach((k, v) -> System.out.printf(Locale.ROOT, "duckdb_rows_%s=%d%n", k, v));
    r.sourceCounts().forEach((source, counts) -> counts.forEach((k, v) ->
        System.out.printf(Locale.ROOT, "duckdb_%s_%s=%d%n", source, k, v)));
  }

  /** The variables the SQL files read, with the bench configuration's values as defaults. */
  static Map<String, String> defaultVariables(Path data, LocalDate asOf) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("purchases_glob", data.resolve("purchases") + "/*/*.csv");
    v.put("surveys_glob", data.resolve("surveys") + "/*/*.csv");
    v.put("reviews_glob", data.resolve("reviews") + "/*/*.csv");
    v.put("fx_rates_path", data.resolve("fx-rates").resolve("rates.csv").toString());
    v.put("as_of", asOf.toString());
    v.put("zone", "UTC");
    v.put("source_zone", "UTC");
    v.put("reporting_currency", "USD");
    v.put("default_currency", "USD");
    v.put("churn_threshold_days", "90");
    v.put("min_responses", "30");
    return v;
  }

  public static Result run(Options o) throws IOException, SQLException {
    List<Path> files;
    try (Stream<Path> s = Files.list(o.sql())) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .sql file in " + o.sql());
    }
    List<String> scripts = new ArrayList<>();
    for (Path f : files) {
      scripts.add(Files.readString(f));
    }
    Files.createDirectories(o.out());
    Path temp = o.out().resolve("duckdb-tmp");
    Map<String, Double> steps = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET threads = " + o.threads());
      st.execute("SET memory_limit = '" + o.memory().replace("'", "") + "'");
      st.execute("SET temp_directory = '" + temp.toString().replace("'", "''") + "'");
      st.execute("SET TimeZone = 'UTC'");
      for (Map.Entry<String, String> e : o.variables().entrySet()) {
        setVariable(c, e.getKey(), e.getValue());
      }
      for (int i = 0; i < files.size(); i++) {
        long t0 = System.nanoTime();
        for (String statement : statements(scripts.get(i))) {
          try {
            long s0 = System.nanoTime();
            st.execute(statement);
            if (TRACE) {
              System.err.printf(Locale.ROOT, "%8.3f s  %s%n", (System.nanoTime() - s0) / 1e9, firstLine(statement));
            }
          } catch (SQLException ex) {
            throw new SQLException(files.get(i).getFileName() + ": " + ex.getMessage() + "\n  in: " + firstLine(statement), ex);
          }
        }
        steps.put(files.get(i).getFileName().toString().replaceAll("\\.sql$", ""), (System.nanoTime() - t0) / 1e9);
      }
      long t0 = System.nanoTime();
      for (String table : TABLES) {
        Path file = o.out().resolve(table + ".parquet");
        Files.deleteIfExists(file);
        st.execute("COPY " + table + " TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
      }
      steps.put("write_parquet", (System.nanoTime() - t0) / 1e9);
      double seconds = (System.nanoTime() - start) / 1e9;
      for (String table : TABLES) {
        try (ResultSet r = st.executeQuery("SELECT count(*) FROM " + table)) {
          r.next();
          rows.put(table, r.getLong(1));
        }
      }
      try (ResultSet r = st.executeQuery(
          "SELECT source, read, accepted, rejected, duplicates, after_as_of FROM source_counts ORDER BY source")) {
        while (r.next()) {
          Map<String, Long> m = new LinkedHashMap<>();
          for (String k : new String[] {"read", "accepted", "rejected", "duplicates", "after_as_of"}) {
            m.put(k, r.getLong(k));
          }
          counts.put(r.getString(1), m);
        }
      }
      return new Result(seconds, steps, rows, counts);
    }
  }

  private static String firstLine(String statement) {
    return statement.lines().filter(l -> !l.isBlank() && !l.trim().startsWith("--")).findFirst().orElse("").trim();
  }

  /** Typed where the SQL needs it: dates and whole numbers; everything else is text. */
  private static void setVariable(Connection c, String name, String value) throws SQLException {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("bad variable name " + name);
    }
    String type = value.matches("\\d{4}-\\d{2}-\\d{2}") ? "DATE" : value.matches("-?\\d{1,18}") ? "BIGINT" : "VARCHAR";
    try (PreparedStatement p = c.prepareStatement("SET VARIABLE " + name + " = CAST(? AS " + type + ")")) {
      p.setString(1, value);
      p.execute();
    }
  }

  /** Splits a script at semicolons that end a line (the SQL files keep one statement per such end). */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      current.append(line).append('\n');
      String code = line.replaceAll("--.*$", "").trim();
      if (code.endsWith(";")) {
        String s = current.toString().trim();
        out.add(s.substring(0, s.lastIndexOf(';')));
        current.setLength(0);
      }
    }
    if (!current.toString().replaceAll("(?m)--.*$", "").isBlank()) {
      out.add(current.toString());
    }
    return out;
  }

  static Options parse(String[] args) {
    Path data = null;
    Path out = null;
    Path sql = Path.of(System.getProperty("rapport.bench.sql", "bench/duckdb"));
    LocalDate asOf = null;
    int threads = 2;
    String memory = "5GB";
    Map<String, String> extra = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        usage("missing value after " + a);
      }
      switch (a) {
        case "--data" -> data = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--sql" -> sql = Path.of(v);
        case "--as-of" -> asOf = LocalDate.parse(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--memory" -> memory = v;
        case "--var" -> {
          int eq = v.indexOf('=');
          if (eq < 1) {
            usage("--var needs name=value, got " + v);
          }
          extra.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> usage("unknown argument " + a);
      }
      i++;
    }
    if (data == null || out == null || asOf == null) {
      usage("--data, --as-of and --out are required");
    }
    Map<String, String> variables = defaultVariables(data, asOf);
    variables.putAll(extra);
    return new Options(data, asOf, out, sql, threads, memory, variables);
  }

  private static void usage(String problem) {
    System.err.println("DuckDbReference: " + problem);
    System.err.println("usage: DuckDbReference --data DIR --as-of DATE --out DIR [--sql DIR] [--threads N] [--memory 5GB]"
        + " [--var name=value ...]");
    System.exit(2);
  }
}
