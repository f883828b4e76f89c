package io.rapport.schema;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A data-quality check declared with its table (deequ style): what must hold, how bad a failure
 * is, and a sentence saying the rule. The quality gate evaluates every {@link RowRule} of a table
 * and its key in one aggregation each; a {@link Reconciliation} compares the table with others.
 */
public sealed interface Check permits Check.RowRule, Check.UniqueKey, Check.Reconciliation {
  /** Short snake_case name, unique within its table, e.g. {@code period_0_retention_is_1}. */
  String name();

  Severity severity();

  /** The rule in words, e.g. "customers_at_end = customers_at_start + new + reactivated - churned". */
  String rule();

  /**
   * A condition every row must meet; a row where {@code holds} is false or null fails.
   *
   * @param holds a boolean expression over the table's own columns
   */
  record RowRule(String name, Severity severity, String rule, Column holds) implements Check {}

  /** The table's key: unique, and present in the key columns declared non-null. */
  record UniqueKey(String name, Severity severity, String rule, List<String> columns) implements Check {}

  /**
   * An identity between this table and others (or between rows of this table): {@code failing}
   * returns the offending rows, {@code failingCount} aggregates them into the number reported.
   */
  record Reconciliation(String name, Severity severity, String rule, Comparison failing, Column failingCount)
      implements Check {}

  /** The rows that break a reconciliation, given the checked table and a lookup of the run's other tables. */
  @FunctionalInterface
  interface Comparison {
    Dataset<Row> failing(Dataset<Row> table, Function<String, Dataset<Row>> tables);
  }

  static RowRule rule(String name, Severity severity, String rule, Column holds) {
    return new RowRule(name, severity, rule, holds);
  }

  /** An error-level row rule: an identity the table guarantees by construction. */
  static RowRule rule(String name, String rule, Column holds) {
    return new RowRule(name, Severity.ERROR, rule, holds);
  }

  /** An error-level reconciliation counting its failing rows. */
  static Reconciliation reconcile(String name, String rule, Comparison failing) {
    return new Reconciliation(name, Severity.ERROR, rule, failing, org.apache.spark.sql.functions.count(
        org.apache.spark.sql.functions.lit(1)));
  }

  /** An error-level reconciliation whose failures are counted by {@code failingCount} (e.g. a sum of differences). */
  static Reconciliation reconcile(String name, String rule, Comparison failing, Column failingCount) {
    return new Reconciliation(name, Severity.ERROR, rule, failing, failingCount);
  }
}
