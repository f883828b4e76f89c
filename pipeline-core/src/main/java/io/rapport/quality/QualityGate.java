package io.rapport.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.rapport.schema.Check;
import io.rapport.schema.ColumnSpec;
import io.rapport.schema.Severity;
import io.rapport.schema.TableSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Evaluates the checks a table declares ({@link TableSpec#checks()}) on a built frame: the audit
 * of write-audit-publish. Per table, every {@link Check.RowRule}, the completeness of the columns
 * declared non-null and the key's uniqueness are one aggregation (on a large table the distinct
 * keys are one more query, over a hash of the key columns), and each {@link Check.Reconciliation} is
 * one query; examples of failing rows are taken in the same
 * aggregation (the smallest and largest failing key), or by one more query only when a key or a
 * reconciliation fails.
 */
public final class QualityGate {
  /** The implicit check of every table: no null in a column its declaration says is never null. */
  public static final String REQUIRED_COLUMNS_PRESENT = "required_columns_present";
  private static final int EXAMPLES = 3;

  private QualityGate() {}

  /**
   * Every check of {@code table} on {@code frame}, in declared order, then
   * {@link #REQUIRED_COLUMNS_PRESENT}.
   *
   * @param tables the run's other tables by name, for reconciliations
   */
  public static List<CheckResult> check(TableSpec table, Dataset<Row> frame, Function<String, Dataset<Row>> tables) {
    return check(table, frame, tables, DISTINCT_KEYS_APART_FROM_BYTES);
  }

  /**
   * Tables of at least this many bytes (Spark's estimate: the size of the Parquet files read)
   * count their distinct keys in a query of their own ({@link #distinctKeys}); smaller ones inside
   * the one aggregation, where a second Spark job would cost more than the shuffle it saves
   * (decision A12).
   */
  static final long DISTINCT_KEYS_APART_FROM_BYTES = 1L << 20;

  /** {@link #check(TableSpec, Dataset, Function)} with the size at which distinct keys are counted apart. */
  static List<CheckResult> check(TableSpec table, Dataset<Row> frame, Function<String, Dataset<Row>> tables,
      long distinctKeysApartFromBytes) {
    Column example = exampleKey(table);
    List<Check.RowRule> rules = new ArrayList<>();
    Check.UniqueKey key = null;
    for (Check c : table.checks()) {
      if (c instanceof Check.RowRule r) {
        rules.add(r);
      } else if (c instanceof Check.UniqueKey k) {
        key = k;
      }
    }
    rules.add(requiredColumnsPresent(table));
    boolean keysApart = key != null && estimatedBytes(frame).compareTo(BigInteger.valueOf(distinctKeysApartFromBytes)) >= 0;
    Aggregated aggregated = aggregate(table, frame, rules, key, keysApart, example);

    List<CheckResult> results = new ArrayList<>();
    for (Check c : table.checks()) {
      if (c instanceof Check.RowRule r) {
        results.add(aggregated.rules().get(rules.indexOf(r)));
      } else if (c instanceof Check.UniqueKey k) {
        // Duplicates or missing keys seen in the aggregation: count them exactly, with examples.
        results.add(aggregated.keyHolds() ? CheckResult.of(table.name(), k.name(), k.severity(), 0, k.rule() + ": holds")
            : uniqueKey(table, frame, k));
      } else if (c instanceof Check.Reconciliation r) {
        results.add(reconciliation(table, frame, r, tables));
      }
    }
    results.add(aggregated.rules().get(rules.size() - 1));
    return results;
  }

  /** The row rules' results, and whether the key can fail (a duplicate or a missing key column). */
  private record Aggregated(List<CheckResult> rules, boolean keyHolds) {}

  private static Check.RowRule requiredColumnsPresent(TableSpec table) {
    List<String> required = table.columns().stream().filter(c -> !c.nullable()).map(ColumnSpec::name).toList();
    Column holds = required.stream().map(c -> col(c).isNotNull()).reduce(lit(true), Column::and);
    return Check.rule(REQUIRED_COLUMNS_PRESENT,
        required.isEmpty() ? "no column is declared non-null" : "no null in " + String.join(", ", required), holds);
  }

  /**
   * One aggregation for the whole table: per row rule the failing rows and the smallest and
   * largest failing key; and for the key the rows, the rows lacking a key and, unless
   * {@code keysApart}, the distinct keys (else {@link #distinctKeys} counts them).
   */
  private static Aggregated aggregate(TableSpec table, Dataset<Row> frame, List<Check.RowRule> rules,
      Check.UniqueKey key, boolean keysApart, Column example) {
    List<Column> aggregates = new ArrayList<>();
    for (Check.RowRule r : rules) {
      Column failing = not(coalesce(r.holds(), lit(false)));
      Column failingKey = when(failing, example);
      aggregates.add(sum(when(failing, lit(1L)).otherwise(lit(0L))));
      aggregates.add(min(failingKey));
      aggregates.add(max(failingKey));
    }
    if (key != null) {
      aggregates.add(count(lit(1)));
      aggregates.add(sum(when(lacking(table, key), lit(1L)).otherwise(lit(0L))));
      if (!keysApart) {
        aggregates.add(countDistinct(struct(keyColumns(key))));
      }
    }
    Row row = frame.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    List<CheckResult> results = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Check.RowRule r = rules.get(i);
      long failures = row.isNullAt(3 * i) ? 0L : row.getLong(3 * i);
      results.add(CheckResult.of(table.name(), r.name(), r.severity(), failures,
          detail(r.rule(), failures, row.getString(3 * i + 1), row.getString(3 * i + 2))));
    }
    boolean keyHolds = true;
    if (key != null) {
      int k = 3 * rules.size();
      long lackingRows = row.isNullAt(k + 1) ? 0L : row.getLong(k + 1);
      long rows = row.getLong(k);
      keyHolds = lackingRows == 0 && (keysApart ? distinctKeys(frame, key, rows, KEY_HASH) : row.getLong(k + 2)) == rows;
    }
    return new Aggregated(results, keyHolds);
  }

  /**
   * The distinct keys of a frame of {@code rows} rows, in a query of their own: inside the
   * aggregation above, a distinct count makes Spark group by the key with every rule's partial
   * results attached, shuffling and spilling wide rows on a large table (decision A12). First the
   * distinct 64-bit hashes of the key are counted, which shuffles one long per row instead of the
   * key columns: distinct hashes never exceed distinct keys, so as many distinct hashes as rows
   * proves every key distinct (decision A15). Fewer (a duplicate, or a hash collision) are
   * settled by counting the distinct keys themselves.
   */
  static long distinctKeys(Dataset<Row> frame, Check.UniqueKey key, long rows, Function<Column[], Column> hash) {
    long hashes = frame.select(hash.apply(keyColumns(key))).distinct().count();
    return hashes == rows ? rows : frame.select(keyColumns(key)).distinct().count();
  }

  /** The hash {@link #distinctKeys} counts first: Spark's 64-bit xxHash of the key columns. */
  static final Function<Column[], Column> KEY_HASH = columns -> xxhash64(columns);

  private static Column[] keyColumns(Check.UniqueKey key) {
    return key.columns().stream().map(c -> col(c)).toArray(Column[]::new);
  }

  private static BigInteger estimatedBytes(Dataset<Row> frame) {
    return frame.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
  }

  /** A key column declared non-null is null. */
  private static Column lacking(TableSpec table, Check.UniqueKey key) {
    return key.columns().stream()
        .filter(c -> table.column(c).map(s -> !s.nullable()).orElse(true))
        .map(c -> col(c).isNull())
        .reduce(lit(false), Column::or);
  }

  /** Rows sharing a key with another row, or lacking a non-null key column, counted in one grouped aggregation. */
  private static CheckResult uniqueKey(TableSpec table, Dataset<Row> frame, Check.UniqueKey key) {
    Column[] keyColumns = keyColumns(key);
    Row row = frame.groupBy(keyColumns)
        .agg(count(lit(1)).as("_copies"), max(lacking(table, key)).as("_lacking"), min(exampleOf(key.columns())).as("_key"))
        .filter(col("_copies").gt(1).or(col("_lacking")))
        .agg(coalesce(sum(col("_copies")), lit(0L)), min(col("_key")), max(col("_key")))
        .first();
    long failures = row.getLong(0);
    return CheckResult.of(table.name(), key.name(), key.severity(), failures,
        detail(key.rule(), failures, row.getString(1), row.getString(2)));
  }

  private static CheckResult reconciliation(TableSpec table, Dataset<Row> frame, Check.Reconciliation r,
      Function<String, Dataset<Row>> tables) {
    Dataset<Row> failing = r.failing().failing(frame, tables);
    Row counted = failing.agg(coalesce(r.failingCount(), lit(0L)).cast("long")).first();
    long failures = counted.getLong(0);
    if (failures == 0) {
      return CheckResult.of(table.name(), r.name(), r.severity(), 0, r.rule() + ": holds");
    }
    String examples = failing.limit(EXAMPLES).collectAsList().stream()
        .map(QualityGate::describe).collect(Collectors.joining("; "));
    return CheckResult.of(table.name(), r.name(), r.severity(), failures,
        r.rule() + ": violated by " + failures + " (e.g. " + examples + ")");
  }

  /** "order_id=o4", or "period_type=month, period_start=2024-01-01, ..." for a composite key. */
  private static Column exampleKey(TableSpec table) {
    List<String> columns = table.keys().isEmpty() ? table.columnNames().subList(0, Math.min(2, table.columns().size()))
        : table.keys();
    return exampleOf(columns);
  }

  private static Column exampleOf(List<String> columns) {
    Column[] parts = columns.stream()
        .map(c -> concat_ws("=", lit(c), coalesce(col(c).cast(DataTypes.StringType), lit("null"))))
        .toArray(Column[]::new);
    return concat_ws(", ", parts);
  }

  private static String detail(String rule, long failures, String firstExample, String lastExample) {
    if (failures == 0) {
      return rule + ": holds";
    }
    String examples = firstExample == null || firstExample.equals(lastExample)
        ? String.valueOf(firstExample)
        : firstExample + "; " + lastExample;
    return rule + ": violated by " + failures + " rows (e.g. " + examples + ")";
  }

  private static String describe(Row row) {
    String[] names = row.schema().fieldNames();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      parts.add(names[i] + "=" + row.get(i));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  /** The results that stop the publish: failed errors, and failed warnings when {@code failOnWarning}. */
  public static List<CheckResult> blocking(List<CheckResult> results, boolean failOnWarning) {
    return results.stream()
        .filter(r -> !r.passed() && (r.severity() == Severity.ERROR || failOnWarning))
        .toList();
  }
}
