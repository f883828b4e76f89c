package io.rapport.cli;

import io.rapport.catalog.Step;
import io.rapport.jobs.RapportErrors;

/** What to do after a result: one sentence, the same in the text summary and in the JSON {@code hint}. */
final class NextSteps {
  private NextSteps() {}

  static String alreadyComplete() {
    return "Nothing to do: the date is already complete. Add --force to run it again and replace its snapshot.";
  }

  /**
   * @param kind {@code error.kind} ({@link RapportErrors})
   * @param rule {@code error.rule}, may be null
   * @param failedStep the step that failed, null when the failure came before the job started
   * @param command the command's name, for {@code --help}
   */
  static String afterFailure(String kind, String rule, String failedStep, String command) {
    String restart = failedStep == null ? "" : "; the run restarts at step " + failedStep
        + (failedStep.equals(Step.INGEST.id()) ? "" : " without redoing the steps before it");
    return switch (kind) {
      case RapportErrors.KIND_USAGE -> "Correct the command line; 'rapport " + (command == null ? "" : command + " ")
          + "--help' lists the options.";
      case RapportErrors.KIND_CONFIGURATION -> "Fix the configuration as the message says, then run the same command again"
          + restart + ".";
      case RapportErrors.KIND_INPUT_CONTRACT -> "Fix the input named in the message, or its mapping in the configuration, then run the"
          + " same command again" + restart + ".";
      case RapportErrors.KIND_DATA_QUALITY -> "anomaly".equals(rule)
          ? "Compare the flagged metrics with their baseline (docs/operations.md, Reading and overriding an anomaly): fix"
              + " the export and run the same command again" + restart + ", or accept a known change for this run with"
              + " --accept-anomaly METRIC."
          : "max_reject_rate".equals(rule)
          ? "Look at the rejected rows ('rapport validate' shows a sample with reasons), fix the export or deliberately raise"
              + " the source's max-reject-rate, then run the same command again" + restart + "."
          : "Fix the data (or the configuration) behind the failed checks, then run the same command again" + restart + ".";
      case RapportErrors.KIND_RUN_IN_PROGRESS -> "Another run holds the date or the embedded job repository: wait for it to"
          + " finish, then run the same command again if it is still needed.";
      case RapportErrors.KIND_STORAGE -> "no_space".equals(rule)
          ? "Free space on the file system named in the message, then run the same command again" + restart + "."
          : "not_writable".equals(rule)
          ? "Make the path named in the message writable by this user (or correct the warehouse setting), then run the"
              + " same command again" + restart + "; retrying before that cannot help."
          : "Run the same command again" + restart + "; if it fails the same way, check the file system named in the message.";
      case RapportErrors.KIND_NOT_READY -> "Wait until the day's inputs have landed (each day folder gets its _SUCCESS marker),"
          + " then check again; the Airflow DAG retries this check.";
      default -> "Run the same command again to restart the run" + (failedStep == null ? ""
          : " at step " + failedStep + (failedStep.equals(Step.INGEST.id()) ? ""
              : "; the completed steps are not redone")) + ".";
    };
  }
}
