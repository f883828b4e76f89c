package io.rapport.quality;

import io.rapport.schema.Severity;

/**
 * The outcome of one data-quality check on one table.
 *
 * @param table the published table checked, e.g. {@code retention_cohorts}
 * @param check a short name, e.g. {@code period_0_retention_is_1}
 * @param severity what a failure does to the run
 * @param passed whether the check held
 * @param failingRows rows violating it (0 when passed)
 * @param detail a readable sentence, with an example of a failing row where there is one
 */
public record CheckResult(
    String table, String check, Severity severity, boolean passed, long failingRows, String detail) {

  public static CheckResult of(String table, String check, Severity severity, long failingRows, String detail) {
    return new CheckResult(table, check, severity, failingRows == 0, failingRows, detail);
  }
}
