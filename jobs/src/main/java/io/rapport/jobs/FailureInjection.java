package io.rapport.jobs;

/**
 * Test hook: makes a named step fail on demand, so that restart behaviour can be exercised on a
 * real run. Set the system property or environment variable {@code RAPPORT_FAIL_AT_STEP} to a
 * step name ({@code ingest}, {@code facts}, {@code models}, {@code quality-gate}, {@code publish});
 * that step then fails at its start, before it writes anything, and the run exits with 1. Unset,
 * it does nothing. Not meant for production use; documented in docs/operations.md.
 */
public final class FailureInjection {
  public static final String VARIABLE = "RAPPORT_FAIL_AT_STEP";

  private FailureInjection() {}

  /** Called at the start of each step's tasklet; throws when {@code RAPPORT_FAIL_AT_STEP} names {@code step}. */
  public static void maybeFail(String step) {
    String target = System.getProperty(VARIABLE);
    if (target == null || target.isBlank()) {
      target = System.getenv(VARIABLE);
    }
    if (target != null && target.trim().equals(step)) {
      throw new InjectedFailure("Injected failure at the start of step " + step + " (" + VARIABLE + "=" + step
          + "); unset " + VARIABLE + " and run the same command again to restart");
    }
  }

  /** The failure the hook throws: an ordinary run failure (exit code 1, restartable). */
  public static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String message) {
      super(message);
    }
  }
}
