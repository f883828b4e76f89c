package io.rapport.jobs;

import io.rapport.errors.RapportException;

/** Finds the user-facing cause of a failure, which Spark or Spring may have wrapped. */
public final class RapportErrors {
  private RapportErrors() {}

  public static RapportException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RapportException known) {
        return known;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** One readable line: the innermost message with its exception type. */
  public static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage();
    return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
