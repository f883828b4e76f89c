package io.rapport.jobs;

import io.rapport.errors.ConfigurationException;
import io.rapport.errors.DataQualityException;
import io.rapport.errors.InputContractException;
import io.rapport.errors.RapportException;
import io.rapport.errors.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the user-facing cause of a failure, which Spark or Spring may have wrapped, and reads the
 * file, column and rule it names (for {@code --json}; docs/json-output.md lists the rules).
 */
public final class RapportErrors {
  private RapportErrors() {}

  /** Kinds of failure, as {@code error.kind} in the JSON output. */
  public static final String KIND_CONFIGURATION = "configuration";
  public static final String KIND_INPUT_CONTRACT = "input_contract";
  public static final String KIND_DATA_QUALITY = "data_quality";
  public static final String KIND_RUN_IN_PROGRESS = "run_in_progress";
  public static final String KIND_RUN_FAILED = "run_failed";
  public static final String KIND_USAGE = "usage";
  public static final String KIND_NOT_READY = "inputs_not_ready";
  public static final String KIND_STORAGE = "storage";

  public static RapportException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RapportException known) {
        return known;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    // A file-system error Rapport did not wrap itself: still named, with its path and what to do.
    return failure == null ? null : StorageException.find(failure).orElse(null);
  }

  /**
   * Whether a failure is one Rapport expects and explains in one line (a configuration, input or
   * quality problem, a run already in progress, an injected test failure): no stack trace for it.
   */
  public static boolean isExpected(Throwable failure) {
    if (find(failure) != null) {
      return true;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RapportException || t instanceof FailureInjection.InjectedFailure) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
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

  /** The message Rapport prints for a failure: the known cause's, else the innermost one. */
  public static String message(Throwable failure) {
    RapportException known = find(failure);
    if (known != null) {
      return known.getMessage();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FailureInjection.InjectedFailure) {
        return t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return describe(failure);
  }

  /** The exit code of a failure: the known cause's, else 1 (a restartable run failure). */
  public static int exitCode(Throwable failure) {
    RapportException known = find(failure);
    return known != null ? known.exitCode() : 1;
  }

  /**
   * What a failure is about, as far as its message says. Every field but {@code kind} and
   * {@code message} may be null (checks: empty) when the message does not name it.
   *
   * @param kind one of the {@code KIND_*} constants
   * @param rule what was broken, e.g. {@code missing_column}, {@code max_reject_rate}
   * @param key the configuration key involved, e.g. {@code sources.purchases.max-reject-rate}
   * @param checks the failed table checks of a quality-gate failure
   */
  public record Details(String kind, String message, String rule, String source, String file, String column,
      String path, String key, List<Check> checks) {
    public Details {
      checks = checks == null ? List.of() : List.copyOf(checks);
    }
  }

  /** One failed table check of the quality gate. */
  public record Check(String table, String check, String detail) {}

  public static Details details(Throwable failure) {
    RapportException known = find(failure);
    String kind;
    if (known instanceof ConfigurationException && known.getMessage() != null && known.getMessage().startsWith("--")) {
      kind = KIND_USAGE;  // a command-line value, such as --as-of, that is not what the option takes
    } else if (known instanceof ConfigurationException) {
      kind = KIND_CONFIGURATION;
    } else if (known instanceof InputContractException) {
      kind = KIND_INPUT_CONTRACT;
    } else if (known instanceof DataQualityException) {
      kind = KIND_DATA_QUALITY;
    } else if (known instanceof DateLock.RunInProgressException || known instanceof JobRepositories.RepositoryBusyException) {
      kind = KIND_RUN_IN_PROGRESS;
    } else if (known instanceof StorageException storage) {
      return new Details(KIND_STORAGE, storage.getMessage(), storage.problem().rule(), null, null, null, storage.path(),
          null, null);
    } else {
      kind = KIND_RUN_FAILED;
    }
    return parse(kind, message(failure));
  }

  // The messages' shapes are those of pipeline-core's staging, quality and settings code; the
  // tests run real failures through this parser, so a changed message shows up there.
  private static final Pattern MISSING_COLUMN =
      Pattern.compile("^Cannot read (\\S+) from (.+?): missing column (\\S+) for canonical (\\S+)");
  private static final Pattern DUPLICATE_COLUMN =
      Pattern.compile("^Cannot read (\\S+) from (.+?): column (\\S+) appears twice");
  private static final Pattern NO_FILE = Pattern.compile("^Cannot read (\\S+): path (.+) matches no file");
  private static final Pattern PATH_NOT_SET = Pattern.compile("^Cannot read (\\S+): (sources\\.\\S+\\.path) is not set");
  private static final Pattern REJECT_RATE =
      Pattern.compile("^Too many rejected (\\S+) rows: .*? exceed (sources\\.\\S+\\.max-reject-rate)");
  private static final Pattern FX_RATES = Pattern.compile("^Cannot (?:use|read) fx-rates\\b");
  private static final Pattern FX_PATH = Pattern.compile("(?:from|by|path) (\\S+?)(?::| is| matches|$)");
  private static final Pattern QUALITY = Pattern.compile("^Quality gate failed for ");
  private static final Pattern QUALITY_LINE = Pattern.compile("^\\s+- (\\S+) / (.+?): (.*)$");
  private static final Pattern RUN_IN_PROGRESS = Pattern.compile("\\(lock (\\S+) is held");
  private static final Pattern CONFIG_KEY = Pattern.compile(
      "\\b((?:sources|reporting|retention|churn|clv|voice|quality|privacy|job-repository|spark)(?:\\.[A-Za-z0-9_-]+)+"
          + "|warehouse)\\b");
  private static final Pattern UNKNOWN_KEY = Pattern.compile("unknown key '([^']+)' at (\\S+)");
  private static final Pattern CONFIG_FILE = Pattern.compile("^(?:Cannot read|Invalid) configuration (\\S+?):");

  /** The details a message names, for a failure of the given kind. */
  public static Details parse(String kind, String message) {
    String text = message == null ? "" : message;
    String first = text.lines().findFirst().orElse("");
    Matcher m;
    if ((m = MISSING_COLUMN.matcher(first)).find()) {
      return new Details(kind, text, "missing_column", m.group(1), m.group(2), m.group(3), null, key(first), null);
    }
    if ((m = DUPLICATE_COLUMN.matcher(first)).find()) {
      return new Details(kind, text, "duplicate_column", m.group(1), m.group(2), m.group(3), null, key(first), null);
    }
    if ((m = NO_FILE.matcher(first)).find()) {
      return new Details(kind, text, "no_input_files", m.group(1), null, null, m.group(2), "sources." + m.group(1) + ".path", null);
    }
    if ((m = PATH_NOT_SET.matcher(first)).find()) {
      return new Details(kind, text, "source_not_configured", m.group(1), null, null, null, m.group(2), null);
    }
    if ((m = REJECT_RATE.matcher(first)).find()) {
      return new Details(kind, text, "max_reject_rate", m.group(1), null, null, null, m.group(2), null);
    }
    if (FX_RATES.matcher(first).find()) {
      m = FX_PATH.matcher(first);
      return new Details(kind, text, "fx_rates", "fx-rates", null, null, m.find() ? m.group(1) : null, "sources.fx-rates.path",
          null);
    }
    if (QUALITY.matcher(first).find()) {
      List<Check> checks = new ArrayList<>();
      text.lines().skip(1).forEach(line -> {
        Matcher c = QUALITY_LINE.matcher(line);
        if (c.find()) {
          checks.add(new Check(c.group(1), c.group(2), c.group(3)));
        }
      });
      // Only anomalies (run_metrics) failed: the remedy differs (--accept-anomaly), so the rule says so.
      boolean anomalies = !checks.isEmpty() && checks.stream().allMatch(c -> c.table().equals("run_metrics"));
      return new Details(kind, text, anomalies ? "anomaly" : "quality_check", null, null, null, null, null, checks);
    }
    if (KIND_RUN_IN_PROGRESS.equals(kind)) {
      if (first.contains("embedded job repository")) {
        return new Details(kind, text, "embedded_repository_in_use", null, null, null, null, "job-repository.url", null);
      }
      m = RUN_IN_PROGRESS.matcher(first);
      return new Details(kind, text, "one_run_per_date", null, m.find() ? m.group(1) : null, null, null, null, null);
    }
    if (KIND_USAGE.equals(kind)) {
      String option = first.startsWith("--") ? first.split("[ =]", 2)[0] : null;
      return new Details(kind, text, "invalid_argument", null, null, null, null, option, null);
    }
    if (KIND_CONFIGURATION.equals(kind)) {
      m = CONFIG_FILE.matcher(first);
      String file = m.find() ? m.group(1) : null;
      if (first.endsWith(": no such file")) {
        return new Details(kind, text, "no_config_file", null, file, null, null, null, null);
      }
      Matcher unknown = UNKNOWN_KEY.matcher(first);
      if (unknown.find()) {
        return new Details(kind, text, "unknown_key", null, file, null, null, unknown.group(2), null);
      }
      return new Details(kind, text, "invalid_configuration", null, file, null, null, key(first), null);
    }
    return new Details(kind, text, null, null, null, null, null, null, null);
  }

  private static String key(String line) {
    Matcher m = CONFIG_KEY.matcher(line);
    return m.find() ? m.group(1) : null;
  }
}
