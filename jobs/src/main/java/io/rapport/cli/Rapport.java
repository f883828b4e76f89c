package io.rapport.cli;

import io.rapport.jobs.RapportErrors;
import io.rapport.jobs.Versions;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code rapport} command: the entry point of bin/rapport and of spark-submit
 * ({@code --class io.rapport.cli.Rapport}). Results go to stdout, progress and logs to stderr.
 * Exit codes (SPEC section 6): 0 success or already complete, 1 run failed (restartable),
 * 2 usage or configuration error, 3 data-quality gate failed. Failures print one line on stderr
 * (and with {@code --json} one JSON document on stdout); stack traces only for unexpected
 * exceptions, or with {@code --debug}.
 */
@Command(
    name = "rapport",
    mixinStandardHelpOptions = true,
    versionProvider = Rapport.Version.class,
    description = "Rapport turns purchases, survey answers and reviews into customer analytics tables (Parquet) on Apache Spark.",
    subcommands = {RunCommand.class, StatusCommand.class, ValidateCommand.class, ValidateClvCommand.class,
        GenerateCommand.class, SqlCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success, or the date was already complete",
        "1:the run failed (run the same command again to restart it)",
        "2:usage, configuration or input-contract error",
        "3:data-quality gate failed (reject rate or a table check)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport run                      # bundled samples, last day in the inputs",
        "  rapport run --as-of 2025-08-31 --config /etc/rapport/rapport.yaml --json",
        "  rapport status --as-of 2025-08-31",
        "  rapport validate --as-of 2025-08-31 --require-day",
        "  rapport run --help               # every command has --help"})
public final class Rapport implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces for expected failures too (also with RAPPORT_DEBUG=1 in the environment).")
  boolean debug;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Rapport());
    cli.setExecutionExceptionHandler(Rapport::handle);
    cli.setParameterExceptionHandler(Rapport::handleUsage);
    cli.setExecutionStrategy(parsed -> {
      FailureLogging.configure(parsed.asCommandLineList().stream()
          .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--debug")));
      return new CommandLine.RunLast().execute(parsed);
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** An exception from a command: one line on stderr, the JSON document with --json, a trace only when unexpected. */
  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    int exitCode = RapportErrors.exitCode(e);
    boolean expected = RapportErrors.isExpected(e);
    if (cli.getCommand() instanceof JsonOutput.JsonCommand command && command.json()) {
      JsonOutput.print(command.failureDocument(exitCode, JsonOutput.error(RapportErrors.details(e))));
    }
    err.println("rapport: " + (expected ? RapportErrors.message(e) : "failed: " + RapportErrors.describe(e)));
    if (!expected || FailureLogging.debug()) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode;
  }

  /** A usage error: one readable line (with "did you mean" when picocli has a suggestion), exit code 2. */
  private static int handleUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String name = cli.getCommandSpec().qualifiedName();
    List<String> suggestions = e instanceof CommandLine.UnmatchedArgumentException u ? suggestions(u) : List.of();
    String line = usageLine(e, suggestions) + " (see '" + name + " --help')";
    if (Arrays.asList(args).contains("--json")) {
      String rule = e instanceof CommandLine.UnmatchedArgumentException u
          ? (u.isUnknownOption() ? "unknown_option" : cli.getCommandSpec().parent() == null ? "unknown_command" : "unexpected_argument")
          : e instanceof CommandLine.MissingParameterException ? "missing_argument" : "invalid_argument";
      RapportErrors.Details details = new RapportErrors.Details(RapportErrors.KIND_USAGE, line, rule, null, null, null,
          null, null, null);
      Map<String, Object> error = JsonOutput.error(details, suggestions);
      Map<String, Object> doc = cli.getCommand() instanceof JsonOutput.JsonCommand command
          ? command.failureDocument(EXIT_USAGE, error)
          : JsonOutput.document(cli.getCommandSpec().parent() == null ? null : name.substring("rapport ".length()), "FAILED", EXIT_USAGE,
              error, NextSteps.afterFailure(RapportErrors.KIND_USAGE, rule, null, null));
      JsonOutput.print(doc);
    }
    cli.getErr().println(name + ": " + line);
    cli.getErr().flush();
    return EXIT_USAGE;
  }

  private static String usageLine(CommandLine.ParameterException e, List<String> suggestions) {
    List<String> quoted = suggestions.stream().map(s -> "'" + s + "'").toList();
    String did = quoted.isEmpty() ? "" : quoted.size() == 1 ? "; did you mean " + quoted.get(0) + "?"
        : "; did you mean one of " + String.join(", ", quoted) + "?";
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      boolean root = e.getCommandLine().getCommandSpec().parent() == null && !first.startsWith("-");
      String what = first.startsWith("-") ? "unknown option" : root ? "unknown command" : "unexpected argument";
      return what + " '" + first + "'" + did;
    }
    String message = e.getMessage() == null ? "invalid command line" : e.getMessage().lines().findFirst().orElse("");
    return message.isEmpty() ? "invalid command line" : Character.toLowerCase(message.charAt(0)) + message.substring(1) + did;
  }

  /** picocli's suggestions, as bare names: "status", "--force". */
  private static List<String> suggestions(CommandLine.UnmatchedArgumentException e) {
    String prefix = e.getCommandLine().getCommandSpec().qualifiedName() + " ";
    return e.getSuggestions().stream().map(s -> s.startsWith(prefix) ? s.substring(prefix.length()) : s).distinct().toList();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rapport " + Versions.rapport()};
    }
  }
}
