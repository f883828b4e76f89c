package io.rapport.errors;

/**
 * A failure a user can act on, carrying the process exit code the scheduler sees
 * (SPEC section 6: 1 run failed, 2 usage or configuration error, 3 data-quality gate failed).
 * Its message is printed as is, without a stack trace.
 */
public abstract class RapportException extends RuntimeException {
  protected RapportException(String message) {
    super(message);
  }

  protected RapportException(String message, Throwable cause) {
    super(message, cause);
  }

  public abstract int exitCode();
}
