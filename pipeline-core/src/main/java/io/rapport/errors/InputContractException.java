package io.rapport.errors;

/**
 * An input breaks its contract before any row is read: a required path matches nothing, or a
 * file lacks a mapped column (exit code 2). The message names the source, file, column and rule,
 * in the form "Cannot read purchases from data/p.csv: missing column unit_price (present: ...)".
 */
public final class InputContractException extends RapportException {
  public InputContractException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
