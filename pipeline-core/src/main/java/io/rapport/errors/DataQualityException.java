package io.rapport.errors;

/** The data-quality gate failed: a reject rate above its limit, or an error-level check (exit code 3). */
public final class DataQualityException extends RapportException {
  public DataQualityException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
