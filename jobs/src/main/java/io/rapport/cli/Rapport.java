package io.rapport.cli;

import io.rapport.errors.RapportException;
import io.rapport.jobs.RapportErrors;
import io.rapport.jobs.Versions;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rapport} command: the entry point of bin/rapport and of spark-submit
 * ({@code --class io.rapport.cli.Rapport}). Results go to stdout, progress and logs to stderr.
 * Exit codes (SPEC section 6): 0 success or already complete, 1 run failed (restartable),
 * 2 usage or configuration error, 3 data-quality gate failed.
 */
@Command(
    name = "rapport",
    mixinStandardHelpOptions = true,
    versionProvider = Rapport.Version.class,
    description = "Customer analytics pipeline on Apache Spark: customer facts, cohorts, churn, CLV, NPS/CSAT and reviews as Parquet.",
    subcommands = {RunCommand.class, StatusCommand.class, ValidateCommand.class, ValidateClvCommand.class,
        GenerateCommand.class, SqlCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success, or the date was already complete",
        "1:the run failed (run the same command again to restart it)",
        "2:usage, configuration or input-contract error",
        "3:data-quality gate failed (reject rate or a table check)"})
public final class Rapport implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Rapport());
    cli.setExecutionExceptionHandler(Rapport::handle);
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    RapportException known = RapportErrors.find(e);
    if (known != null) {
      err.println("rapport: " + known.getMessage());
      err.flush();
      return known.exitCode();
    }
    err.println("rapport: failed: " + RapportErrors.describe(e));
    e.printStackTrace(err);
    err.flush();
    return EXIT_FAILED;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rapport " + Versions.rapport()};
    }
  }
}
