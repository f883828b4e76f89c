package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.errors.DataQualityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line as a new user meets it: every command's summary is a complete sentence, every
 * --help has examples, mistakes get one line with a suggestion, the README synopsis lists every
 * option, and the log filter keeps stack traces of expected failures off stderr.
 */
class CommandLineHelpTest {
  private static final Set<String> STANDARD = Set.of("--help", "-h", "--version", "-V", "--debug");

  private static List<CommandLine> allCommands() {
    List<CommandLine> all = new ArrayList<>();
    collect(new CommandLine(new Rapport()), all);
    return all;
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    if (command.getCommandName().equals("help")) {
      return;
    }
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  @Test
  void everySummaryIsOneCompleteSentenceAndEveryHelpHasExamples() {
    for (CommandLine command : allCommands()) {
      String name = command.getCommandSpec().qualifiedName();
      String summary = command.getCommandSpec().usageMessage().description()[0];
      assertTrue(Character.isUpperCase(summary.charAt(0)) && summary.endsWith("."), name + ": " + summary);
      assertEquals(1, summary.split("(?<=[.:;])\\s+(?=[A-Z])").length, name + " summary has more than one sentence: " + summary);
      String help = command.getUsageMessage();
      assertTrue(help.contains("Examples:\n  " + name), name + " --help has no examples:\n" + help);
    }
  }

  @Test
  void unknownCommandsAndOptionsGetOneLineWithASuggestion() {
    Captured command = Captured.run("stauts");
    assertEquals(2, command.exitCode);
    assertEquals(List.of("rapport: unknown command 'stauts'; did you mean 'status'? (see 'rapport --help')"), command.errLines());

    Captured option = Captured.run("run", "--forse");
    assertEquals(2, option.exitCode);
    assertEquals(List.of("rapport run: unknown option '--forse'; did you mean '--force'? (see 'rapport run --help')"),
        option.errLines());

    Captured missing = Captured.run("generate", "--seed", "1");
    assertEquals(2, missing.exitCode);
    assertEquals(1, missing.errLines().size(), missing.err);
    assertTrue(missing.err.startsWith("rapport generate: missing required options"), missing.err);
  }

  @Test
  void debugPrintsTheStackTraceOfAnExpectedFailure() {
    Captured quiet = Captured.run("status", "--config", "/nonexistent/rapport.yaml");
    assertEquals(List.of("rapport: Cannot read configuration /nonexistent/rapport.yaml: no such file"), quiet.errLines());

    Captured debug = Captured.run("status", "--debug", "--config", "/nonexistent/rapport.yaml");
    assertEquals(2, debug.exitCode);
    assertTrue(debug.err.contains("\tat io.rapport.config.SettingsLoader.load"), debug.err);
  }

  @Test
  void readmeSynopsisListsEveryOptionOfEveryCommand() throws IOException {
    String readme = Files.readString(projectRoot().resolve("README.md"));
    Matcher block = Pattern.compile("## Commands\\s+```\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(), "README has no Commands synopsis");
    List<String> lines = block.group(1).lines().toList();
    for (CommandLine command : allCommands()) {
      String name = command.getCommandSpec().qualifiedName().replaceFirst("^rapport", "bin/rapport");
      List<String> synopsis = lines.stream().filter(l -> l.matches(Pattern.quote(name) + "( .*|$)")).toList();
      assertFalse(synopsis.isEmpty(), "README synopsis has no line for " + name);
      for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
        if (STANDARD.contains(option.longestName())) {
          continue;
        }
        assertTrue(synopsis.stream().anyMatch(l -> l.contains(option.longestName() + " ") || l.endsWith(option.longestName())
                || l.contains(option.longestName() + "]")),
            "README synopsis of " + name + " lacks " + option.longestName());
      }
    }
    assertTrue(block.group(1).contains("--debug"), "README synopsis does not mention --debug");
  }

  @Test
  void stepFailureLogIsDroppedOnlyForExpectedFailuresWithoutDebug() {
    FailureLogging.ExpectedStepFailureFilter filter = new FailureLogging.ExpectedStepFailureFilter();
    Log4jLogEvent expected = stepFailure(new RuntimeException(new DataQualityException("Too many rejected purchases rows")));
    Log4jLogEvent unexpected = stepFailure(new IllegalStateException("No space left on device"));
    try {
      FailureLogging.configure(false);
      assertEquals(Filter.Result.DENY, filter.filter(expected));
      assertEquals(Filter.Result.NEUTRAL, filter.filter(unexpected), "an unexpected failure keeps its trace");
      FailureLogging.configure(true);
      assertEquals(Filter.Result.NEUTRAL, filter.filter(expected), "--debug keeps every trace");
    } finally {
      FailureLogging.configure(false);
    }
  }

  private static Log4jLogEvent stepFailure(Throwable thrown) {
    return Log4jLogEvent.newBuilder().setLoggerName(FailureLogging.STEP_LOGGER).setLevel(Level.ERROR)
        .setMessage(new SimpleMessage("Encountered an error executing step ingest in job rapport")).setThrown(thrown).build();
  }

  private static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    return p;
  }

  /** A command run in-process with stdout and stderr captured. */
  record Captured(int exitCode, String out, String err) {
    static Captured run(String... args) {
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        int code = Rapport.execute(args);
        return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }
}
