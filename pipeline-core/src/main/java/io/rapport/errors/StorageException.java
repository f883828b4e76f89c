package io.rapport.errors;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * A file-system operation failed: a full disk, a folder this user cannot write, a lost
 * connection. The message names the operation and the path, and says whether running the same
 * command again can help (SPEC section 6): a full disk or a transient failure exits 1 (restartable:
 * the scheduler may retry, the run resumes at the failed step), a path that cannot be written
 * exits 2 (retrying cannot help until someone fixes the permissions or the setting).
 */
public final class StorageException extends RapportException {
  /** What went wrong, as far as the file system's message says. */
  public enum Problem {
    NO_SPACE("no_space", 1),
    NOT_WRITABLE("not_writable", 2),
    IO_ERROR("io_error", 1);

    private final String rule;
    private final int exitCode;

    Problem(String rule, int exitCode) {
      this.rule = rule;
      this.exitCode = exitCode;
    }

    /** The rule name in the JSON output ({@code error.rule}). */
    public String rule() {
      return rule;
    }
  }

  private final Problem problem;
  private final String path;

  private StorageException(String message, Problem problem, String path, Throwable cause) {
    super(message, cause);
    this.problem = problem;
    this.path = path;
  }

  @Override
  public int exitCode() {
    return problem.exitCode;
  }

  public Problem problem() {
    return problem;
  }

  /** The path the failed operation was working on. */
  public String path() {
    return path;
  }

  /**
   * The failure of {@code operation} (a verb phrase: "write table fact_orders to") on {@code path},
   * when {@code failure}'s causes hold a file-system error; empty for any other failure (a bug or
   * a data error must keep its own message).
   */
  public static Optional<StorageException> of(String operation, String path, Throwable failure) {
    IOException io = innermostIo(failure);
    if (io == null) {
      return Optional.empty();
    }
    Problem problem = classify(failure);
    String reason = reason(problem, io);
    String message = "Cannot " + operation + " " + path + ": " + reason + ". " + advice(problem, path);
    return Optional.of(new StorageException(message, problem, path, failure));
  }

  /**
   * A file-system failure raised where Rapport did not name the operation itself: the outermost
   * message of the form "Cannot ... &lt;path&gt;: ..." gives operation and path when there is one.
   */
  public static Optional<StorageException> find(Throwable failure) {
    IOException io = innermostIo(failure);
    if (io == null) {
      return Optional.empty();
    }
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.startsWith("Cannot ") && m.indexOf(": ") > 7) {
        String head = m.substring("Cannot ".length(), m.indexOf(": "));
        int space = head.lastIndexOf(' ');
        if (space > 0) {
          return of(head.substring(0, space), head.substring(space + 1), failure);
        }
      }
    }
    String message = io.getMessage() == null ? "" : io.getMessage();
    return of("complete a file-system operation on", message.isEmpty() ? "(path not given)" : "(" + firstLine(message) + ")",
        failure);
  }

  private static IOException innermostIo(Throwable failure) {
    IOException found = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // A JSON parse error is an IOException to Jackson, but not a storage failure.
      if (t instanceof IOException io && !t.getClass().getName().startsWith("com.fasterxml.jackson.")) {
        found = io;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return found;
  }

  /** Every message in the chain decides, not only the innermost: Spark and Hadoop wrap the OS error. */
  static Problem classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("no space left on device") || m.contains("disk quota exceeded") || m.contains("enospc")) {
        return Problem.NO_SPACE;
      }
      if (t instanceof java.nio.file.AccessDeniedException || t instanceof java.nio.file.ReadOnlyFileSystemException
          || m.contains("permission denied") || m.contains("read-only file system") || m.contains("mkdirs failed")
          || m.contains("not a directory") || m.contains("access denied")) {
        return Problem.NOT_WRITABLE;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Problem.IO_ERROR;
  }

  private static String reason(Problem problem, IOException io) {
    String m = io.getMessage() == null ? io.getClass().getSimpleName() : firstLine(io.getMessage());
    return switch (problem) {
      case NO_SPACE -> "no space left on the device (" + m + ")";
      case NOT_WRITABLE -> "this user cannot write there (" + m + ")";
      case IO_ERROR -> io.getClass().getSimpleName() + ": " + m;
    };
  }

  private static String advice(Problem problem, String path) {
    return switch (problem) {
      case NO_SPACE -> "Free space on the file system that holds it, then run the same command again: the run"
          + " restarts at the failed step, and published dates are untouched";
      case NOT_WRITABLE -> "Running again will not help until it is writable by this user (check its permissions,"
          + " a read-only mount, and the warehouse setting); then run the same command again: the run restarts at"
          + " the failed step, and published dates are untouched";
      case IO_ERROR -> "This may be transient (a lost connection, a file changed meanwhile): running the same command"
          + " again restarts at the failed step";
    };
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }
}
